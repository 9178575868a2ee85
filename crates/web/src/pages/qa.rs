//! The public question-and-answer archive: `/qa` (entries in the visitor's language, newest
//! first) and `/qa/{id}`.

use crate::error::PageError;
use crate::pages::{Chrome, render};
use crate::qa as service;
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use netreach_app::policy::Action;
use netreach_core::Lang;
use netreach_store::QaRecord;

pub fn routes() -> Routes {
    Routes::new()
        .get("/qa", Action::ReadPublic, index)
        .get("/qa/{id}", Action::ReadPublic, show)
}

#[derive(Template)]
#[template(path = "content/qa_index.html")]
struct IndexPage<'a> {
    chrome: Chrome<'a>,
    entries: Vec<QaRecord>,
}

async fn index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, "qa-title", "/qa", None);
    let entries = service::published(&state, Some(lang))
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(render(&IndexPage { chrome, entries }))
}

#[derive(Template)]
#[template(path = "content/qa_entry.html")]
struct EntryPage<'a> {
    chrome: Chrome<'a>,
    entry: QaRecord,
    topic: String,
}

async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let entry_id = id.parse().map_err(|_| PageError::NotFound)?;
    let entry = match service::public_entry(&state, entry_id).await {
        Ok(e) => e,
        Err(service::QaError::Store(e)) => return Err(e.into()),
        Err(_) => return Err(PageError::NotFound),
    };
    let chrome = Chrome::new(&state, lang, "qa-title", &format!("/qa/{id}"), None);
    let topic = chrome.t.get(&format!("topic-{}", entry.topic));
    Ok(render(&EntryPage {
        chrome,
        entry,
        topic,
    }))
}
