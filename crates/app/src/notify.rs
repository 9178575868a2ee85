//! Notifying on-call staff of an urgent conversation: the console lists it first with a badge,
//! and optionally a webhook and a message to the team's Telegram chat. A notification never
//! carries content or anything about the client, and a failure never affects the client.
//!
//! Notifications go through an outbox in the database: [`urgent`] writes one row per configured
//! transport before the conversation is stored and the client answered, and [`send_due`] (a background job, on whichever node
//! claims the row) delivers it and deletes it, retrying with backoff. A stopped process therefore
//! loses nothing: the next run on any node sends what is left.

use crate::state::AppState;
use netreach_channels::render::escape_html;
use netreach_channels::telegram::{BotApi, SendError, backoff, without_url};
use netreach_core::ConversationId;
use netreach_store::{QueuedNotification, StoreError};
use secrecy::ExposeSecret;
use serde_json::json;
use time::Duration;

const URGENT: &str = "urgent_conversation";
const WEBHOOK: &str = "webhook";
const TELEGRAM: &str = "telegram";
/// How long a claimed notification is left to its node before another may try it.
const LEASE: Duration = Duration::seconds(60);
const MAX_ATTEMPTS: u32 = 8;

/// Queues the configured notifications for an urgent conversation.
pub async fn urgent(state: &AppState, conversation: ConversationId) -> Result<(), StoreError> {
    tracing::warn!(conversation_id = %conversation, "urgent conversation waiting");
    let notify = &state.settings.notify;
    let telegram =
        notify.telegram_token().ok().flatten().is_some() && notify.telegram_chat_id.is_some();
    let transports = [
        (WEBHOOK, notify.webhook_url.is_some()),
        (TELEGRAM, telegram),
    ];
    let now = state.clock.now();
    for (transport, configured) in transports {
        if configured {
            state
                .store
                .queue_notification(&QueuedNotification {
                    id: uuid::Uuid::new_v4(),
                    event: URGENT.into(),
                    transport: transport.into(),
                    console_path: format!("/staff/conversations/{conversation}"),
                    created_at: now,
                    next_attempt_at: now,
                    attempts: 0,
                })
                .await?;
        }
    }
    Ok(())
}

/// One run of the notification job: delivers what is due; returns how many were delivered.
pub async fn send_due(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let due = state
        .store
        .claim_notifications(now, now + LEASE, 20)
        .await?;
    let mut delivered = 0;
    for n in due {
        let retry_at = match deliver(state, &n).await {
            Delivery::Done => {
                delivered += 1;
                None
            }
            Delivery::Refused => None,
            Delivery::Retry => match backoff(n.attempts, MAX_ATTEMPTS) {
                Some(wait) => Some(now + wait),
                None => {
                    tracing::error!(transport = %n.transport, attempts = n.attempts, "staff notification given up");
                    None
                }
            },
        };
        state.store.finish_notification(n.id, retry_at).await?;
    }
    Ok(delivered)
}

/// What became of one attempt.
enum Delivery {
    Done,
    Retry,
    /// Refused for good (Telegram said so): trying again will not help.
    Refused,
}

/// Sends one notification.
async fn deliver(state: &AppState, n: &QueuedNotification) -> Delivery {
    let notify = &state.settings.notify;
    match n.transport.as_str() {
        WEBHOOK => {
            let Some(url) = &notify.webhook_url else {
                return Delivery::Done;
            };
            let at = n
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            let body = json!({"event": n.event, "console_path": n.console_path, "at": at});
            match state
                .http
                .post(url.expose_secret())
                .json(&body)
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => Delivery::Done,
                Ok(r) => {
                    tracing::error!(status = r.status().as_u16(), "urgent webhook refused");
                    Delivery::Retry
                }
                Err(e) => {
                    tracing::error!(error = %without_url(&e), "urgent webhook failed");
                    Delivery::Retry
                }
            }
        }
        TELEGRAM => {
            let (Some(token), Some(chat)) = (
                notify.telegram_token().ok().flatten(),
                &notify.telegram_chat_id,
            ) else {
                return Delivery::Done;
            };
            let link = match &state.settings.public_url {
                Some(base) => format!("{}{}", base.trim_end_matches('/'), n.console_path),
                None => n.console_path.clone(),
            };
            // Sent as Telegram HTML with link previews off, so Telegram's servers never fetch
            // the console address to draw a preview.
            let text = format!(
                "Urgent conversation waiting / Срочное обращение: {}",
                escape_html(&link)
            );
            let bot = BotApi::new(state.http.clone(), &notify.telegram_api_base);
            match bot.send_message(&token, chat, &text).await {
                Ok(_) => Delivery::Done,
                Err(SendError::Refused(why)) => {
                    tracing::error!(reason = %why, "telegram staff notification refused");
                    Delivery::Refused
                }
                Err(e) => {
                    tracing::error!(error = %e, "telegram staff notification failed");
                    Delivery::Retry
                }
            }
        }
        // A transport this version does not know: nothing to do with it.
        _ => Delivery::Done,
    }
}
