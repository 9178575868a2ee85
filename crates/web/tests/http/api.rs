use netreach_core::Role;
use netreach_testkit::{TestApp, TestBackend, TestDb};
use serde_json::{Value, json};

async fn sign_in(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// The API sign-in story, on every backend.
#[tokio::test]
async fn staff_get_use_list_and_revoke_api_tokens() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        app.create_user("anna", Role::Supervisor, "anna-long-password")
            .await;
        let response = sign_in(&app, "anna", "anna-long-password").await;
        assert_eq!(response.status(), 200, "{backend:?}");
        let body: Value = response.json().await.unwrap();
        let token = body["token"].as_str().unwrap().to_owned();
        assert!(body["expires_at"].as_str().is_some());
        let client = reqwest::Client::new();
        let me: Value = client
            .get(app.url("/api/v1/staff/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["username"], "anna");
        assert_eq!(me["role"], "supervisor");
        let list: Value = client
            .get(app.url("/api/v1/auth/tokens"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(list["items"][0]["name"], "api");
        assert!(!list.to_string().contains(&token), "secret listed");
        let id = body["id"].as_str().unwrap();
        let revoked = client
            .delete(app.url(&format!("/api/v1/auth/tokens/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 204);
        let after = client
            .get(app.url("/api/v1/staff/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), 401);
        assert_eq!(after.headers()["www-authenticate"], "Bearer");
    }
}

#[tokio::test]
async fn wrong_credentials_get_a_json_error_in_the_callers_language() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let response = sign_in(&app, "anna", "wrong-password").await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_credentials");
    assert_eq!(body["error"]["message"], "Wrong username or password.");
    let ru: Value = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .header("accept-language", "ru-RU,ru;q=0.9")
        .json(&json!({"username": "nobody", "password": "x"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        ru["error"]["message"],
        "Неверное имя пользователя или пароль."
    );
    for _ in 0..5 {
        sign_in(&app, "anna", "wrong-password").await;
    }
    let locked = sign_in(&app, "anna", "anna-long-password").await;
    assert_eq!(locked.status(), 429);
    let body: Value = locked.json().await.unwrap();
    assert_eq!(body["error"]["code"], "account_locked");
}

#[tokio::test]
async fn malformed_api_requests_get_json_errors_not_html() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let cases = [
        client
            .post(app.url("/api/v1/auth/token"))
            .header("content-type", "application/json")
            .body("{not json"),
        client
            .post(app.url("/api/v1/auth/token"))
            .body("username=a"),
        client.get(app.url("/api/v1/staff/me")),
        client
            .get(app.url("/api/v1/staff/me"))
            .header("authorization", "Bearer nr_made_up"),
        client.get(app.url("/api/v1/no-such-endpoint")),
        client.put(app.url("/api/v1/auth/token")),
    ];
    for request in cases {
        let response = request.send().await.unwrap();
        let status = response.status();
        assert!(status.is_client_error(), "{status}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/auth/tokens", "get"),
        ("/api/v1/auth/tokens/{id}", "delete"),
        ("/api/v1/staff/me", "get"),
        ("/api/v1/staff/audit", "get"),
        ("/api/v1/staff/me/notifications", "get"),
        ("/api/v1/staff/me/notifications", "put"),
        ("/api/v1/staff/me/totp", "post"),
        ("/api/v1/staff/me/totp/confirm", "post"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/conversations", "post"),
        ("/api/v1/conversations/me", "get"),
        ("/api/v1/conversations/me", "delete"),
        ("/api/v1/conversations/me/messages", "post"),
        ("/api/v1/staff/conversations", "get"),
        ("/api/v1/staff/conversations/{id}", "get"),
        ("/api/v1/staff/conversations/{id}/messages", "post"),
        ("/api/v1/staff/conversations/{id}/notes", "post"),
        ("/api/v1/staff/conversations/{id}/assign", "post"),
        ("/api/v1/staff/conversations/{id}/status", "post"),
        ("/api/v1/staff/conversations/{id}/follow_up", "post"),
        ("/api/v1/staff/conversations/{id}/follow_up", "delete"),
        ("/api/v1/check", "get"),
        ("/api/v1/search", "get"),
        ("/api/v1/staff/render", "post"),
        ("/api/v1/alerts/reports", "post"),
        ("/api/v1/staff/alerts/reports", "get"),
        ("/api/v1/staff/alerts", "post"),
        ("/api/v1/staff/alerts", "get"),
        ("/api/v1/staff/alerts/{id}/verify", "post"),
        ("/api/v1/staff/alerts/{id}/publish", "post"),
        ("/api/v1/staff/alerts/{id}/withdraw", "post"),
        ("/api/v1/conversations/me/qa_consent", "post"),
        ("/api/v1/conversations/me/attachments", "post"),
        ("/api/v1/staff/venues", "get"),
        ("/api/v1/staff/venues", "post"),
        ("/api/v1/staff/venues/{id}", "get"),
        ("/api/v1/staff/venues/{id}", "put"),
        ("/api/v1/staff/venues/{id}/bot_token", "put"),
        ("/api/v1/staff/posts", "get"),
        ("/api/v1/staff/posts", "post"),
        ("/api/v1/staff/posts/{id}", "get"),
        ("/api/v1/staff/posts/{id}", "put"),
        ("/api/v1/staff/posts/{id}/approve", "post"),
        ("/api/v1/staff/posts/{id}/publications", "post"),
        ("/api/v1/staff/publications", "get"),
        ("/api/v1/staff/publications.csv", "get"),
        ("/api/v1/staff/publications/{id}", "post"),
        ("/api/v1/staff/watch/sources", "get"),
        ("/api/v1/staff/watch/sources", "post"),
        ("/api/v1/staff/watch/sources/{id}", "put"),
        ("/api/v1/staff/watch/sources/{id}", "delete"),
        ("/api/v1/staff/watch/sources/{id}/cookie", "put"),
        ("/api/v1/staff/watch/sources/{id}/fetch", "post"),
        ("/api/v1/staff/watch/sources/{id}/paste", "post"),
        ("/api/v1/staff/watch/sources/{id}/upload", "post"),
        ("/api/v1/staff/watch/test", "post"),
        ("/api/v1/staff/watch/matches", "get"),
        ("/api/v1/staff/watch/matches/{id}/claim", "post"),
        ("/api/v1/staff/watch/matches/{id}/dismiss", "post"),
        ("/api/v1/staff/watch/matches/{id}/answer", "post"),
        ("/api/v1/staff/watch/matches/{id}/report", "post"),
        ("/api/v1/staff/telegram/bot", "put"),
        ("/api/v1/staff/telegram/bot", "get"),
        ("/api/v1/staff/telegram/bot", "delete"),
        ("/api/v1/telegram/webhook", "post"),
        ("/api/v1/staff/me/push_subscriptions", "get"),
        ("/api/v1/staff/me/push_subscriptions", "post"),
        ("/api/v1/staff/me/push_subscriptions/{id}", "delete"),
    ];
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "unexpected operations: {:?}",
        paths.keys()
    );
    for (path, method) in expected {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} not described"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["securitySchemes"]["codename"].is_object());
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    // Every documented route answers (not 404/405) on the real router.
    let client = reqwest::Client::new();
    for (path, method) in expected {
        let url = app.url(&path.replace("{id}", "00000000-0000-0000-0000-000000000000"));
        let response = client
            .request(method.to_uppercase().parse().unwrap(), url)
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), 405, "{method} {path}");
        if !path.contains("{id}") {
            assert_ne!(response.status(), 404, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn posts_render_for_each_venue_markup_with_hostile_input_escaped() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let body: Value = sign_in(&app, "anna", "anna-long-password")
        .await
        .json()
        .await
        .unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let render = |markdown: &str, markup: &str| {
        reqwest::Client::new()
            .post(app.url("/api/v1/staff/render"))
            .bearer_auth(&token)
            .json(&json!({"markdown": markdown, "markup": markup}))
            .send()
    };
    let bb: Value = render(
        "**Naloxone** saves lives: [guide](http://example.org/n) [b]raw[/b]",
        "bbcode",
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let text = bb["text"].as_str().unwrap();
    assert!(
        text.contains("[b]Naloxone[/b]")
            && text.contains("[url=\"http://example.org/n\"]guide[/url]"),
        "{text}"
    );
    assert!(
        text.contains("[noparse]"),
        "raw BBCode typed by the author must not stay live: {text}"
    );
    assert_eq!(
        bb["length"].as_u64().unwrap() as usize,
        text.chars().count()
    );
    let tg: Value = render("a < b & c **bold**", "telegram_html")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tg["text"], "a &lt; b &amp; c <b>bold</b>");
    assert_eq!(render("x", "html").await.unwrap().status(), 422);
    let anonymous = reqwest::Client::new()
        .post(app.url("/api/v1/staff/render"))
        .json(&json!({"markdown": "x", "markup": "plain"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
