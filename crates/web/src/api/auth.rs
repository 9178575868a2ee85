//! Staff API tokens: sign in for a token, list and revoke them, and who am I.

use super::ErrorBody;
use crate::accounts::{self, LoginError, TokenError};
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use netreach_core::{Role, TokenId};
use netreach_store::ApiTokenRecord;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    username: String,
    password: String,
    /// For an account with two-factor sign-in: the current six-digit code, or one of its
    /// recovery codes (each works once). Asked for only once the password is right.
    #[serde(default)]
    totp: Option<String>,
    /// A label for the token, shown in the console's token list (default `api`).
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// The bearer token; shown once, store it safely.
    token: String,
    /// The token's id, for revoking it.
    id: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    expires_at: Option<OffsetDateTime>,
}

/// Exchange a staff username and password for an API token (valid 30 days).
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong username or password, the account is disabled, or a two-factor code is missing (`totp_required`) or wrong (`totp_invalid`)", body = ErrorBody),
        (status = 429, description = "Too many failed attempts for this account", body = ErrorBody),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    Json(req): Json<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let name = req
        .name
        .map(|n| n.trim().chars().take(64).collect::<String>())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "api".into());
    let (record, secret) = match accounts::sign_in_for_token(
        &state,
        &req.username,
        req.password,
        req.totp.as_deref(),
        &name,
    )
    .await
    {
        Ok(issued) => issued,
        Err(LoginError::Invalid) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "login-error-invalid",
            ));
        }
        Err(LoginError::Disabled) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "account_disabled",
                "login-error-disabled",
            ));
        }
        Err(LoginError::Locked { .. }) => {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "account_locked",
                "error-account-locked",
            ));
        }
        Err(LoginError::CodeRequired) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "totp_required",
                "login-error-code-required",
            ));
        }
        Err(LoginError::WrongCode | LoginError::Expired) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "totp_invalid",
                "login-error-code",
            ));
        }
        Err(LoginError::Store(e)) => return Err(e.into()),
    };
    Ok(Json(TokenResponse {
        token: secret.expose().to_owned(),
        id: record.id.to_string(),
        expires_at: record.expires_at,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    id: String,
    name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    expires_at: Option<OffsetDateTime>,
}

impl From<ApiTokenRecord> for TokenInfo {
    fn from(t: ApiTokenRecord) -> Self {
        TokenInfo {
            id: t.id.to_string(),
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    items: Vec<TokenInfo>,
}

/// The caller's own API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = TokenList), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<TokenList>, ApiError> {
    let items = accounts::own_tokens(&state, &staff.staff())
        .await
        .map_err(failure)?
        .into_iter()
        .map(TokenInfo::from)
        .collect();
    Ok(Json(TokenList { items }))
}

/// Revoke one of the caller's API tokens (the one in use included).
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: TokenId = id.parse().map_err(|_| ApiError::not_found())?;
    accounts::revoke_own_token(&state, &staff.staff(), id)
        .await
        .map_err(failure)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A failure of the token service as the API reports it.
fn failure(e: TokenError) -> ApiError {
    match e {
        TokenError::Denied(denied) => denied.into(),
        TokenError::NoSuchToken => ApiError::not_found(),
        TokenError::Store(e) => e.into(),
        other @ (TokenError::Name | TokenError::Lifetime) => ApiError::internal(other),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    id: String,
    username: String,
    #[schema(value_type = String, example = "worker")]
    role: Role,
}

/// The staff member the token belongs to.
#[utoipa::path(get, path = "/api/v1/staff/me", tag = "staff", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(staff: ApiStaff) -> Json<Me> {
    Json(Me {
        id: staff.user.id.to_string(),
        username: staff.user.username.to_string(),
        role: staff.user.role,
    })
}
