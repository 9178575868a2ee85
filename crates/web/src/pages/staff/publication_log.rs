//! The publication log in the console: what went where, filtered, followed up and exported as
//! CSV.

use super::Done;
use super::publishing::{failed, minute, page_id, shown};
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::publishing::{self as service, PublishError};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{Lang, PublicationId, PublicationStatus};
use netreach_store::{PublicationFilter, PublicationRecord, VenueRecord};
use serde::Deserialize;

// --- the publication log ---

#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    venue: String,
    #[serde(default)]
    status: String,
    done: Option<String>,
}

impl LogQuery {
    fn filter(&self) -> Result<PublicationFilter, PublishError> {
        service::log_filter(&self.venue, "", &self.status, 500)
    }
}

/// A log row with the names it refers to.
#[derive(Debug)]
struct LogRow {
    entry: PublicationRecord,
    venue: String,
    what: String,
    by: String,
    created: String,
}

#[derive(Template)]
#[template(path = "staff/publications.html")]
struct LogPage<'a> {
    chrome: Chrome<'a>,
    rows: Vec<LogRow>,
    venues: Vec<VenueRecord>,
    statuses: Vec<&'static str>,
    /// The statuses staff may set by hand; the others belong to the sender.
    recorded: Vec<&'static str>,
    venue: String,
    status: String,
    csv_query: String,
    /// What was typed into one row's form, shown again after an error.
    typed_id: String,
    typed: RecordForm,
    notice: Option<String>,
    error: Option<String>,
}

async fn log_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    query: LogQuery,
    error: Option<&str>,
    typed: Option<(String, RecordForm)>,
) -> Result<LogPage<'a>, PageError> {
    let (typed_id, typed) = typed.unwrap_or_default();
    let chrome = Chrome::new(
        state,
        lang,
        "log-title",
        "/staff/publications",
        Some(&session),
    );
    let listed = match query.filter() {
        Ok(filter) => service::log(state, &session.staff(), filter).await,
        Err(e) => Err(e),
    };
    let (entries, error) = match listed {
        Ok(entries) => (entries, error),
        Err(PublishError::Store(e)) => return Err(e.into()),
        Err(e) => (Vec::new(), Some(e.message_id())),
    };
    let venues = service::venues(state, &session.staff())
        .await
        .map_err(failed)?;
    let users = crate::accounts::colleagues(state, &session.staff()).await?;
    let titles = service::post_titles(state, &session.staff(), &entries)
        .await
        .map_err(failed)?;
    let mut rows = Vec::new();
    for entry in entries {
        let what = match (&entry.post_id, &entry.alert_id) {
            (Some(post), _) => match titles.get(post) {
                Some(title) => format!("{title} (v{})", entry.post_version.unwrap_or(1)),
                None => String::new(),
            },
            (None, Some(_)) => chrome.t.get("log-alert"),
            (None, None) => String::new(),
        };
        rows.push(LogRow {
            venue: venues
                .iter()
                .find(|v| v.id == entry.venue_id)
                .map(|v| v.name.clone())
                .unwrap_or_default(),
            by: crate::accounts::username_of(&users, entry.created_by)
                .unwrap_or_else(|| "—".into()),
            created: minute(Some(entry.created_at)),
            what,
            entry,
        });
    }
    let csv_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("venue", &query.venue)
        .append_pair("status", &query.status)
        .finish();
    Ok(LogPage {
        notice: Done {
            done: query.done.clone(),
        }
        .message_id()
        .map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        rows,
        venues,
        statuses: PublicationStatus::ALL.iter().map(|s| s.as_str()).collect(),
        recorded: PublicationStatus::ALL
            .iter()
            .filter(|s| s.recordable_by_staff())
            .map(|s| s.as_str())
            .collect(),
        venue: query.venue,
        status: query.status,
        csv_query,
        typed_id,
        typed,
    })
}

pub async fn log(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(query): Query<LogQuery>,
) -> Result<Response, PageError> {
    let page = log_page(&state, lang, &session, query, None, None).await?;
    if page.error.is_some() {
        return Ok(render_invalid(&page));
    }
    Ok(render(&page))
}

pub async fn log_csv(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<LogQuery>,
) -> Result<Response, PageError> {
    let csv = match query.filter() {
        Ok(filter) => service::log_csv(&state, &session.staff(), filter).await,
        Err(e) => Err(e),
    };
    match csv {
        Ok(csv) => Ok(crate::api::publishing::csv_response(csv)),
        Err(PublishError::Store(e)) => Err(e.into()),
        Err(_) => Err(PageError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    followup: String,
}

pub async fn record(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Result<Response, PageError> {
    let publication_id: PublicationId = page_id(&id)?;
    // (On an error the row's form comes back with what was typed.)
    match service::record(
        &state,
        &session.staff(),
        publication_id,
        &form.url,
        &form.status,
        &form.followup,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/staff/publications?done=log-saved").into_response()),
        Err(e) => {
            let message = shown(e)?;
            let typed = Some((id, form));
            let page = log_page(
                &state,
                lang,
                &session,
                LogQuery::default(),
                Some(message),
                typed,
            )
            .await?;
            Ok(render_invalid(&page))
        }
    }
}
