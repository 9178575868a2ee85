//! `netreach bench --telegram`: client messages per second from a Bot API (a local stand-in on
//! 127.0.0.1 that hands out queued updates as Telegram does) into the inbox, each stored sealed and
//! durably, answered and marked handled; against web client posts (sealed to two keys and
//! committed) timed in the same run on the same database, as the yardstick.

use crate::say;
use anyhow::{Context, bail};
use netreach_app::conversations::{self, IntakeAnswers, NewRequest};
use netreach_app::settings::Settings;
use netreach_core::{Lang, Role, Topic};
use netreach_store::{AccountStore, Store};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Distinct chats, and messages from each.
const CHATS: i64 = 200;
const PER_CHAT: i64 = 10;
const TOKEN: &str = "123456789:AAEbenchbenchbenchbenchbenchbench123";

/// The stand-in's queue: every update, and how far the bot has confirmed.
type Queue = Arc<Mutex<Vec<Value>>>;

async fn fake_bot_api(queue: Queue) -> anyhow::Result<String> {
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri, body: String| {
        let queue = queue.clone();
        async move {
            let method = uri.path().rsplit('/').next().unwrap_or("").to_owned();
            let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let result = match method.as_str() {
                "getMe" => json!({"id": 77, "is_bot": true, "username": "bench_bot"}),
                "getUpdates" => {
                    let offset = body["offset"].as_i64().unwrap_or(0);
                    let mut queue = queue.lock().unwrap_or_else(|e| e.into_inner());
                    queue.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                    Value::Array(queue.iter().take(100).cloned().collect())
                }
                "sendMessage" => json!({"message_id": 1, "chat": {"id": body["chat_id"]}}),
                _ => json!(true),
            };
            axum::Json(json!({"ok": true, "result": result}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}

pub async fn run(mut settings: Settings) -> anyhow::Result<()> {
    let scratch = crate::bench::tempdir("netreach-bench-telegram")?;
    settings.data = scratch;
    settings.database_url = None;
    settings.database_url_file = None;
    let mut updates = Vec::new();
    for n in 0..CHATS * PER_CHAT {
        let chat = 10_000 + n % CHATS;
        updates.push(json!({"update_id": 1 + n, "message": {"message_id": n, "date": 0,
            "chat": {"id": chat, "type": "private", "first_name": "Bench"},
            "from": {"id": chat, "is_bot": false, "language_code": "ru"},
            "text": format!("Сообщение {n}: можно ли совмещать эти два вещества сегодня вечером?")}}));
    }
    let total = updates.len();
    let queue: Queue = Arc::new(Mutex::new(updates));
    settings.telegram.api_base = fake_bot_api(queue.clone()).await?;
    settings.telegram.poll_seconds = 0;
    settings.conversations.client_messages_per_hour = 100_000;
    let store = crate::connect(&settings).await?;
    store.migrate().await?;
    if store.count_users().await? > 0 {
        bail!("netreach bench runs only on an empty database: it writes synthetic data");
    }
    let backend = store.backend().name();
    let store: Arc<dyn Store> = Arc::new(store);
    let state = netreach_app::build(store, settings, Arc::new(netreach_core::SystemClock))?;
    let password = "bench password 1234";
    let admin = netreach_app::accounts::create_user_as_operator(
        &state,
        "bench-admin",
        Role::Admin,
        password.into(),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    netreach_app::accounts::first_inbox(&state, &admin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (record, token) = netreach_app::accounts::sign_in_for_token(
        &state,
        "bench-admin",
        password.into(),
        None,
        "bench",
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let staff = netreach_app::policy::Staff::new(
        admin,
        token,
        record.wrapped_inbox_key,
        netreach_app::keys::API_WRAP,
    );
    netreach_app::telegram::connect(&state, &staff, TOKEN)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    say(&format!(
        "netreach bench --telegram on {backend}: {total} messages from {CHATS} chats"
    ));

    // 1. Telegram: fetched, stored sealed before the offset moves, handled (sealed into the
    // conversation, the client answered) and marked handled.
    let clock = Instant::now();
    let mut handled = 0;
    while handled < total {
        let n = netreach_app::telegram::poll_once(&state)
            .await
            .context("polling")?;
        if n == 0 && queue.lock().map(|q| q.is_empty()).unwrap_or(true) {
            break;
        }
        handled += n;
    }
    let telegram = clock.elapsed();
    if handled != total {
        bail!("only {handled} of {total} updates were handled");
    }
    let telegram_rate = total as f64 / telegram.as_secs_f64();
    say(&format!(
        "telegram: {total} messages in {:.2} s = {telegram_rate:.0} messages/s (one poller)",
        telegram.as_secs_f64()
    ));

    // 2. The yardstick: the same number of web client posts, one writer.
    let started = conversations::start(
        &state,
        NewRequest {
            topic: Topic::Substances,
            lang: Lang::Ru,
            message: "bench".into(),
            intake: IntakeAnswers::default(),
            channel: "web",
        },
    )
    .await?;
    let access = conversations::ClientAccess::new(started.conversation, started.secret);
    let clock = Instant::now();
    for n in 0..total {
        conversations::client_post(
            &state,
            &access,
            &format!("Сообщение {n}: можно ли совмещать эти два вещества сегодня вечером?"),
        )
        .await?;
    }
    let web = clock.elapsed();
    let web_rate = total as f64 / web.as_secs_f64();
    say(&format!(
        "web client posts: {total} in {:.2} s = {web_rate:.0} posts/s (one writer)",
        web.as_secs_f64()
    ));
    say(&format!(
        "ratio telegram / web: {:.2}",
        telegram_rate / web_rate
    ));
    state.store.close().await;
    Ok(())
}
