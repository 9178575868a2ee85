//! Notifying on-call staff of an urgent conversation: the console lists it first with a badge,
//! and optionally a webhook and a message to the team's Telegram chat. A notification never
//! carries content or anything about the client, and a failure never affects the client.

use crate::state::AppState;
use netreach_channels::telegram::without_url;
use netreach_store::Conversation;
use secrecy::ExposeSecret;
use serde_json::json;

/// Sends the configured notifications for an urgent conversation, in the background.
pub fn urgent(state: &AppState, conversation: &Conversation) {
    tracing::warn!(conversation_id = %conversation.id, "urgent conversation waiting");
    let state = state.clone();
    let console_path = format!("/staff/conversations/{}", conversation.id);
    tokio::spawn(async move {
        send_all(&state, &console_path).await;
    });
}

/// Sends every configured notification now; returns how many were delivered (for tests).
pub async fn send_all(state: &AppState, console_path: &str) -> usize {
    let notify = &state.settings.notify;
    let mut delivered = 0;
    let at = state
        .clock
        .now()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    if let Some(url) = &notify.webhook_url {
        let body = json!({"event": "urgent_conversation", "console_path": console_path, "at": at});
        match state
            .http
            .post(url.expose_secret())
            .json(&body)
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => delivered += 1,
            Ok(r) => tracing::error!(status = r.status().as_u16(), "urgent webhook refused"),
            Err(e) => tracing::error!(error = %without_url(&e), "urgent webhook failed"),
        }
    }
    let token = notify.telegram_token().ok().flatten();
    if let (Some(token), Some(chat)) = (token, &notify.telegram_chat_id) {
        let link = match &state.settings.public_url {
            Some(base) => format!("{}{console_path}", base.trim_end_matches('/')),
            None => console_path.to_owned(),
        };
        let url = format!(
            "{}/bot{}/sendMessage",
            notify.telegram_api_base.trim_end_matches('/'),
            token.expose_secret()
        );
        let text = format!("Urgent conversation waiting / Срочное обращение: {link}");
        match state
            .http
            .post(url)
            .json(&json!({"chat_id": chat, "text": text}))
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => delivered += 1,
            Ok(r) => tracing::error!(
                status = r.status().as_u16(),
                "telegram staff notification refused"
            ),
            Err(e) => {
                tracing::error!(error = %without_url(&e), "telegram staff notification failed")
            }
        }
    }
    delivered
}
