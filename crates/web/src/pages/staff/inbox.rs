//! The shared inbox in the console: the filtered list with its saved views and bulk actions,
//! and "next waiting". One conversation's page is in `conversation`.

use crate::api::conversations::{InboxQuery, cursor_after};
use crate::auth::StaffSession;
use crate::conversations::ConversationError;
use crate::error::PageError;
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::availability::local_text;
use netreach_app::inbox;
use netreach_core::follow_up::{self, FollowUpState};
use netreach_core::{ConversationId, Lang, Status, Topic};
use serde::Deserialize;

struct Row {
    id: String,
    topic: String,
    lang: &'static str,
    status: String,
    urgent: bool,
    assigned: String,
    last_activity: String,
    waiting_for_staff: bool,
    /// Working time waited for a first answer ("" once answered), and whether past the target.
    waiting: String,
    breached: bool,
    /// Put aside until this (local) time, shown in the follow-up views.
    follow_up_pending: Option<String>,
    /// Came back from a follow-up: its time came, or the client wrote.
    follow_up_due: bool,
    /// The opening of the client's newest message ("" without the inbox key).
    preview: String,
}

struct FilterLink {
    label: String,
    href: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "staff/inbox.html")]
struct InboxPage<'a> {
    chrome: Chrome<'a>,
    rows: Vec<Row>,
    status_links: Vec<FilterLink>,
    assigned_links: Vec<FilterLink>,
    topics: Vec<(&'static str, String)>,
    tags: Vec<FilterLink>,
    query: InboxQuery,
    next: Option<String>,
    readable: bool,
    error: Option<String>,
    bulk_notice: Option<String>,
    bulk_error: Option<String>,
    oldest_first: bool,
    /// This view in the other order.
    sort_oldest: String,
    sort_newest: String,
    follow_up_links: Vec<FilterLink>,
    /// One's saved views: id, name, link.
    views: Vec<(String, String, String)>,
    /// This view's query string, for "Save this view"; the name typed, and what was wrong.
    view_query: String,
    view_name: String,
    view_error: Option<String>,
}

pub(super) fn when(t: time::OffsetDateTime) -> String {
    format!("{} {:02}:{:02}", t.date(), t.hour(), t.minute())
}

fn query_string(q: &InboxQuery) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    let mut push = |k: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            out.append_pair(k, v);
        }
    };
    push("status", &q.status);
    push("assigned", &q.assigned);
    push("topic", &q.topic);
    push("client_lang", &q.lang);
    push("channel", &q.channel);
    push("tag", &q.tag);
    push("sort", &q.sort);
    push("follow_up", &q.follow_up);
    if q.urgent == Some(true) {
        out.append_pair("urgent", "true");
    }
    out.finish()
}

/// A service failure as a page: a refusal is the 403 page, the rest an internal error.
pub(super) fn shown(e: ConversationError) -> PageError {
    match e {
        ConversationError::NotFound | ConversationError::UnknownAssignee => PageError::NotFound,
        ConversationError::Denied(denied) => denied.into(),
        e => PageError::Internal(e.to_string()),
    }
}

/// The console's inbox query: as the API's, but the conversation language is `client_lang`,
/// because `lang` switches the console's own language.
#[derive(Debug, Default, Deserialize)]
pub struct ConsoleQuery {
    status: Option<String>,
    urgent: Option<bool>,
    assigned: Option<String>,
    topic: Option<String>,
    client_lang: Option<String>,
    channel: Option<String>,
    tag: Option<String>,
    cursor: Option<String>,
    sort: Option<String>,
    follow_up: Option<String>,
    /// After a bulk action: how many were done and refused, or what was wrong.
    bulk_done: Option<usize>,
    bulk_refused: Option<usize>,
    bulk: Option<String>,
    /// After saving a view failed: why, and the name typed.
    view_error: Option<String>,
    view_name: Option<String>,
}

impl From<ConsoleQuery> for InboxQuery {
    fn from(q: ConsoleQuery) -> InboxQuery {
        InboxQuery {
            status: q.status,
            urgent: q.urgent,
            assigned: q.assigned,
            topic: q.topic,
            lang: q.client_lang,
            channel: q.channel,
            tag: q.tag,
            cursor: q.cursor,
            limit: Some(50),
            sort: q.sort,
            follow_up: q.follow_up,
        }
    }
}

/// `POST /staff/inbox/bulk`: `id` repeated, `do` = `claim`, `solve` or `tag` (with `tag`).
pub async fn bulk(
    State(state): State<AppState>,
    session: StaffSession,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let ids: Vec<ConversationId> = fields
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let what = match field("do") {
        Some("claim") => inbox::Bulk::Claim,
        Some("solve") => inbox::Bulk::Status(Status::Solved),
        Some("tag") => inbox::Bulk::Tag(field("tag").unwrap_or_default().to_owned()),
        _ => return Ok(Redirect::to("/staff/inbox?bulk=none").into_response()),
    };
    let back = match inbox::bulk(&state, &session.staff(), &ids, &what).await {
        Ok(outcome) => format!(
            "/staff/inbox?bulk_done={}&bulk_refused={}",
            outcome.done, outcome.refused
        ),
        Err(ConversationError::BadTag) => "/staff/inbox?bulk=bad_tag".to_owned(),
        Err(e) => return Err(shown(e)),
    };
    Ok(Redirect::to(&back).into_response())
}

pub async fn inbox(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(console): Query<ConsoleQuery>,
) -> Result<Response, PageError> {
    let bulk_notice = match (
        &console.bulk_done,
        &console.bulk_refused,
        console.bulk.as_deref(),
    ) {
        (Some(done), refused, _) => Some((*done as i64, refused.unwrap_or(0) as i64)),
        _ => None,
    };
    let bulk_error = match console.bulk.as_deref() {
        Some("bad_tag") => Some("error-tag"),
        Some(_) => Some("inbox-bulk-nothing"),
        None => None,
    };
    let view_error = match console.view_error.as_deref() {
        Some("many") => Some("error-too-many-views"),
        Some(_) => Some("error-view-name"),
        None => None,
    };
    let view_name = console.view_name.clone().unwrap_or_default();
    let query: InboxQuery = console.into();
    let chrome = Chrome::new(&state, lang, "inbox-title", "/staff/inbox", Some(&session));
    let (filter, error) = match query.filter(session.user.id) {
        Ok(filter) => (filter, None),
        Err(_) => (
            InboxQuery::default()
                .filter(session.user.id)
                .map_err(|e| PageError::Internal(e.into()))?,
            Some(chrome.t.get("error-body-400")),
        ),
    };
    let staff = session.staff();
    let view = inbox::inbox(&state, &staff, &filter).await.map_err(shown)?;
    let (items, names, counts) = (view.items, view.usernames, view.status_counts);
    let waited = view.waiting;
    let timezone = view.timezone;
    let mut previews = view.previews;
    let now = state.clock.now();
    let next = (items.len() as u32 == filter.limit)
        .then(|| {
            items.last().map(|c| {
                let base = query_string(&query);
                let sep = if base.is_empty() { "" } else { "&" };
                format!("/staff/inbox?{base}{sep}cursor={}", cursor_after(c))
            })
        })
        .flatten();
    let rows = items
        .iter()
        .map(|c| Row {
            id: c.id.to_string(),
            topic: chrome.t.get(&format!("topic-{}", c.topic.as_str())),
            lang: c.lang.code(),
            status: chrome.t.get(&format!("staff-status-{}", c.status.as_str())),
            urgent: c.urgent,
            assigned: c
                .assigned_to
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            last_activity: when(c.last_activity_at),
            waiting_for_staff: matches!(c.status, Status::New | Status::Open),
            waiting: waited
                .get(&c.id)
                .map(|w| netreach_app::availability::describe(w.minutes * 60, &chrome.t))
                .unwrap_or_default(),
            breached: waited.get(&c.id).is_some_and(|w| w.breached()),
            follow_up_pending: match follow_up::state(c.follow_up_at, now) {
                FollowUpState::Pending(at) => Some(local_text(timezone.as_deref(), at).0),
                _ => None,
            },
            preview: previews.remove(&c.id).unwrap_or_default(),
            follow_up_due: matches!(follow_up::state(c.follow_up_at, now), FollowUpState::Due(_)),
        })
        .collect();
    let follow_up_links = [
        ("pending", "inbox-follow-up-pending"),
        ("due", "inbox-follow-up-due"),
    ]
    .into_iter()
    .map(|(value, id)| FilterLink {
        label: chrome.t.get(id),
        href: format!("/staff/inbox?follow_up={value}"),
        active: query.follow_up.as_deref() == Some(value),
    })
    .collect();
    let mut status_links = vec![FilterLink {
        label: chrome.t.get("inbox-all"),
        href: "/staff/inbox".into(),
        active: query.status.as_deref().unwrap_or("").is_empty(),
    }];
    for (status, n) in counts {
        status_links.push(FilterLink {
            label: format!(
                "{} ({n})",
                chrome.t.get(&format!("staff-status-{}", status.as_str()))
            ),
            href: format!("/staff/inbox?status={}", status.as_str()),
            active: query.status.as_deref() == Some(status.as_str()),
        });
    }
    let assigned_links = [
        ("all", "inbox-assigned-all"),
        ("mine", "inbox-assigned-mine"),
        ("unassigned", "inbox-assigned-none"),
    ]
    .into_iter()
    .map(|(value, id)| FilterLink {
        label: chrome.t.get(id),
        href: format!("/staff/inbox?assigned={value}"),
        active: query.assigned.as_deref().unwrap_or("all") == value,
    })
    .collect();
    let topics = Topic::ALL
        .iter()
        .map(|t| (t.as_str(), chrome.t.get(&format!("topic-{}", t.as_str()))))
        .collect();
    let tags = view
        .tag_counts
        .into_iter()
        .map(|(tag, n)| FilterLink {
            active: query.tag.as_deref() == Some(tag.as_str()),
            href: format!(
                "/staff/inbox?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("tag", &tag)
                    .finish()
            ),
            label: format!("#{tag} ({n})"),
        })
        .collect();
    let bulk_notice = bulk_notice.map(|(done, refused)| {
        chrome
            .t
            .counts("inbox-bulk-done", "done", done, "refused", refused)
    });
    let bulk_error = bulk_error.map(|id| chrome.t.get(id));
    let view_error = view_error.map(|id| chrome.t.get(id));
    let views = inbox::saved_views(&state, &staff)
        .await
        .map_err(shown)?
        .into_iter()
        .map(|v| {
            (
                v.id.to_string(),
                v.name,
                format!("/staff/inbox?{}", v.query),
            )
        })
        .collect();
    Ok(render(&InboxPage {
        bulk_notice,
        bulk_error,
        tags,
        readable: staff.has_inbox(),
        chrome,
        rows,
        status_links,
        assigned_links,
        topics,
        oldest_first: filter.oldest_first,
        sort_oldest: sorted(&query, "oldest"),
        sort_newest: sorted(&query, "newest"),
        follow_up_links,
        views,
        view_query: query_string(&query),
        view_name,
        view_error,
        query,
        next,
        error,
    }))
}

/// The inbox link for this query in another order (from the first page).
fn sorted(query: &InboxQuery, sort: &str) -> String {
    let mut q = InboxQuery {
        status: query.status.clone(),
        urgent: query.urgent,
        assigned: query.assigned.clone(),
        topic: query.topic.clone(),
        lang: query.lang.clone(),
        channel: query.channel.clone(),
        tag: query.tag.clone(),
        follow_up: query.follow_up.clone(),
        ..InboxQuery::default()
    };
    q.sort = Some(sort.to_owned());
    format!("/staff/inbox?{}", query_string(&q))
}

#[derive(Deserialize)]
pub struct ViewForm {
    #[serde(default)]
    name: String,
    /// The inbox's query string of the view being saved.
    #[serde(default)]
    query: String,
}

/// `POST /staff/inbox/views`: saves the inbox's current filters under a name of one's own, then
/// shows that view; a bad name comes back with the reason and what was typed.
pub async fn save_view(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<ViewForm>,
) -> Result<Response, PageError> {
    // Only the inbox's own filters are kept, in its own spelling.
    let uri: axum::http::Uri = format!("/staff/inbox?{}", form.query)
        .parse()
        .map_err(|_| PageError::NotFound)?;
    let Query(console) =
        Query::<ConsoleQuery>::try_from_uri(&uri).map_err(|_| PageError::NotFound)?;
    let query = query_string(&console.into());
    let back = match inbox::save_view(&state, &session.staff(), &form.name, &query).await {
        Ok(()) => format!("/staff/inbox?{query}"),
        Err(e @ (ConversationError::BadViewName | ConversationError::TooManyViews)) => {
            let mut url = form_urlencoded::Serializer::new(query.clone());
            url.append_pair(
                "view_error",
                if matches!(e, ConversationError::TooManyViews) {
                    "many"
                } else {
                    "name"
                },
            );
            url.append_pair("view_name", &form.name);
            format!("/staff/inbox?{}", url.finish())
        }
        Err(e) => return Err(shown(e)),
    };
    Ok(Redirect::to(&back).into_response())
}

/// `POST /staff/inbox/views/{id}/delete`: deletes one of one's own views.
pub async fn delete_view(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: uuid::Uuid = id.parse().map_err(|_| PageError::NotFound)?;
    inbox::delete_view(&state, &session.staff(), id)
        .await
        .map_err(shown)?;
    Ok(Redirect::to("/staff/inbox").into_response())
}

/// `GET /staff/inbox/next`: the conversation waiting longest (or the inbox when none waits).
pub async fn next(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let next = inbox::next_waiting(&state, &session.staff())
        .await
        .map_err(shown)?;
    Ok(match next {
        Some(id) => Redirect::to(&format!("/staff/conversations/{id}#reply")),
        None => Redirect::to("/staff/inbox?status=new"),
    }
    .into_response())
}
