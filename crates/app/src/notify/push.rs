//! The Web Push transport: a member's browsers, subscribed from the console, get a push that
//! names only the kind of event and a console path, encrypted for that browser alone (the push
//! service of Google, Mozilla or Apple carries it without reading it) and signed with the
//! server's key. Subscriptions are kept encrypted under the server secret.

use super::{Delivery, NotifyError, event_label_id, in_both};
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::notification::Event;
use netreach_crypto::{PushTarget, SecretToken, VapidKey};
use netreach_store::{PushSubscriptionRecord, QueuedNotification, StoreError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

const KEY_PURPOSE: &str = "push-vapid-key";
const KEY_AAD: &str = "push-key";
const SUBSCRIPTION_PURPOSE: &str = "push-subscription";
/// Longest endpoint accepted (the common services' are under 500 characters).
const MAX_ENDPOINT: usize = 1024;

/// A browser a member subscribed, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushDevice {
    pub id: uuid::Uuid,
    /// The push service's host (`fcm.googleapis.com` for Chrome, and so on).
    pub service: String,
    pub since: OffsetDateTime,
}

/// A subscription as the browser's `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct NewSubscription {
    pub endpoint: String,
    pub keys: SubscriptionKeys,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubscriptionKeys {
    pub p256dh: String,
    pub auth: String,
}

/// What is sealed in a subscription's row.
#[derive(Serialize, Deserialize)]
struct Stored {
    endpoint: String,
    p256dh: String,
    auth: String,
}

/// The server's signing key, made and stored (encrypted) on first use; after that, read.
async fn signing_key(state: &AppState) -> Result<VapidKey, StoreError> {
    let wrap = state.secret.wrap_key(KEY_PURPOSE);
    let stored = match state.store.push_key().await? {
        Some(stored) => stored,
        None => {
            let candidate = VapidKey::generate();
            state
                .store
                .ensure_push_key(
                    wrap.encrypt(&candidate.to_bytes(), KEY_AAD),
                    state.clock.now(),
                )
                .await?
        }
    };
    let bytes = wrap.decrypt(&stored, KEY_AAD).map_err(|_| {
        StoreError::Corrupt("push_key: not readable with this server secret".into())
    })?;
    VapidKey::from_bytes(&bytes).map_err(|_| StoreError::Corrupt("push_key".into()))
}

/// The key browsers subscribe with (`applicationServerKey`), when Web Push is set up.
pub async fn public_key(state: &AppState, staff: &Staff) -> Result<Option<String>, NotifyError> {
    staff.may(Action::OwnNotifications)?;
    if !state.settings.push.enabled() {
        return Ok(None);
    }
    Ok(Some(signing_key(state).await?.public_key()))
}

/// The host of an endpoint the server may post to.
fn allowed_service(state: &AppState, endpoint: &str) -> Option<String> {
    let url = url::Url::parse(endpoint).ok()?;
    let host = url.host_str()?;
    (state.settings.push.endpoint_allowed(url.scheme(), host)
        && url.username().is_empty()
        && url.password().is_none())
    .then(|| host.to_owned())
}

/// Subscribes one of the acting member's browsers. The same browser again replaces its row.
pub async fn subscribe(
    state: &AppState,
    staff: &Staff,
    subscription: NewSubscription,
) -> Result<uuid::Uuid, NotifyError> {
    staff.may(Action::OwnNotifications)?;
    if !state.settings.push.enabled() {
        return Err(NotifyError::PushOff);
    }
    let endpoint = subscription.endpoint.trim();
    if endpoint.len() > MAX_ENDPOINT {
        return Err(NotifyError::BadSubscription);
    }
    let service = allowed_service(state, endpoint).ok_or(NotifyError::BadSubscription)?;
    PushTarget::parse(&subscription.keys.p256dh, &subscription.keys.auth)
        .map_err(|_| NotifyError::BadSubscription)?;
    let id = uuid::Uuid::new_v4();
    let stored = serde_json::to_vec(&Stored {
        endpoint: endpoint.to_owned(),
        p256dh: subscription.keys.p256dh.trim().to_owned(),
        auth: subscription.keys.auth.trim().to_owned(),
    })
    .map_err(|_| NotifyError::BadSubscription)?;
    state
        .store
        .add_push_subscription(PushSubscriptionRecord {
            id,
            user_id: staff.user.id,
            endpoint_hash: SecretToken::from_presented(endpoint)
                .hash(&state.secret, SUBSCRIPTION_PURPOSE)
                .as_str()
                .to_owned(),
            sealed: state
                .secret
                .wrap_key(SUBSCRIPTION_PURPOSE)
                .encrypt(&stored, &id.to_string()),
            service,
            created_at: state.clock.now(),
        })
        .await?;
    tracing::info!(user_id = %staff.user.id, "push subscription added");
    Ok(id)
}

/// The acting member's subscribed browsers.
pub async fn devices(state: &AppState, staff: &Staff) -> Result<Vec<PushDevice>, NotifyError> {
    staff.may(Action::OwnNotifications)?;
    Ok(state
        .store
        .push_subscriptions(staff.user.id)
        .await?
        .into_iter()
        .map(|s| PushDevice {
            id: s.id,
            service: s.service,
            since: s.created_at,
        })
        .collect())
}

/// Removes one of the acting member's browsers; false when it was not there.
pub async fn unsubscribe(
    state: &AppState,
    staff: &Staff,
    id: uuid::Uuid,
) -> Result<bool, NotifyError> {
    staff.may(Action::OwnNotifications)?;
    let gone = state
        .store
        .delete_push_subscription(staff.user.id, id)
        .await?;
    if gone {
        tracing::info!(user_id = %staff.user.id, "push subscription removed");
    }
    Ok(gone)
}

/// What became of one push.
enum Outcome {
    Sent,
    /// The browser unsubscribed or the subscription expired: forget it.
    Gone,
    /// Worth trying again later (network, 429, 5xx).
    Later,
    /// Refused for good (a bad signature, too large...): logged.
    Refused,
}

/// Sends one outbox row to every browser of its recipient. It is retried only when no
/// browser got it and one may later (so a browser that got it is not told twice).
pub(super) async fn deliver(state: &AppState, n: &QueuedNotification) -> Delivery {
    let (Some(user), Some(subject)) = (n.recipient, state.settings.push.subject.as_deref()) else {
        return Delivery::Done;
    };
    let subscriptions = match state.store.push_subscriptions(user).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "reading push subscriptions failed");
            return Delivery::Retry;
        }
    };
    if subscriptions.is_empty() {
        return Delivery::Done;
    }
    let key = match signing_key(state).await {
        Ok(key) => key,
        Err(e) => {
            tracing::error!(error = %e, "reading the push signing key failed");
            return Delivery::Retry;
        }
    };
    let message = payload(state, n);
    let (mut sent, mut later) = (false, false);
    for subscription in subscriptions {
        let outcome = match open(state, &subscription) {
            Some(stored) => push(state, &key, subject, &stored, &message, &n.event).await,
            None => Outcome::Gone,
        };
        match outcome {
            Outcome::Sent => sent = true,
            Outcome::Later => later = true,
            Outcome::Refused => {}
            Outcome::Gone => {
                tracing::info!(user_id = %user, "push subscription expired, removed");
                if let Err(e) = state
                    .store
                    .delete_push_subscription(user, subscription.id)
                    .await
                {
                    tracing::error!(error = %e, "removing an expired push subscription failed");
                }
            }
        }
    }
    if later && !sent {
        Delivery::Retry
    } else {
        Delivery::Done
    }
}

/// The message: a neutral title, the kind of event in both languages, the console path.
fn payload(state: &AppState, n: &QueuedNotification) -> Vec<u8> {
    serde_json::json!({
        "title": in_both(state, "notify-push-title"),
        "body": in_both(state, &event_label_id(&n.event)),
        "path": n.console_path,
    })
    .to_string()
    .into_bytes()
}

fn open(state: &AppState, subscription: &PushSubscriptionRecord) -> Option<Stored> {
    let bytes = state
        .secret
        .wrap_key(SUBSCRIPTION_PURPOSE)
        .decrypt(&subscription.sealed, &subscription.id.to_string())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

async fn push(
    state: &AppState,
    key: &VapidKey,
    subject: &str,
    stored: &Stored,
    message: &[u8],
    event: &str,
) -> Outcome {
    // The settings may have narrowed since the browser subscribed.
    if allowed_service(state, &stored.endpoint).is_none() {
        return Outcome::Gone;
    }
    let (Ok(url), Ok(target)) = (
        url::Url::parse(&stored.endpoint),
        PushTarget::parse(&stored.p256dh, &stored.auth),
    ) else {
        return Outcome::Gone;
    };
    let Ok(body) = target.encrypt(message) else {
        return Outcome::Refused;
    };
    let audience = url.origin().ascii_serialization();
    let expires = state.clock.now().unix_timestamp() + 12 * 3600;
    let urgent = event.parse::<Event>().is_ok_and(Event::is_urgent);
    let ttl = u64::from(state.settings.push.ttl_minutes) * 60;
    let answer = state
        .push_http
        .post(url)
        .header("TTL", ttl)
        .header("Urgency", if urgent { "high" } else { "normal" })
        .header("Content-Encoding", "aes128gcm")
        .header("Content-Type", "application/octet-stream")
        .header(
            "Authorization",
            key.authorization(&audience, subject, expires),
        )
        .body(body)
        .send()
        .await;
    match answer {
        Ok(r) if r.status().is_success() => Outcome::Sent,
        Ok(r) if matches!(r.status().as_u16(), 404 | 410) => Outcome::Gone,
        Ok(r) if r.status().as_u16() == 429 || r.status().is_server_error() => {
            tracing::warn!(status = r.status().as_u16(), "push service busy");
            Outcome::Later
        }
        Ok(r) => {
            tracing::error!(status = r.status().as_u16(), "push refused");
            Outcome::Refused
        }
        Err(e) => {
            // Without the URL: an endpoint is a capability.
            tracing::warn!(error = %e.without_url(), "push failed");
            Outcome::Later
        }
    }
}
