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

/// A fake of the Bot API for the organisation's two-way bot: answers each method as Telegram
/// does (`getMe`, `getUpdates` honouring the offset, `sendMessage`, `getFile` and file
/// downloads, `answerCallbackQuery`, `setWebhook`, `deleteWebhook`), with failures and delays
/// the test asks for, and records every call.
#[derive(Debug, Clone)]
pub struct FakeBot {
    /// `http://127.0.0.1:<port>`: what `telegram.api_base` points at.
    pub base: String,
    inner: Arc<Mutex<BotState>>,
}

#[derive(Debug, Default)]
struct BotState {
    next_update: i64,
    updates: Vec<Value>,
    calls: Vec<(String, Value)>,
    send_failures: std::collections::VecDeque<(u16, Value)>,
    update_failures: std::collections::VecDeque<(u16, Value)>,
    files: std::collections::HashMap<String, Vec<u8>>,
    poll_delay: Option<std::time::Duration>,
    send_delay: Option<std::time::Duration>,
    next_message: i64,
}

/// The bot the fake says it is.
pub const FAKE_BOT_ID: i64 = 4242;
pub const FAKE_BOT_USERNAME: &str = "org_help_test_bot";
/// A token of the right shape; the fake refuses `123456789:refused...` tokens.
pub const FAKE_TOKEN: &str = "123456789:AAEexampleexampleexampleexample123";

impl FakeBot {
    pub async fn start() -> FakeBot {
        let inner: Arc<Mutex<BotState>> = Arc::new(Mutex::new(BotState {
            next_update: 1000,
            next_message: 500,
            ..BotState::default()
        }));
        let shared = inner.clone();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri, body: String| {
            let shared = shared.clone();
            async move { answer(&shared, uri.path(), &body).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake bot");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeBot {
            base: format!("http://{addr}"),
            inner,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BotState> {
        self.inner.lock().expect("fake bot lock")
    }

    /// Queues an update (its `update_id` is given here) and returns that id.
    pub fn push(&self, mut update: Value) -> i64 {
        let mut state = self.lock();
        state.next_update += 1;
        let id = state.next_update;
        update["update_id"] = json!(id);
        state.updates.push(update);
        id
    }

    /// The next `sendMessage` calls are answered with these, in order.
    pub fn fail_sends(&self, answers: Vec<(u16, Value)>) {
        self.lock().send_failures.extend(answers);
    }

    /// The next `getUpdates` calls are answered with these, in order.
    pub fn fail_updates(&self, answers: Vec<(u16, Value)>) {
        self.lock().update_failures.extend(answers);
    }

    /// `getUpdates` waits this long before answering (a long poll in progress).
    pub fn delay_polls(&self, delay: std::time::Duration) {
        self.lock().poll_delay = Some(delay);
    }

    /// `sendMessage` waits this long before answering (a node stopped while sending).
    pub fn delay_sends(&self, delay: std::time::Duration) {
        self.lock().send_delay = Some(delay);
    }

    /// A file the bot can download with `getFile`.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        self.lock().files.insert(file_id.to_owned(), bytes);
    }

    /// Every call: method name and JSON body.
    pub fn calls(&self) -> Vec<(String, Value)> {
        self.lock().calls.clone()
    }

    /// How many times a method was called.
    pub fn count(&self, method: &str) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|(m, _)| m == method)
            .count()
    }

    /// The texts sent to a chat with `sendMessage`.
    pub fn texts_to(&self, chat: i64) -> Vec<String> {
        self.lock()
            .calls
            .iter()
            .filter(|(m, body)| m == "sendMessage" && body["chat_id"] == json!(chat))
            .map(|(_, body)| body["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// A private text message from a client whose Telegram speaks `lang`; the sender's username,
/// name and phone ride along as Telegram sends them, for tests to prove none is kept.
pub fn private_text(chat: i64, text: &str, lang: &str) -> Value {
    json!({"message": {"message_id": 7, "date": 1_780_000_000,
        "chat": {"id": chat, "type": "private", "username": "canary_user", "first_name": "CanaryFirst", "last_name": "CanaryLast"},
        "from": {"id": chat, "is_bot": false, "first_name": "CanaryFirst", "username": "canary_user", "language_code": lang},
        "contact": {"phone_number": "+70000000000"},
        "text": text}})
}

/// A pressed button under one of the bot's messages.
pub fn button(chat: i64, data: &str, lang: &str) -> Value {
    json!({"callback_query": {"id": "cb1", "data": data,
        "from": {"id": chat, "is_bot": false, "first_name": "CanaryFirst", "language_code": lang},
        "message": {"message_id": 8, "chat": {"id": chat, "type": "private"}}}})
}

/// A message in a group the bot is in.
pub fn group_text(group: i64, text: &str) -> Value {
    json!({"message": {"message_id": 9, "date": 1_780_000_000,
        "chat": {"id": group, "type": "supergroup", "title": "Group"},
        "from": {"id": 5, "is_bot": false, "first_name": "Someone", "language_code": "en"},
        "text": text}})
}

async fn answer(shared: &Arc<Mutex<BotState>>, path: &str, body: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let ok = |result: Value| axum::Json(json!({"ok": true, "result": result})).into_response();
    if let Some(rest) = path.strip_prefix("/file/") {
        let file_id = rest.rsplit('/').next().unwrap_or("");
        let bytes = shared
            .lock()
            .expect("fake bot lock")
            .files
            .get(file_id)
            .cloned();
        return match bytes {
            Some(bytes) => bytes.into_response(),
            None => axum::http::StatusCode::NOT_FOUND.into_response(),
        };
    }
    let method = path.rsplit('/').next().unwrap_or("").to_owned();
    let token_refused = path.contains("/bot123456789:refused");
    let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let delay = {
        let mut state = shared.lock().expect("fake bot lock");
        state.calls.push((method.clone(), body.clone()));
        match method.as_str() {
            "getUpdates" => state.poll_delay,
            "sendMessage" => state.send_delay,
            _ => None,
        }
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    if token_refused {
        return (
            axum::http::StatusCode::UNAUTHORIZED,
            axum::Json(json!({"ok": false, "error_code": 401, "description": "Unauthorized"})),
        )
            .into_response();
    }
    let mut state = shared.lock().expect("fake bot lock");
    let scripted = match method.as_str() {
        "sendMessage" => state.send_failures.pop_front(),
        "getUpdates" => state.update_failures.pop_front(),
        _ => None,
    };
    if let Some((status, answer)) = scripted {
        return (
            axum::http::StatusCode::from_u16(status).expect("status"),
            axum::Json(answer),
        )
            .into_response();
    }
    match method.as_str() {
        "getMe" => ok(
            json!({"id": FAKE_BOT_ID, "is_bot": true, "first_name": "Org help", "username": FAKE_BOT_USERNAME}),
        ),
        "getUpdates" => {
            let offset = body["offset"].as_i64().unwrap_or(0);
            state
                .updates
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            ok(Value::Array(state.updates.clone()))
        }
        "sendMessage" => {
            state.next_message += 1;
            ok(
                json!({"message_id": state.next_message, "date": 1_780_000_000, "chat": {"id": body["chat_id"], "type": "private"}}),
            )
        }
        "getFile" => {
            let id = body["file_id"].as_str().unwrap_or("").to_owned();
            match state.files.get(&id) {
                Some(bytes) => ok(
                    json!({"file_id": id, "file_size": bytes.len(), "file_path": format!("files/{id}")}),
                ),
                None => (
                    axum::http::StatusCode::BAD_REQUEST,
                    axum::Json(
                        json!({"ok": false, "error_code": 400, "description": "Bad Request: invalid file_id"}),
                    ),
                )
                    .into_response(),
            }
        }
        _ => ok(json!(true)),
    }
}
