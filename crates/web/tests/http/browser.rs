//! The public site in a real browser: headless Chromium with JavaScript switched off (as Tor
//! Browser at "Safest"), and the console with it on, driven through chromedriver's W3C WebDriver
//! API. CI installs both and
//! sets `NETREACH_TEST_BROWSER=required`; elsewhere the test is skipped when they are missing.

use netreach_testkit::TestApp;
use serde_json::{Value, json};
use std::time::Duration;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
    _process: tokio::process::Child,
    _profile: tempfile::TempDir,
}

fn find(binaries: &[&str]) -> Option<String> {
    binaries
        .iter()
        .find(|b| std::path::Path::new(b).exists())
        .map(|b| (*b).to_owned())
}

impl Driver {
    /// Starts chromedriver and a headless Chromium session without JavaScript; `None` if the
    /// browser is not installed (and not required).
    async fn start() -> Option<Driver> {
        Self::start_with(false).await
    }

    /// As [`Driver::start`], with JavaScript on or off.
    async fn start_with(javascript: bool) -> Option<Driver> {
        let required = std::env::var("NETREACH_TEST_BROWSER").is_ok_and(|v| v == "required");
        let (Some(driver), Some(chromium)) = (
            find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]),
            find(&["/usr/bin/chromium", "/usr/lib/chromium/chromium"]),
        ) else {
            assert!(
                !required,
                "chromium and chromedriver are required but not installed"
            );
            #[allow(clippy::print_stderr)]
            {
                eprintln!("skipped: chromium or chromedriver not installed");
            }
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = tokio::process::Command::new(driver)
            .arg(format!("--port={port}"))
            .kill_on_drop(true)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        netreach_testkit::install_tls();
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={}", profile.path().display())],
                "prefs": {"profile.managed_default_content_settings.javascript":
                    if javascript { 1 } else { 2 }}
            }
        }}});
        let created: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {created}"))
            .to_owned();
        Some(Driver {
            http,
            base,
            session,
            _process: process,
            _profile: profile,
        })
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(answer["value"].get("error").is_none(), "{path}: {answer}");
        answer["value"].clone()
    }

    async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn element(&self, css: &str) -> String {
        let found = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{css}: {found}"))
            .to_owned()
    }

    async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The page source once it contains `needle` (a form post navigates asynchronously).
    async fn wait_for(&self, needle: &str) -> String {
        for _ in 0..100 {
            let source = self.source().await;
            if source.contains(needle) {
                return source;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{needle:?} never appeared in: {}", self.source().await)
    }

    /// Signs in at the console's login form and waits for the console.
    async fn sign_in(&self, app: &TestApp, username: &str, password: &str) {
        self.go(&app.url("/staff/login?lang=en")).await;
        self.type_into("#username", username).await;
        self.type_into("#password", password).await;
        self.click("form button[type=submit]").await;
        self.wait_for("nav-notifications").await;
    }

    async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// How far right the page's content reaches, in CSS pixels: the right edge of the furthest
    /// element (scripts are off, so this is measured through WebDriver, element by element).
    async fn content_width(&self) -> f64 {
        let found = self
            .call(
                reqwest::Method::POST,
                "/elements",
                Some(json!({"using": "css selector", "value": "body *"})),
            )
            .await;
        let mut widest: f64 = 0.0;
        for element in found.as_array().unwrap() {
            let id = element[ELEMENT].as_str().unwrap();
            let rect = self
                .call(reqwest::Method::GET, &format!("/element/{id}/rect"), None)
                .await;
            let right = rect["x"].as_f64().unwrap_or(0.0) + rect["width"].as_f64().unwrap_or(0.0);
            widest = widest.max(right);
        }
        widest
    }

    /// The width of the viewport (the `html` element's box).
    async fn viewport_width(&self) -> f64 {
        let id = self.element("html").await;
        self.call(reqwest::Method::GET, &format!("/element/{id}/rect"), None)
            .await["width"]
            .as_f64()
            .unwrap()
    }

    /// Runs a script in the page (JavaScript on only) and returns its value.
    async fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    async fn title(&self) -> String {
        self.call(reqwest::Method::GET, "/title", None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let url = format!("{}/session/{}", self.base, self.session);
        let http = self.http.clone();
        // Best effort: chromedriver (killed on drop) takes the browser with it anyway.
        tokio::spawn(async move {
            let _ = http.delete(url).send().await;
        });
    }
}

#[tokio::test]
async fn a_client_asks_returns_and_checks_a_mix_in_chromium_without_javascript() {
    let Some(browser) = Driver::start().await else {
        return;
    };
    // JavaScript really is off.
    browser
        .go("data:text/html,<title>js-off</title><script>document.title='js-on'</script>")
        .await;
    assert_eq!(browser.title().await, "js-off");

    let app = TestApp::spawn().await;
    // The inbox key exists once the first staff member does.
    app.create_user("anna", netreach_core::Role::Admin, "anna-long-password-123")
        .await;
    browser.go(&app.url("/ask?lang=en")).await;
    browser.click("input[name=topic][value=substances]").await;
    browser
        .type_into(
            "#message",
            "Is it risky to mix ketamine and alcohol tonight? Chromiumcanary",
        )
        .await;
    browser
        .click("form[action='/ask'] button[type=submit]")
        .await;
    let page = browser.wait_for("class=\"codename\"").await;
    assert!(!page.contains("<script"), "no script on the codename page");
    let start = page
        .find("class=\"codename\"")
        .unwrap_or_else(|| panic!("codename not shown: {page}"));
    let start = start + page[start..].find('>').unwrap() + 1;
    let codename = page[start..start + page[start..].find('<').unwrap()].to_owned();
    let marker = "name=\"position\" value=\"";
    let at = page.find(marker).unwrap() + marker.len();
    let position: usize = page[at..at + page[at..].find('"').unwrap()]
        .parse()
        .unwrap();
    let word = codename.split(' ').nth(position - 1).unwrap().to_owned();
    browser.type_into("#word", &word).await;
    browser
        .click("form[action='/ask/confirm'] button[type=submit]")
        .await;
    let thread = browser.wait_for("Chromiumcanary").await;
    assert!(
        browser.url().await.ends_with("/c"),
        "{}",
        browser.url().await
    );
    assert!(
        thread.contains("Chromiumcanary"),
        "the question is on the thread page"
    );

    // A photo from the reply form alone (no text), as a plain multipart form, shown in the thread.
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("wound.jpg");
    std::fs::write(
        &file,
        netreach_app::attachments::media::samples::jpeg_with_exif(320, 240, "Browsercanary"),
    )
    .unwrap();
    browser
        .type_into("#photo", &file.display().to_string())
        .await;
    browser
        .click("form[action='/c/reply'] button[type=submit]")
        .await;
    let with_photo = browser.wait_for("class=\"attachment\"").await;
    assert!(
        browser.url().await.ends_with("/c"),
        "{}",
        browser.url().await
    );
    assert!(!with_photo.contains("Browsercanary"));
    let img = browser.element("img.attachment").await;
    let mut width = Value::Null;
    for _ in 0..100 {
        width = browser
            .call(
                reqwest::Method::GET,
                &format!("/element/{img}/property/naturalWidth"),
                None,
            )
            .await;
        if width.as_f64().is_some_and(|w| w > 0.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(width.as_f64(), Some(320.0), "the photo loads in the page");

    browser.go(&app.url("/check?lang=en")).await;
    browser.click("input[name=s][value=heroin]").await;
    browser.click("input[name=s][value=alcohol]").await;
    browser.click("form.stack button[type=submit]").await;
    let result = browser.wait_for("class=\"pairs\"").await;
    assert!(
        browser.url().await.contains("s=heroin"),
        "{}",
        browser.url().await
    );
    assert!(
        result.contains("risk-dangerous"),
        "heroin + alcohol shown as dangerous"
    );
}

/// A phone 390 px wide: no public page and no console page scrolls sideways (the review found
/// `/services` and the conversation page did), in English and Russian.
#[tokio::test]
async fn public_and_console_pages_fit_a_390_px_phone() {
    let Some(browser) = Driver::start().await else {
        return;
    };
    browser
        .call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": 390, "height": 844})),
        )
        .await;
    let app = TestApp::spawn().await;
    app.create_user("anna", netreach_core::Role::Admin, "anna-long-password-123")
        .await;
    netreach_app::published::import_files_with(
        &app.state,
        netreach_content::bundled_files(),
        Default::default(),
    )
    .await
    .unwrap();
    let (_, id) =
        crate::conversations::start(&app, "overdose", "my friend is not waking up", "en").await;
    let viewport = browser.viewport_width().await;
    assert!(viewport <= 400.0, "the window is a phone's: {viewport}");
    let mut too_wide = Vec::new();
    let mut check = async |path: &str| {
        browser.go(&app.url(path)).await;
        let width = browser.content_width().await;
        if width > viewport + 1.0 {
            too_wide.push(format!("{path}: {width:.0} px"));
        }
    };
    for lang in ["en", "ru"] {
        for path in [
            "/",
            "/ask",
            "/kb",
            "/check?s=heroin&s=alcohol",
            "/services",
            "/alerts",
        ] {
            let sep = if path.contains('?') { '&' } else { '?' };
            check(&format!("{path}{sep}lang={lang}")).await;
        }
    }
    browser.go(&app.url("/staff/login")).await;
    browser.type_into("input[name=username]", "anna").await;
    browser
        .type_into("input[name=password]", "anna-long-password-123")
        .await;
    browser
        .click("form[action='/staff/login'] button[type=submit]")
        .await;
    browser.wait_for("/staff/logout").await;
    for path in [
        "/staff/".to_owned(),
        "/staff/inbox".to_owned(),
        format!("/staff/conversations/{id}"),
        format!("/staff/conversations/{id}?lang=ru"),
    ] {
        check(&path).await;
    }
    assert!(
        too_wide.is_empty(),
        "wider than {viewport} px: {too_wide:?}"
    );
}

/// The console with JavaScript on: a canned reply goes in at the cursor of the reply box and the
/// draft typed before stays (review B1), without the page reloading.
#[tokio::test]
async fn a_canned_reply_is_inserted_at_the_cursor_keeping_the_typed_draft() {
    let Some(browser) = Driver::start_with(true).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let password = "anna-long-password-123";
    app.create_user("anna", netreach_core::Role::Admin, password)
        .await;
    app.state
        .store
        .put_canned_reply(netreach_store::CannedReply {
            id: netreach_core::CannedId::new_random(),
            lang: netreach_core::Lang::En,
            title: "Greeting".into(),
            body: "Cannedcanary text.".into(),
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
            tags: Vec::new(),
            status: None,
        })
        .await
        .unwrap();
    let (_, id) = crate::conversations::start(&app, "legal", "a question", "en").await;
    browser.sign_in(&app, "anna", password).await;
    let page = format!("/staff/conversations/{id}");
    browser.go(&app.url(&page)).await;
    browser.wait_for("id=\"reply\"").await;
    browser.type_into("#reply", "Hello! Draftcanary. ").await;
    // The cursor after "Hello! ": the canned text goes between the two parts of the draft.
    browser
        .script("var r = document.getElementById('reply'); r.focus(); r.setSelectionRange(7, 7);")
        .await;
    browser.click("a[href*='?canned=']").await;
    let mut value = String::new();
    for _ in 0..100 {
        value = browser
            .script("return document.getElementById('reply').value;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if value.contains("Cannedcanary") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(value, "Hello! Cannedcanary text.\n\nDraftcanary. ");
    assert!(
        browser.url().await.ends_with(&page),
        "inserted without reloading: {}",
        browser.url().await
    );
}

/// With the script, the notification settings page offers to turn on push in this browser, and
/// the service worker it registers loads under the console's Content-Security-Policy. (Headless
/// Chromium cannot reach a real push service, so subscribing itself is tested over HTTP with a
/// fake browser's keys.)
#[tokio::test]
async fn the_console_offers_push_and_its_service_worker_registers_under_the_console_policy() {
    let Some(browser) = Driver::start_with(true).await else {
        return;
    };
    let app = TestApp::spawn_on(
        netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await,
        |s| s.push.subject = Some("mailto:team@example.org".into()),
    )
    .await;
    let password = "anna-long-password-123";
    app.create_user("anna", netreach_core::Role::Worker, password)
        .await;
    browser.sign_in(&app, "anna", password).await;
    browser.go(&app.url("/staff/account/notifications")).await;
    browser.wait_for("id=\"push-on\"").await;
    let mut shown = Value::Null;
    for _ in 0..50 {
        shown = browser
            .script("return document.getElementById('push-on').hidden;")
            .await;
        if shown == Value::Bool(false) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(shown, Value::Bool(false), "the script shows the button");
    let scope = browser
        .script(
            "return navigator.serviceWorker.register('/staff/push-worker.js', {scope: '/staff/'})\
             .then(function (r) { return r.scope; }, function (e) { return 'failed: ' + e; });",
        )
        .await;
    assert_eq!(scope, json!(app.url("/staff/")), "{scope}");
}

/// The console with JavaScript on: the reply box is saved as a draft while typing (on the
/// server, sealed; nothing in the browser's storage) and is back after a reload.
#[tokio::test]
async fn a_typed_reply_is_saved_as_a_draft_and_survives_a_reload() {
    let Some(browser) = Driver::start_with(true).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let password = "anna-long-password-123";
    app.create_user("anna", netreach_core::Role::Admin, password)
        .await;
    let (_, id) = crate::conversations::start(&app, "legal", "a question", "en").await;
    browser.sign_in(&app, "anna", password).await;
    let page = app.url(&format!("/staff/conversations/{id}"));
    browser.go(&page).await;
    browser.wait_for("id=\"reply\"").await;
    browser
        .type_into("#reply", "Not unless they have a warrant.")
        .await;
    browser.wait_for("Draft saved ").await;
    browser.go(&page).await;
    browser.wait_for("id=\"reply\"").await;
    let value = browser
        .script("return document.getElementById('reply').value;")
        .await;
    assert_eq!(value, "Not unless they have a warrant.");
    let stored = browser
        .script("return window.localStorage.length + window.sessionStorage.length;")
        .await;
    assert_eq!(stored, 0, "nothing kept in the browser");
}
