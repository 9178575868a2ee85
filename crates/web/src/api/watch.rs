//! Forum watch over the JSON API: sources with their status, fetching now, pasting or uploading
//! a saved page,
//! a dry run of a source, and the watch queue (claim, dismiss, answer, report).

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use crate::watch::{self as service, PastedPage, QueueQuery, SourceInput, WatchError};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use netreach_channels::watch::Selectors;
use netreach_core::watch::MatchStatus;
use netreach_core::{VenueId, WatchMatchId, WatchSourceId};
use netreach_store::WatchSourceRecord;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

impl From<WatchError> for ApiError {
    fn from(e: WatchError) -> Self {
        let (status, code) = match e {
            WatchError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            WatchError::Selector(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_selector"),
            WatchError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            WatchError::Conflict => (StatusCode::CONFLICT, "already_handled"),
            WatchError::Busy => (StatusCode::CONFLICT, "fetch_in_progress"),
            WatchError::UploadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            WatchError::UploadType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            WatchError::Fetch(_) => (StatusCode::BAD_GATEWAY, "fetch_failed"),
            WatchError::Extract(_) => (StatusCode::UNPROCESSABLE_ENTITY, "nothing_extracted"),
            WatchError::Alert(inner) => return inner.into(),
            WatchError::Publish(inner) => return inner.into(),
            WatchError::Denied(denied) => return denied.into(),
            WatchError::Store(inner) => return ApiError::store(&inner),
        };
        ApiError::new(status, code, e.message_id())
    }
}

fn id<T: std::str::FromStr>(text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|_| ApiError::not_found())
}

fn rfc(t: Option<OffsetDateTime>) -> Option<String> {
    t.and_then(|t| {
        t.format(&time::format_description::well_known::Rfc3339)
            .ok()
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SelectorsBody {
    /// One element per post.
    post: String,
    handle: Option<String>,
    text: Option<String>,
    time: Option<String>,
    permalink: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SourceBody {
    name: String,
    /// `feed` (Atom or RSS), `html` (a thread or board page, with `selectors`) or `paste`
    /// (pages workers paste; never fetched).
    kind: String,
    /// http or https; onion addresses go through the configured SOCKS5 proxy.
    url: String,
    #[serde(default)]
    selectors: Option<SelectorsBody>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    venue_id: Option<VenueId>,
    /// Minutes between fetches (default from the settings).
    #[serde(default)]
    interval_minutes: Option<u32>,
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

impl From<SourceBody> for SourceInput {
    fn from(b: SourceBody) -> Self {
        SourceInput {
            name: b.name,
            kind: b.kind,
            url: b.url,
            selectors: b.selectors.map(|s| Selectors {
                post: s.post,
                handle: s.handle,
                text: s.text,
                time: s.time,
                permalink: s.permalink,
            }),
            venue_id: b.venue_id,
            interval_minutes: b.interval_minutes,
            enabled: b.enabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceView {
    #[schema(value_type = String)]
    id: WatchSourceId,
    name: String,
    kind: String,
    url: String,
    #[schema(value_type = Option<Object>)]
    selectors: Option<serde_json::Value>,
    #[schema(value_type = Option<String>)]
    venue_id: Option<VenueId>,
    interval_minutes: i64,
    enabled: bool,
    /// Whether a session cookie is stored; it is never shown again.
    cookie_set: bool,
    /// `ok`, `failing`, `never_fetched`, `paused` or `manual` (paste sources).
    status: &'static str,
    last_fetch_at: Option<String>,
    last_success_at: Option<String>,
    last_error_at: Option<String>,
    last_error: Option<String>,
    /// Failed fetches in a row.
    failures: i64,
    next_fetch_at: Option<String>,
}

/// The status word of a source.
pub fn status_of(s: &WatchSourceRecord) -> &'static str {
    use netreach_core::watch::SourceKind;
    if s.kind == SourceKind::Paste {
        "manual"
    } else if !s.enabled {
        "paused"
    } else if s.failures > 0 {
        "failing"
    } else if s.last_success_at.is_none() {
        "never_fetched"
    } else {
        "ok"
    }
}

fn source_view(s: WatchSourceRecord) -> SourceView {
    SourceView {
        status: status_of(&s),
        id: s.id,
        name: s.name,
        kind: s.kind.to_string(),
        url: s.url,
        selectors: serde_json::from_str(&s.selectors).ok(),
        venue_id: s.venue_id,
        interval_minutes: s.interval_seconds / 60,
        enabled: s.enabled,
        cookie_set: s.has_cookie,
        last_fetch_at: rfc(s.last_fetch_at),
        last_success_at: rfc(s.last_success_at),
        last_error_at: rfc(s.last_error_at),
        last_error: (!s.last_error.is_empty()).then_some(s.last_error),
        failures: s.failures,
        next_fetch_at: rfc(Some(s.next_fetch_at)),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceList {
    items: Vec<SourceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    #[schema(value_type = String)]
    id: WatchSourceId,
}

/// The watched sources with their fetch status.
#[utoipa::path(get, path = "/api/v1/staff/watch/sources", tag = "watch", security(("bearer" = [])),
    responses((status = 200, body = SourceList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn sources(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<SourceList>, ApiError> {
    let items = service::sources(&state, &staff.staff()).await?;
    Ok(Json(SourceList {
        items: items.into_iter().map(source_view).collect(),
    }))
}

/// Register a source (supervisors). It is fetched soon after.
#[utoipa::path(post, path = "/api/v1/staff/watch/sources", tag = "watch", security(("bearer" = [])),
    request_body = SourceBody,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_source(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(body): Json<SourceBody>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = service::create_source(&state, &staff.staff(), body.into()).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Replace a source's details (supervisors).
#[utoipa::path(put, path = "/api/v1/staff/watch/sources/{id}", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = SourceBody,
    responses((status = 200, body = SourceView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_source(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(source_id): Path<String>,
    Json(body): Json<SourceBody>,
) -> Result<Json<SourceView>, ApiError> {
    let source_id = id(&source_id)?;
    service::update_source(&state, &staff.staff(), source_id, body.into()).await?;
    Ok(Json(source_view(
        service::source(&state, &staff.staff(), source_id).await?,
    )))
}

/// Delete a source and every match found there (supervisors).
#[utoipa::path(delete, path = "/api/v1/staff/watch/sources/{id}", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_source(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(source_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::delete_source(&state, &staff.staff(), id(&source_id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CookieBody {
    /// The `Cookie` header value of the organisation's forum account; empty removes it. Stored
    /// encrypted, never shown again.
    cookie: String,
}

/// Set or remove a source's session cookie (supervisors).
#[utoipa::path(put, path = "/api/v1/staff/watch/sources/{id}/cookie", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = CookieBody,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_cookie(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(source_id): Path<String>,
    Json(body): Json<CookieBody>,
) -> Result<StatusCode, ApiError> {
    service::set_cookie(&state, &staff.staff(), id(&source_id)?, &body.cookie).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Fetched {
    /// Posts read.
    posts: usize,
    /// Posts that matched and joined the queue.
    new_matches: usize,
    /// The forum said nothing changed since the last fetch.
    not_modified: bool,
}

/// Fetch a source now. 200 with what it found; 202 when another node is fetching it already.
#[utoipa::path(post, path = "/api/v1/staff/watch/sources/{id}/fetch", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Fetched), (status = 202), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn fetch(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(source_id): Path<String>,
) -> Result<Response, ApiError> {
    match service::fetch_now(&state, &staff.staff(), id(&source_id)?).await {
        Ok(r) => Ok(Json(Fetched {
            posts: r.posts,
            new_matches: r.new_matches,
            not_modified: r.not_modified,
        })
        .into_response()),
        Err(WatchError::Busy) => Ok(StatusCode::ACCEPTED.into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasteBody {
    /// The saved page (HTML, read with the source's selectors) or the thread's text.
    content: String,
    /// The thread's address, for the queue's link.
    #[serde(default)]
    url: String,
}

/// Process a page saved from the forum (captcha, login wall) as if it had been fetched.
#[utoipa::path(post, path = "/api/v1/staff/watch/sources/{id}/paste", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = PasteBody,
    responses((status = 200, body = Fetched), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn paste(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(source_id): Path<String>,
    Json(body): Json<PasteBody>,
) -> Result<Json<Fetched>, ApiError> {
    let r = service::paste(
        &state,
        &staff.staff(),
        id(&source_id)?,
        PastedPage {
            content: body.content,
            url: body.url,
        },
    )
    .await?;
    Ok(Json(Fetched {
        posts: r.posts,
        new_matches: r.new_matches,
        not_modified: false,
    }))
}

/// An upload's multipart form (described for the OpenAPI document; read by
/// `saved_page::read`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The saved page (`text/html`, or `.html`) or a text file (`text/plain`, or `.txt`), in
    /// UTF-8, at most `watch.max_upload_bytes`.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The thread's address, for the queue's link.
    url: Option<String>,
}

/// Upload a saved page as a file (multipart, field `file`), processed as a paste is: 413 when
/// larger than `watch.max_upload_bytes`, 415 when not HTML or text in UTF-8.
#[utoipa::path(post, path = "/api/v1/staff/watch/sources/{id}/upload", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 200, body = Fetched), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(source_id): Path<String>,
    mut multipart: Multipart,
) -> Result<Json<Fetched>, ApiError> {
    let form = crate::saved_page::read(&mut multipart, state.settings.watch.max_upload_bytes)
        .await
        .map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => WatchError::UploadTooLarge.into(),
            status => ApiError::new(status, "bad_request", "error-body-400"),
        })?;
    let mut page = form.file.ok_or(WatchError::Invalid("file"))?;
    page.url = form.url;
    let r = service::upload(&state, &staff.staff(), id(&source_id)?, page).await?;
    Ok(Json(Fetched {
        posts: r.posts,
        new_matches: r.new_matches,
        not_modified: false,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    url: String,
    handle: String,
    title: String,
    text: String,
    posted_at: Option<String>,
    signals: Vec<String>,
    /// Whether the post would join the queue.
    queued: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewList {
    items: Vec<PreviewView>,
}

/// Test a source without saving it: what would be extracted, and what would match.
#[utoipa::path(post, path = "/api/v1/staff/watch/test", tag = "watch", security(("bearer" = [])),
    request_body = SourceBody,
    responses((status = 200, body = PreviewList), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn test_source(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(body): Json<SourceBody>,
) -> Result<Json<PreviewList>, ApiError> {
    let items = service::test_source(&state, &staff.staff(), body.into()).await?;
    Ok(Json(PreviewList {
        items: items
            .into_iter()
            .map(|p| PreviewView {
                url: p.post.url,
                handle: p.post.handle,
                title: p.post.title,
                text: p.post.text,
                posted_at: rfc(p.post.posted_at),
                signals: p.signals,
                queued: p.queued,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MatchesQuery {
    /// `open`, `claimed`, `dismissed`, `answered` or `reported`; default: open and claimed.
    status: Option<String>,
    source_id: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchView {
    #[schema(value_type = String)]
    id: WatchMatchId,
    #[schema(value_type = String)]
    source_id: WatchSourceId,
    source_name: String,
    /// The post on the forum.
    url: String,
    /// The author's handle as the forum shows it (nothing else about them is kept).
    handle: String,
    title: String,
    /// The text around the first signal.
    snippet: String,
    /// Byte ranges of `snippet` that matched.
    highlights: Vec<[usize; 2]>,
    /// Risk signals (`overdose`, `adulterant`, ...) then `substance:<slug>`.
    signals: Vec<String>,
    status: String,
    claimed_by_me: bool,
    dismiss_reason: Option<String>,
    posted_at: Option<String>,
    found_at: Option<String>,
    /// Markdown drafted from the content pack, for the post composer.
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_reply: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchList {
    items: Vec<MatchView>,
    next_cursor: Option<String>,
}

fn match_view(item: service::QueueItem, me: netreach_core::UserId) -> MatchView {
    let content = item.content.unwrap_or_default();
    let r = item.record;
    MatchView {
        id: r.id,
        source_id: r.source_id,
        source_name: item.source_name,
        url: r.url,
        handle: content.handle,
        title: content.title,
        snippet: content.snippet,
        highlights: content.marks.iter().map(|&(s, e)| [s, e]).collect(),
        signals: r.signals,
        status: r.status.to_string(),
        claimed_by_me: r.claimed_by == Some(me),
        dismiss_reason: (!r.dismiss_reason.is_empty()).then_some(r.dismiss_reason),
        posted_at: rfc(r.posted_at),
        found_at: rfc(Some(r.found_at)),
        suggested_reply: item.suggested_reply,
    }
}

/// The watch queue, newest first, a page at a time (`cursor` from `next_cursor`).
#[utoipa::path(get, path = "/api/v1/staff/watch/matches", tag = "watch", security(("bearer" = [])),
    params(MatchesQuery),
    responses((status = 200, body = MatchList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn matches(
    State(state): State<AppState>,
    staff: ApiStaff,
    Query(q): Query<MatchesQuery>,
) -> Result<Json<MatchList>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse::<MatchStatus>().map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                "watch-error-invalid",
            )
        })?),
    };
    let source_id = match q.source_id.as_deref() {
        None | Some("") => None,
        Some(s) => Some(id(s)?),
    };
    let staff = staff.staff();
    let page = service::queue(
        &state,
        &staff,
        QueueQuery {
            status,
            source_id,
            cursor: q.cursor,
            limit: q.limit,
        },
    )
    .await?;
    let me = staff.user.id;
    Ok(Json(MatchList {
        items: page.items.into_iter().map(|i| match_view(i, me)).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Claim a match.
#[utoipa::path(post, path = "/api/v1/staff/watch/matches/{id}/claim", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn claim(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(match_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::claim(&state, &staff.staff(), id(&match_id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DismissBody {
    /// Why (kept with the match until it is deleted).
    #[serde(default)]
    reason: String,
}

/// Dismiss a match, with a reason.
#[utoipa::path(post, path = "/api/v1/staff/watch/matches/{id}/dismiss", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = DismissBody, description = "optional"),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn dismiss(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(match_id): Path<String>,
    body: Option<Json<DismissBody>>,
) -> Result<StatusCode, ApiError> {
    let reason = body.map(|Json(b)| b.reason).unwrap_or_default();
    service::dismiss(&state, &staff.staff(), id(&match_id)?, &reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Answered {
    /// The post draft holding the suggested reply, to edit, approve and publish.
    #[schema(value_type = String)]
    post_id: netreach_core::PostId,
}

/// Answer a match: a post draft with the suggested reply for the composer.
#[utoipa::path(post, path = "/api/v1/staff/watch/matches/{id}/answer", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, body = Answered), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(match_id): Path<String>,
) -> Result<(StatusCode, Json<Answered>), ApiError> {
    let post_id = service::answer(&state, &staff.staff(), id(&match_id)?).await?;
    Ok((StatusCode::CREATED, Json(Answered { post_id })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportBody {
    /// The region the post is about (one of the configured regions when there are some).
    region: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reported {
    #[schema(value_type = String)]
    report_id: netreach_core::AlertReportId,
}

/// Turn a match into a drug-alert report.
#[utoipa::path(post, path = "/api/v1/staff/watch/matches/{id}/report", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ReportBody,
    responses((status = 201, body = Reported), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(match_id): Path<String>,
    Json(body): Json<ReportBody>,
) -> Result<(StatusCode, Json<Reported>), ApiError> {
    let report_id = service::report(&state, &staff.staff(), id(&match_id)?, &body.region).await?;
    Ok((StatusCode::CREATED, Json(Reported { report_id })))
}
