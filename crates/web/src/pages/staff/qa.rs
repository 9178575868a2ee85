//! The Q&A archive in the console: drafts written from consenting, solved conversations, their
//! review and publication by a second staff member, and withdrawal of published entries.

use super::Done;
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::qa::{self as service, QaError};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{Lang, QaId, QaStatus};
use netreach_store::QaRecord;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    conversation_id: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    answer: String,
}

#[derive(Template)]
#[template(path = "staff/qa.html")]
struct QaPage<'a> {
    chrome: Chrome<'a>,
    /// Drafts, each with whether the viewer wrote it last (and so cannot review it).
    drafts: Vec<(QaRecord, bool)>,
    published: Vec<QaRecord>,
    /// A new entry whose saving failed, with what was typed.
    retry: Option<EntryForm>,
    /// The draft whose edit failed, with what was typed.
    editing: Option<(QaId, EntryForm)>,
    notice: Option<String>,
    error: Option<String>,
}

async fn page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<QaPage<'a>, PageError> {
    let chrome = Chrome::new(state, lang, "qa-console-title", "/staff/qa", Some(&session));
    Ok(QaPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        drafts: service::entries(state, &session.staff(), QaStatus::Draft)
            .await
            .map_err(failed)?
            .into_iter()
            .map(|e| {
                let own = e.written_by == Some(session.user.id);
                (e, own)
            })
            .collect(),
        published: service::entries(state, &session.staff(), QaStatus::Published)
            .await
            .map_err(failed)?,
        retry: None,
        editing: None,
    })
}

/// An entry's id from the path; text that is no id names no entry.
fn entry_id(text: &str) -> Result<QaId, PageError> {
    text.parse().map_err(|_| PageError::NotFound)
}

/// A failure reading what the page lists: the error page, whatever it was.
fn failed(e: QaError) -> PageError {
    super::error_page(shown(e))
}

fn shown(e: QaError) -> Result<&'static str, PageError> {
    match e {
        QaError::Store(e) => Err(e.into()),
        QaError::Denied(d) => Err(d.into()),
        QaError::NotFound => Err(PageError::NotFound),
        other => Ok(other.message_id()),
    }
}

pub async fn index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(&state, lang, &session, done.message_id(), None).await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    let conversation = form
        .conversation_id
        .parse()
        .map_err(|_| PageError::NotFound)?;
    match service::draft(
        &state,
        &session.staff(),
        conversation,
        &form.question,
        &form.answer,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/staff/qa?done=qa-saved").into_response()),
        Err(e) => {
            let message = shown(e)?;
            let page = page(&state, lang, &session, None, Some(message)).await?;
            Ok(render_invalid(&QaPage {
                retry: Some(form),
                ..page
            }))
        }
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, PageError> {
    let id = entry_id(&id)?;
    match service::edit(&state, &session.staff(), id, &form.question, &form.answer).await {
        Ok(()) => Ok(Redirect::to("/staff/qa?done=qa-saved").into_response()),
        Err(e) => {
            let message = shown(e)?;
            let page = page(&state, lang, &session, None, Some(message)).await?;
            Ok(render_invalid(&QaPage {
                editing: Some((id, form)),
                ..page
            }))
        }
    }
}

pub async fn publish(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = entry_id(&id)?;
    let result = service::publish(&state, &session.staff(), id).await;
    after_step(&state, lang, &session, "publish", result).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = entry_id(&id)?;
    let result = service::withdraw(&state, &session.staff(), id).await;
    after_step(&state, lang, &session, "withdraw", result).await
}

/// Back to the archive after a step, or the archive with the reason it was refused.
async fn after_step(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    action: &str,
    result: Result<(), service::QaError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/qa?done=qa-{action}")).into_response()),
        Err(e) => {
            let message = shown(e)?;
            Ok(render_invalid(
                &page(state, lang, session, None, Some(message)).await?,
            ))
        }
    }
}
