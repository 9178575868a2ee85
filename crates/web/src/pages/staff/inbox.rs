//! The shared inbox in the console: the filtered list and one conversation with its thread,
//! reply box, internal notes, assignment and status. Content is opened with the inbox key the
//! session holds; without access, staff see metadata only.

use super::Done;
use crate::api::conversations::{InboxQuery, cursor_after};
use crate::auth::StaffSession;
use crate::conversations::{ConversationError, IntakeAnswers};
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::availability::local_text;
use netreach_app::inbox::{self, Assignee};
use netreach_core::follow_up::{self, FollowUpState, When};
use netreach_core::{Author, CannedId, ConversationId, Lang, Status, Topic, UserId};
use netreach_store::{Conversation, MessageKind};
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

fn when(t: time::OffsetDateTime) -> String {
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
fn shown(e: ConversationError) -> PageError {
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

struct EntryView {
    /// Photos and voice messages: (id, whether it is an image).
    attachments: Vec<(String, bool)>,
    kind_label: String,
    css: &'static str,
    who: String,
    at: String,
    body: Option<String>,
    /// A Telegram reply's delivery: `sent` or `failed` ('' otherwise), and its id for sending
    /// it again.
    delivery: String,
    message_id: String,
}

#[derive(Template)]
#[template(path = "staff/conversation.html")]
struct ConversationPage<'a> {
    chrome: Chrome<'a>,
    id: String,
    version: i64,
    topic: String,
    lang: &'static str,
    status: Status,
    status_label: String,
    urgent: bool,
    channel: String,
    assigned: Option<String>,
    assigned_to_me: bool,
    created: String,
    first_response: Option<String>,
    /// When it was solved or archived, and how long that took from the start.
    resolved: Option<String>,
    deletion: String,
    rating: Option<u8>,
    intake: Option<IntakeAnswers>,
    entries: Vec<EntryView>,
    readable: bool,
    statuses: Vec<(&'static str, String)>,
    staff: Vec<(String, String)>,
    reply: String,
    note: String,
    notice: Option<String>,
    error: Option<String>,
    tags: Vec<String>,
    canned: Vec<(String, String)>,
    /// The client agreed to an anonymised public Q&A entry from this conversation.
    qa_consent: bool,
    /// The services directory, for referrals: (slug, "name — city").
    services: Vec<(String, String)>,
    /// Macros: id, title, and what they do besides replying ("#tag · Solved").
    macros: Vec<(String, String, String)>,
    /// Put aside until this (local) time.
    follow_up_pending: Option<String>,
    /// Came back from a follow-up set for this (local) time.
    follow_up_due: Option<String>,
    /// What the follow-up fields hold: the typed time (`datetime-local`) and days.
    follow_up_at: String,
    follow_up_days: String,
    /// The team's time zone the follow-up time is read in.
    timezone: String,
    /// When the member's own draft (in the reply box) was saved, as the quiet status line.
    draft_status: String,
}

struct Draft<'a> {
    reply: String,
    note: String,
    /// What was typed into the follow-up form: a local time and a number of days.
    follow_up: (String, String),
    error: Option<&'a str>,
    /// A message written already (a mixing check that named unknown words).
    refused: Option<String>,
    notice: Option<&'a str>,
}

impl Draft<'_> {
    fn empty() -> Self {
        Draft {
            reply: String::new(),
            note: String::new(),
            follow_up: (String::new(), String::new()),
            error: None,
            refused: None,
            notice: None,
        }
    }
}

async fn conversation_page(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: ConversationId,
    mut draft: Draft<'_>,
    fill: Option<&ShowQuery>,
) -> Result<Response, PageError> {
    let canned_id = fill.and_then(|f| f.canned.as_deref()?.parse::<CannedId>().ok());
    let page = inbox::conversation(state, &session.staff(), id, canned_id)
        .await
        .map_err(shown)?;
    let view = &page.thread;
    let c: &Conversation = &view.conversation;
    // The member's own draft goes back into the box, unless the page returns typed text (a
    // failed send) or a tool fills the box without the script (which replaces it, as ever).
    let filling = fill.is_some_and(ShowQuery::fills_reply);
    let draft_status = match &page.draft {
        Some(saved) if draft.reply.is_empty() && !filling => {
            draft.reply = saved.text.clone();
            let (at, _) = local_text(page.timezone.as_deref(), saved.saved_at);
            let (date, time) = at.split_once(' ').unwrap_or((&at, ""));
            netreach_i18n::Tr::new(&state.i18n, lang).with2(
                "draft-saved-on",
                "date",
                date,
                "time",
                time,
            )
        }
        _ => String::new(),
    };
    if let Some(fill) = fill.filter(|f| f.fills_reply()) {
        match prefill(state, fill, c.lang, page.canned_text.clone())? {
            Ok(text) => draft.reply = text,
            Err(refused) => {
                let t = netreach_i18n::Tr::new(&state.i18n, lang);
                draft.refused = Some(refused.message(state, &t));
            }
        }
    }
    let path = format!("/staff/conversations/{id}");
    let chrome = Chrome::new(state, lang, "conversation-title", &path, Some(&session));
    let names = &page.usernames;
    let intake = view.entries.iter().find_map(|e| e.intake.clone());
    let entries = view
        .entries
        .iter()
        .filter(|e| e.kind != MessageKind::Intake)
        .map(|e| EntryView {
            attachments: e
                .attachments
                .iter()
                .map(|a| {
                    (
                        a.id.to_string(),
                        a.kind == netreach_store::AttachmentKind::Image,
                    )
                })
                .collect(),
            kind_label: match e.kind {
                MessageKind::Note => chrome.t.get("conversation-note"),
                MessageKind::Feedback => chrome.t.get("conversation-feedback"),
                _ => String::new(),
            },
            css: match (e.kind, e.author) {
                (MessageKind::Note, _) => "note",
                (_, Author::Client) => "theirs",
                (_, Author::Staff) => "mine",
            },
            who: match e.author {
                Author::Client => chrome.t.get("conversation-client"),
                Author::Staff => e
                    .staff_id
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
            },
            at: when(e.at),
            body: e.body.clone(),
            delivery: e.delivery.clone(),
            message_id: e.id.to_string(),
        })
        .collect();
    let now = state.clock.now();
    let days = (page.deletion_due - now).whole_days().max(0);
    let timezone = page.timezone.clone();
    let (follow_up_pending, follow_up_due) = match follow_up::state(c.follow_up_at, now) {
        FollowUpState::None => (None, None),
        FollowUpState::Pending(at) => (Some(local_text(timezone.as_deref(), at).0), None),
        FollowUpState::Due(at) => (None, Some(local_text(timezone.as_deref(), at).0)),
    };
    let tags = page.tags.clone();
    let canned = page
        .canned
        .iter()
        .map(|(id, title)| (id.to_string(), title.clone()))
        .collect();
    let qa_consent = page.qa_consent;
    let macros = page
        .macros
        .iter()
        .map(|m| {
            let mut does: Vec<String> = m.tags.iter().map(|t| format!("#{t}")).collect();
            if let Some(status) = m.status {
                does.push(chrome.t.get(&format!("staff-status-{}", status.as_str())));
            }
            (m.id.to_string(), m.title.clone(), does.join(" · "))
        })
        .collect();
    let services = state
        .content
        .pack()
        .services
        .iter()
        .map(|s| (s.slug.clone(), format!("{} — {}", s.name.get(lang), s.city)))
        .collect();
    let page = ConversationPage {
        draft_status,
        macros,
        follow_up_pending,
        follow_up_due,
        follow_up_at: draft.follow_up.0,
        follow_up_days: draft.follow_up.1,
        timezone: timezone.unwrap_or_else(|| "UTC".to_owned()),
        services,
        qa_consent,
        id: c.id.to_string(),
        version: c.version,
        topic: chrome.t.get(&format!("topic-{}", c.topic.as_str())),
        lang: c.lang.code(),
        status: c.status,
        status_label: chrome.t.get(&format!("staff-status-{}", c.status.as_str())),
        urgent: c.urgent,
        channel: c.channel.clone(),
        assigned: c.assigned_to.and_then(|u| names.get(&u).cloned()),
        assigned_to_me: c.assigned_to == Some(session.user.id),
        created: when(c.created_at),
        first_response: c.first_response_at.map(when),
        resolved: c.closed_at.map(|at| {
            let hours = (at - c.created_at).whole_hours();
            format!(
                "{} ({})",
                when(at),
                chrome.t.count("duration-hours", "count", hours.max(1))
            )
        }),
        deletion: chrome.t.count("conversation-deletion", "days", days),
        rating: c.rating,
        intake,
        entries,
        readable: page.readable,
        statuses: Status::ALL
            .iter()
            .filter(|s| s.settable_by_staff())
            .map(|s| {
                (
                    s.as_str(),
                    chrome.t.get(&format!("staff-status-{}", s.as_str())),
                )
            })
            .collect(),
        staff: page
            .assignable
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
        reply: draft.reply,
        note: draft.note,
        tags,
        canned,
        notice: draft.notice.map(|id| chrome.t.get(id)),
        error: draft
            .refused
            .or_else(|| draft.error.map(|id| chrome.t.get(id))),
        chrome,
    };
    Ok(if page.error.is_some() {
        render_invalid(&page)
    } else {
        render(&page)
    })
}

fn parse_id(raw: &str) -> Result<ConversationId, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
    /// A canned reply to put into the reply box.
    canned: Option<String>,
    /// Substances (slugs or names, comma-separated) whose combination check goes into the reply.
    check: Option<String>,
    /// A service from the directory to refer the client to.
    service: Option<String>,
}

impl ShowQuery {
    /// Whether a tool (canned reply, mixing check, referral) fills the reply box.
    fn fills_reply(&self) -> bool {
        self.canned.is_some() || self.check.is_some() || self.service.is_some()
    }
}

/// A combination check written out for a reply, in the conversation's language; refused with
/// the words that named no substance.
fn check_text(
    state: &AppState,
    wanted: &str,
    lang: Lang,
) -> Result<String, crate::published::CheckRefused> {
    let summary = crate::published::check_summary(state, wanted, lang)?;
    let mut out = vec![summary.heading];
    out.extend(summary.pairs.iter().map(|p| format!("• {p}")));
    out.push(summary.path);
    Ok(out.join("\n"))
}

/// What the reply box starts with: a canned reply, a mixing check or a referral, in the
/// conversation's language; the inner `Err` is why a check could not be written (words that
/// named no substance, or too few), and a service that does not exist is a 404.
fn prefill(
    state: &AppState,
    fill: &ShowQuery,
    lang: Lang,
    canned: Option<String>,
) -> Result<Result<String, crate::published::CheckRefused>, PageError> {
    let mut reply = canned.unwrap_or_default();
    if let Some(wanted) = fill.check.as_deref() {
        reply = match check_text(state, wanted, lang) {
            Ok(text) => text,
            Err(refused) => return Ok(Err(refused)),
        };
    }
    if let Some(slug) = fill.service.as_deref().filter(|s| !s.is_empty()) {
        let pack = state.content.pack();
        let service = pack.service(slug).ok_or(PageError::NotFound)?;
        reply = crate::pages::services::referral_text(state, service, lang);
    }
    Ok(Ok(reply))
}

pub async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let done = Done {
        done: query.done.clone(),
    };
    let id = parse_id(&id)?;
    let draft = Draft {
        reply: String::new(),
        note: String::new(),
        follow_up: Default::default(),
        error: None,
        refused: None,
        notice: done.message_id(),
    };
    conversation_page(&state, lang, &session, id, draft, Some(&query)).await
}

/// A photo or voice message of the conversation, opened with the inbox key the session holds.
pub async fn attachment(
    State(state): State<AppState>,
    session: StaffSession,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let attachment = attachment.parse().map_err(|_| PageError::NotFound)?;
    match netreach_app::attachments::staff_open(&state, &session.staff(), id, attachment).await {
        Ok(opened) => Ok(crate::upload::serve(opened)),
        Err(e) => Err(match e.into_store_error() {
            Ok(store) => store.into(),
            Err(netreach_app::attachments::AttachmentError::Denied(denied)) => denied.into(),
            Err(_) => PageError::NotFound,
        }),
    }
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    message: String,
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Template)]
#[template(path = "staff/conversation_gone.html")]
struct GonePage<'a> {
    chrome: Chrome<'a>,
    kept: String,
}

/// After a change: back to the conversation with a confirmation, or the page again with the
/// reason and the typed text.
async fn after<T>(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: ConversationId,
    result: Result<T, ConversationError>,
    done: &str,
    kept: Draft<'_>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/staff/conversations/{id}?done={done}")).into_response())
        }
        // The client deleted it (or retention did) while the worker was writing: say so, and
        // give back what they typed rather than the public "page not found".
        Err(ConversationError::NotFound) if !(kept.reply.is_empty() && kept.note.is_empty()) => {
            let chrome = Chrome::new(
                state,
                lang,
                "conversation-gone-title",
                "/staff/inbox",
                Some(session),
            );
            let typed = if kept.reply.is_empty() {
                kept.note
            } else {
                kept.reply
            };
            let mut page = render(&GonePage {
                chrome,
                kept: typed,
            });
            *page.status_mut() = axum::http::StatusCode::NOT_FOUND;
            Ok(page)
        }
        Err(ConversationError::NotFound) => Err(PageError::NotFound),
        Err(ConversationError::Store(e)) => Err(e.into()),
        Err(ConversationError::Denied(denied)) => Err(denied.into()),
        Err(e) => {
            conversation_page(
                state,
                lang,
                session,
                id,
                Draft {
                    error: Some(e.message_id()),
                    refused: None,
                    ..kept
                },
                None,
            )
            .await
        }
    }
}

/// After saving a draft without the script: as after a reply, the typed text kept on failure.
pub(super) async fn after_draft(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: ConversationId,
    result: Result<(), ConversationError>,
    done: &str,
    typed: String,
) -> Result<Response, PageError> {
    let kept = Draft {
        reply: typed,
        ..Draft::empty()
    };
    after(state, lang, session, id, result, done, kept).await
}

pub async fn reply(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<TextForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let result = inbox::reply(&state, &session.staff(), id, &form.message, form.version).await;
    let kept = Draft {
        reply: form.message,
        note: String::new(),
        follow_up: Default::default(),
        error: None,
        refused: None,
        notice: None,
    };
    after(&state, lang, &session, id, result, "replied", kept).await
}

pub async fn note(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<TextForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let result = inbox::note(&state, &session.staff(), id, &form.message, form.version).await;
    let kept = Draft {
        reply: String::new(),
        note: form.message,
        follow_up: Default::default(),
        error: None,
        refused: None,
        notice: None,
    };
    after(&state, lang, &session, id, result, "noted", kept).await
}

/// `POST /staff/conversations/{id}/messages/{message}/resend`: sends a Telegram reply that did
/// not arrive again.
pub async fn resend(
    State(state): State<AppState>,
    session: StaffSession,
    Path((id, message)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let message = message.parse().map_err(|_| PageError::NotFound)?;
    let done = match inbox::resend(&state, &session.staff(), id, message).await {
        Ok(true) => "resent",
        Ok(false) => "not-resent",
        Err(ConversationError::NotFound) => return Err(PageError::NotFound),
        Err(ConversationError::Store(e)) => return Err(e.into()),
        Err(ConversationError::Denied(denied)) => return Err(denied.into()),
        Err(e) => return Err(PageError::Internal(e.to_string())),
    };
    Ok(Redirect::to(&format!("/staff/conversations/{id}?done={done}")).into_response())
}

#[derive(Deserialize)]
pub struct AssignForm {
    /// A user id, `me`, or empty to unassign.
    #[serde(default)]
    to: String,
    #[serde(default)]
    version: Option<i64>,
}

pub async fn assign(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let to = match form.to.as_str() {
        "" => Assignee::Nobody,
        "me" => Assignee::Me,
        raw => Assignee::User(raw.parse::<UserId>().map_err(|_| PageError::NotFound)?),
    };
    let result = inbox::assign(&state, &session.staff(), id, to, form.version).await;
    let kept = Draft::empty();
    after(&state, lang, &session, id, result, "assigned", kept).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    version: Option<i64>,
}

pub async fn status(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let result = match form.status.parse::<Status>() {
        Ok(status) => inbox::set_status(&state, &session.staff(), id, status, form.version).await,
        Err(_) => Err(ConversationError::BadStatus),
    };
    let kept = Draft::empty();
    after(&state, lang, &session, id, result, "status", kept).await
}

#[derive(Deserialize)]
pub struct TagForm {
    #[serde(default)]
    tag: String,
}

pub async fn add_tag(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<TagForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let result = inbox::add_tag(&state, &session.staff(), id, &form.tag).await;
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/staff/conversations/{id}?done=tagged")).into_response())
        }
        Err(ConversationError::BadTag) => {
            let kept = Draft {
                reply: String::new(),
                note: String::new(),
                follow_up: Default::default(),
                error: Some("error-tag"),
                refused: None,
                notice: None,
            };
            conversation_page(&state, lang, &session, id, kept, None).await
        }
        Err(e) => Err(shown(e)),
    }
}

pub async fn remove_tag(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<TagForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    inbox::remove_tag(&state, &session.staff(), id, &form.tag)
        .await
        .map_err(shown)?;
    Ok(Redirect::to(&format!("/staff/conversations/{id}?done=tagged")).into_response())
}

#[derive(Deserialize)]
pub struct FollowUpForm {
    /// A local time (`datetime-local`), read in the team's time zone; or
    #[serde(default)]
    at: String,
    /// a number of days from now.
    #[serde(default)]
    days: String,
    #[serde(default)]
    version: Option<i64>,
}

/// `POST /staff/conversations/{id}/follow_up`: put the conversation aside until a time or for
/// some days; a bad time comes back with the reason and what was typed.
pub async fn follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let staff = session.staff();
    let when = match (form.at.trim(), form.days.trim()) {
        ("", "") => Err(ConversationError::BadFollowUp),
        (at, "") => inbox::local_time(&state, at).await.map(When::At),
        (_, days) => days
            .parse::<i64>()
            .map(When::InDays)
            .map_err(|_| ConversationError::BadFollowUp),
    };
    let result = match when {
        Ok(when) => inbox::follow_up(&state, &staff, id, Some(when), form.version).await,
        Err(e) => Err(e),
    };
    let kept = Draft {
        follow_up: (form.at, form.days),
        ..Draft::empty()
    };
    after(&state, lang, &session, id, result, "follow-up", kept).await
}

/// `POST /staff/conversations/{id}/follow_up/clear`: take it back now.
pub async fn clear_follow_up(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let result = inbox::follow_up(&state, &session.staff(), id, None, None).await;
    after(
        &state,
        lang,
        &session,
        id,
        result,
        "follow-up-cleared",
        Draft::empty(),
    )
    .await
}

#[derive(Deserialize)]
pub struct MacroForm {
    #[serde(default)]
    canned: String,
    #[serde(default)]
    version: Option<i64>,
}

/// `POST /staff/conversations/{id}/macro`: sends the macro's reply, adds its tags and sets its
/// status in one action (a plain form: no script needed).
pub async fn apply_macro(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<MacroForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let canned: CannedId = form.canned.parse().map_err(|_| PageError::NotFound)?;
    let result = inbox::apply_macro(&state, &session.staff(), id, canned, form.version).await;
    after(&state, lang, &session, id, result, "macro", Draft::empty()).await
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
