use crate::conversations::start;
use netreach_core::Role;
use netreach_testkit::{TestApp, TestBackend, TestDb};

#[tokio::test]
async fn urgent_conversations_notify_on_call_staff_without_any_content() {
    // One local stand-in answers both the webhook and the Telegram Bot API.
    let fake = netreach_testkit::FakeBotApi::ok().await;
    let (base, seen) = (fake.base.clone(), fake.seen());
    let db = TestDb::new(TestBackend::Sqlite).await;
    let hook = format!("{base}/hook");
    let api = base.clone();
    let app = TestApp::spawn_on(db, move |s| {
        s.notify.webhook_url = Some(hook.into());
        s.notify.telegram_bot_token = Some("123456:SECRET-token".to_owned().into());
        s.notify.telegram_chat_id = Some("-1001".into());
        s.notify.telegram_api_base = api;
    })
    .await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    start(&app, "other", "not urgent at all", "en").await;
    let (_, id) = start(&app, "overdose", "SECRETCANARY he is blue", "en").await;
    assert!(
        seen.lock().unwrap().is_empty(),
        "sent by the job, not the request"
    );
    assert_eq!(netreach_app::notify::send_due(&app.state).await.unwrap(), 2);
    assert_eq!(
        netreach_app::notify::send_due(&app.state).await.unwrap(),
        0,
        "delivered notifications leave the outbox"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        2,
        "exactly one webhook and one Telegram message: {seen:?}"
    );
    let hook = seen
        .iter()
        .find(|(path, _)| path == "/hook")
        .expect("webhook");
    let body = &hook.1;
    assert_eq!(body["event"], "urgent_conversation");
    assert_eq!(body["console_path"], format!("/staff/conversations/{id}"));
    let telegram = seen
        .iter()
        .find(|(path, _)| path == "/bot123456:SECRET-token/sendMessage")
        .expect("telegram");
    assert_eq!(telegram.1["chat_id"], "-1001");
    assert_eq!(
        telegram.1["link_preview_options"]["is_disabled"], true,
        "Telegram must not fetch the console address for a preview"
    );
    for (_, body) in &seen {
        let body = body.to_string();
        assert!(
            !body.contains("SECRETCANARY") && !body.contains("blue"),
            "content sent out: {body}"
        );
    }
    assert!(
        !netreach_testkit::captured_logs().contains("SECRET-token"),
        "bot token logged"
    );
}
