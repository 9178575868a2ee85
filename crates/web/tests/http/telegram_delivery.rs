//! The Telegram bot when things go wrong: Telegram failing or slow, several nodes, a webhook
//! called twice, a node stopped mid-update. Nothing is lost and nothing is stored twice.

use super::telegram::{
    admin_token, api, bot_app, bot_status, connect, poll, telegram_conversations, thread,
};
use netreach_core::Role;
use netreach_testkit::TestBackend;
use netreach_testkit::telegram::{FakeBot, private_text};
use serde_json::{Value, json};

#[tokio::test]
async fn telegram_failures_are_retried_and_an_undelivered_reply_is_marked_and_sent_again() {
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let chat = 42_421;
    fake.push(private_text(chat, "hello", "en"));
    fake.fail_updates(vec![(
        502,
        json!({"ok": false, "description": "Bad Gateway"}),
    )]);
    assert_eq!(poll(&app).await, 0);
    let status = bot_status(&app, &token).await;
    assert!(status["last_error"].as_str().unwrap().contains("502"));
    assert_eq!(poll(&app).await, 1, "nothing lost: the update comes again");
    let id = telegram_conversations(&app, &token).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // 429 with a short retry_after is waited out within the reply.
    fake.fail_sends(vec![(
        429,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 1}}),
    )]);
    let reply = |text: &str| {
        api(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/staff/conversations/{id}/messages"),
            &token,
        )
        .json(&json!({ "message": text }))
        .send()
    };
    assert!(reply("first answer").await.unwrap().status().is_success());
    assert!(fake.texts_to(chat).iter().any(|t| t == "first answer"));

    // Three 5xx in a row: the reply is kept, marked not delivered, and can be sent again.
    let down = (
        500,
        json!({"ok": false, "description": "Internal Server Error"}),
    );
    fake.fail_sends(vec![down.clone(), down.clone(), down]);
    assert!(reply("second answer").await.unwrap().status().is_success());
    let tries = |fake: &FakeBot| {
        fake.texts_to(chat)
            .iter()
            .filter(|t| *t == "second answer")
            .count()
    };
    assert_eq!(tries(&fake), 3, "three attempts, each refused");
    let opened = thread(&app, &token, &id).await;
    let failed = opened["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["delivery"] == "failed")
        .expect("marked failed")
        .clone();
    let (browser, _) = app.signed_in("worker", Role::Worker).await;
    let page = browser
        .get(&format!("/staff/conversations/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Not delivered to Telegram"));
    let resend = format!(
        "/staff/conversations/{id}/messages/{}/resend",
        failed["id"].as_str().unwrap()
    );
    assert!(page.contains(&resend));
    let response = browser.post_form(&resend, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(tries(&fake), 4, "sent again, and taken");
    let opened = thread(&app, &token, &id).await;
    assert!(
        !opened.to_string().contains("\"failed\""),
        "delivered now: {opened}"
    );
}

#[tokio::test]
async fn only_one_node_polls_and_no_update_is_handled_twice() {
    let backend = if TestBackend::all().contains(&TestBackend::Postgres) {
        TestBackend::Postgres
    } else {
        TestBackend::Sqlite
    };
    let fake = FakeBot::start().await;
    let app = bot_app(backend, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let second = netreach_app::build(
        std::sync::Arc::new(app.db.store().await),
        (*app.state.settings).clone(),
        app.clock.clone(),
    )
    .unwrap();
    fake.push(private_text(31, "from one client", "en"));
    fake.delay_polls(std::time::Duration::from_millis(500));
    let (a, b) = tokio::join!(
        netreach_app::telegram::poll_once(&app.state),
        netreach_app::telegram::poll_once(&second),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(fake.count("getUpdates"), 1, "one node holds the lease");
    fake.push(private_text(31, "second message", "en"));
    fake.push(private_text(32, "another client", "en"));
    // Whichever node holds the lease fetches them (the other only handles what is stored).
    netreach_app::telegram::poll_once(&app.state).await.unwrap();
    netreach_app::telegram::poll_once(&second).await.unwrap();
    assert_eq!(fake.count("getUpdates"), 2, "still one poller");
    // Both nodes handle what is stored at the same time: each update once.
    let (a, b) = tokio::join!(
        netreach_app::telegram::process_pending(&app.state),
        netreach_app::telegram::process_pending(&second),
    );
    let _ = (a.unwrap(), b.unwrap());
    let items = telegram_conversations(&app, &token).await;
    assert_eq!(items.len(), 2);
    let messages: usize = {
        let mut n = 0;
        for item in &items {
            n += thread(&app, &token, item["id"].as_str().unwrap()).await["messages"]
                .as_array()
                .unwrap()
                .len();
        }
        n
    };
    assert_eq!(messages, 3, "every message once");
}

#[tokio::test]
async fn with_a_webhook_url_telegram_calls_in_with_the_secret_token() {
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, Some("https://help.example")).await;
    let token = admin_token(&app).await;
    assert_eq!(connect(&app, &token).await["mode"], "webhook");
    let (_, set) = fake
        .calls()
        .into_iter()
        .find(|(m, _)| m == "setWebhook")
        .expect("setWebhook");
    assert_eq!(set["url"], "https://help.example/api/v1/telegram/webhook");
    let secret = set["secret_token"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 32);
    let mut update = private_text(606, "through the webhook", "en");
    update["update_id"] = json!(9001);
    let post = |secret: Option<&str>| {
        let mut request = reqwest::Client::new()
            .post(app.url("/api/v1/telegram/webhook"))
            .json(&update);
        if let Some(secret) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        request.send()
    };
    assert_eq!(post(None).await.unwrap().status(), 401);
    assert_eq!(post(Some("wrong")).await.unwrap().status(), 401);
    assert_eq!(post(Some(&secret)).await.unwrap().status(), 200);
    assert_eq!(
        post(Some(&secret)).await.unwrap().status(),
        200,
        "Telegram sending it again"
    );
    let items = telegram_conversations(&app, &token).await;
    assert_eq!(items.len(), 1);
    let opened = thread(&app, &token, items[0]["id"].as_str().unwrap()).await;
    assert_eq!(opened["messages"].as_array().unwrap().len(), 1, "once");
    assert_eq!(fake.count("getUpdates"), 0, "no polling with a webhook");
    netreach_app::telegram::poll_once(&app.state).await.unwrap();
    assert_eq!(fake.count("getUpdates"), 0);
}

/// A node stopped after it stored a photo but before it marked the update handled: the update's
/// lease runs out, another run takes it, and the photo is still attached once.
#[tokio::test]
async fn a_photo_update_handled_again_after_a_crash_is_attached_once() {
    use netreach_app::attachments::media::samples::jpeg_with_exif;
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let chat = 6161;
    fake.add_file("photo-once", jpeg_with_exif(32, 24, "ONCE"));
    let mut photo = private_text(chat, "", "en");
    photo["message"]["text"] = Value::Null;
    photo["message"]["photo"] =
        json!([{"file_id": "photo-once", "width": 32, "height": 24, "file_size": 500}]);
    fake.push(photo);
    // The word to the client after the photo is stored hangs, and the node is stopped there.
    fake.delay_sends(std::time::Duration::from_secs(30));
    let state = app.state.clone();
    let stopped = tokio::spawn(async move { netreach_app::telegram::poll_once(&state).await });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while fake.count("sendMessage") == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the photo was never handled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stopped.abort();
    let _ = stopped.await;
    fake.delay_sends(std::time::Duration::ZERO);
    assert_eq!(
        netreach_app::telegram::process_pending(&app.state)
            .await
            .unwrap(),
        0,
        "the update is still leased to the stopped run"
    );
    app.clock.advance(time::Duration::minutes(3));
    assert_eq!(
        netreach_app::telegram::process_pending(&app.state)
            .await
            .unwrap(),
        1,
        "taken again once its lease ran out"
    );
    let items = telegram_conversations(&app, &token).await;
    assert_eq!(items.len(), 1);
    let opened = thread(&app, &token, items[0]["id"].as_str().unwrap()).await;
    let attachments: usize = opened["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["attachments"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(attachments, 1, "attached once: {opened}");
}

#[tokio::test]
async fn a_poll_that_times_out_is_recorded_and_the_update_comes_with_the_next_one() {
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    fake.push(private_text(7070, "are you there?", "en"));
    // Telegram holds the answer past the client's limit (the poll's wait plus 10 s).
    fake.delay_polls(std::time::Duration::from_secs(12));
    assert_eq!(poll(&app).await, 0);
    let status = bot_status(&app, &token).await;
    assert!(
        !status["last_error"].as_str().unwrap().is_empty(),
        "the timeout is shown: {status}"
    );
    fake.delay_polls(std::time::Duration::ZERO);
    assert_eq!(poll(&app).await, 1, "nothing lost");
    let status = bot_status(&app, &token).await;
    assert_eq!(status["last_error"], "", "cleared once polling works");
}
