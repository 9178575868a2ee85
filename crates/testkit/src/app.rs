//! The real application on `127.0.0.1:0`, and a browser-like client for it.

use netreach_app::AppState;
use netreach_app::settings::Settings;
use netreach_core::{FixedClock, Role};
use netreach_store::{StaffUser, Store};
use netreach_testdb::TestDb;
use std::net::SocketAddr;
use std::sync::Arc;

/// A running Netreach on a fresh database.
#[derive(Debug)]
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub state: AppState,
    pub db: TestDb,
    pub clock: Arc<FixedClock>,
    /// A browser session (cookie jar) for the test's main user.
    pub browser: Browser,
    recovery: std::sync::OnceLock<String>,
    _data: tempfile::TempDir,
}

impl TestApp {
    /// Serves the app on a fresh SQLite database.
    pub async fn spawn() -> TestApp {
        Self::spawn_on(TestDb::new(crate::TestBackend::Sqlite).await, |_| {}).await
    }

    /// Serves the app on the given database, after letting the test adjust the settings.
    pub async fn spawn_on(db: TestDb, configure: impl FnOnce(&mut Settings)) -> TestApp {
        crate::logs::install();
        let data = tempfile::tempdir().expect("data dir");
        let mut settings = Settings {
            data: data.path().to_owned(),
            server_secret: Some("test-server-secret-0123456789-abcdefghij".to_owned().into()),
            ..Settings::default()
        };
        configure(&mut settings);
        let store: Arc<dyn Store> = Arc::new(db.store().await);
        let start = time::macros::datetime!(2026-03-02 09:00 UTC);
        let clock = Arc::new(FixedClock::new(start));
        let state = netreach_app::build(store, settings, clock.clone()).expect("app state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let router = netreach_web::router(state.clone());
        tokio::spawn(async move {
            let _ = netreach_web::serve(listener, router, std::future::pending()).await;
        });
        let base = format!("http://{addr}");
        TestApp {
            addr,
            browser: Browser::new(&base),
            base,
            state,
            db,
            clock,
            recovery: std::sync::OnceLock::new(),
            _data: data,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A second, independent browser (its own cookies).
    pub fn new_browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Creates a staff account directly through the accounts service. The first account also
    /// gets the inbox key (as setup does); later ones are granted access, as an admin would.
    pub async fn create_user(&self, username: &str, role: Role, password: &str) -> StaffUser {
        let inbox = match self.recovery.get() {
            Some(phrase) => Some(
                netreach_app::keys::recover_inbox(&self.state, phrase)
                    .await
                    .expect("inbox key"),
            ),
            None => None,
        };
        let user = netreach_app::accounts::create_user_as_operator(
            &self.state,
            username,
            role,
            password.to_owned(),
            inbox.as_ref(),
        )
        .await
        .expect("create user");
        if inbox.is_none() {
            let phrase = netreach_app::accounts::first_inbox(&self.state, &user)
                .await
                .expect("create the inbox key");
            let _ = self.recovery.set(phrase);
        }
        user
    }

    /// Creates a staff account that has not been granted inbox access.
    pub async fn create_user_without_access(
        &self,
        username: &str,
        role: Role,
        password: &str,
    ) -> StaffUser {
        netreach_app::accounts::create_user_as_operator(
            &self.state,
            username,
            role,
            password.to_owned(),
            None,
        )
        .await
        .expect("create user")
    }

    /// The inbox secret (as the recovery key opens it), for tests that check encryption.
    pub async fn inbox_key(&self) -> netreach_crypto::SecretKeyBytes {
        let phrase = self
            .recovery
            .get()
            .expect("the inbox exists once a user was created");
        netreach_app::keys::recover_inbox(&self.state, phrase)
            .await
            .expect("inbox key")
    }

    /// Creates a user (with inbox access) and signs them in for an API token: the acting staff
    /// member a test hands to a service directly, as a handler would.
    pub async fn staff(&self, username: &str, role: Role) -> netreach_app::policy::Staff {
        let password = format!("{username}-long-password-123");
        self.create_user(username, role, &password).await;
        let (record, token) = netreach_app::accounts::sign_in_for_token(
            &self.state,
            username,
            password,
            None,
            "test",
        )
        .await
        .expect("sign in for a token");
        let user = self
            .state
            .store
            .user_by_id(record.user_id)
            .await
            .expect("read user")
            .expect("the user exists");
        netreach_app::policy::Staff::new(
            user,
            token,
            record.wrapped_inbox_key,
            netreach_app::keys::API_WRAP,
        )
    }

    /// Creates a user and signs in as them in a new browser.
    pub async fn signed_in(&self, username: &str, role: Role) -> (Browser, StaffUser) {
        let password = format!("{username}-long-password-123");
        let user = self.create_user(username, role, &password).await;
        let browser = self.new_browser();
        let response = browser.login(username, &password).await;
        assert_eq!(response.status(), 303, "sign-in of {username} failed");
        (browser, user)
    }
}

/// A cookie-keeping HTTP client that does not follow redirects and sends `Origin` on POST the
/// way a browser does for same-site forms.
#[derive(Debug, Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    base: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        Browser {
            client,
            base: base.to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Posts a `multipart/form-data` form, as a browser does for a form with a file field.
    pub async fn post_multipart(&self, path: &str, parts: &[Part<'_>]) -> reqwest::Response {
        let (content_type, body) = multipart_body(parts);
        self.client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/staff/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// One part of a multipart form: a text field, or a file with its name and declared type.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File {
        field: &'a str,
        filename: &'a str,
        content_type: &'a str,
        bytes: &'a [u8],
    },
}

/// The `Content-Type` header and the body of a multipart form.
pub fn multipart_body(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = format!("----netreach{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for part in parts {
        body.extend(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend(value.as_bytes());
            }
            Part::File {
                field,
                filename,
                content_type,
                bytes,
            } => {
                body.extend(
                    format!(
                        "Content-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
                         Content-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend(*bytes);
            }
        }
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
