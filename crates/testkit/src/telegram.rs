//! One fake Telegram Bot API (and webhook receiver) for every test: a local server on
//! `127.0.0.1:0` that records each request and answers from a script.

use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// What the fake saw: the request path (which holds the bot token) and the JSON body.
pub type Seen = Arc<Mutex<Vec<(String, Value)>>>;

/// A running fake Bot API.
#[derive(Debug, Clone)]
pub struct FakeBotApi {
    /// `http://127.0.0.1:<port>`: what `telegram_api_base` (or a webhook URL) points at.
    pub base: String,
    seen: Seen,
}

impl FakeBotApi {
    /// A fake that answers every request `200 {"ok": true, ...}` with a message id.
    pub async fn ok() -> FakeBotApi {
        Self::scripted(vec![(200, sent())]).await
    }

    /// A fake that answers the n-th request with the n-th `(status, body)` of the script, and
    /// every request after the script with its last entry.
    pub async fn scripted(script: Vec<(u16, Value)>) -> FakeBotApi {
        let seen: Seen = Arc::default();
        let record = seen.clone();
        let script = Arc::new(script);
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri, body: String| {
            let record = record.clone();
            let script = script.clone();
            async move {
                let mut seen = record.lock().expect("fake bot api lock");
                seen.push((
                    uri.path().to_owned(),
                    serde_json::from_str(&body).unwrap_or(Value::Null),
                ));
                let (status, answer) = script[(seen.len() - 1).min(script.len() - 1)].clone();
                (
                    axum::http::StatusCode::from_u16(status).expect("status"),
                    axum::Json(answer),
                )
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake bot api");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeBotApi {
            base: format!("http://{addr}"),
            seen,
        }
    }

    /// Every request so far: path and JSON body.
    pub fn requests(&self) -> Vec<(String, Value)> {
        self.seen.lock().expect("fake bot api lock").clone()
    }

    /// The shared record, for tests that read it while requests arrive.
    pub fn seen(&self) -> Seen {
        self.seen.clone()
    }
}

/// A `sendMessage` answer for a channel message with id 42.
pub fn sent() -> Value {
    json!({"ok": true, "result": {"message_id": 42, "chat": {"id": -1001, "username": "harm_help_test", "type": "channel"}}})
}
