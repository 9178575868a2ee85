use netreach_core::Role;
use netreach_testkit::TestApp;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The console's: the same plus its own one script and the requests it makes.
const STAFF_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; script-src 'self'; connect-src 'self'";

/// The headers every response carries, whatever the route, method or status: `what` names the
/// request in the failure message.
pub fn assert_security_headers(response: &reqwest::Response, what: &str) {
    let h = response.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    let path = response.url().path();
    let expected = if path == "/staff" || path.starts_with("/staff/") {
        STAFF_CSP
    } else {
        CSP
    };
    assert_eq!(csp, expected, "{what}");
    for (name, value) in [
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(
            h.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{what}: {name}"
        );
    }
    assert!(
        h.get("permissions-policy")
            .is_some_and(|v| v.to_str().unwrap().contains("camera=()")),
        "{what}: permissions-policy"
    );
    for absent in ["server", "etag"] {
        assert!(h.get(absent).is_none(), "{what}: sends {absent}");
    }
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.signed_in("anna", Role::Worker).await;
    let pages = [
        (app.new_browser().get("/").await, "public home"),
        (app.new_browser().get("/staff/login").await, "sign-in"),
        (staff.get("/staff/").await, "console"),
        (app.new_browser().get("/no-such-page").await, "404"),
        (app.new_browser().get("/api/v1/openapi.json").await, "api"),
    ];
    for (response, name) in pages {
        let h = response.headers();
        if name == "console" || name == "sign-in" {
            assert_eq!(h["content-security-policy"], STAFF_CSP, "{name}");
        } else {
            assert_eq!(h["content-security-policy"], CSP, "{name}");
            assert!(
                !h["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("script-src"),
                "{name}"
            );
        }
        assert_eq!(h["referrer-policy"], "no-referrer", "{name}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{name}");
        assert!(
            h["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("camera=()"),
            "{name}"
        );
        assert_eq!(h["x-request-id"].to_str().unwrap().len(), 32, "{name}");
        assert!(h.get("onion-location").is_none());
    }
    let console = staff.get("/staff/account").await;
    assert_eq!(console.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn public_pages_send_no_script_and_no_external_requests() {
    let app = TestApp::spawn().await;
    for path in ["/", "/?lang=ru", "/staff/login", "/missing"] {
        let html = app.browser.get_text(path).await;
        assert!(!html.to_lowercase().contains("<script"), "{path}");
        // The quick exit is the one link out, to the neutral site the organisation chose: a
        // link the person follows, never a request the page makes.
        let exit = format!("href=\"{}\"", app.state.settings.quick_exit_url);
        let html = html.replacen(&exit, "", 1);
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{path} links outside"
        );
        assert!(html.len() < 16 * 1024, "{path} is {} bytes", html.len());
    }
    let css = app.browser.get("/static/style.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let css = css.text().await.unwrap();
    assert!(
        !css.contains("url(") && !css.contains("@import"),
        "stylesheet loads something"
    );
    assert!(css.len() + app.browser.get_text("/").await.len() < 16 * 1024);
}

#[tokio::test]
async fn the_onion_location_header_is_sent_on_public_pages_when_configured() {
    let db = netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| {
        s.onion_location = Some("http://exampleonionaddress.onion".into())
    })
    .await;
    let home = app.browser.get("/").await;
    assert_eq!(
        home.headers()["onion-location"],
        "http://exampleonionaddress.onion/"
    );
    assert!(
        app.browser
            .get("/staff/login")
            .await
            .headers()
            .get("onion-location")
            .is_none()
    );
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [("username", "anna"), ("password", "anna-long-password")];
    let attempts = [
        vec![("origin", "https://evil.example")],
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        vec![("sec-fetch-site", "same-site")],
        vec![],
    ];
    for headers in attempts {
        let mut request = client.post(app.url("/staff/login")).form(&form);
        for (k, v) in &headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 403, "{headers:?}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("sent from another site")
        );
    }
    let same_origin = client
        .post(app.url("/staff/login"))
        .header("origin", &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 303);
    let typed = client
        .post(app.url("/staff/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status(), 303);
}

#[tokio::test]
async fn unknown_pages_and_wrong_methods_get_localised_error_pages() {
    let app = TestApp::spawn().await;
    let missing = app.browser.get("/no/such/page").await;
    assert_eq!(missing.status(), 404);
    assert!(
        missing.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(missing.text().await.unwrap().contains("Page not found"));
    app.browser.get("/?lang=ru").await;
    let missing_ru = app.browser.get_text("/no/such/page").await;
    assert!(missing_ru.contains("Страница не найдена"), "{missing_ru}");
    let wrong_method = app.new_browser().post_form("/", &[]).await;
    assert_eq!(wrong_method.status(), 405);
    assert_security_headers(&wrong_method, "405");
    let page = wrong_method.text().await.unwrap();
    assert!(page.contains("Not possible here"), "{page}");
    // A wrong method on a form route is a 405 too, not a cross-site refusal.
    let delete = app
        .new_browser()
        .client
        .delete(app.url("/staff/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 405);
    assert_security_headers(&delete, "DELETE /staff/login");
}

#[tokio::test]
async fn an_error_page_never_links_to_the_path_it_was_asked_for() {
    let app = TestApp::spawn().await;
    for path in [
        "//evil.example/phish",
        "/\\evil.example/x",
        "/%2F%2Fevil.example",
    ] {
        let response = app.new_browser().get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_security_headers(&response, path);
        let page = response.text().await.unwrap();
        assert!(!page.contains("evil.example"), "{path}: {page}");
        assert!(page.contains("href=\"/?lang=ru\""), "{path}: {page}");
    }
}

#[tokio::test]
async fn with_a_public_url_other_hosts_are_misdirected() {
    let db = netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| {
        s.public_url = Some("http://help.example.org".into());
    })
    .await;
    let client = reqwest::Client::new();
    let rebound = client
        .post(app.url("/ask"))
        .header("host", "evil.example")
        .header("origin", "http://evil.example")
        .form(&[("topic", "other"), ("message", "hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 421);
    assert_security_headers(&rebound, "421");
    assert!(rebound.text().await.unwrap().contains("not the service"));
    let own = client
        .get(app.url("/"))
        .header("host", "help.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    // The test client's own loopback address still works (an SSH tunnel, a monitor).
    assert_eq!(app.browser.get("/").await.status(), 200);
    let health = client
        .get(app.url("/healthz"))
        .header("host", "monitor.internal")
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_connection_that_dribbles_its_headers_is_dropped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buffer = Vec::new();
    // The server closes the connection (with or without a 408) once the header timeout passes;
    // without it this read would wait forever.
    let read = tokio::time::timeout(
        netreach_web::HEADER_READ_TIMEOUT * 3,
        stream.read_to_end(&mut buffer),
    )
    .await;
    assert!(read.is_ok(), "still open after {:?}", started.elapsed());
    assert!(started.elapsed() >= netreach_web::HEADER_READ_TIMEOUT / 2);
}

#[tokio::test]
async fn oversized_bodies_are_rejected_with_413() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(70 * 1024);
    let response = app
        .browser
        .post_form("/staff/login", &[("username", "anna"), ("password", &big)])
        .await;
    assert_eq!(response.status(), 413);
    assert_security_headers(&response, "413");
    assert!(response.text().await.unwrap().contains("too long"));
    let api = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body(format!("{{\"username\":\"a\",\"password\":\"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 413);
    assert_security_headers(&api, "413 (API)");
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn server_errors_show_a_generic_page_with_the_request_id_and_no_cause() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("anna", Role::Worker).await;
    // A closed database is a failure the person can do nothing about but wait: 503.
    app.state.store.close().await;
    let response = browser.get("/staff/").await;
    assert_eq!(response.status(), 503);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = response.text().await.unwrap();
    assert!(page.contains("cannot answer right now"), "{page}");
    assert!(page.contains(&id), "request id missing from the page");
    assert!(
        !page.to_lowercase().contains("pool") && !page.contains("sqlx"),
        "cause leaked: {page}"
    );
    let logs = netreach_testkit::captured_logs();
    assert!(
        logs.contains(&id) && logs.contains("request failed"),
        "cause not logged once with the id"
    );
    let health = app.new_browser().get("/healthz").await;
    assert_eq!(health.status(), 503);
}

#[tokio::test]
async fn health_check_and_language_choice() {
    let app = TestApp::spawn().await;
    let health = app.browser.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let ru = app.new_browser();
    let first = ru.get("/?lang=ru").await;
    let cookie = first.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=ru;"), "{cookie}");
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "a session cookie leaves no lasting trace: {cookie}"
    );
    assert!(first.text().await.unwrap().contains("<html lang=\"ru\">"));
    assert!(
        ru.get_text("/").await.contains("Анонимная помощь"),
        "cookie not remembered"
    );
    let accept = app
        .new_browser()
        .client
        .get(app.url("/"))
        .header("accept-language", "ru-RU,ru;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert!(accept.text().await.unwrap().contains("<html lang=\"ru\">"));
    let english = app
        .new_browser()
        .client
        .get(app.url("/"))
        .header("accept-language", "de-DE")
        .send()
        .await
        .unwrap();
    assert!(english.text().await.unwrap().contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn a_database_that_cannot_answer_gives_a_localised_503_not_a_500() {
    let app = TestApp::spawn().await;
    let token = crate::conversations::staff_token(&app, "anna", Role::Worker).await;
    app.state.store.close().await;
    let page = app.new_browser().get("/?lang=ru").await;
    assert_eq!(page.status(), 503);
    assert_security_headers(&page, "503");
    assert!(page.text().await.unwrap().contains("Сейчас занято"));
    let api = reqwest::Client::new()
        .get(app.url("/api/v1/staff/conversations"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 503);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");
}

/// The console may run its one script, from this origin; the public site runs none and its
/// policy forbids any. The console stays usable without it (every test here drives it without).
#[tokio::test]
async fn only_the_console_loads_its_own_script_and_the_public_site_none() {
    let app = TestApp::spawn().await;
    let (staff, _) = app.signed_in("anna", Role::Worker).await;
    let console = staff.get_text("/staff/").await;
    assert!(console.contains("<script src=\"/staff/console.js\" defer></script>"));
    assert_eq!(
        console.matches("<script").count(),
        1,
        "one script, no inline code"
    );
    let script = app.new_browser().get("/staff/console.js").await;
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let code = script.text().await.unwrap();
    assert!(code.contains("/staff/notifications/count"));
    assert!(
        !code.contains("http://") && !code.contains("https://"),
        "no other origin"
    );
    for path in ["/", "/ask", "/kb", "/c", "/staff/login"] {
        let page = app.browser.get_text(path).await;
        assert!(!page.contains("<script"), "{path}");
    }
    let count: serde_json::Value = staff
        .get("/staff/notifications/count")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count, serde_json::json!({"unread": 0}));
    let anonymous = app.new_browser().get("/staff/notifications/count").await;
    assert_eq!(anonymous.status(), 303, "sign in first");
}
