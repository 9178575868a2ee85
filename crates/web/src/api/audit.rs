//! The audit log for admins: `GET /api/v1/staff/audit`.

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use netreach_app::audit::{self as service, AuditError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

impl From<AuditError> for ApiError {
    fn from(e: AuditError) -> Self {
        let (status, code) = match &e {
            AuditError::UnknownAction | AuditError::BadCursor => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input")
            }
            AuditError::Denied(denied) => return (*denied).into(),
            AuditError::Store(inner) => return ApiError::store(inner),
        };
        ApiError::new(status, code, e.message_id())
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditParams {
    /// Only this action (for example `conversation_opened`).
    action: Option<String>,
    /// Only this staff member (username; `operator` for the command line).
    actor: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditItem {
    /// RFC 3339.
    at: String,
    /// The staff member's username, `operator` for the command line, or null for a failed
    /// sign-in with no account.
    actor: Option<String>,
    action: String,
    /// The id acted on, or null.
    target: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    items: Vec<AuditItem>,
    next_cursor: Option<String>,
}

/// The audit log, newest first, 100 lines a page (admins only).
#[utoipa::path(get, path = "/api/v1/staff/audit", tag = "staff", security(("bearer" = [])),
    params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    staff: ApiStaff,
    Query(params): Query<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    let query = service::Query {
        action: params.action,
        actor: params.actor,
        cursor: params.cursor,
    };
    let page = service::read(&state, &staff.staff(), &query).await?;
    let non_empty = |s: String| (!s.is_empty()).then_some(s);
    Ok(Json(AuditPage {
        items: page
            .items
            .into_iter()
            .map(|e| AuditItem {
                at: e
                    .entry
                    .at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                actor: non_empty(e.entry.actor),
                action: e.entry.action.as_str().to_owned(),
                target: non_empty(e.entry.target),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
