//! Reply drafts in the console. The reply form's "Save draft" button posts the box here without
//! the script and comes back to the conversation with a notice; the console script posts it here
//! as JSON while the member types, and gets back the line it shows ("Draft saved 12:04"). The
//! conversation page puts the member's own draft back into the box (see `inbox`).

use crate::auth::StaffSession;
use crate::conversations::ConversationError;
use crate::error::PageError;
use crate::state::AppState;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form, Json};
use netreach_app::drafts::{self, Saved};
use netreach_core::Lang;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    message: String,
}

/// Whether a request is the script's: it sends JSON or asks for it.
fn from_script(req: &Request) -> bool {
    let has_json = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"))
    };
    has_json(header::CONTENT_TYPE) || has_json(header::ACCEPT)
}

/// `POST /staff/conversations/{id}/draft`: saves the member's draft of a reply (an empty box
/// deletes it). A form gets a redirect back with a notice (or the page again with the reason
/// and the typed text); the script gets `{"saved", "status"}`, `status` being the line to show.
pub async fn save(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let id = id.parse().map_err(|_| PageError::NotFound)?;
    let script = from_script(&req);
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    // A body that does not parse gets the extractor's own refusal (400 or 422).
    let parsed = if json {
        Json::<DraftForm>::from_request(req, &state)
            .await
            .map(|Json(f)| f)
            .map_err(IntoResponse::into_response)
    } else {
        Form::<DraftForm>::from_request(req, &state)
            .await
            .map(|Form(f)| f)
            .map_err(IntoResponse::into_response)
    };
    let form = match parsed {
        Ok(form) => form,
        Err(refused) => return Ok(refused),
    };
    let result = drafts::save(&state, &session.staff(), id, &form.message).await;
    if !script {
        let done = match result {
            Ok(Saved::Deleted) => "draft-deleted",
            _ => "draft-saved",
        };
        let result = result.map(|_| ());
        return super::conversation::after_draft(
            &state,
            lang,
            &session,
            id,
            result,
            done,
            form.message,
        )
        .await;
    }
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let (status, saved, line) = match result {
        Ok(Saved::Kept { local_time }) => (
            StatusCode::OK,
            true,
            t.with("draft-saved", "time", &local_time),
        ),
        Ok(Saved::Deleted) => (StatusCode::OK, false, t.get("draft-deleted")),
        Err(ConversationError::Store(e)) => return Err(e.into()),
        // The client deleted the conversation while the member was writing: the box keeps
        // the text, and the line says why it was not saved.
        Err(ConversationError::NotFound) => (
            StatusCode::NOT_FOUND,
            false,
            t.get("conversation-gone-title"),
        ),
        Err(e @ (ConversationError::Denied(_) | ConversationError::NoInboxAccess)) => {
            (StatusCode::FORBIDDEN, false, t.get(e.message_id()))
        }
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            t.get(e.message_id()),
        ),
    };
    Ok((
        status,
        Json(serde_json::json!({ "saved": saved, "status": line })),
    )
        .into_response())
}
