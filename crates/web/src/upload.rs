//! Uploads over HTTP: the routes that take a photo (and only they) accept bodies as large as the
//! configured attachment limits; a form with a file field is read as `multipart/form-data`, in
//! memory only; an opened attachment is served with headers that keep it from being cached,
//! sniffed or run.

use crate::state::AppState;
use axum::body::Body;
use axum::extract::{FromRequest, MatchedPath, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netreach_app::attachments::{self, Opened};
use serde::de::DeserializeOwned;

/// The routes that take a photo or voice message: their request bodies may be as large as an
/// attachment.
pub const UPLOAD_ROUTES: &[&str] = &["/ask", "/c/reply", "/api/v1/conversations/me/attachments"];

/// The routes that take a saved forum page's file: their body may be up to
/// `watch.max_upload_bytes` larger than `max_body_bytes`.
pub const SAVED_PAGE_ROUTES: &[&str] = &[
    "/staff/watch/upload",
    "/api/v1/staff/watch/sources/{id}/upload",
];

/// The policy of a served attachment: nothing in it may run, load or be framed.
pub const ATTACHMENT_CSP: &str = "default-src 'none'; sandbox; frame-ancestors 'none'";

/// The largest body an upload route accepts: twice the largest attachment (so a file somewhat over
/// the limit still gets its clear answer with the typed text kept) plus the form's other fields.
pub fn upload_body_limit(state: &AppState) -> usize {
    attachments::max_upload_bytes(state)
        .saturating_mul(2)
        .saturating_add(state.settings.max_body_bytes)
}

/// Limits every request body: `max_body_bytes`, [`upload_body_limit`] on [`UPLOAD_ROUTES`], or
/// `max_body_bytes + watch.max_upload_bytes` on [`SAVED_PAGE_ROUTES`]. A declared length over the
/// limit is refused at once (413, saying so for a saved page); a body that grows past it fails
/// while it is read (the extractor answers 413). Runs after routing, which tells the route.
pub async fn body_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let settings = &state.settings;
    let saved_page = SAVED_PAGE_ROUTES.contains(&route.as_str());
    let limit = if UPLOAD_ROUTES.contains(&route.as_str()) {
        upload_body_limit(&state)
    } else if saved_page {
        settings
            .max_body_bytes
            .saturating_add(settings.watch.max_upload_bytes)
    } else {
        settings.max_body_bytes
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        let mut response = StatusCode::PAYLOAD_TOO_LARGE.into_response();
        if saved_page {
            response.extensions_mut().insert(crate::error::ErrorInfo {
                code: "payload_too_large",
                message_id: "watch-error-upload-size",
            });
        }
        return response;
    }
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

/// A form that may carry one file: urlencoded forms as before, or `multipart/form-data` whose
/// text fields fill `T` and whose file field (`file_field`) is read into memory. A file larger
/// than `max_file` is cut at `max_file + 1` bytes (the rest is read and dropped), so the service
/// answers "too large" and the page keeps what was typed.
#[derive(Debug)]
pub struct WithFile<T> {
    pub form: T,
    /// `None` when no file was chosen.
    pub file: Option<Vec<u8>>,
}

/// The form field that carries the photo on `/ask` and `/c`.
pub const PHOTO_FIELD: &str = "photo";

impl<T> FromRequest<AppState> for WithFile<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let axum::Form(form) = axum::Form::<T>::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            return Ok(WithFile { form, file: None });
        }
        let max_file = state.settings.attachments.max_image_bytes;
        let max_text = state.settings.max_body_bytes;
        let mut parts = Multipart::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let (fields, file) = read_parts(&mut parts, PHOTO_FIELD, max_file, max_text).await?;
        let form = serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY.into_response())?;
        Ok(WithFile { form, file })
    }
}

/// Reads a multipart body: text fields (each cut at `max_text` bytes) and the file field (cut at
/// `max_file + 1` bytes). An empty file part (no file chosen) is `None`.
pub async fn read_parts(
    parts: &mut Multipart,
    file_field: &str,
    max_file: usize,
    max_text: usize,
) -> Result<(serde_json::Map<String, serde_json::Value>, Option<Vec<u8>>), Response> {
    let mut fields = serde_json::Map::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        let mut field = match parts.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // The body ended early or broke the limit after a file that was already too large:
            // answer about the file, with the text read so far.
            Err(_) if file.as_ref().is_some_and(|f| f.len() > max_file) => break,
            Err(e) => return Err(e.into_response()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let cap = if name == file_field {
            max_file + 1
        } else {
            max_text
        };
        let mut bytes: Vec<u8> = Vec::new();
        let mut broken = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    let room = cap.saturating_sub(bytes.len());
                    bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) => break,
                Err(e) => {
                    if name == file_field && bytes.len() > max_file {
                        broken = true;
                        break;
                    }
                    return Err(e.into_response());
                }
            }
        }
        if name == file_field {
            if !bytes.is_empty() {
                file = Some(bytes);
            }
            if broken {
                break;
            }
        } else if !name.is_empty() {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            fields.insert(name, serde_json::Value::String(text));
        }
    }
    Ok((fields, file))
}

/// An opened attachment as a response: its own type, never cached, never sniffed, sandboxed.
pub fn serve(opened: Opened) -> Response {
    let mut response = Body::from(opened.bytes).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&opened.media_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(ATTACHMENT_CSP),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    response
}
