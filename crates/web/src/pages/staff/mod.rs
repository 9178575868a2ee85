//! The staff console under `/staff/`. Every state-changing route passes the CSRF check; pages
//! that need a role use the `RequireRole` extractor, so a worker gets a 403 page, never a crash.

mod account;
mod session;
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
    done: Option<String>,
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
}

async fn dashboard(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(_done): Query<Done>,
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
    Ok(render(&DashboardPage {
        chrome,
        role_label,
        sessions,
    }))
}
