//! One conversation in the console: its thread, reply box, internal notes, attachments,
//! assignment, status, tags, follow-up and macros. Content is opened with the inbox key the
//! session holds; without access, staff see metadata only.

use super::Done;
use super::inbox::{shown, when};
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
use netreach_core::{Author, CannedId, ConversationId, Lang, Status, UserId};
use netreach_store::{Conversation, MessageKind};
use serde::Deserialize;

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
