//! HTTP tests of the whole application through the real router on `127.0.0.1:0`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod alerts;
mod api;
mod attachments;
mod audit;
mod authorization;
mod browser;
mod client_pages;
mod content;
mod conversations;
mod drafts;
mod editorial;
mod i18n_keys;
mod inbox_pages;
mod invites;
mod notify;
mod operations;
mod privacy;
mod publishing;
mod publishing_telegram;
mod push;
mod qa;
mod security;
mod services;
mod sessions;
mod signin;
mod team;
mod telegram;
mod telegram_delivery;
mod totp;
mod watch;
mod watch_upload;
mod worker_speed;

use netreach_testkit::TestApp;

/// Extracts the value of `name="..." value="..."` from a page, to check a form kept its input.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The admin the tests sign in as, with their browser.
pub async fn admin(app: &TestApp) -> netreach_testkit::Browser {
    app.signed_in("root", netreach_core::Role::Admin).await.0
}
