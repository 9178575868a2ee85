//! Test helpers shared by every crate's integration tests:
//! - [`TestDb`] (from `netreach-testdb`, which the store's tests use without this kit): a fresh
//!   database per test, on SQLite (always) or PostgreSQL (when `NETREACH_TEST_POSTGRES_URL` is
//!   set; required when `CI` is set).
//! - [`TestApp`]: the real router served on `127.0.0.1:0`, with a clock the test moves.
//! - [`captured_logs`]: everything the application logged in this test process.
//! - [`FakeBotApi`]: the one fake Telegram Bot API (and webhook receiver) tests send to.
//! - [`FakeSmtp`]: an SMTP sink that keeps every message it receives.
//! - [`FakePush`] and [`FakeBrowser`]: a Web Push service and a subscribed browser's keys.
//!
//! Set `TEST_LOG=1` to also see the logs on stderr.

// Test-support code: failing loudly on a broken fixture is the point.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod app;
mod logs;
pub mod push;
pub mod smtp;
pub mod telegram;

pub use app::{Browser, Part, TestApp, multipart_body};
pub use logs::captured_logs;
pub use netreach_testdb::{TestBackend, TestDb};
pub use push::{FakeBrowser, FakePush, ReceivedPush, vapid_claims};
pub use smtp::FakeSmtp;
pub use telegram::{FakeBot, FakeBotApi};

/// Installs the process-wide TLS provider (ring) that HTTP clients need; call before building
/// one outside a [`TestApp`].
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A plain HTTP client for tests, with the TLS provider installed.
pub fn http_client() -> reqwest::Client {
    install_tls();
    reqwest::Client::new()
}
