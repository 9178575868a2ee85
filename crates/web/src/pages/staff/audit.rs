//! The audit log for admins: who did what, when, on which id; filtered and exported as CSV.

use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use netreach_app::audit::{self as service, AuditError};
use netreach_core::{AuditAction, Lang};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    cursor: String,
}

impl AuditQuery {
    fn service(&self) -> service::Query {
        service::Query {
            action: Some(self.action.clone()),
            actor: Some(self.actor.clone()),
            cursor: Some(self.cursor.clone()),
        }
    }

    fn encoded(&self, cursor: &str) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("action", &self.action)
            .append_pair("actor", &self.actor)
            .append_pair("cursor", cursor)
            .finish()
    }
}

struct Row {
    at: String,
    actor: String,
    action: &'static str,
    target: String,
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage<'a> {
    chrome: Chrome<'a>,
    rows: Vec<Row>,
    actions: Vec<&'static str>,
    action: String,
    actor: String,
    csv_query: String,
    next_query: Option<String>,
    error: Option<String>,
}

pub async fn log(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, "audit-title", "/staff/audit", Some(&session));
    let (page, error) = match service::read(&state, &session.staff(), &query.service()).await {
        Ok(page) => (Some(page), None),
        Err(AuditError::Store(e)) => return Err(e.into()),
        Err(AuditError::Denied(d)) => return Err(d.into()),
        Err(e) => (None, Some(chrome.t.get(e.message_id()))),
    };
    let (items, next) = page.map_or((Vec::new(), None), |p| (p.items, p.next_cursor));
    let rows = items
        .into_iter()
        .map(|e| Row {
            at: e
                .entry
                .at
                .format(&time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute]:[second]"
                ))
                .unwrap_or_default(),
            actor: e.entry.actor,
            action: e.entry.action.as_str(),
            target: e.entry.target,
        })
        .collect();
    let page = AuditPage {
        chrome,
        rows,
        actions: AuditAction::ALL.iter().map(|a| a.as_str()).collect(),
        csv_query: query.encoded(""),
        next_query: next.map(|cursor| query.encoded(&cursor)),
        action: query.action,
        actor: query.actor,
        error,
    };
    if page.error.is_some() {
        Ok(render_invalid(&page))
    } else {
        Ok(render(&page))
    }
}

pub async fn log_csv(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    match service::export_csv(&state, &session.staff(), &query.service()).await {
        Ok(csv) => Ok(crate::api::publishing::csv_response(csv)),
        Err(AuditError::Store(e)) => Err(e.into()),
        Err(AuditError::Denied(d)) => Err(d.into()),
        Err(_) => Err(PageError::NotFound),
    }
}
