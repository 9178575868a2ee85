//! The staff console under `/staff/`. Every state-changing route passes the CSRF check; pages
//! that need a role use the `RequireRole` extractor, so a worker gets a 403 page, never a crash.

mod account;
mod alerts;
mod content;
mod inbox;
mod publishing;
mod qa;
mod search;
mod session;
mod team;
mod users;

use super::{Chrome, render};
use crate::auth::StaffSession;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use netreach_core::Lang;
use serde::Deserialize;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/staff", get(|| async { Redirect::permanent("/staff/") }))
        .route("/staff/", get(dashboard))
        .route(
            "/staff/login",
            get(session::login_form).post(session::login),
        )
        .route("/staff/logout", post(session::logout))
        .route("/staff/logout-everywhere", post(session::logout_everywhere))
        .route(
            "/staff/setup",
            get(session::setup_form).post(session::setup),
        )
        .route("/staff/account", get(account::account))
        .route("/staff/account/password", post(account::change_password))
        .route(
            "/staff/tokens",
            get(account::tokens).post(account::create_token),
        )
        .route("/staff/tokens/{id}/revoke", post(account::revoke_token))
        .route("/staff/inbox", get(inbox::inbox))
        .route("/staff/alerts", get(alerts::index).post(alerts::create))
        .route("/staff/alerts/{id}/{action}", post(alerts::act))
        .route(
            "/staff/venues",
            get(publishing::venues).post(publishing::create_venue),
        )
        .route(
            "/staff/venues/{id}",
            get(publishing::venue).post(publishing::update_venue),
        )
        .route("/staff/venues/{id}/token", post(publishing::set_token))
        .route(
            "/staff/posts",
            get(publishing::posts).post(publishing::create_post),
        )
        .route(
            "/staff/posts/{id}",
            get(publishing::post).post(publishing::save_post),
        )
        .route("/staff/posts/{id}/approve", post(publishing::approve))
        .route("/staff/posts/{id}/publish", post(publishing::publish))
        .route("/staff/publications", get(publishing::log))
        .route("/staff/publications.csv", get(publishing::log_csv))
        .route("/staff/publications/{id}", post(publishing::record))
        .route("/staff/search", get(search::search))
        .route("/staff/content", get(content::list))
        .route(
            "/staff/content/edit",
            get(content::edit).post(content::save),
        )
        .route("/staff/content/step", post(content::step))
        .route("/staff/qa", get(qa::index).post(qa::create))
        .route("/staff/qa/{id}", post(qa::edit))
        .route("/staff/qa/{id}/{action}", post(qa::act))
        .route("/staff/conversations/{id}", get(inbox::show))
        .route("/staff/conversations/{id}/reply", post(inbox::reply))
        .route("/staff/conversations/{id}/note", post(inbox::note))
        .route("/staff/conversations/{id}/assign", post(inbox::assign))
        .route("/staff/conversations/{id}/status", post(inbox::status))
        .route("/staff/users/{id}/grant", post(users::grant))
        .route("/staff/conversations/{id}/tags", post(inbox::add_tag))
        .route(
            "/staff/conversations/{id}/tags/remove",
            post(inbox::remove_tag),
        )
        .route(
            "/staff/availability",
            get(team::availability_form).post(team::save_availability),
        )
        .route("/staff/away", post(team::set_away))
        .route(
            "/staff/canned",
            get(team::canned_list).post(team::canned_create),
        )
        .route(
            "/staff/canned/{id}",
            get(team::canned_edit).post(team::canned_update),
        )
        .route("/staff/canned/{id}/delete", post(team::canned_delete))
        .route("/staff/users", get(users::list).post(users::create))
        .route("/staff/users/{id}/disable", post(users::disable))
        .route("/staff/users/{id}/enable", post(users::enable))
        .route("/staff/users/{id}/role", post(users::change_role))
        .route("/staff/users/{id}/password", post(users::reset_password))
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::middleware::csrf,
        ))
}

/// A confirmation shown after a redirect (`?done=...`): only known keys map to messages.
#[derive(Debug, Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

impl Done {
    pub fn message_id(&self) -> Option<&'static str> {
        Some(match self.done.as_deref()? {
            "created" => "flash-user-created",
            "disabled" => "flash-user-disabled",
            "enabled" => "flash-user-enabled",
            "role" => "flash-role-changed",
            "reset" => "flash-password-reset",
            "password" => "flash-password-changed",
            "revoked" => "flash-token-revoked",
            "everywhere" => "flash-logged-out-everywhere",
            "setup" => "flash-setup-done",
            "replied" => "flash-replied",
            "noted" => "flash-noted",
            "assigned" => "flash-assigned",
            "status" => "flash-status",
            "granted" => "flash-granted",
            "saved" => "flash-saved",
            "away" => "flash-away",
            "canned" => "flash-canned",
            "canned-deleted" => "flash-canned-deleted",
            "tagged" => "flash-tagged",
            "alert-saved" => "flash-alert-saved",
            "alert-verify" => "flash-alert-verify",
            "alert-publish" => "flash-alert-publish",
            "alert-withdraw" => "flash-alert-withdraw",
            "venue-saved" => "flash-venue-saved",
            "token-saved" => "flash-token-saved",
            "post-saved" => "flash-post-saved",
            "post-approved" => "flash-post-approved",
            "post-queued" => "flash-post-queued",
            "post-recorded" => "flash-post-recorded",
            "log-saved" => "flash-log-saved",
            "qa-saved" => "flash-qa-saved",
            "content-saved" => "flash-content-saved",
            "content-submit" => "flash-content-submit",
            "content-send-back" => "flash-content-send-back",
            "content-publish" => "flash-content-publish",
            "content-archive" => "flash-content-archive",
            "qa-publish" => "flash-qa-publish",
            "qa-withdraw" => "flash-qa-withdraw",
            _ => return None,
        })
    }
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome<'a>,
    role_label: String,
    sessions: String,
    waiting: String,
    urgent: String,
    any_urgent: bool,
    readable: bool,
    away: bool,
    supervisor: bool,
    notice: Option<String>,
}

async fn dashboard(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, crate::error::PageError> {
    let chrome = Chrome::new(
        &state,
        lang,
        "dashboard-title",
        "/staff/",
        Some(&session.user),
    );
    let count = state
        .store
        .count_user_sessions(session.user.id, state.clock.now())
        .await?;
    let role_label = chrome.t.get(&format!("role-{}", session.user.role));
    let sessions = chrome.t.count("dashboard-sessions", "count", count as i64);
    let waiting: u64 = state
        .store
        .status_counts()
        .await?
        .into_iter()
        .filter(|(s, _)| matches!(s, netreach_core::Status::New | netreach_core::Status::Open))
        .map(|(_, n)| n)
        .sum();
    let urgent_filter = netreach_store::InboxFilter {
        urgent_only: true,
        limit: 200,
        ..Default::default()
    };
    let urgent = state
        .store
        .list_conversations(&urgent_filter)
        .await?
        .iter()
        .filter(|c| {
            matches!(
                c.status,
                netreach_core::Status::New | netreach_core::Status::Open
            )
        })
        .count();
    let away = state.store.availability().await?.is_some_and(|a| a.away);
    Ok(render(&DashboardPage {
        away,
        supervisor: session.user.role.includes(netreach_core::Role::Supervisor),
        notice: done.message_id().map(|id| chrome.t.get(id)),
        waiting: chrome.t.count("dashboard-waiting", "count", waiting as i64),
        urgent: chrome.t.count("dashboard-urgent", "count", urgent as i64),
        any_urgent: urgent > 0,
        readable: session.inbox_key().is_some(),
        chrome,
        role_label,
        sessions,
    }))
}
