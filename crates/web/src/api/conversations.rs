//! Conversations over the JSON API: the anonymous client side (`Authorization: Codename ...`)
//! and the staff inbox (`Authorization: Bearer ...`).

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::conversations::{self as service, ConversationError, Entry, IntakeAnswers};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use netreach_app::attachments::AttachmentError;
use netreach_app::attachments::media::MediaError;
use netreach_app::inbox::{self, Assignee};
use netreach_core::follow_up::When;
use netreach_core::{Author, ConversationId, Lang, Status, UserId};
use netreach_store::{AssignedFilter, Conversation, FollowUpFilter, InboxCursor, InboxFilter};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

impl From<ConversationError> for ApiError {
    fn from(e: ConversationError) -> Self {
        let (status, code) = match &e {
            ConversationError::Message(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_message"),
            ConversationError::MessageIsCodename => {
                (StatusCode::UNPROCESSABLE_ENTITY, "message_is_codename")
            }
            ConversationError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ConversationError::NotReady => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
            ConversationError::Busy => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            ConversationError::TooManyMessages => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_messages")
            }
            ConversationError::Conflict => (StatusCode::CONFLICT, "conflict"),
            ConversationError::CaseloadFull => (StatusCode::CONFLICT, "caseload_full"),
            ConversationError::NoInboxAccess => (StatusCode::FORBIDDEN, "no_inbox_access"),
            ConversationError::BadStatus => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_status"),
            ConversationError::UnknownAssignee => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_user")
            }
            ConversationError::BadTag => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_tag"),
            ConversationError::BadFollowUp | ConversationError::FollowUp(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_follow_up")
            }
            ConversationError::BadViewName | ConversationError::TooManyViews => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_view")
            }
            ConversationError::Denied(denied) => return (*denied).into(),
            ConversationError::Store(inner) => return ApiError::store(inner),
        };
        ApiError::new(status, code, e.message_id())
    }
}

impl From<AttachmentError> for ApiError {
    fn from(e: AttachmentError) -> Self {
        let message = e.message_id();
        let (status, code) = match e {
            AttachmentError::Conversation(inner) => return inner.into(),
            AttachmentError::Denied(denied) => return denied.into(),
            AttachmentError::Store(inner) => return ApiError::store(&inner),
            AttachmentError::Empty => (StatusCode::UNPROCESSABLE_ENTITY, "empty_file"),
            AttachmentError::ImageTooLarge | AttachmentError::VoiceTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
            }
            AttachmentError::Media(MediaError::NotAnImage | MediaError::NotVoice) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AttachmentError::Media(MediaError::Undecodable) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "undecodable")
            }
            AttachmentError::Media(MediaError::TooManyPixels) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "too_many_pixels")
            }
            AttachmentError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AttachmentError::Busy => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        };
        ApiError::new(status, code, message)
    }
}

/// A photo or voice message as the thread lists it (its bytes are served separately).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentItem {
    id: String,
    /// `image` or `voice`.
    kind: String,
    /// `image/jpeg` or `audio/ogg`.
    media_type: String,
    /// Bytes, as stored (after re-encoding).
    size: i64,
}

pub(super) fn attachment_items(entry: &Entry) -> Vec<AttachmentItem> {
    entry
        .attachments
        .iter()
        .map(|a| AttachmentItem {
            id: a.id.to_string(),
            kind: a.kind.as_str().to_owned(),
            media_type: a.media_type.clone(),
            size: a.size,
        })
        .collect()
}

pub(super) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
pub struct InboxQuery {
    /// new, open, waiting_for_client, solved, archived
    pub status: Option<String>,
    /// `true`: urgent only
    pub urgent: Option<bool>,
    /// `mine`, `unassigned` or `all`
    pub assigned: Option<String>,
    pub topic: Option<String>,
    pub lang: Option<String>,
    /// `web` or `telegram`
    pub channel: Option<String>,
    /// Only conversations with this tag
    pub tag: Option<String>,
    /// `next_cursor` of the previous page
    pub cursor: Option<String>,
    /// 1 to 200, default 50
    pub limit: Option<u32>,
    /// `oldest` (the longest-waiting first) or `newest`; default: `oldest` when `status` is
    /// `new` or `open` (waiting for the team), else `newest`. Urgent ones come first either way.
    pub sort: Option<String>,
    /// By follow-up: `pending` (put aside until later), `due` (came back: the time came or the
    /// client wrote) or `all`; default: every conversation but those put aside until later.
    pub follow_up: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationSummary {
    id: String,
    /// `web` (the site or this API) or `telegram` (the organisation's bot).
    channel: String,
    topic: String,
    lang: String,
    status: String,
    urgent: bool,
    assigned_to: Option<String>,
    created_at: String,
    last_activity_at: String,
    first_response_at: Option<String>,
    closed_at: Option<String>,
    /// When retention will delete it, under the current policy.
    deletion_due_at: String,
    rating: Option<u8>,
    /// Send it back with changes to detect concurrent edits.
    version: i64,
    /// Put aside until then (out of the default list); once past, it came back.
    follow_up_at: Option<String>,
}

fn summary(state: &AppState, c: &Conversation) -> ConversationSummary {
    ConversationSummary {
        id: c.id.to_string(),
        channel: c.channel.clone(),
        topic: c.topic.as_str().to_owned(),
        lang: c.lang.code().to_owned(),
        status: c.status.as_str().to_owned(),
        urgent: c.urgent,
        assigned_to: c.assigned_to.map(|u| u.to_string()),
        created_at: rfc3339(c.created_at),
        last_activity_at: rfc3339(c.last_activity_at),
        first_response_at: c.first_response_at.map(rfc3339),
        closed_at: c.closed_at.map(rfc3339),
        deletion_due_at: rfc3339(service::deletion_due(state, c)),
        rating: c.rating,
        version: c.version,
        follow_up_at: c.follow_up_at.map(rfc3339),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationPage {
    items: Vec<ConversationSummary>,
    next_cursor: Option<String>,
}

fn invalid(code: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, "error-body-400")
}

fn nonempty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.is_empty())
}

impl InboxQuery {
    /// The store filter this query asks for (shared with the console's inbox page).
    pub fn filter(&self, staff: UserId) -> Result<InboxFilter, &'static str> {
        Ok(InboxFilter {
            status: nonempty(&self.status)
                .map(str::parse)
                .transpose()
                .map_err(|_| "invalid_status")?,
            urgent_only: self.urgent.unwrap_or(false),
            assigned: match nonempty(&self.assigned) {
                None | Some("all") => AssignedFilter::All,
                Some("mine") => AssignedFilter::Mine(staff),
                Some("unassigned") => AssignedFilter::Unassigned,
                Some(_) => return Err("invalid_assigned"),
            },
            topic: nonempty(&self.topic)
                .map(str::parse)
                .transpose()
                .map_err(|_| "invalid_topic")?,
            lang: match nonempty(&self.lang) {
                None => None,
                Some(l) => Some(Lang::parse(l).ok_or("invalid_lang")?),
            },
            channel: nonempty(&self.channel).map(str::to_owned),
            tag: nonempty(&self.tag).map(str::to_owned),
            after: nonempty(&self.cursor).map(parse_cursor).transpose()?,
            limit: self.limit.unwrap_or(50).clamp(1, 200),
            oldest_first: match nonempty(&self.sort) {
                Some("oldest") => true,
                Some("newest") => false,
                Some(_) => return Err("invalid_sort"),
                None => matches!(nonempty(&self.status), Some("new" | "open")),
            },
            follow_ups: match nonempty(&self.follow_up) {
                None => FollowUpFilter::NotPending,
                Some("all") => FollowUpFilter::All,
                Some("pending") => FollowUpFilter::Pending,
                Some("due") => FollowUpFilter::Due,
                Some(_) => return Err("invalid_follow_up"),
            },
            now: None,
        })
    }
}

fn parse_cursor(raw: &str) -> Result<InboxCursor, &'static str> {
    let mut parts = raw.splitn(3, '.');
    let (Some(u), Some(a), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("invalid_cursor");
    };
    let id: ConversationId = id.parse().map_err(|_| "invalid_cursor")?;
    Ok(InboxCursor {
        urgent: u == "1",
        last_activity_at: a.parse().map_err(|_| "invalid_cursor")?,
        id: id.to_string(),
    })
}

/// The cursor that continues after this conversation.
pub fn cursor_after(c: &Conversation) -> String {
    format!(
        "{}.{}.{}",
        u8::from(c.urgent),
        c.last_activity_at.unix_timestamp(),
        c.id
    )
}

/// The shared inbox: filters, urgent first, newest activity first, keyset-paged.
#[utoipa::path(get, path = "/api/v1/staff/conversations", tag = "staff", security(("bearer" = [])),
    params(InboxQuery),
    responses((status = 200, body = ConversationPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    staff: ApiStaff,
    Query(q): Query<InboxQuery>,
) -> Result<Json<ConversationPage>, ApiError> {
    let filter = q.filter(staff.user.id).map_err(invalid)?;
    let items = inbox::list(&state, &staff.staff(), &filter).await?;
    let next_cursor = (items.len() as u32 == filter.limit)
        .then(|| items.last().map(cursor_after))
        .flatten();
    Ok(Json(ConversationPage {
        items: items.iter().map(|c| summary(&state, c)).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffMessage {
    id: String,
    /// message, note, intake or feedback
    kind: String,
    from: String,
    staff_id: Option<String>,
    /// `null` when the caller has no access to the inbox key.
    body: Option<String>,
    #[schema(value_type = Option<Object>)]
    intake: Option<IntakeAnswers>,
    at: String,
    /// For a staff reply in a Telegram conversation: `sent`, or `failed` (not delivered; send
    /// it again from the console).
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery: Option<String>,
    /// Photos and voice messages this message shows; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<AttachmentItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffThread {
    conversation: ConversationSummary,
    messages: Vec<StaffMessage>,
    /// Whether the caller could open the content.
    readable: bool,
}

fn conversation_id(raw: &str) -> Result<ConversationId, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

/// One conversation, decrypted for the caller (when they have inbox access).
#[utoipa::path(get, path = "/api/v1/staff/conversations/{id}", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = StaffThread), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<StaffThread>, ApiError> {
    let staff = staff.staff();
    let view = inbox::thread(&state, &staff, conversation_id(&id)?).await?;
    Ok(Json(StaffThread {
        conversation: summary(&state, &view.conversation),
        readable: staff.has_inbox(),
        messages: view
            .entries
            .into_iter()
            .map(|e| StaffMessage {
                attachments: attachment_items(&e),
                id: e.id.to_string(),
                kind: e.kind.as_str().to_owned(),
                from: match e.author {
                    Author::Client => "client".into(),
                    Author::Staff => "staff".into(),
                },
                staff_id: e.staff_id.map(|u| u.to_string()),
                body: e.body,
                intake: e.intake,
                at: rfc3339(e.at),
                delivery: (!e.delivery.is_empty()).then_some(e.delivery),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StaffPost {
    message: String,
    /// The version you saw; the reply is refused with 409 if it changed.
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    conversation: ConversationSummary,
}

/// Reply to the client; the status becomes waiting_for_client.
#[utoipa::path(post, path = "/api/v1/staff/conversations/{id}/messages", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = StaffPost,
    responses((status = 201, body = Changed), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reply(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
    Json(req): Json<StaffPost>,
) -> Result<(StatusCode, Json<Changed>), ApiError> {
    let c = inbox::reply(
        &state,
        &staff.staff(),
        conversation_id(&id)?,
        &req.message,
        req.version,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Changed {
            conversation: summary(&state, &c),
        }),
    ))
}

/// Add an internal note (never shown to the client).
#[utoipa::path(post, path = "/api/v1/staff/conversations/{id}/notes", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = StaffPost,
    responses((status = 201, body = Changed), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn note(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
    Json(req): Json<StaffPost>,
) -> Result<(StatusCode, Json<Changed>), ApiError> {
    let c = inbox::note(
        &state,
        &staff.staff(),
        conversation_id(&id)?,
        &req.message,
        req.version,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Changed {
            conversation: summary(&state, &c),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignRequest {
    /// A staff user id, `"me"`, or `null` to unassign.
    user_id: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

/// Assign, claim (`"me"`) or unassign a conversation; refused past the caseload cap.
#[utoipa::path(post, path = "/api/v1/staff/conversations/{id}/assign", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = AssignRequest,
    responses((status = 200, body = Changed), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
    Json(req): Json<AssignRequest>,
) -> Result<Json<Changed>, ApiError> {
    let to = match req.user_id.as_deref() {
        None => Assignee::Nobody,
        Some("me") => Assignee::Me,
        Some(raw) => Assignee::User(raw.parse().map_err(|_| invalid("invalid_user"))?),
    };
    let c = inbox::assign(
        &state,
        &staff.staff(),
        conversation_id(&id)?,
        to,
        req.version,
    )
    .await?;
    Ok(Json(Changed {
        conversation: summary(&state, &c),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusRequest {
    /// open, waiting_for_client, solved or archived
    status: String,
    #[serde(default)]
    version: Option<i64>,
}

/// Change the status.
#[utoipa::path(post, path = "/api/v1/staff/conversations/{id}/status", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = StatusRequest,
    responses((status = 200, body = Changed), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
    Json(req): Json<StatusRequest>,
) -> Result<Json<Changed>, ApiError> {
    let status: Status = req.status.parse().map_err(|_| invalid("invalid_status"))?;
    let id = conversation_id(&id)?;
    let c = inbox::set_status(&state, &staff.staff(), id, status, req.version).await?;
    Ok(Json(Changed {
        conversation: summary(&state, &c),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FollowUpRequest {
    /// When to follow up (RFC 3339); or give `in_days`.
    #[serde(default)]
    at: Option<String>,
    /// Follow up in this many days (1 to 365).
    #[serde(default)]
    in_days: Option<i64>,
    #[serde(default)]
    version: Option<i64>,
}

/// Put a conversation aside until a time (`at`) or for some days (`in_days`): it leaves the
/// default list and comes back, marked by `follow_up_at` in the past, at that time or as soon as
/// the client writes. Refused (422 `invalid_follow_up`) for a time not in the future, more than
/// a year away, or after retention would delete the conversation.
#[utoipa::path(post, path = "/api/v1/staff/conversations/{id}/follow_up", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = FollowUpRequest,
    responses((status = 200, body = Changed), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn follow_up(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
    Json(req): Json<FollowUpRequest>,
) -> Result<Json<Changed>, ApiError> {
    let when = match (req.at.as_deref(), req.in_days) {
        (Some(at), None) => When::At(
            OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                .map_err(|_| invalid("invalid_follow_up"))?,
        ),
        (None, Some(days)) => When::InDays(days),
        _ => return Err(invalid("invalid_follow_up")),
    };
    let id = conversation_id(&id)?;
    let c = inbox::follow_up(&state, &staff.staff(), id, Some(when), req.version).await?;
    Ok(Json(Changed {
        conversation: summary(&state, &c),
    }))
}

/// Take a conversation back from its follow-up now (it returns to the default list unmarked).
#[utoipa::path(delete, path = "/api/v1/staff/conversations/{id}/follow_up", tag = "staff", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Changed), (status = 404, body = ErrorBody)))]
pub async fn clear_follow_up(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<Changed>, ApiError> {
    let id = conversation_id(&id)?;
    let c = inbox::follow_up(&state, &staff.staff(), id, None, None).await?;
    Ok(Json(Changed {
        conversation: summary(&state, &c),
    }))
}
