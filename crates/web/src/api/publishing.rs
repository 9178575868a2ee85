//! Publishing over the JSON API: rendering a post for a venue's markup, the venue register,
//! posts with versions and approval, and the publication log.

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::publishing::{self as service, PublishError, PublishRequest, VenueInput};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use netreach_channels::{Markup, render as render_post, visible_length};
use netreach_core::{
    AlertId, Lang, Permission, PostId, PublicationId, PublicationStatus, VenueId, VenueKind,
};
use netreach_store::{PublicationFilter, PublicationRecord, VenueRecord};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenderRequest {
    /// The post, written once in Markdown.
    markdown: String,
    /// `bbcode`, `markdown`, `telegram_html` or `plain`.
    markup: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rendered {
    /// Copy-ready text for the venue; everything typed is escaped for its markup.
    text: String,
    /// Characters as the venue counts them (Telegram: the text without tags), to compare with
    /// the venue's limit.
    length: usize,
}

/// Render a post for a venue's markup.
#[utoipa::path(post, path = "/api/v1/staff/render", tag = "publishing", security(("bearer" = [])),
    request_body = RenderRequest,
    responses((status = 200, body = Rendered), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn render(
    _staff: ApiStaff,
    Json(req): Json<RenderRequest>,
) -> Result<Json<Rendered>, ApiError> {
    let Some(markup) = Markup::parse(&req.markup) else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_markup",
            "error-markup",
        ));
    };
    if req.markdown.chars().count() > 20_000 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_long",
            "error-body-413",
        ));
    }
    let text = render_post(&req.markdown, markup);
    Ok(Json(Rendered {
        length: visible_length(&text, markup),
        text,
    }))
}

// --- venues, posts, the publication log ---

impl From<PublishError> for ApiError {
    fn from(e: PublishError) -> Self {
        let (status, code) = match &e {
            PublishError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            PublishError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            PublishError::Conflict => (StatusCode::CONFLICT, "version_conflict"),
            PublishError::ApprovalRequired => (StatusCode::CONFLICT, "approval_required"),
            PublishError::OwnVersion => (StatusCode::FORBIDDEN, "own_version"),
            PublishError::AlreadyApproved => (StatusCode::CONFLICT, "already_approved"),
            PublishError::PermissionNotGranted => (StatusCode::CONFLICT, "permission_not_granted"),
            PublishError::TooLong { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "too_long"),
            PublishError::NoSender => (StatusCode::CONFLICT, "no_sender"),
            PublishError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            PublishError::Denied(denied) => return (*denied).into(),
            PublishError::Store(inner) => return ApiError::store(inner),
        };
        ApiError::new(status, code, e.message_id())
    }
}

/// An id from the path or the body; text that is no id names nothing there is.
fn id<T: std::str::FromStr>(text: &str) -> Result<T, PublishError> {
    text.parse().map_err(|_| PublishError::NotFound)
}

fn rfc(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VenueBody {
    name: String,
    /// darknet_forum, clearnet_forum, telegram_channel, telegram_group or other
    kind: String,
    /// The onion or clearnet URL.
    address: String,
    /// en or ru
    lang: String,
    /// bbcode, markdown, telegram_html or plain
    markup: String,
    #[serde(default)]
    rules: String,
    /// not_asked, asked, granted or refused
    #[serde(default = "not_asked")]
    permission: String,
    /// When the permission status last changed (RFC 3339).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    permission_at: Option<OffsetDateTime>,
    /// Who was asked (a forum admin's handle, not a client).
    #[serde(default)]
    permission_contact: String,
    #[serde(default)]
    notes: String,
    /// A post needs a second staff member's approval before it goes here (default true).
    #[serde(default = "yes")]
    needs_approval: bool,
    /// Characters allowed in one post; Telegram venues default to 4096.
    #[serde(default)]
    char_limit: Option<i64>,
    /// `@channel` or a numeric chat id, for sending through the Bot API.
    #[serde(default)]
    telegram_chat: Option<String>,
    /// Send published drug alerts to this Telegram venue.
    #[serde(default)]
    push_alerts: bool,
}

fn not_asked() -> String {
    "not_asked".into()
}

fn yes() -> bool {
    true
}

impl From<VenueBody> for VenueInput {
    fn from(b: VenueBody) -> Self {
        VenueInput {
            name: b.name,
            kind: b.kind,
            address: b.address,
            lang: b.lang,
            markup: b.markup,
            rules: b.rules,
            permission: b.permission,
            permission_at: b.permission_at,
            permission_contact: b.permission_contact,
            notes: b.notes,
            needs_approval: b.needs_approval,
            char_limit: b.char_limit,
            telegram_chat: b.telegram_chat,
            push_alerts: b.push_alerts,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VenueView {
    #[schema(value_type = String)]
    id: VenueId,
    name: String,
    #[schema(value_type = String)]
    kind: VenueKind,
    address: String,
    #[schema(value_type = String)]
    lang: Lang,
    markup: String,
    rules: String,
    #[schema(value_type = String)]
    permission: Permission,
    permission_at: Option<String>,
    permission_contact: String,
    notes: String,
    needs_approval: bool,
    char_limit: Option<i64>,
    telegram_chat: Option<String>,
    /// Whether a bot token is stored; the token itself is never shown again.
    bot_token_set: bool,
    push_alerts: bool,
    created_at: String,
    updated_at: String,
}

fn venue_view(v: VenueRecord) -> VenueView {
    VenueView {
        id: v.id,
        name: v.name,
        kind: v.kind,
        address: v.address,
        lang: v.lang,
        markup: v.markup,
        rules: v.rules,
        permission: v.permission,
        permission_at: v.permission_at.map(rfc),
        permission_contact: v.permission_contact,
        notes: v.notes,
        needs_approval: v.needs_approval,
        char_limit: v.char_limit,
        telegram_chat: v.telegram_chat,
        bot_token_set: v.has_bot_token,
        push_alerts: v.push_alerts,
        created_at: rfc(v.created_at),
        updated_at: rfc(v.updated_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VenueList {
    items: Vec<VenueView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    #[schema(value_type = String)]
    id: VenueId,
}

/// The venue register, by name.
#[utoipa::path(get, path = "/api/v1/staff/venues", tag = "publishing", security(("bearer" = [])),
    responses((status = 200, body = VenueList), (status = 401, body = ErrorBody)))]
pub async fn venues(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<VenueList>, ApiError> {
    let items = service::venues(&state, &staff.staff()).await?;
    Ok(Json(VenueList {
        items: items.into_iter().map(venue_view).collect(),
    }))
}

/// Register a venue.
#[utoipa::path(post, path = "/api/v1/staff/venues", tag = "publishing", security(("bearer" = [])),
    request_body = VenueBody,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_venue(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(body): Json<VenueBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = service::create_venue(&state, &staff.staff(), body.into()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One venue.
#[utoipa::path(get, path = "/api/v1/staff/venues/{id}", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = VenueView), (status = 404, body = ErrorBody)))]
pub async fn venue(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(venue_id): Path<String>,
) -> Result<Json<VenueView>, ApiError> {
    Ok(Json(venue_view(
        service::venue(&state, &staff.staff(), id(&venue_id)?).await?,
    )))
}

/// Replace a venue's details (its bot token is set separately).
#[utoipa::path(put, path = "/api/v1/staff/venues/{id}", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = VenueBody,
    responses((status = 200, body = VenueView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_venue(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(venue_id): Path<String>,
    Json(body): Json<VenueBody>,
) -> Result<Json<VenueView>, ApiError> {
    let venue_id = id(&venue_id)?;
    service::update_venue(&state, &staff.staff(), venue_id, body.into()).await?;
    Ok(Json(venue_view(
        service::venue(&state, &staff.staff(), venue_id).await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BotTokenBody {
    /// The bot's token from @BotFather; empty removes it. Stored encrypted, never shown again.
    token: String,
}

/// Set or remove a Telegram venue's bot token (supervisors).
#[utoipa::path(put, path = "/api/v1/staff/venues/{id}/bot_token", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = BotTokenBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_bot_token(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(venue_id): Path<String>,
    Json(body): Json<BotTokenBody>,
) -> Result<StatusCode, ApiError> {
    service::set_bot_token(&state, &staff.staff(), id(&venue_id)?, &body.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PostBody {
    title: String,
    /// The post, written once in Markdown.
    markdown: String,
    /// When editing: the version the editor started from.
    #[serde(default)]
    version: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostSaved {
    #[schema(value_type = String)]
    id: PostId,
    version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostSummary {
    #[schema(value_type = String)]
    id: PostId,
    title: String,
    version: i64,
    /// Whether the current version is approved by a second staff member.
    approved: bool,
    updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostList {
    items: Vec<PostSummary>,
}

/// Posts, most recently changed first.
#[utoipa::path(get, path = "/api/v1/staff/posts", tag = "publishing", security(("bearer" = [])),
    responses((status = 200, body = PostList), (status = 401, body = ErrorBody)))]
pub async fn posts(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<PostList>, ApiError> {
    let mut items = Vec::new();
    for (post, versions) in service::posts(&state, &staff.staff()).await? {
        items.push(PostSummary {
            approved: service::current_approved(&post, &versions),
            id: post.id,
            title: post.title,
            version: post.version,
            updated_at: rfc(post.updated_at),
        });
    }
    Ok(Json(PostList { items }))
}

/// Write a post (version 1).
#[utoipa::path(post, path = "/api/v1/staff/posts", tag = "publishing", security(("bearer" = [])),
    request_body = PostBody,
    responses((status = 201, body = PostSaved), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(body): Json<PostBody>,
) -> Result<(StatusCode, Json<PostSaved>), ApiError> {
    let id = service::create_post(&state, &staff.staff(), &body.title, &body.markdown).await?;
    Ok((StatusCode::CREATED, Json(PostSaved { id, version: 1 })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    version: i64,
    title: String,
    markdown: String,
    edited_by: Option<String>,
    edited_at: String,
    approved_by: Option<String>,
    approved_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    #[schema(value_type = String)]
    venue_id: VenueId,
    venue: String,
    markup: String,
    /// Copy-ready text for the venue.
    text: String,
    /// Characters as the venue counts them.
    length: usize,
    limit: Option<i64>,
    over_limit: bool,
    /// Warning: the organisation has no granted permission to post there.
    permission_not_granted: bool,
    /// The venue sends by itself (Telegram with a chat and a bot token).
    can_send: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostView {
    #[schema(value_type = String)]
    id: PostId,
    title: String,
    markdown: String,
    version: i64,
    approved: bool,
    versions: Vec<VersionView>,
    previews: Vec<PreviewView>,
}

/// A post with its versions and a preview for every venue.
#[utoipa::path(get, path = "/api/v1/staff/posts/{id}", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(post_id): Path<String>,
) -> Result<Json<PostView>, ApiError> {
    let (post, versions) = service::post(&state, &staff.staff(), id(&post_id)?).await?;
    let users = crate::accounts::colleagues(&state, &staff.staff()).await?;
    let name = |id| crate::accounts::username_of(&users, id);
    let previews = service::previews(&state, &staff.staff(), &post.body)
        .await?
        .into_iter()
        .map(|p| PreviewView {
            venue_id: p.venue.id,
            venue: p.venue.name.clone(),
            markup: p.venue.markup.clone(),
            limit: p.venue.char_limit,
            over_limit: p.over_limit,
            permission_not_granted: !p.permission_granted,
            can_send: p.can_send,
            length: p.length,
            text: p.text,
        })
        .collect();
    Ok(Json(PostView {
        approved: service::current_approved(&post, &versions),
        versions: versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                title: v.title,
                markdown: v.body,
                edited_by: name(v.edited_by),
                edited_at: rfc(v.edited_at),
                approved_by: name(v.approved_by),
                approved_at: v.approved_at.map(rfc),
            })
            .collect(),
        previews,
        id: post.id,
        title: post.title,
        markdown: post.body,
        version: post.version,
    }))
}

/// Save a new version of a post (needs the version the editor started from).
#[utoipa::path(put, path = "/api/v1/staff/posts/{id}", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = PostBody,
    responses((status = 200, body = PostSaved), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_post(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(post_id): Path<String>,
    Json(body): Json<PostBody>,
) -> Result<Json<PostSaved>, ApiError> {
    let post_id = id(&post_id)?;
    let expected = body.version.ok_or(PublishError::Invalid("version"))?;
    let version = service::update_post(
        &state,
        &staff.staff(),
        post_id,
        expected,
        &body.title,
        &body.markdown,
    )
    .await?;
    Ok(Json(PostSaved {
        id: post_id,
        version,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApproveBody {
    /// The version approved: must be the current one.
    version: i64,
}

/// Approve the current version of a post (not by its last editor).
#[utoipa::path(post, path = "/api/v1/staff/posts/{id}/approve", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ApproveBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(post_id): Path<String>,
    Json(body): Json<ApproveBody>,
) -> Result<StatusCode, ApiError> {
    service::approve(&state, &staff.staff(), id(&post_id)?, body.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishBody {
    venue_id: String,
    /// The address of a post made by hand: records it as live. Without it, a Telegram venue
    /// with a chat and bot token sends the post itself.
    #[serde(default)]
    url: Option<String>,
    /// When to send (RFC 3339); default now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    send_at: Option<OffsetDateTime>,
    /// Required when the venue's permission is not granted: the caller saw the warning.
    #[serde(default)]
    acknowledge_permission: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationView {
    #[schema(value_type = String)]
    id: PublicationId,
    #[schema(value_type = String)]
    venue_id: VenueId,
    #[schema(value_type = Option<String>)]
    post_id: Option<PostId>,
    post_version: Option<i64>,
    #[schema(value_type = Option<String>)]
    alert_id: Option<AlertId>,
    /// The text as rendered for the venue.
    text: String,
    created_by: Option<String>,
    created_at: String,
    /// scheduled, sending, live, failed, removed or deleted
    #[schema(value_type = String)]
    status: PublicationStatus,
    url: String,
    followup: String,
    attempts: i64,
    next_attempt_at: Option<String>,
    last_error: String,
    published_at: Option<String>,
    /// e.g. `permission_not_granted` when posted after the warning.
    warnings: Vec<String>,
}

fn publication_view(p: PublicationRecord, warnings: Vec<String>) -> PublicationView {
    PublicationView {
        id: p.id,
        venue_id: p.venue_id,
        post_id: p.post_id,
        post_version: p.post_version,
        alert_id: p.alert_id,
        text: p.body,
        created_by: p.created_by.map(|u| u.to_string()),
        created_at: rfc(p.created_at),
        status: p.status,
        url: p.url,
        followup: p.followup,
        attempts: p.attempts,
        next_attempt_at: p.next_attempt_at.map(rfc),
        last_error: p.last_error,
        published_at: p.published_at.map(rfc),
        warnings,
    }
}

/// Publish the current version of a post on a venue: record a hand-made post with its URL, or
/// queue a Telegram send (now or at `send_at`).
#[utoipa::path(post, path = "/api/v1/staff/posts/{id}/publications", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = PublishBody,
    responses((status = 201, body = PublicationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(post_id): Path<String>,
    Json(body): Json<PublishBody>,
) -> Result<(StatusCode, Json<PublicationView>), ApiError> {
    let post_id = id(&post_id)?;
    let published = service::publish(
        &state,
        &staff.staff(),
        post_id,
        PublishRequest {
            venue_id: id(&body.venue_id)?,
            url: body.url,
            send_at: body.send_at,
            acknowledge_permission: body.acknowledge_permission,
        },
    )
    .await?;
    let warnings = published.warnings.iter().map(|w| (*w).to_owned()).collect();
    Ok((
        StatusCode::CREATED,
        Json(publication_view(published.record, warnings)),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LogParams {
    venue_id: Option<String>,
    post_id: Option<String>,
    /// scheduled, sending, live, failed, removed or deleted
    status: Option<String>,
}

impl LogParams {
    fn filter(self) -> Result<PublicationFilter, PublishError> {
        service::log_filter(
            self.venue_id.as_deref().unwrap_or(""),
            self.post_id.as_deref().unwrap_or(""),
            self.status.as_deref().unwrap_or(""),
            1000,
        )
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationList {
    items: Vec<PublicationView>,
}

/// The publication log, newest first.
#[utoipa::path(get, path = "/api/v1/staff/publications", tag = "publishing", security(("bearer" = [])),
    params(LogParams),
    responses((status = 200, body = PublicationList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publications(
    State(state): State<AppState>,
    staff: ApiStaff,
    Query(params): Query<LogParams>,
) -> Result<Json<PublicationList>, ApiError> {
    let items = service::log(&state, &staff.staff(), params.filter()?).await?;
    Ok(Json(PublicationList {
        items: items
            .into_iter()
            .map(|p| publication_view(p, Vec::new()))
            .collect(),
    }))
}

/// The publication log as CSV (same filters).
#[utoipa::path(get, path = "/api/v1/staff/publications.csv", tag = "publishing", security(("bearer" = [])),
    params(LogParams),
    responses((status = 200, description = "CSV, one row per publication", content_type = "text/csv"), (status = 401, body = ErrorBody)))]
pub async fn publications_csv(
    State(state): State<AppState>,
    staff: ApiStaff,
    Query(params): Query<LogParams>,
) -> Result<Response, ApiError> {
    let csv = service::log_csv(&state, &staff.staff(), params.filter()?).await?;
    Ok(csv_response(csv))
}

/// A CSV download of the publication log.
pub fn csv_response(csv: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"publications.csv\"",
            ),
        ],
        csv,
    )
        .into_response()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecordBody {
    /// The published post's address.
    #[serde(default)]
    url: String,
    /// live, removed or deleted (deleting a scheduled send cancels it).
    status: String,
    /// Replies to follow up on, and anything else worth remembering.
    #[serde(default)]
    followup: String,
}

/// Record a publication's URL, status and follow-ups.
#[utoipa::path(post, path = "/api/v1/staff/publications/{id}", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RecordBody,
    responses((status = 200, body = PublicationView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(publication_id): Path<String>,
    Json(body): Json<RecordBody>,
) -> Result<Json<PublicationView>, ApiError> {
    let record = service::record(
        &state,
        &staff.staff(),
        id(&publication_id)?,
        &body.url,
        &body.status,
        &body.followup,
    )
    .await?;
    Ok(Json(publication_view(record, Vec::new())))
}
