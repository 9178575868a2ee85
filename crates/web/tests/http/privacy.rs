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
