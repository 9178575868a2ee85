//! The weekly first-response report for supervisors: per week and per worker, the share
//! answered within target and the median and 90th percentile first response (working time).

use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use netreach_app::availability::describe;
use netreach_app::conversations::ConversationError;
use netreach_core::Lang;

struct Line {
    week: String,
    worker: String,
    answered: u64,
    within: u64,
    median: String,
    p90: String,
}

#[derive(Template)]
#[template(path = "staff/responses.html")]
struct ResponsesPage<'a> {
    chrome: Chrome<'a>,
    lines: Vec<Line>,
    weeks: i64,
}

pub async fn report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let lines = netreach_app::targets::weekly_report(&state, &session.staff())
        .await
        .map_err(|e| match e {
            ConversationError::Denied(denied) => denied.into(),
            e => PageError::Internal(e.to_string()),
        })?;
    let chrome = Chrome::new(
        &state,
        lang,
        "responses-title",
        "/staff/responses",
        Some(&session),
    );
    let lines = lines
        .into_iter()
        .map(|l| Line {
            week: l.week.to_string(),
            worker: if l.responder.is_empty() {
                chrome.t.get("responses-former-member")
            } else {
                l.responder
            },
            answered: l.summary.answered,
            within: l.summary.within_target_percent(),
            median: describe(l.summary.median_seconds, &chrome.t),
            p90: describe(l.summary.p90_seconds, &chrome.t),
        })
        .collect();
    Ok(render(&ResponsesPage {
        chrome,
        lines,
        weeks: netreach_app::targets::REPORT_WEEKS,
    }))
}
