//! Two-factor sign-in over the API: start (or restart) enrolment, confirm it with a first code.

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use netreach_app::two_factor::{self, TwoFactorError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentResponse {
    /// The secret in base32, for typing into an authenticator app.
    secret: String,
    /// The `otpauth://totp/...` URL (what the console's QR code holds).
    otpauth_url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmRequest {
    /// The six-digit code the authenticator app shows now.
    code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten single-use recovery codes, shown this once; each can stand in for a code.
    recovery_codes: Vec<String>,
}

fn failure(e: TwoFactorError) -> ApiError {
    let message = e.message_id();
    match e {
        TwoFactorError::Denied(denied) => denied.into(),
        TwoFactorError::Store(e) => e.into(),
        TwoFactorError::AlreadyEnabled => {
            ApiError::new(StatusCode::CONFLICT, "totp_enabled", message)
        }
        TwoFactorError::NotStarted => {
            ApiError::new(StatusCode::CONFLICT, "totp_not_started", message)
        }
        TwoFactorError::WrongCode => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "totp_invalid", message)
        }
        other => ApiError::internal(other),
    }
}

/// Start, or restart, two-factor enrolment: a new secret, not active until confirmed.
/// Refused with 409 while two-factor sign-in is on.
#[utoipa::path(post, path = "/api/v1/staff/me/totp", tag = "staff", security(("bearer" = [])),
    responses(
        (status = 200, body = EnrolmentResponse),
        (status = 401, body = ErrorBody),
        (status = 409, description = "Two-factor sign-in is on already (`totp_enabled`)", body = ErrorBody),
    ))]
pub async fn start(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<EnrolmentResponse>, ApiError> {
    let enrolment = two_factor::start(&state, &staff.staff())
        .await
        .map_err(failure)?;
    Ok(Json(EnrolmentResponse {
        secret: enrolment.secret,
        otpauth_url: enrolment.otpauth_url,
    }))
}

/// Confirm enrolment with the current code: two-factor sign-in is on from now, and
/// `POST /api/v1/auth/token` needs `totp`. Returns the recovery codes, once.
#[utoipa::path(post, path = "/api/v1/staff/me/totp/confirm", tag = "staff",
    security(("bearer" = [])), request_body = ConfirmRequest,
    responses(
        (status = 200, body = RecoveryCodes),
        (status = 401, body = ErrorBody),
        (status = 409, description = "Nothing to confirm (`totp_not_started`) or already on (`totp_enabled`)", body = ErrorBody),
        (status = 422, description = "Wrong code (`totp_invalid`)", body = ErrorBody),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(req): Json<ConfirmRequest>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let recovery_codes = two_factor::confirm(&state, &staff.staff(), &req.code)
        .await
        .map_err(failure)?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}
