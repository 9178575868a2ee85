//! Staff search: the published content (the same index as the public `/search`, with a link to
//! edit each file), plus the team's own canned replies, posts, venues and services.

use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::content::hit_url;
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use netreach_app::search::{self, Found, SearchError};
use netreach_content::search::Kind;
use netreach_core::Lang;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// A result: where it is, what it is called, what kind it is, and where to edit it.
#[derive(Debug)]
struct Row {
    url: String,
    title: String,
    kind: String,
    edit: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/search.html")]
struct SearchPage<'a> {
    chrome: Chrome<'a>,
    q: String,
    found: Vec<Row>,
}

/// Where a result links to and where it is edited, with its kind in the reader's language.
fn row(chrome: &Chrome<'_>, found: Found) -> Row {
    match found {
        Found::Content(hit) => {
            let (kind, edit) = match hit.kind {
                Kind::Article => (
                    "search-kind-article",
                    Some(format!("kb%2F{}.{}.md", hit.slug, hit.lang.code())),
                ),
                Kind::Substance => (
                    "search-kind-substance",
                    Some(format!("substances%2F{}.toml", hit.slug)),
                ),
                Kind::Qa => ("search-kind-qa", None),
            };
            Row {
                url: hit_url(&hit),
                title: format!("{} ({})", hit.title, hit.lang.code()),
                kind: chrome.t.get(kind),
                edit: edit.map(|path| format!("/staff/content/edit?path={path}")),
            }
        }
        Found::CannedReply { id, title } => Row {
            url: format!("/staff/canned/{id}"),
            title,
            kind: chrome.t.get("staff-search-canned"),
            edit: None,
        },
        Found::Post { id, title } => Row {
            url: format!("/staff/posts/{id}"),
            title,
            kind: chrome.t.get("staff-search-post"),
            edit: None,
        },
        Found::Venue { id, name } => Row {
            url: format!("/staff/venues/{id}"),
            title: name,
            kind: chrome.t.get("staff-search-venue"),
            edit: None,
        },
        Found::Service { slug, name, city } => Row {
            url: format!("/services#{slug}"),
            title: format!("{name} — {city}"),
            kind: chrome.t.get("staff-search-service"),
            edit: Some(format!("/staff/content/edit?path=services%2F{slug}.toml")),
        },
    }
}

pub async fn search(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let q: String = query.q.trim().chars().take(100).collect();
    let found = search::staff_search(&state, &session.staff(), &q, lang)
        .await
        .map_err(|e| match e {
            SearchError::Denied(denied) => PageError::from(denied),
            SearchError::Store(e) => e.into(),
        })?;
    let chrome = Chrome::new(
        &state,
        lang,
        "staff-search-title",
        "/staff/search",
        Some(&session),
    );
    let found = found.into_iter().map(|f| row(&chrome, f)).collect();
    Ok(render(&SearchPage { chrome, q, found }))
}
