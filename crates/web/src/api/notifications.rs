//! One's own notification settings over the API: which events reach one, and how.

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use netreach_app::notify::{self, Event, NotifyError, Preferences, Transport};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// A member's notification settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationSettings {
    /// The member's own address for e-mail notifications, if given.
    email: Option<String>,
    /// For every event, the transports chosen (`console`, `email`, `telegram`, `push`). Events:
    /// `new_conversation`, `client_reply_assigned`, `client_reply_unassigned`, `assigned`,
    /// `mentioned`, `urgent`, `target_breached`, `alert_report`, `post_approval`,
    /// `content_review`.
    #[schema(value_type = Object)]
    events: BTreeMap<&'static str, Vec<Transport>>,
    /// `HH:MM-HH:MM` in the organisation's time zone, or empty.
    quiet_hours: String,
    /// Told of urgent events at any time.
    on_call: bool,
}

/// New notification settings. `events` replaces every choice; `email`, `quiet_hours` and
/// `on_call` are kept as they were when left out (an empty string removes the address).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationRequest {
    email: Option<String>,
    #[schema(value_type = Object)]
    events: HashMap<Event, Vec<Transport>>,
    quiet_hours: Option<String>,
    on_call: Option<bool>,
}

fn failure(e: NotifyError) -> ApiError {
    let message = e.message_id();
    match e {
        NotifyError::Denied(denied) => denied.into(),
        NotifyError::Store(e) => e.into(),
        NotifyError::BadEmail => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_email", message)
        }
        NotifyError::BadQuietHours => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_quiet_hours",
            message,
        ),
    }
}

fn shown(prefs: Preferences) -> NotificationSettings {
    NotificationSettings {
        email: prefs.email,
        events: prefs
            .events
            .into_iter()
            .map(|(event, transports)| (event.as_str(), transports))
            .collect(),
        quiet_hours: prefs.quiet_hours,
        on_call: prefs.on_call,
    }
}

/// One's notification settings.
#[utoipa::path(get, path = "/api/v1/staff/me/notifications", tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, body = NotificationSettings),
        (status = 401, body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<NotificationSettings>, ApiError> {
    let prefs = notify::preferences(&state, &staff.staff())
        .await
        .map_err(failure)?;
    Ok(Json(shown(prefs)))
}

/// Replace one's notification settings; answers with them as stored.
#[utoipa::path(put, path = "/api/v1/staff/me/notifications", tag = "staff",
    security(("bearer" = [])), request_body = NotificationRequest,
    responses(
        (status = 200, body = NotificationSettings),
        (status = 401, body = ErrorBody),
        (status = 422, description = "Not an address (`invalid_email`), quiet hours not HH:MM-HH:MM (`invalid_quiet_hours`), or an unknown event or transport", body = ErrorBody),
    ))]
pub async fn update(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(req): Json<NotificationRequest>,
) -> Result<Json<NotificationSettings>, ApiError> {
    let staff = staff.staff();
    let current = notify::preferences(&state, &staff).await.map_err(failure)?;
    let prefs = Preferences {
        email: req.email.or(current.email),
        quiet_hours: req.quiet_hours.unwrap_or(current.quiet_hours),
        on_call: req.on_call.unwrap_or(current.on_call),
        events: Event::ALL
            .iter()
            .map(|event| (*event, req.events.get(event).cloned().unwrap_or_default()))
            .collect(),
    };
    notify::set_preferences(&state, &staff, prefs)
        .await
        .map_err(failure)?;
    let stored = notify::preferences(&state, &staff).await.map_err(failure)?;
    Ok(Json(shown(stored)))
}
