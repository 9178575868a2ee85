//! A fake SMTP server for tests: a local sink on `127.0.0.1:0` that accepts every message
//! (plain SMTP, no TLS, no authentication) and keeps what it received.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The `MAIL FROM` and `RCPT TO` lines as sent.
    pub envelope: Vec<String>,
    /// Everything after `DATA`: headers and body, dot-unstuffed, lines joined with `\n`.
    pub data: String,
}

/// A running SMTP sink.
#[derive(Debug, Clone)]
pub struct FakeSmtp {
    /// `smtp://127.0.0.1:<port>`: what `email.smtp_url` points at.
    pub url: String,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl FakeSmtp {
    pub async fn start() -> FakeSmtp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake smtp");
        let addr = listener.local_addr().expect("local addr");
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let keep = mails.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let keep = keep.clone();
                tokio::spawn(async move {
                    let _ = session(socket, keep).await;
                });
            }
        });
        FakeSmtp {
            url: format!("smtp://{addr}"),
            mails,
        }
    }

    /// Every message received so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("fake smtp lock").clone()
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    keep: Arc<Mutex<Vec<Mail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 fake ESMTP\r\n").await?;
    let mut envelope = Vec::new();
    let mut data: Option<Vec<String>> = None;
    while let Some(line) = lines.next_line().await? {
        if let Some(body) = data.as_mut() {
            if line == "." {
                let text = body.join("\n");
                keep.lock().expect("fake smtp lock").push(Mail {
                    envelope: std::mem::take(&mut envelope),
                    data: text,
                });
                data = None;
                write.write_all(b"250 queued\r\n").await?;
            } else {
                body.push(line.strip_prefix('.').unwrap_or(&line).to_owned());
            }
            continue;
        }
        let upper = line.to_ascii_uppercase();
        let answer: &[u8] = if upper.starts_with("EHLO") {
            b"250-fake\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL") || upper.starts_with("RCPT") {
            envelope.push(line.clone());
            b"250 ok\r\n"
        } else if upper.starts_with("DATA") {
            data = Some(Vec::new());
            b"354 go ahead\r\n"
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper.starts_with("HELO")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            b"250 ok\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(answer).await?;
    }
    Ok(())
}
