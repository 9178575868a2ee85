//! The anonymous client's side of the JSON API (`Authorization: Codename ...`): starting a
//! conversation, reading and writing to it, photos and voice messages, Q&A consent, deletion.

use super::ErrorBody;
use super::conversations::{AttachmentItem, attachment_items, rfc3339};
use crate::auth::CodenameClient;
use crate::conversations::{self as service, Entry, IntakeAnswers, NewRequest};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use netreach_app::attachments::{Declared, Upload};
use netreach_core::{Lang, Topic};
use netreach_store::MessageKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct StartRequest {
    /// One of overdose, injection, substances, checking, infections, mental_health, legal,
    /// supplies, other.
    #[schema(value_type = String, example = "substances")]
    topic: String,
    message: String,
    /// `en` or `ru`: the language of the codename and of the answers.
    #[serde(default)]
    lang: Option<String>,
    /// Optional intake answers.
    #[serde(default)]
    substances: Option<String>,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    happening: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StartResponse {
    /// Seven words: the only key to this conversation. Shown once; keep it safe.
    codename: String,
    conversation_id: String,
}

/// Start an anonymous conversation. No account; nothing identifying is kept.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "client", request_body = StartRequest,
    responses(
        (status = 201, body = StartResponse),
        (status = 422, description = "Empty or too long message, or unknown topic", body = ErrorBody),
        (status = 503, description = "The organisation has not finished setting up", body = ErrorBody),
    ))]
pub async fn start(
    State(state): State<AppState>,
    Json(req): Json<StartRequest>,
) -> Result<(StatusCode, Json<StartResponse>), ApiError> {
    let topic: Topic = req.topic.parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_topic",
            "error-topic",
        )
    })?;
    let lang = match req.lang.as_deref() {
        None | Some("") => Lang::default(),
        Some(code) => Lang::parse(code).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_lang",
                "error-lang",
            )
        })?,
    };
    let started = service::start(
        &state,
        NewRequest {
            topic,
            lang,
            message: req.message,
            intake: IntakeAnswers {
                substances: req.substances.unwrap_or_default(),
                amount: req.amount.unwrap_or_default(),
                when: req.when.unwrap_or_default(),
                happening: req.happening.unwrap_or_default(),
            },
            channel: "web",
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(StartResponse {
            codename: started.codename.expose().to_owned(),
            conversation_id: started.conversation.id.to_string(),
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientMessage {
    /// `client` or `staff`.
    from: String,
    body: String,
    /// RFC 3339.
    at: String,
    /// Photos and voice messages this message shows (its body is their caption); left out when
    /// there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<AttachmentItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientThread {
    /// new, open, waiting_for_client, solved or archived.
    status: String,
    messages: Vec<ClientMessage>,
}

fn client_messages(entries: Vec<Entry>) -> Vec<ClientMessage> {
    entries
        .into_iter()
        .filter(|e| e.kind == MessageKind::Message)
        .map(|e| ClientMessage {
            attachments: attachment_items(&e),
            from: e.author.as_str().to_owned(),
            body: e.body.unwrap_or_default(),
            at: rfc3339(e.at),
        })
        .collect()
}

/// Read your conversation.
#[utoipa::path(get, path = "/api/v1/conversations/me", tag = "client",
    security(("codename" = [])),
    responses((status = 200, body = ClientThread), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    client: CodenameClient,
) -> Result<Json<ClientThread>, ApiError> {
    let entries = service::client_thread(&state, &client.access).await?;
    Ok(Json(ClientThread {
        status: client.access.conversation.status.as_str().to_owned(),
        messages: client_messages(entries),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PostMessage {
    message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Posted {
    status: String,
}

/// Write to your conversation.
#[utoipa::path(post, path = "/api/v1/conversations/me/messages", tag = "client",
    security(("codename" = [])), request_body = PostMessage,
    responses((status = 201, body = Posted), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn post_message(
    State(state): State<AppState>,
    client: CodenameClient,
    Json(req): Json<PostMessage>,
) -> Result<(StatusCode, Json<Posted>), ApiError> {
    let conversation = service::client_post(&state, &client.access, &req.message).await?;
    Ok((
        StatusCode::CREATED,
        Json(Posted {
            status: conversation.status.as_str().to_owned(),
        }),
    ))
}

/// Delete your conversation now (real deletion of every message).
#[utoipa::path(delete, path = "/api/v1/conversations/me", tag = "client",
    security(("codename" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_me(
    State(state): State<AppState>,
    client: CodenameClient,
) -> Result<StatusCode, ApiError> {
    service::client_delete(&state, &client.access).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentCreated {
    id: String,
}

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct AttachmentUpload {
    /// A photo (JPEG, PNG or WebP) or a voice message (OGG/Opus).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Optional text shown with it.
    caption: Option<String>,
}

/// Add a photo (or a voice message) to your conversation. Images are decoded and re-encoded and
/// voice messages re-muxed before they are sealed, so no metadata of the file (EXIF, GPS, camera,
/// tags) is kept.
#[utoipa::path(post, path = "/api/v1/conversations/me/attachments", tag = "client",
    security(("codename" = [])),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentCreated), (status = 401, body = ErrorBody),
        (status = 413, description = "Larger than the configured limit", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG or WebP image, nor OGG/Opus", body = ErrorBody),
        (status = 422, description = "Empty, or an image that does not decode", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn add_attachment(
    State(state): State<AppState>,
    client: CodenameClient,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<AttachmentCreated>), ApiError> {
    let max_file = netreach_app::attachments::max_upload_bytes(&state);
    let (fields, file) = crate::upload::read_parts(
        &mut multipart,
        "file",
        max_file,
        state.settings.max_body_bytes,
    )
    .await
    .map_err(|response| {
        if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "error-photo-too-large",
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_multipart",
                "error-body-400",
            )
        }
    })?;
    let bytes = file.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_file",
            "error-attachment-empty",
        )
    })?;
    // What the bytes are decides, not a declared type: an OGG stream is a voice message.
    let declared = if bytes.starts_with(b"OggS") {
        Declared::Voice
    } else {
        Declared::Photo
    };
    let caption = fields
        .get("caption")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let id = netreach_app::attachments::add_from_client(
        &state,
        &client.access.conversation,
        Upload {
            bytes,
            declared,
            caption,
            message_id: None,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentCreated { id: id.to_string() }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QaConsentBody {
    /// `true`: the team may publish an anonymised, rewritten version of this question and its
    /// answer under `/qa` (after a second staff member reviews it). `false` withdraws consent
    /// and deletes unpublished drafts; a published entry no longer links to the conversation.
    consent: bool,
}

/// Give or withdraw consent to an anonymised public Q&A entry from your conversation.
#[utoipa::path(post, path = "/api/v1/conversations/me/qa_consent", tag = "client",
    security(("codename" = [])), request_body = QaConsentBody,
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn qa_consent(
    State(state): State<AppState>,
    client: CodenameClient,
    Json(body): Json<QaConsentBody>,
) -> Result<StatusCode, ApiError> {
    crate::qa::set_consent(&state, client.access.conversation.id, body.consent)
        .await
        .map_err(|e| match e {
            crate::qa::QaError::Store(inner) => ApiError::from(inner),
            _ => ApiError::new(StatusCode::NOT_FOUND, "not_found", "error-body-404"),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
