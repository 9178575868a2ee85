use netreach_core::Role;
use netreach_testkit::{TestApp, TestBackend, TestDb, captured_logs};

const IP: &str = "203.0.113.77";
const AGENT: &str = "NetreachPrivacyProbe/7.3-zq";

/// No IP address or user agent reaches the database or the logs, on either backend, whatever
/// proxy headers a request carries.
#[tokio::test]
async fn no_ip_address_or_user_agent_is_stored_or_logged() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        app.create_user("anna", Role::Worker, "anna-long-password")
            .await;
        let client = reqwest::Client::builder()
            .user_agent(AGENT)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let with_headers = |r: reqwest::RequestBuilder| {
            r.header("x-forwarded-for", IP)
                .header("forwarded", format!("for={IP}"))
                .header("x-real-ip", IP)
                .header("referer", format!("http://{IP}/from"))
                .header("origin", &app.base)
        };
        for path in [
            "/",
            "/?lang=ru",
            "/staff/login",
            "/static/style.css",
            "/healthz",
            "/api/v1/openapi.json",
            "/nope",
            "/ask",
            "/c",
            "/kb",
        ] {
            with_headers(client.get(app.url(path)))
                .send()
                .await
                .unwrap();
        }
        for password in ["wrong-password", "anna-long-password"] {
            with_headers(client.post(app.url("/staff/login")))
                .form(&[("username", "anna"), ("password", password)])
                .send()
                .await
                .unwrap();
        }
        with_headers(client.get(app.url("/staff/")))
            .send()
            .await
            .unwrap();
        with_headers(client.post(app.url("/api/v1/auth/token")))
            .json(&serde_json::json!({"username": "anna", "password": "anna-long-password"}))
            .send()
            .await
            .unwrap();
        // The whole client flow by API (ask, reply, rate, delete, and a second conversation left
        // in place) and the staff flow (read the inbox, reply), every request with the canaries.
        let mut codenames = Vec::new();
        for _ in 0..2 {
            let started: serde_json::Value = with_headers(
                client.post(app.url("/api/v1/conversations")),
            )
            .json(&serde_json::json!({"topic": "other", "message": "canary flow", "lang": "en"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
            codenames.push(format!(
                "Codename {}",
                started["codename"].as_str().unwrap()
            ));
        }
        let token: serde_json::Value = with_headers(client.post(app.url("/api/v1/auth/token")))
            .json(&serde_json::json!({"username": "anna", "password": "anna-long-password"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
        let inbox: serde_json::Value =
            with_headers(client.get(app.url("/api/v1/staff/conversations")))
                .header("authorization", &bearer)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        let items = inbox["items"].as_array().unwrap();
        assert_eq!(
            items.len(),
            2,
            "{backend:?}: both conversations in the inbox"
        );
        for item in items {
            let id = item["id"].as_str().unwrap();
            let replied = with_headers(
                client.post(app.url(&format!("/api/v1/staff/conversations/{id}/messages"))),
            )
            .header("authorization", &bearer)
            .json(&serde_json::json!({"message": "staff canary reply"}))
            .send()
            .await
            .unwrap();
            assert_eq!(replied.status(), 201, "{backend:?}: staff reply");
        }
        for codename in &codenames {
            let posted = with_headers(client.post(app.url("/api/v1/conversations/me/messages")))
                .header("authorization", codename)
                .json(&serde_json::json!({"message": "a reply from the client"}))
                .send()
                .await
                .unwrap();
            assert_eq!(posted.status(), 201, "{backend:?}: client reply");
        }
        let deleted = with_headers(client.delete(app.url("/api/v1/conversations/me")))
            .header("authorization", &codenames[0])
            .send()
            .await
            .unwrap();
        assert!(deleted.status().is_success(), "{backend:?}: delete");
        let contents = app.db.raw_contents().await;
        assert!(
            contents.contains("anna"),
            "{backend:?}: the scan did not see the data"
        );
        assert!(!contents.contains(IP), "{backend:?}: IP address stored");
        assert!(!contents.contains(AGENT), "{backend:?}: user agent stored");
        let logs = captured_logs();
        assert!(logs.contains("request"), "no request was logged at all");
        assert!(!logs.contains(IP), "IP address logged");
        assert!(!logs.contains(AGENT), "user agent logged");
        assert!(!logs.contains("anna-long-password"), "password logged");
    }
}
