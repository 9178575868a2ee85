//! Web Push to staff browsers: a subscription goes in through the API or the console, a push
//! is signed with the server's key and opens only in the browser it was meant for, names only
//! the kind of event and a console path, and an expired subscription is forgotten.

use crate::conversations::{staff_token, start};
use netreach_core::{Clock, Role};
use netreach_testkit::{FakeBrowser, FakePush, TestApp, TestBackend, TestDb, vapid_claims};
use serde_json::{Value, json};

const SUBJECT: &str = "mailto:team@example.org";

/// An app that posts pushes to loopback services such as [`FakePush`].
async fn app_with_push(backend: TestBackend) -> TestApp {
    TestApp::spawn_on(TestDb::new(backend).await, |s| {
        s.push.subject = Some(SUBJECT.into());
        s.push.endpoint_hosts = vec!["127.0.0.1".into()];
    })
    .await
}

async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// `POST /api/v1/staff/me/push_subscriptions` with a browser's subscription.
async fn subscribe(app: &TestApp, token: &str, subscription: Value) -> (u16, Value) {
    api(
        app,
        token,
        reqwest::Method::POST,
        "/api/v1/staff/me/push_subscriptions",
        Some(subscription),
    )
    .await
}

/// `GET /api/v1/staff/me/push_subscriptions`: the member's browsers and the key.
async fn devices(app: &TestApp, token: &str) -> (u16, Value) {
    api(
        app,
        token,
        reqwest::Method::GET,
        "/api/v1/staff/me/push_subscriptions",
        None,
    )
    .await
}

async fn choose(app: &TestApp, token: &str, events: Value) {
    let (status, _) = api(
        app,
        token,
        reqwest::Method::PUT,
        "/api/v1/staff/me/notifications",
        Some(json!({ "events": events })),
    )
    .await;
    assert_eq!(status, 200);
}

async fn send_all(app: &TestApp) -> usize {
    let mut sent = 0;
    loop {
        match netreach_app::notify::send_due(&app.state).await.unwrap() {
            0 => return sent,
            n => sent += n,
        }
    }
}

#[tokio::test]
async fn a_subscribed_browser_gets_a_signed_push_that_only_it_can_open_naming_only_the_event() {
    for backend in TestBackend::all() {
        let service = FakePush::start().await;
        let app = app_with_push(backend).await;
        let anna = staff_token(&app, "anna", Role::Worker).await;
        choose(
            &app,
            &anna,
            json!({"new_conversation": ["push"], "urgent": ["push"]}),
        )
        .await;

        let (status, listed) = devices(&app, &anna).await;
        assert_eq!(status, 200);
        assert_eq!(listed["items"], json!([]));
        let key = listed["public_key"].as_str().unwrap().to_owned();
        let laptop = FakeBrowser::new(&service, "laptop", 3);
        let phone = FakeBrowser::new(&service, "phone", 4);
        for browser in [&laptop, &phone] {
            let (status, created) = subscribe(&app, &anna, browser.subscription()).await;
            assert_eq!(status, 201, "{created}");
        }
        // The same browser subscribing again replaces its row.
        let (status, _) = subscribe(&app, &anna, laptop.subscription()).await;
        assert_eq!(status, 201);
        let (_, listed) = devices(&app, &anna).await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 2, "{listed}");
        assert_eq!(listed["items"][0]["service"], "127.0.0.1");
        assert_eq!(
            listed["public_key"],
            key.as_str(),
            "one key across requests"
        );

        const CANARY: &str = "PUSHCANARY";
        let (_, id) = start(
            &app,
            "injection",
            &format!("{CANARY} my arm is swollen"),
            "en",
        )
        .await;
        assert!(
            service.received().is_empty(),
            "sent by the job, not the request"
        );
        assert_eq!(send_all(&app).await, 1);
        let pushes = service.received();
        assert_eq!(pushes.len(), 2, "one push per browser");
        let now = app.clock.now().unix_timestamp();
        for push in &pushes {
            let browser = match push.path.as_str() {
                "/push/laptop" => &laptop,
                "/push/phone" => &phone,
                other => panic!("pushed to {other}"),
            };
            let claims = vapid_claims(&push.authorization, &key);
            assert_eq!(
                claims["aud"],
                service.base.as_str(),
                "the push service's origin"
            );
            assert_eq!(claims["sub"], SUBJECT);
            let exp = claims["exp"].as_i64().unwrap();
            assert!(exp > now && exp <= now + 24 * 3600, "{claims}");
            assert_eq!(push.content_encoding, "aes128gcm");
            assert_eq!(push.ttl, "14400");
            assert_eq!(push.urgency, "normal");
            let raw = String::from_utf8_lossy(&push.body).to_lowercase();
            assert!(
                !raw.contains("staff/conversations"),
                "the push service reads nothing"
            );
            let message = browser.open(push);
            let keys: Vec<&str> = message
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, ["body", "path", "title"], "{message}");
            assert_eq!(message["path"], format!("/staff/conversations/{id}"));
            assert!(
                message["body"]
                    .as_str()
                    .unwrap()
                    .contains("New conversation waiting"),
                "{message}"
            );
            let text = message.to_string().to_lowercase();
            for secret in ["pushcanary", "swollen", "injection", "инъекц"] {
                assert!(!text.contains(secret), "{secret} in a push: {message}");
            }
        }

        // An urgent conversation asks the service to deliver at once.
        start(&app, "overdose", "he is not breathing", "en").await;
        send_all(&app).await;
        let urgent = service.received();
        assert_eq!(urgent.len(), 4);
        assert!(urgent[2..].iter().all(|p| p.urgency == "high"));

        // The service is down: the push waits in the outbox and goes when it is back.
        service.answer(503);
        start(&app, "other", "a question", "en").await;
        assert_eq!(send_all(&app).await, 0);
        assert_eq!(service.received().len(), 6, "both browsers tried");
        service.answer(201);
        app.clock.advance(time::Duration::minutes(5));
        assert_eq!(send_all(&app).await, 1, "retried later");
        assert_eq!(service.received().len(), 8);

        // The browsers unsubscribed: the service says 410 and the subscriptions are forgotten.
        service.answer(410);
        start(&app, "other", "another question", "en").await;
        send_all(&app).await;
        let (_, listed) = devices(&app, &anna).await;
        assert_eq!(listed["items"], json!([]), "{backend:?}");

        // Endpoints are sealed at rest.
        let raw = app.db.raw_contents().await;
        assert!(
            !raw.contains("/push/laptop") && !raw.contains(CANARY),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_subscription_is_refused_unless_push_is_set_up_for_that_service_with_whole_keys() {
    let service = FakePush::start().await;
    let browser = FakeBrowser::new(&service, "laptop", 5);
    // Push not set up: nothing is offered and nothing accepted.
    let off = TestApp::spawn().await;
    let token = staff_token(&off, "anna", Role::Worker).await;
    let (status, listed) = devices(&off, &token).await;
    assert_eq!((status, &listed["public_key"]), (200, &Value::Null));
    let (status, body) = subscribe(&off, &token, browser.subscription()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("push_not_set_up"))
    );

    // Set up, but only for the common push services: a loopback endpoint is not one of them.
    let strict = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, |s| {
        s.push.subject = Some(SUBJECT.into());
    })
    .await;
    let token = staff_token(&strict, "anna", Role::Worker).await;
    let mut subscriptions = vec![browser.subscription()];
    for endpoint in [
        "https://evil.example/push/1",
        "http://fcm.googleapis.com/fcm/send/1",
        "https://user:pw@fcm.googleapis.com/fcm/send/1",
        "not a url",
    ] {
        let mut s = browser.subscription();
        s["endpoint"] = json!(endpoint);
        subscriptions.push(s);
    }
    let mut bad_key = browser.subscription();
    bad_key["endpoint"] = json!("https://fcm.googleapis.com/fcm/send/1");
    bad_key["keys"]["p256dh"] = json!("bm90IGEga2V5");
    subscriptions.push(bad_key);
    let mut bad_auth = browser.subscription();
    bad_auth["endpoint"] = json!("https://fcm.googleapis.com/fcm/send/1");
    bad_auth["keys"]["auth"] = json!("c2hvcnQ");
    subscriptions.push(bad_auth);
    for s in subscriptions {
        let (status, body) = subscribe(&strict, &token, s.clone()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("invalid_subscription")),
            "{s}"
        );
    }
    let mut good = browser.subscription();
    good["endpoint"] = json!("https://fcm.googleapis.com/fcm/send/abc");
    let (status, _) = subscribe(&strict, &token, good).await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn the_console_subscribes_lists_and_removes_browsers_and_the_panic_lock_forgets_them_all() {
    let service = FakePush::start().await;
    let app = app_with_push(TestBackend::Sqlite).await;
    let (anna, _) = app.signed_in("anna", Role::Admin).await;
    let page = anna.get_text("/staff/account/notifications").await;
    assert!(page.contains("id=\"push\""), "the push box is offered");
    assert!(
        page.contains("data-key=\""),
        "with the key to subscribe with"
    );
    assert!(page.contains("<noscript>"), "and says the script is needed");
    assert!(page.contains("No browser gets your notifications yet."));
    let worker = anna.get("/staff/push-worker.js").await;
    assert_eq!(worker.status(), 200);
    assert!(
        worker.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );

    // What the console script sends: the browser's subscription as JSON, same origin.
    let post = |body: Value| {
        anna.client
            .post(app.url("/staff/account/push"))
            .header("sec-fetch-site", "same-origin")
            .header("accept-language", "ru")
            .json(&body)
            .send()
    };
    let mut foreign = FakeBrowser::new(&service, "laptop", 6).subscription();
    foreign["endpoint"] = json!("https://evil.example/push");
    let refused = post(foreign).await.unwrap();
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("Подписку этого браузера"),
        "the reason, in Russian: {body}"
    );
    let laptop = FakeBrowser::new(&service, "laptop", 6);
    assert_eq!(post(laptop.subscription()).await.unwrap().status(), 201);
    let cross_site = anna
        .client
        .post(app.url("/staff/account/push"))
        .header("sec-fetch-site", "cross-site")
        .json(&laptop.subscription())
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403, "the CSRF check applies");

    let page = anna.get_text("/staff/account/notifications").await;
    assert!(page.contains("Through 127.0.0.1, since"), "{page}");
    let id = page
        .split("/staff/account/push/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    // Another member cannot remove it.
    let boris = staff_token(&app, "boris", Role::Worker).await;
    let (status, _) = api(
        &app,
        &boris,
        reqwest::Method::DELETE,
        &format!("/api/v1/staff/me/push_subscriptions/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let removed = anna
        .post_form(&format!("/staff/account/push/{id}/remove"), &[])
        .await;
    assert_eq!(removed.status(), 303);
    let page = anna
        .get_text("/staff/account/notifications?removed=1")
        .await;
    assert!(page.contains("That browser no longer gets your notifications."));
    assert!(page.contains("No browser gets your notifications yet."));

    // The panic lock: no seized device is pushed anything after it.
    assert_eq!(post(laptop.subscription()).await.unwrap().status(), 201);
    let pulled = anna.post_form("/staff/panic", &[("confirm", "yes")]).await;
    assert_eq!(pulled.status(), 303);
    let anna_id = app
        .state
        .store
        .user_by_username(&netreach_core::Username::parse("anna").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(
        app.state
            .store
            .push_subscriptions(anna_id)
            .await
            .unwrap()
            .is_empty()
    );
}
