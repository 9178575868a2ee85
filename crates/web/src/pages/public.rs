//! The public site: no JavaScript, no external requests, small pages, works in Tor Browser at
//! "Safest".

use super::{Chrome, render};
use crate::availability;
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use netreach_app::policy::Action;
use netreach_core::Lang;
use netreach_core::availability::Availability;

pub fn routes() -> Routes {
    Routes::new()
        .get("/", Action::ReadPublic, home)
        .get("/static/style.css", Action::ReadPublic, stylesheet)
        .get("/healthz", Action::ReadPublic, healthz)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    chrome: Chrome<'a>,
    /// `online`, `offline`, `away`, or empty when no hours are set.
    status: &'static str,
    back_at: Option<String>,
    typical: Option<String>,
    alerts: Vec<super::alerts::AlertItem>,
}

async fn home(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
) -> Result<Response, crate::error::PageError> {
    let chrome = Chrome::new(&state, lang, "home-title", "/", None);
    let team = availability::team_status(&state).await?;
    let status = match team.availability {
        Some(Availability::Online) => "online",
        Some(Availability::Offline { .. }) => "offline",
        Some(Availability::Away) => "away",
        None => "",
    };
    let typical = team
        .typical_response
        .map(|s| availability::describe_within(s, &chrome.t));
    let alerts = crate::alerts::published(&state)
        .await
        .map_err(|e| crate::error::PageError::Internal(e.to_string()))?
        .iter()
        .filter(|a| crate::alerts::is_active(&state, a))
        .map(|a| super::alerts::item(&state, a, lang))
        .collect();
    Ok(render(&HomePage {
        chrome,
        status,
        back_at: team.back_at,
        typical,
        alerts,
    }))
}

const STYLESHEET: &str = include_str!("../../assets/style.css");

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
}

/// `ok` once migrations ran (the server only listens after them) and the database answers
/// (an answer stands for a second: `netreach_app::health`).
async fn healthz(State(state): State<AppState>) -> Response {
    match netreach_app::health::check(&state).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
            response
                .extensions_mut()
                .insert(crate::error::ErrorCause(e.to_string()));
            response
        }
    }
}
