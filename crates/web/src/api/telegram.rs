//! The organisation's Telegram bot over the API (admins): connect, show, disconnect.

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use netreach_app::telegram::{self, BotError, BotStatus, WebhookError};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

/// The connected bot (never its token).
#[derive(Debug, Serialize, ToSchema)]
pub struct BotView {
    /// The bot's Telegram username, without `@`.
    username: String,
    /// `polling` (long polling, the default) or `webhook` (with `telegram.webhook_url`).
    mode: String,
    connected_at: String,
    /// When an update last arrived by polling.
    last_update_at: Option<String>,
    /// The last polling error, or empty.
    last_error: String,
}

/// The bot's token from BotFather.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BotRequest {
    token: String,
}

fn failure(e: BotError) -> ApiError {
    let message = e.message_id();
    match e {
        BotError::Denied(denied) => denied.into(),
        BotError::Store(e) => e.into(),
        BotError::InvalidToken => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_token", message)
        }
        BotError::Refused(_) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "token_refused", message)
        }
        BotError::Unreachable(_) => {
            ApiError::new(StatusCode::BAD_GATEWAY, "telegram_unreachable", message)
        }
        BotError::NotConnected => ApiError::new(StatusCode::NOT_FOUND, "not_connected", message),
    }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn view(status: BotStatus) -> BotView {
    BotView {
        username: status.username,
        mode: status.mode,
        connected_at: rfc3339(status.connected_at),
        last_update_at: status.last_update_at.map(rfc3339),
        last_error: status.last_error,
    }
}

/// Connect (or replace) the organisation's bot; the token is checked with Telegram's `getMe`.
#[utoipa::path(put, path = "/api/v1/staff/telegram/bot", tag = "staff",
    security(("bearer" = [])), request_body = BotRequest,
    responses(
        (status = 200, body = BotView),
        (status = 403, body = ErrorBody),
        (status = 422, description = "Not a bot token (`invalid_token`) or refused by Telegram (`token_refused`)", body = ErrorBody),
        (status = 502, description = "Telegram did not answer (`telegram_unreachable`)", body = ErrorBody),
    ))]
pub async fn connect(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(req): Json<BotRequest>,
) -> Result<Json<BotView>, ApiError> {
    let status = telegram::connect(&state, &staff.staff(), &req.token)
        .await
        .map_err(failure)?;
    Ok(Json(view(status)))
}

/// The connected bot: its username and mode, never the token.
#[utoipa::path(get, path = "/api/v1/staff/telegram/bot", tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, body = BotView),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No bot is connected (`not_connected`)", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<BotView>, ApiError> {
    let status = telegram::status(&state, &staff.staff())
        .await
        .map_err(failure)?
        .ok_or_else(|| failure(BotError::NotConnected))?;
    Ok(Json(view(status)))
}

/// Disconnect the bot. Its conversations stay in the inbox.
#[utoipa::path(delete, path = "/api/v1/staff/telegram/bot", tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 204),
        (status = 403, body = ErrorBody),
        (status = 404, description = "No bot is connected (`not_connected`)", body = ErrorBody),
    ))]
pub async fn disconnect(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<StatusCode, ApiError> {
    if telegram::disconnect(&state, &staff.staff())
        .await
        .map_err(failure)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(failure(BotError::NotConnected))
    }
}

/// Telegram delivering an update to the organisation's bot, when `telegram.webhook_url` is set
/// (Telegram is given `<webhook_url>/api/v1/telegram/webhook`). Only calls carrying the bot's
/// secret in `X-Telegram-Bot-Api-Secret-Token` are taken; not for other callers.
#[utoipa::path(post, path = "/api/v1/telegram/webhook", tag = "telegram",
    request_body(content = Object, description = "A Telegram `Update`"),
    params(("X-Telegram-Bot-Api-Secret-Token" = String, Header, description = "The secret given to Telegram with `setWebhook`")),
    responses(
        (status = 200, description = "Stored and handled"),
        (status = 400, description = "Not an update"),
        (status = 401, description = "Missing or wrong secret token, or no bot takes webhook calls"),
        (status = 503, description = "Not stored; Telegram sends it again"),
    ))]
pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let secret = headers
        .get("x-telegram-bot-api-secret-token")
        .and_then(|v| v.to_str().ok());
    match telegram::receive_webhook(&state, secret, &body).await {
        Ok(()) => StatusCode::OK,
        // Whether a bot is connected at all is nobody else's business.
        Err(WebhookError::Unauthorized | WebhookError::NotConnected) => StatusCode::UNAUTHORIZED,
        Err(WebhookError::Malformed) => StatusCode::BAD_REQUEST,
        // Telegram tries again later: the update is not lost.
        Err(WebhookError::Store(e)) => {
            tracing::error!(error = %e, "storing a telegram update failed");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
