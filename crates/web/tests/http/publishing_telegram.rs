//! Publishing to Telegram venues against a fake Bot API: retries and waits as Telegram asks,
//! refusals shown in the log, scheduled sends, and alerts sent to every venue that takes them.

use super::publishing::{Api, api, new_post};
use netreach_core::Role;
use netreach_testkit::{TestApp, TestBackend, TestDb};
use serde_json::{Value, json};
/// A stand-in for the Telegram Bot API that answers with the scripted statuses in turn (the
/// last one repeats) and records what it was sent.
async fn fake_bot_api(script: Vec<(u16, Value)>) -> (String, netreach_testkit::telegram::Seen) {
    let fake = netreach_testkit::FakeBotApi::scripted(script).await;
    (fake.base.clone(), fake.seen())
}

/// The log entry of a post's (only) publication.
async fn entry(api: &Api<'_>, post: &str) -> Value {
    let path = format!("/api/v1/staff/publications?post_id={post}");
    api.get(&path).await.1["items"][0].clone()
}

const BOT_TOKEN: &str = "123456:AAFakeBotTokenSecretValue-0123456789";

async fn telegram_venue(api: &Api<'_>, push_alerts: bool) -> String {
    let (status, body) = api
        .post(
            "/api/v1/staff/venues",
            json!({"name": "Harm reduction channel", "kind": "telegram_channel",
            "address": "https://t.me/harm_help_test", "lang": "ru", "markup": "telegram_html",
            "permission": "granted", "needs_approval": false, "telegram_chat": "@harm_help_test",
            "push_alerts": push_alerts}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .put(
            &format!("/api/v1/staff/venues/{id}/bot_token"),
            json!({"token": BOT_TOKEN}),
        )
        .await;
    assert_eq!(status, 204);
    id
}

#[tokio::test]
async fn telegram_sends_wait_out_a_429_retry_a_500_and_record_the_message_link() {
    for backend in TestBackend::all() {
        let ok = json!({"ok": true, "result": {"message_id": 42, "chat": {"id": -1001, "username": "harm_help_test", "type": "channel"}}});
        let (base, seen) = fake_bot_api(vec![
            (429, json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}})),
            (500, json!({"ok": false, "error_code": 500, "description": "Internal Server Error"})),
            (200, ok),
        ])
        .await;
        let app = TestApp::spawn_on(TestDb::new(backend).await, move |s| {
            s.publishing.telegram_api_base = base;
        })
        .await;
        let sveta = api(&app, "sveta", Role::Supervisor).await;
        let worker = api(&app, "wanda", Role::Worker).await;
        let venue = telegram_venue(&sveta, false).await;
        let (status, body) = worker
            .put(
                &format!("/api/v1/staff/venues/{venue}/bot_token"),
                json!({"token": BOT_TOKEN}),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("forbidden"))
        );
        let (_, shown) = sveta.get(&format!("/api/v1/staff/venues/{venue}")).await;
        assert_eq!(shown["bot_token_set"], true);
        assert!(
            !shown.to_string().contains("AAFakeBotToken"),
            "token shown again"
        );
        assert!(
            !app.db.raw_contents().await.contains("AAFakeBotToken"),
            "bot token stored in plaintext"
        );

        let post = new_post(&sveta, "Fentanyl **test strips** & naloxone: 1 < 2").await;
        let (status, queued) = sveta
            .post(
                &format!("/api/v1/staff/posts/{post}/publications"),
                json!({"venue_id": venue}),
            )
            .await;
        assert_eq!(
            (status, queued["status"].as_str()),
            (201, Some("scheduled")),
            "{queued}"
        );
        let id = queued["id"].as_str().unwrap().to_owned();
        let step = netreach_app::publishing::send_due(&app.state)
            .await
            .unwrap();
        assert_eq!(step.retrying, 1);
        let after_429 = entry(&sveta, &post).await;
        assert_eq!(after_429["status"], "scheduled");
        assert!(
            after_429["last_error"]
                .as_str()
                .unwrap()
                .contains("retry after 7"),
            "{after_429}"
        );
        app.clock.advance(time::Duration::seconds(3));
        let early = netreach_app::publishing::send_due(&app.state)
            .await
            .unwrap();
        assert_eq!(early, Default::default(), "sent before retry_after elapsed");

        app.clock.advance(time::Duration::seconds(5));
        let step = netreach_app::publishing::send_due(&app.state)
            .await
            .unwrap();
        assert_eq!(step.retrying, 1, "a 500 is retried");
        let after_500 = entry(&sveta, &post).await;
        assert_eq!(after_500["attempts"], 2);
        assert!(
            after_500["last_error"]
                .as_str()
                .unwrap()
                .contains("Internal Server Error")
        );

        app.clock.advance(time::Duration::seconds(31));
        let step = netreach_app::publishing::send_due(&app.state)
            .await
            .unwrap();
        assert_eq!(step.sent, 1);
        let live = entry(&sveta, &post).await;
        assert_eq!(live["id"], id.as_str());
        assert_eq!(live["status"], "live");
        assert_eq!(live["url"], "https://t.me/harm_help_test/42");
        assert_eq!(live["last_error"], "");

        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3, "one call per attempt: {seen:?}");
        let (path, sent) = &seen[2];
        assert_eq!(path, &format!("/bot{BOT_TOKEN}/sendMessage"));
        assert_eq!(sent["chat_id"], "@harm_help_test");
        assert_eq!(sent["parse_mode"], "HTML");
        let text = sent["text"].as_str().unwrap();
        assert!(
            text.contains("<b>test strips</b>") && text.contains("&amp; naloxone: 1 &lt; 2"),
            "{text}"
        );
        assert!(
            !netreach_testkit::captured_logs().contains("AAFakeBotToken"),
            "bot token logged"
        );
    }
}

#[tokio::test]
async fn a_refused_send_fails_at_once_and_shows_why_in_the_log() {
    let (base, seen) = fake_bot_api(vec![(
        400,
        json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}),
    )])
    .await;
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, move |s| {
        s.publishing.telegram_api_base = base;
    })
    .await;
    let sveta = api(&app, "sveta", Role::Supervisor).await;
    let venue = telegram_venue(&sveta, false).await;
    let post = new_post(&sveta, "Test before you use.").await;
    sveta
        .post(
            &format!("/api/v1/staff/posts/{post}/publications"),
            json!({"venue_id": venue}),
        )
        .await;
    let step = netreach_app::publishing::send_due(&app.state)
        .await
        .unwrap();
    assert_eq!(step.failed, 1);
    let (_, failed) = sveta.get("/api/v1/staff/publications?status=failed").await;
    assert_eq!(
        failed["items"][0]["last_error"],
        "Bad Request: chat not found"
    );
    app.clock.advance(time::Duration::hours(1));
    netreach_app::publishing::send_due(&app.state)
        .await
        .unwrap();
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "a refused send is not retried"
    );
}

#[tokio::test]
async fn a_scheduled_send_waits_for_its_time_and_can_be_cancelled() {
    let ok = json!({"ok": true, "result": {"message_id": 7}});
    let (base, seen) = fake_bot_api(vec![(200, ok)]).await;
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, move |s| {
        s.publishing.telegram_api_base = base;
    })
    .await;
    let sveta = api(&app, "sveta", Role::Supervisor).await;
    let venue = telegram_venue(&sveta, false).await;
    let post = new_post(&sveta, "Evening post.").await;
    let path = format!("/api/v1/staff/posts/{post}/publications");
    let (_, later) = sveta
        .post(
            &path,
            json!({"venue_id": venue, "send_at": "2026-03-02T18:00:00Z"}),
        )
        .await;
    let (_, cancelled) = sveta
        .post(
            &path,
            json!({"venue_id": venue, "send_at": "2026-03-02T18:00:00Z"}),
        )
        .await;
    let (status, _) = sveta
        .post(
            &format!(
                "/api/v1/staff/publications/{}",
                cancelled["id"].as_str().unwrap()
            ),
            json!({"status": "deleted"}),
        )
        .await;
    assert_eq!(status, 200);
    netreach_app::publishing::send_due(&app.state)
        .await
        .unwrap();
    assert!(seen.lock().unwrap().is_empty(), "sent before its time");
    app.clock.advance(time::Duration::hours(9));
    let step = netreach_app::publishing::send_due(&app.state)
        .await
        .unwrap();
    assert_eq!(step.sent, 1);
    app.clock.advance(time::Duration::minutes(5));
    netreach_app::publishing::send_due(&app.state)
        .await
        .unwrap();
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "the cancelled send stayed unsent"
    );
    let (_, entry) = sveta.get("/api/v1/staff/publications?status=live").await;
    assert_eq!(entry["items"][0]["id"], later["id"]);
    assert_eq!(entry["items"][0]["url"], "https://t.me/harm_help_test/7");
}

#[tokio::test]
async fn a_published_alert_goes_to_every_telegram_venue_that_takes_alerts_in_its_language() {
    let ok = json!({"ok": true, "result": {"message_id": 9}});
    let (base, seen) = fake_bot_api(vec![(200, ok)]).await;
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, move |s| {
        s.publishing.telegram_api_base = base;
        s.public_url = Some("http://netreachexample.onion".into());
    })
    .await;
    let sveta = api(&app, "sveta", Role::Supervisor).await;
    telegram_venue(&sveta, true).await;
    telegram_venue(&sveta, false).await;
    let (_, created) = sveta
        .post(
            "/api/v1/staff/alerts",
            json!({"severity": "danger", "substances": ["heroin"],
            "text": {"en": {"title": "Strong heroin", "body": "Carry naloxone."},
                     "ru": {"title": "Сильный героин <b>", "body": "Имейте налоксон."}},
            "expires_at": "2026-03-09T09:00:00Z"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    sveta
        .post(&format!("/api/v1/staff/alerts/{id}/verify"), json!({}))
        .await;
    let (status, _) = sveta
        .post(&format!("/api/v1/staff/alerts/{id}/publish"), json!({}))
        .await;
    assert_eq!(status, 204);
    let step = netreach_app::publishing::send_due(&app.state)
        .await
        .unwrap();
    assert_eq!(step.sent, 1, "only the venue that takes alerts");
    let seen = seen.lock().unwrap().clone();
    let text = seen[0].1["text"].as_str().unwrap();
    assert!(text.contains("Сильный героин &lt;b&gt;"), "{text}");
    assert!(text.contains("Имейте налоксон."), "{text}");
    assert!(
        text.contains(&format!(
            "href=\"http://netreachexample.onion/alerts/{id}?lang=ru\""
        )),
        "{text}"
    );
    let (_, log) = sveta.get("/api/v1/staff/publications").await;
    assert_eq!(log["items"][0]["alert_id"], id);
    assert_eq!(log["items"][0]["status"], "live");

    // A second alert withdrawn before its send went out is not sent at all.
    let (_, second) = sveta
        .post(
            "/api/v1/staff/alerts",
            json!({"severity": "info", "text": {"en": {"title": "Second", "body": "b"},
            "ru": {"title": "Второе", "body": "б"}}, "expires_at": "2026-03-09T09:00:00Z"}),
        )
        .await;
    let second = second["id"].as_str().unwrap();
    sveta
        .post(&format!("/api/v1/staff/alerts/{second}/verify"), json!({}))
        .await;
    sveta
        .post(&format!("/api/v1/staff/alerts/{second}/publish"), json!({}))
        .await;
    sveta
        .post(
            &format!("/api/v1/staff/alerts/{second}/withdraw"),
            json!({}),
        )
        .await;
    app.clock.advance(time::Duration::minutes(1));
    let step = netreach_app::publishing::send_due(&app.state)
        .await
        .unwrap();
    assert_eq!(step, Default::default(), "a withdrawn alert was sent");
    let (_, cancelled) = sveta.get("/api/v1/staff/publications?status=deleted").await;
    assert_eq!(cancelled["items"][0]["alert_id"], second);
}
