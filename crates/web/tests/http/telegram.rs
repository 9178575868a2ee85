//! The organisation's Telegram bot against the fake Bot API: connecting it, conversations in the
//! shared inbox with channel "telegram", replies going back, first aid, the menu in EN and RU,
//! groups, errors and retries, a second node, the webhook, and staff accounts for notifications.

use netreach_core::Role;
use netreach_testkit::telegram::{
    FAKE_BOT_USERNAME, FAKE_TOKEN, FakeBot, button, group_text, private_text,
};
use netreach_testkit::{TestApp, TestBackend, TestDb};
use serde_json::{Value, json};

pub(crate) async fn bot_app(
    backend: TestBackend,
    fake: &FakeBot,
    webhook: Option<&str>,
) -> TestApp {
    let base = fake.base.clone();
    let webhook = webhook.map(str::to_owned);
    TestApp::spawn_on(TestDb::new(backend).await, move |s| {
        s.telegram.api_base = base;
        s.telegram.poll_seconds = 0;
        s.telegram.webhook_url = webhook;
        s.public_url = Some("http://help.example".into());
    })
    .await
}

/// An admin's API token (the first user also holds the inbox key).
pub(crate) async fn admin_token(app: &TestApp) -> String {
    let password = "root-long-password-123";
    app.create_user("root", Role::Admin, password).await;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "root", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
}

pub(crate) async fn connect(app: &TestApp, token: &str) -> Value {
    let response = api(
        app,
        reqwest::Method::PUT,
        "/api/v1/staff/telegram/bot",
        token,
    )
    .json(&json!({"token": FAKE_TOKEN}))
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The bot as `GET /api/v1/staff/telegram/bot` shows it.
pub(crate) async fn bot_status(app: &TestApp, token: &str) -> Value {
    api(
        app,
        reqwest::Method::GET,
        "/api/v1/staff/telegram/bot",
        token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

pub(crate) async fn poll(app: &TestApp) -> usize {
    netreach_app::telegram::poll_once(&app.state).await.unwrap()
}

pub(crate) async fn telegram_conversations(app: &TestApp, token: &str) -> Vec<Value> {
    let list: Value = api(
        app,
        reqwest::Method::GET,
        "/api/v1/staff/conversations?channel=telegram",
        token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    list["items"].as_array().cloned().unwrap_or_default()
}

pub(crate) async fn thread(app: &TestApp, token: &str, id: &str) -> Value {
    api(
        app,
        reqwest::Method::GET,
        &format!("/api/v1/staff/conversations/{id}"),
        token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap()
}

#[tokio::test]
async fn a_private_message_becomes_a_telegram_conversation_and_the_reply_goes_back_to_the_chat() {
    for backend in TestBackend::all() {
        let fake = FakeBot::start().await;
        let app = bot_app(backend, &fake, None).await;
        let token = admin_token(&app).await;
        let shown = connect(&app, &token).await;
        assert_eq!(shown["username"], FAKE_BOT_USERNAME);
        assert_eq!(shown["mode"], "polling");
        let got = bot_status(&app, &token).await;
        assert_eq!(got["username"], FAKE_BOT_USERNAME);
        assert!(
            !got.to_string().contains("AAEexample"),
            "the token is never shown: {got}"
        );
        assert!(fake.count("deleteWebhook") >= 1, "polling needs no webhook");

        let chat = 9_876_543_210_i64;
        fake.push(private_text(
            chat,
            "Is it safe to mix these? TGCANARY41",
            "ru",
        ));
        assert_eq!(poll(&app).await, 1);
        assert_eq!(poll(&app).await, 0, "an update is handled once");
        let items = telegram_conversations(&app, &token).await;
        assert_eq!(items.len(), 1, "{backend:?}");
        assert_eq!(items[0]["channel"], "telegram");
        assert_eq!(items[0]["lang"], "ru");
        assert_eq!(items[0]["topic"], "other");
        let id = items[0]["id"].as_str().unwrap().to_owned();
        let opened = thread(&app, &token, &id).await;
        assert!(opened.to_string().contains("TGCANARY41"), "{opened}");
        let acks = fake.texts_to(chat);
        assert!(
            acks.iter().any(|t| t.contains("Спасибо")),
            "the client hears it arrived, in Russian: {acks:?}"
        );

        // A second message continues the same conversation.
        fake.push(private_text(chat, "and one more thing", "ru"));
        poll(&app).await;
        assert_eq!(telegram_conversations(&app, &token).await.len(), 1);

        let reply = api(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/staff/conversations/{id}/messages"),
            &token,
        )
        .json(&json!({"message": "Answer from the team <b>zq</b>"}))
        .send()
        .await
        .unwrap();
        assert!(reply.status().is_success(), "{}", reply.status());
        let texts = fake.texts_to(chat);
        assert!(
            texts
                .iter()
                .any(|t| t == "Answer from the team &lt;b&gt;zq&lt;/b&gt;"),
            "the reply reaches the chat, escaped: {texts:?}"
        );
        let opened = thread(&app, &token, &id).await;
        let staff_message = opened["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["from"] == "staff")
            .unwrap()
            .clone();
        assert_eq!(staff_message["delivery"], "sent");

        if backend == TestBackend::Sqlite {
            let dir = app.db.dir.as_ref().unwrap().path().to_owned();
            for entry in std::fs::read_dir(&dir).unwrap() {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                for canary in [
                    "TGCANARY41",
                    "9876543210",
                    "canary_user",
                    "CanaryFirst",
                    "+70000000000",
                    "AAEexample",
                ] {
                    assert!(!text.contains(canary), "{canary} readable at rest");
                }
            }
        }
        let logs = netreach_testkit::captured_logs();
        assert!(!logs.contains("TGCANARY41") && !logs.contains("9876543210"));
    }
}

#[tokio::test]
async fn an_overdose_word_or_the_button_sends_first_aid_at_once_and_flags_the_conversation_urgent()
{
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let chat = 5551;
    fake.push(private_text(chat, "hi, a question about needles", "en"));
    poll(&app).await;
    let items = telegram_conversations(&app, &token).await;
    assert_eq!(items[0]["urgent"], false);
    let before = fake.texts_to(chat).len();
    fake.push(private_text(
        chat,
        "my friend took too much, I think it is an overdose",
        "en",
    ));
    poll(&app).await;
    let after = fake.texts_to(chat);
    let first = &after[before];
    assert!(
        first.contains("112") && first.contains("naloxone"),
        "first aid comes first, with the emergency number: {first}"
    );
    let items = telegram_conversations(&app, &token).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["urgent"], true, "flagged urgent");

    // The first-aid button from a chat with no conversation yet opens an urgent one.
    let other = 5552;
    fake.push(button(other, "firstaid", "ru"));
    poll(&app).await;
    let texts = fake.texts_to(other);
    assert!(texts[0].contains("112"), "{texts:?}");
    let urgent: Vec<_> = telegram_conversations(&app, &token)
        .await
        .into_iter()
        .filter(|c| c["topic"] == "overdose")
        .collect();
    assert_eq!(urgent.len(), 1);
    assert_eq!(urgent[0]["urgent"], true);
    assert_eq!(urgent[0]["lang"], "ru");

    // First aid is never held back by the hourly allowance.
    let limit = app.state.settings.conversations.client_messages_per_hour;
    for n in 0..limit + 2 {
        fake.push(private_text(chat, &format!("message {n}"), "en"));
    }
    poll(&app).await;
    let told = fake.texts_to(chat);
    assert!(
        told.iter()
            .any(|t| t.contains("many messages") && t.contains("112")),
        "too many messages is said, with the emergency number"
    );
    fake.push(private_text(chat, "overdose again", "en"));
    poll(&app).await;
    assert!(fake.texts_to(chat).last().unwrap().contains("112"));
}

#[tokio::test]
async fn the_menu_answers_in_the_clients_language_and_the_content_tools_work() {
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let chat = 777;
    fake.push(private_text(chat, "/start", "ru"));
    poll(&app).await;
    let calls = fake.calls();
    let welcome = calls
        .iter()
        .rev()
        .find(|(m, b)| m == "sendMessage" && b["chat_id"] == json!(chat))
        .unwrap()
        .1
        .clone();
    let text = welcome["text"].as_str().unwrap();
    assert!(
        text.contains("Telegram") && text.contains("суда"),
        "what Telegram sees is said plainly, in Russian: {text}"
    );
    assert!(
        text.contains("http://help.example/ask"),
        "the web way in is offered"
    );
    let keyboard = welcome["reply_markup"]["inline_keyboard"].to_string();
    assert!(keyboard.contains("Спросить сотрудника") && keyboard.contains("\"lang\""));
    assert!(telegram_conversations(&app, &token).await.is_empty());

    fake.push(button(chat, "lang", "ru"));
    poll(&app).await;
    let menu = fake.calls().last().unwrap().1.clone();
    assert!(
        menu["reply_markup"].to_string().contains("Ask a worker"),
        "switched to English: {menu}"
    );

    fake.push(private_text(chat, "/check heroin, alcohol", "ru"));
    poll(&app).await;
    let checked = fake.texts_to(chat).last().unwrap().clone();
    assert!(checked.contains("dangerous"), "{checked}");
    assert!(checked.contains("http://help.example/check?"));

    fake.push(button(chat, "kb", "ru"));
    fake.push(private_text(chat, "naloxone", "ru"));
    poll(&app).await;
    let found = fake.texts_to(chat).last().unwrap().clone();
    assert!(
        found.contains("<a href=\"http://help.example/"),
        "search results link to the site: {found}"
    );
    assert!(
        telegram_conversations(&app, &token).await.is_empty(),
        "a search is not a question to the team"
    );

    fake.push(private_text(chat, "/check heroin unobtainium", "ru"));
    poll(&app).await;
    assert!(fake.texts_to(chat).last().unwrap().contains("unobtainium"));

    fake.push(private_text(chat, "/alerts", "ru"));
    poll(&app).await;
    assert!(fake.texts_to(chat).last().unwrap().contains("alert"));

    // Ask a worker on a topic; then delete the conversation.
    fake.push(button(chat, "ask", "ru"));
    fake.push(button(chat, "topic:injection", "ru"));
    fake.push(private_text(chat, "my arm is swollen", "ru"));
    poll(&app).await;
    let items = telegram_conversations(&app, &token).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["topic"], "injection");
    assert_eq!(items[0]["lang"], "en", "the language the client chose");
    fake.push(button(chat, "delete", "ru"));
    fake.push(button(chat, "delete:yes", "ru"));
    poll(&app).await;
    assert!(telegram_conversations(&app, &token).await.is_empty());
    assert!(
        fake.texts_to(chat)
            .last()
            .unwrap()
            .contains("delete the chat in Telegram")
    );
}

#[tokio::test]
async fn in_groups_the_bot_answers_commands_only_and_keeps_nothing() {
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let group = -100_123;
    fake.push(group_text(
        group,
        "my friend overdosed yesterday, GROUPCANARY",
    ));
    fake.push(group_text(group, "just chatting"));
    poll(&app).await;
    assert!(
        fake.texts_to(group).is_empty(),
        "ordinary talk is not answered"
    );
    fake.push(group_text(
        group,
        &format!("/check@{FAKE_BOT_USERNAME} heroin alcohol"),
    ));
    fake.push(group_text(group, "/start"));
    fake.push(group_text(group, "/check@another_bot heroin alcohol"));
    poll(&app).await;
    let texts = fake.texts_to(group);
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("dangerous"));
    assert!(texts[1].contains(&format!("https://t.me/{FAKE_BOT_USERNAME}")));
    assert!(telegram_conversations(&app, &token).await.is_empty());
    let all: Value = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/staff/conversations",
        &token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        0,
        "group messages never reach the inbox"
    );
}

#[tokio::test]
async fn connecting_needs_an_admin_and_a_token_telegram_accepts() {
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    let bad = api(
        &app,
        reqwest::Method::PUT,
        "/api/v1/staff/telegram/bot",
        &token,
    )
    .json(&json!({"token": "not a token"}))
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status(), 422);
    let refused = api(
        &app,
        reqwest::Method::PUT,
        "/api/v1/staff/telegram/bot",
        &token,
    )
    .json(&json!({"token": "123456789:refusedrefusedrefusedrefused12345"}))
    .send()
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "token_refused");
    let missing = api(
        &app,
        reqwest::Method::GET,
        "/api/v1/staff/telegram/bot",
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(missing.status(), 404);

    // The console page: connect, see the masked token, test, disconnect.
    let (browser, _) = app.signed_in("boss", Role::Admin).await;
    let page = browser
        .post_form("/staff/telegram", &[("token", "short")])
        .await;
    assert_eq!(page.status(), 422);
    assert!(page.text().await.unwrap().contains("@BotFather"));
    let done = browser
        .post_form("/staff/telegram", &[("token", FAKE_TOKEN)])
        .await;
    assert_eq!(done.status(), 303);
    let page = browser.get("/staff/telegram").await.text().await.unwrap();
    assert!(page.contains(FAKE_BOT_USERNAME) && page.contains("123456789:…e123"));
    assert!(!page.contains("AAEexample"));
    let tested = browser
        .post_form("/staff/telegram/test", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(tested.contains("works"));
    let (worker, _) = app.signed_in("worker", Role::Worker).await;
    assert_eq!(worker.get("/staff/telegram").await.status(), 403);
    let gone = api(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/staff/telegram/bot",
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(gone.status(), 204);
}

/// Links the signed-in member's own Telegram account (chat `chat`) with a one-time code from the
/// notification settings page, as a member does.
pub(crate) async fn link_own_account(
    app: &TestApp,
    fake: &FakeBot,
    browser: &netreach_testkit::Browser,
    chat: i64,
) {
    let page = browser
        .post_form("/staff/account/telegram/link", &[])
        .await
        .text()
        .await
        .unwrap();
    let code: String = page
        .split("/link ")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    assert_eq!(code.len(), 10, "{page}");
    fake.push(private_text(chat, &format!("/link {code}"), "en"));
    poll(app).await;
    assert!(
        fake.texts_to(chat)
            .last()
            .unwrap()
            .contains("receives your Netreach notifications")
    );
}

#[tokio::test]
async fn a_worker_links_their_own_account_and_gets_notifications_without_content() {
    use netreach_app::notify::{Event, Preferences, Transport};
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let (browser, _) = app.signed_in("anna", Role::Worker).await;
    let worker_chat = 880_088;
    link_own_account(&app, &fake, &browser, worker_chat).await;
    let page = browser
        .get("/staff/account/notifications")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Unlink my Telegram account"));
    // Anna chooses Telegram for new conversations.
    let staff = {
        let password = "anna-long-password-123";
        let (record, secret) = netreach_app::accounts::sign_in_for_token(
            &app.state,
            "anna",
            password.to_owned(),
            None,
            "test",
        )
        .await
        .unwrap();
        let user = app
            .state
            .store
            .user_by_id(record.user_id)
            .await
            .unwrap()
            .unwrap();
        netreach_app::policy::Staff::new(
            user,
            secret,
            record.wrapped_inbox_key,
            netreach_app::keys::API_WRAP,
        )
    };
    netreach_app::notify::set_preferences(
        &app.state,
        &staff,
        Preferences {
            events: vec![(Event::NewConversation, vec![Transport::Telegram])],
            ..Preferences::default()
        },
    )
    .await
    .unwrap();
    fake.push(private_text(31_337, "NOTIFYCANARY question", "en"));
    poll(&app).await;
    netreach_app::notify::send_due(&app.state).await.unwrap();
    let told = fake.texts_to(worker_chat);
    let last = told.last().unwrap();
    assert!(last.contains("New conversation waiting"), "{told:?}");
    assert!(last.contains("http://help.example/staff/conversations/"));
    assert!(!last.contains("NOTIFYCANARY"));
}

#[tokio::test]
async fn photos_and_voice_from_telegram_become_attachments_without_their_metadata() {
    use netreach_app::attachments::media::samples::{jpeg_with_exif, opus_with_tags};
    let fake = FakeBot::start().await;
    let app = bot_app(TestBackend::Sqlite, &fake, None).await;
    let token = admin_token(&app).await;
    connect(&app, &token).await;
    let chat = 6060;
    fake.add_file("photo-big", jpeg_with_exif(64, 48, "TGEXIFCANARY"));
    fake.add_file("voice-1", opus_with_tags("TGOPUSCANARY", 4));
    fake.add_file("not-a-photo", b"%PDF-1.7 not an image at all".to_vec());
    // A photo first: it starts the conversation, its caption is the text.
    let mut photo = private_text(chat, "", "en");
    photo["message"]["text"] = Value::Null;
    photo["message"]["caption"] = json!("this is the wound TGCAPTIONCANARY");
    photo["message"]["photo"] = json!([
        {"file_id": "photo-small", "width": 8, "height": 6, "file_size": 100},
        {"file_id": "photo-big", "width": 64, "height": 48, "file_size": 2000}
    ]);
    fake.push(photo);
    let mut voice = private_text(chat, "", "en");
    voice["message"]["text"] = Value::Null;
    voice["message"]["voice"] =
        json!({"file_id": "voice-1", "duration": 1, "mime_type": "audio/ogg"});
    fake.push(voice);
    let mut bad = private_text(chat, "", "en");
    bad["message"]["text"] = Value::Null;
    bad["message"]["photo"] = json!([{"file_id": "not-a-photo", "width": 10, "height": 10}]);
    fake.push(bad);
    assert_eq!(poll(&app).await, 3);
    let items = telegram_conversations(&app, &token).await;
    assert_eq!(items.len(), 1);
    let opened = thread(&app, &token, items[0]["id"].as_str().unwrap()).await;
    let kinds: Vec<String> = opened["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().cloned().unwrap_or_default())
        .map(|a| a["media_type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["image/jpeg", "audio/ogg"], "{opened}");
    assert!(opened.to_string().contains("TGCAPTIONCANARY"));
    assert!(
        fake.texts_to(chat)
            .last()
            .unwrap()
            .contains("could not take that file"),
        "a file that is not a photo is refused with a word"
    );
    let raw = app.db.raw_contents().await;
    for canary in ["TGEXIFCANARY", "TGOPUSCANARY", "TGCAPTIONCANARY"] {
        assert!(!raw.contains(canary), "{canary} readable at rest");
    }
    // The staff page shows the image from its authenticated route.
    let (browser, _) = app.signed_in("worker", Role::Worker).await;
    let page = browser
        .get(&format!(
            "/staff/conversations/{}",
            items[0]["id"].as_str().unwrap()
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<img class=\"attachment\""));
    assert!(page.contains("<audio controls"));
}
