//! One's own notification settings over the API: which events reach one, and how.

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
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

pub(crate) fn failure(e: NotifyError) -> ApiError {
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
        NotifyError::PushOff => ApiError::new(StatusCode::CONFLICT, "push_not_set_up", message),
        NotifyError::BadSubscription => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_subscription",
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

/// A browser's push subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PushSubscriptionRequest {
    /// The push service's address for this browser (an `https://` URL of a push service the
    /// server is configured to post to).
    endpoint: String,
    keys: PushKeys,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PushKeys {
    /// The browser's P-256 public key, base64url.
    p256dh: String,
    /// The browser's 16-byte authentication secret, base64url.
    auth: String,
}

/// A subscribed browser.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushDevice {
    id: uuid::Uuid,
    /// The push service's host.
    service: String,
    /// RFC 3339.
    created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushDevices {
    items: Vec<PushDevice>,
    /// The key to subscribe with (`applicationServerKey`), or null when Web Push is not set up.
    public_key: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    id: uuid::Uuid,
}

impl From<PushSubscriptionRequest> for notify::push::NewSubscription {
    fn from(req: PushSubscriptionRequest) -> Self {
        notify::push::NewSubscription {
            endpoint: req.endpoint,
            keys: notify::push::SubscriptionKeys {
                p256dh: req.keys.p256dh,
                auth: req.keys.auth,
            },
        }
    }
}

/// Subscribe a browser to one's notifications (Web Push).
#[utoipa::path(post, path = "/api/v1/staff/me/push_subscriptions", tag = "staff",
    security(("bearer" = [])), request_body = PushSubscriptionRequest,
    responses(
        (status = 201, body = Created),
        (status = 401, body = ErrorBody),
        (status = 409, description = "Web Push is not set up (`push_not_set_up`)", body = ErrorBody),
        (status = 422, description = "Not a push service this server posts to, or bad keys (`invalid_subscription`)", body = ErrorBody),
    ))]
pub async fn subscribe(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(req): Json<PushSubscriptionRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = notify::push::subscribe(&state, &staff.staff(), req.into())
        .await
        .map_err(failure)?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One's subscribed browsers, and the key to subscribe with.
#[utoipa::path(get, path = "/api/v1/staff/me/push_subscriptions", tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, body = PushDevices),
        (status = 401, body = ErrorBody),
    ))]
pub async fn devices(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<PushDevices>, ApiError> {
    let staff = staff.staff();
    let items = notify::push::devices(&state, &staff)
        .await
        .map_err(failure)?
        .into_iter()
        .map(|d| PushDevice {
            id: d.id,
            service: d.service,
            created_at: d
                .since
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        })
        .collect();
    let public_key = notify::push::public_key(&state, &staff)
        .await
        .map_err(failure)?;
    Ok(Json(PushDevices { items, public_key }))
}

/// Stop pushing to a browser.
#[utoipa::path(delete, path = "/api/v1/staff/me/push_subscriptions/{id}", tag = "staff",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 204),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<uuid::Uuid>,
) -> Result<StatusCode, ApiError> {
    if notify::push::unsubscribe(&state, &staff.staff(), id)
        .await
        .map_err(failure)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found())
    }
}
