//! `netreach bench --notify`: the time from a client's post to the notification leaving the
//! server, with 50 staff members subscribed (console and e-mail) to a client's reply in an
//! unassigned conversation, on a scratch SQLite database. The e-mails go to an SMTP sink on
//! 127.0.0.1 that stamps each one as it is accepted. Measured in one run, as parts of the same
//! whole: (1) the post itself, with the outbox rows and the 50 console notices written before
//! the client is answered; (2) from the post to each e-mail accepted by the sink, with the
//! delivery step run at once (the background job adds at most its 5 s period on top).

use crate::bench::{ms, percentile};
use crate::say;
use anyhow::bail;
use netreach_app::conversations::{self, IntakeAnswers, NewRequest};
use netreach_app::settings::Settings;
use netreach_core::notification::{Event, Transport};
use netreach_core::{Lang, Role, Topic, UserId, Username};
use netreach_store::{NewStaffUser, NotificationProfile};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// How many staff members are subscribed.
const STAFF: usize = 50;

/// An SMTP server that accepts everything and stamps the moment each message's data ends.
async fn sink(stamps: Arc<Mutex<Vec<Instant>>>) -> anyhow::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let stamps = stamps.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                if write.write_all(b"220 sink\r\n").await.is_err() {
                    return;
                }
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    let answer: &[u8] = if in_data {
                        if line != "." {
                            continue;
                        }
                        in_data = false;
                        if let Ok(mut s) = stamps.lock() {
                            s.push(Instant::now());
                        }
                        b"250 OK\r\n"
                    } else {
                        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                        match verb.as_str() {
                            "DATA" => {
                                in_data = true;
                                b"354 go on\r\n"
                            }
                            "EHLO" => b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 OK\r\n",
                        }
                    };
                    if write.write_all(answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok(addr)
}

pub async fn run(mut settings: Settings, posts: u32) -> anyhow::Result<()> {
    let stamps = Arc::new(Mutex::new(Vec::new()));
    let addr = sink(stamps.clone()).await?;
    let scratch = crate::bench::tempdir("netreach-bench-notify")?;
    settings.data = scratch.clone();
    settings.database_url = None;
    settings.database_url_file = None;
    settings.email.smtp_url = Some(format!("smtp://{addr}").into());
    settings.email.smtp_url_file = None;
    settings.email.from = Some("bench@example.org".into());
    settings.conversations.client_messages_per_hour = u32::MAX;
    let store = crate::connect(&settings).await?;
    store.migrate().await?;
    let store: Arc<dyn netreach_store::Store> = Arc::new(store);
    let state = netreach_app::build(store, settings, Arc::new(netreach_core::SystemClock))?;
    let admin = netreach_app::accounts::create_user_as_operator(
        &state,
        "bench-admin",
        Role::Admin,
        "bench password 1234".into(),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    netreach_app::accounts::first_inbox(&state, &admin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = state.clock.now();
    for i in 0..STAFF {
        // Straight into the store: fifty Argon2id hashes would only time the hashing.
        let user = state
            .store
            .create_user(NewStaffUser {
                id: UserId::new_random(),
                username: Username::parse(&format!("staff-{i}"))
                    .map_err(|e| anyhow::anyhow!("{e}"))?,
                role: Role::Worker,
                password_hash: "not a hash: this account never signs in".into(),
                created_at: now,
                keys: None,
            })
            .await?;
        state
            .store
            .set_notification_profile(&NotificationProfile {
                user_id: user.id,
                email: Some(format!("staff-{i}@example.org")),
                quiet_hours: String::new(),
                on_call: false,
                choices: vec![
                    (Event::ClientReplyUnassigned, Transport::Console),
                    (Event::ClientReplyUnassigned, Transport::Email),
                ],
                updated_at: now,
            })
            .await?;
    }
    let started = conversations::start(
        &state,
        NewRequest {
            topic: Topic::Other,
            lang: Lang::En,
            message: "bench".into(),
            intake: IntakeAnswers::default(),
            channel: "web",
        },
    )
    .await?;
    let access = conversations::ClientAccess::new(started.conversation, started.secret);
    say(&format!(
        "netreach bench --notify on sqlite: {posts} client posts, {STAFF} staff subscribed by console and e-mail"
    ));
    let (mut post_times, mut each, mut last) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..posts {
        let before = stamps.lock().map(|s| s.len()).unwrap_or(0);
        let t0 = Instant::now();
        conversations::client_post(&state, &access, &format!("bench post {i}")).await?;
        post_times.push(t0.elapsed());
        let deadline = t0 + Duration::from_secs(60);
        loop {
            netreach_app::notify::send_due(&state).await?;
            let arrived = stamps.lock().map(|s| s.len()).unwrap_or(0) - before;
            if arrived >= STAFF {
                break;
            }
            if Instant::now() > deadline {
                bail!("only {arrived} of {STAFF} e-mails of post {i} arrived within 60 s");
            }
        }
        let mine: Vec<Instant> = stamps
            .lock()
            .map(|s| s[before..].to_vec())
            .unwrap_or_default();
        each.extend(mine.iter().map(|at| at.duration_since(t0)));
        if let Some(at) = mine.iter().max() {
            last.push(at.duration_since(t0));
        }
    }
    let post_p95 = percentile(&mut post_times, 0.95);
    let each_p95 = percentile(&mut each, 0.95);
    let last_p95 = percentile(&mut last, 0.95);
    say(&format!(
        "client post with {STAFF} console notices and {STAFF} outbox rows written: p50 {} p95 {}",
        ms(percentile(&mut post_times, 0.5)),
        ms(post_p95)
    ));
    say(&format!(
        "post to each e-mail accepted by the SMTP sink (delivery step run at once): p50 {} p95 {}",
        ms(percentile(&mut each, 0.5)),
        ms(each_p95)
    ));
    say(&format!(
        "post to the last of its {STAFF} e-mails: p95 {}; ratios: e-mail p95 / post p95 = {:.1}, e-mail p95 / the job's 5 s period = {:.3}",
        ms(last_p95),
        each_p95.as_secs_f64() / post_p95.as_secs_f64().max(f64::EPSILON),
        each_p95.as_secs_f64() / 5.0
    ));
    state.store.close().await;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}
