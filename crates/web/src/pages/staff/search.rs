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
struct Found {
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
    found: Vec<Found>,
}

fn matches(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}

pub async fn search(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(
        &state,
        lang,
        "staff-search-title",
        "/staff/search",
        Some(&session.user),
    );
    let q: String = query.q.trim().chars().take(100).collect();
    let mut found = Vec::new();
    if !q.is_empty() {
        let needle = q.to_lowercase();
        for hit in state.content.index().search(&q, lang, 20) {
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
            found.push(Found {
                url: hit_url(&hit),
                title: format!("{} ({})", hit.title, hit.lang.code()),
                kind: chrome.t.get(kind),
                edit: edit.map(|path| format!("/staff/content/edit?path={path}")),
            });
        }
        for reply in state.store.canned_replies(None).await? {
            if matches(&reply.title, &needle) || matches(&reply.body, &needle) {
                found.push(Found {
                    url: format!("/staff/canned/{}", reply.id),
                    title: reply.title,
                    kind: chrome.t.get("staff-search-canned"),
                    edit: None,
                });
            }
        }
        for post in state.store.posts().await? {
            if matches(&post.title, &needle) || matches(&post.body, &needle) {
                found.push(Found {
                    url: format!("/staff/posts/{}", post.id),
                    title: post.title,
                    kind: chrome.t.get("staff-search-post"),
                    edit: None,
                });
            }
        }
        for venue in state.store.venues().await? {
            if matches(&venue.name, &needle) || matches(&venue.address, &needle) {
                found.push(Found {
                    url: format!("/staff/venues/{}", venue.id),
                    title: venue.name,
                    kind: chrome.t.get("staff-search-venue"),
                    edit: None,
                });
            }
        }
        for service in &state.content.pack().services {
            if matches(&service.name.en, &needle)
                || matches(&service.name.ru, &needle)
                || matches(&service.city, &needle)
            {
                found.push(Found {
                    url: format!("/services#{}", service.slug),
                    title: format!("{} — {}", service.name.get(lang), service.city),
                    kind: chrome.t.get("staff-search-service"),
                    edit: Some(format!(
                        "/staff/content/edit?path=services%2F{}.toml",
                        service.slug
                    )),
                });
            }
        }
    }
    Ok(render(&SearchPage { chrome, q, found }))
}
