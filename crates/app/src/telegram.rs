//! The organisation's Telegram bot as a second way in: connecting it, receiving updates (long
//! polling by one node at a time, or a webhook), handling each update exactly once, and sending
//! staff replies back to the client's chat.
//!
//! Of a Telegram client the database holds a keyed hash of the chat id (to find the
//! conversation again) and the chat id sealed to the inbox key (to answer). An update waits in
//! the database, encrypted under the server secret, only until it is handled. Staff replies are
//! sent with the replying member's unwrapped inbox key; automatic answers while handling the
//! update, from the chat id it carries.

mod answers;
mod chat;

use crate::audit;
use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_channels::telegram::bot::{BotInfo, ButtonRow, Update};
use netreach_channels::telegram::{BotApi, SendError, valid_token};
use netreach_core::{AuditAction, ConversationId, MessageId};
use netreach_crypto::{SecretKeyBytes, SecretToken};
use netreach_store::{Conversation, StoreError, TelegramBotRecord};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::time::Duration as StdDuration;
use time::{Duration, OffsetDateTime};

const TOKEN_KEY: &str = "telegram-bot-token";
const TOKEN_AAD: &str = "telegram-bot";
const UPDATE_KEY: &str = "telegram-update";
pub(crate) const STAFF_CHAT_KEY: &str = "telegram-staff-chat";
/// Updates handled per run, and attempts before an update that keeps failing is given up.
const BATCH: u32 = 20;
const MAX_ATTEMPTS: i64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    #[error("this is not a bot token")]
    InvalidToken,
    #[error("Telegram refused the token: {0}")]
    Refused(String),
    #[error("Telegram did not answer: {0}")]
    Unreachable(String),
    #[error("no bot is connected")]
    NotConnected,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl BotError {
    /// The Fluent id that tells the admin what happened or what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            BotError::InvalidToken => "error-bot-token",
            BotError::Refused(_) => "error-bot-refused",
            BotError::Unreachable(_) => "error-bot-unreachable",
            BotError::NotConnected => "error-bot-not-connected",
            BotError::Denied(_) => "error-body-403",
            BotError::Store(_) => "error-body-500",
        }
    }
}

/// The connected bot as the console shows it (never the token).
#[derive(Debug, Clone)]
pub struct BotStatus {
    pub username: String,
    /// `polling` or `webhook`.
    pub mode: String,
    pub connected_at: OffsetDateTime,
    pub last_update_at: Option<OffsetDateTime>,
    pub last_error: String,
    pub last_error_at: Option<OffsetDateTime>,
    /// The token with all but its bot id and last four characters hidden.
    pub masked_token: String,
}

pub(crate) fn api(state: &AppState) -> BotApi {
    BotApi::new(state.http.clone(), state.settings.telegram_api_base())
}

fn mask(token: &str) -> String {
    let id = token.split(':').next().unwrap_or("");
    let tail: String = token
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{id}:…{tail}")
}

fn status_of(record: &TelegramBotRecord, token: Option<&SecretString>) -> BotStatus {
    BotStatus {
        username: record.username.clone(),
        mode: record.mode.clone(),
        connected_at: record.connected_at,
        last_update_at: record.last_update_at,
        last_error: record.last_error.clone(),
        last_error_at: record.last_error_at,
        masked_token: token.map(|t| mask(t.expose_secret())).unwrap_or_default(),
    }
}

/// The secret Telegram sends with every webhook call (`X-Telegram-Bot-Api-Secret-Token`): a
/// keyed hash of the bot's id, so every node knows it and the database does not hold it.
pub fn webhook_secret(state: &AppState, bot_id: i64) -> String {
    SecretToken::from_presented(&format!("telegram-webhook:{bot_id}"))
        .hash(&state.secret, "telegram-webhook")
        .as_str()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect()
}

fn webhook_url(state: &AppState) -> Option<String> {
    state
        .settings
        .telegram
        .webhook_url
        .as_deref()
        .map(|base| format!("{}/api/v1/telegram/webhook", base.trim_end_matches('/')))
}

/// The connected bot and its token, when there is one.
pub(crate) async fn connected(
    state: &AppState,
) -> Result<Option<(SecretString, TelegramBotRecord)>, StoreError> {
    let Some(record) = state.store.telegram_bot().await? else {
        return Ok(None);
    };
    let token = state
        .secret
        .wrap_key(TOKEN_KEY)
        .decrypt(&record.token, TOKEN_AAD)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(SecretString::from);
    Ok(token.map(|t| (t, record)))
}

fn unreachable(e: SendError) -> BotError {
    match e {
        SendError::Refused(why) => BotError::Refused(why),
        other => BotError::Unreachable(other.to_string()),
    }
}

/// Connects (or replaces) the organisation's bot after Telegram confirmed the token, and points
/// Telegram at the webhook when one is configured (else at long polling).
pub async fn connect(state: &AppState, staff: &Staff, token: &str) -> Result<BotStatus, BotError> {
    staff.may(Action::ManageTelegramBot)?;
    let token = token.trim();
    if !valid_token(token) {
        return Err(BotError::InvalidToken);
    }
    let secret = SecretString::from(token.to_owned());
    let api = api(state);
    let info: BotInfo = api.bot_info(&secret).await.map_err(unreachable)?;
    let hook = webhook_url(state);
    let hook_secret = webhook_secret(state, info.id);
    api.set_webhook(
        &secret,
        hook.as_deref().map(|url| (url, hook_secret.as_str())),
    )
    .await
    .map_err(unreachable)?;
    let record = TelegramBotRecord {
        token: state
            .secret
            .wrap_key(TOKEN_KEY)
            .encrypt(token.as_bytes(), TOKEN_AAD),
        bot_id: info.id,
        username: info.username,
        mode: if hook.is_some() { "webhook" } else { "polling" }.into(),
        next_update_id: 0,
        poll_holder: None,
        poll_until: None,
        last_update_at: None,
        last_error: String::new(),
        last_error_at: None,
        connected_at: state.clock.now(),
        connected_by: Some(staff.user.id),
    };
    state.store.set_telegram_bot(record.clone()).await?;
    tracing::info!(user_id = %staff.user.id, mode = %record.mode, "telegram bot connected");
    audit::record(
        state,
        &staff.user,
        AuditAction::SettingsChanged,
        "telegram-bot",
    )
    .await;
    Ok(status_of(&record, Some(&secret)))
}

/// The connected bot, if any.
pub async fn status(state: &AppState, staff: &Staff) -> Result<Option<BotStatus>, BotError> {
    staff.may(Action::ManageTelegramBot)?;
    Ok(connected(state)
        .await?
        .map(|(token, record)| status_of(&record, Some(&token))))
}

/// Asks Telegram whether the stored token still works ("test connection").
pub async fn test_connection(state: &AppState, staff: &Staff) -> Result<String, BotError> {
    staff.may(Action::ManageTelegramBot)?;
    let (token, _) = connected(state).await?.ok_or(BotError::NotConnected)?;
    let info = api(state).bot_info(&token).await.map_err(unreachable)?;
    Ok(info.username)
}

/// Disconnects the bot. Conversations that came through it stay in the inbox.
pub async fn disconnect(state: &AppState, staff: &Staff) -> Result<bool, BotError> {
    staff.may(Action::ManageTelegramBot)?;
    if let Some((token, record)) = connected(state).await?
        && record.mode == "webhook"
        && let Err(e) = api(state).set_webhook(&token, None).await
    {
        tracing::warn!(error = %e, "removing the telegram webhook failed");
    }
    let gone = state.store.delete_telegram_bot().await?;
    if gone {
        tracing::info!(user_id = %staff.user.id, "telegram bot disconnected");
        audit::record(
            state,
            &staff.user,
            AuditAction::SettingsChanged,
            "telegram-bot",
        )
        .await;
    }
    Ok(gone)
}

fn update_aad(id: i64) -> String {
    format!("telegram-update:{id}")
}

fn seal_updates(state: &AppState, updates: &[(i64, Value)]) -> Vec<(i64, Vec<u8>)> {
    let key = state.secret.wrap_key(UPDATE_KEY);
    updates
        .iter()
        .map(|(id, raw)| {
            let bytes = serde_json::to_vec(raw).unwrap_or_default();
            (*id, key.encrypt(&bytes, &update_aad(*id)))
        })
        .collect()
}

/// How long to leave Telegram alone after a failed poll.
fn pause_after(error: &SendError) -> StdDuration {
    match error {
        SendError::RetryAfter(seconds) => StdDuration::from_secs((*seconds).clamp(1, 60)),
        SendError::Temporary(_) => StdDuration::from_secs(3),
        SendError::Refused(_) => StdDuration::from_secs(30),
    }
}

/// One long poll, by the node holding the polling lease: stores what arrived (encrypted)
/// and moves the offset in one transaction, then handles what is stored. Returns the number of
/// updates handled. Nothing happens on nodes without the lease or with a webhook.
pub async fn poll_once(state: &AppState) -> Result<usize, StoreError> {
    let Some((token, bot)) = connected(state).await? else {
        return Ok(0);
    };
    if bot.mode != "polling" {
        return process_pending(state).await;
    }
    let wait = u64::from(state.settings.telegram.poll_seconds);
    let now = state.clock.now();
    let until = now + Duration::seconds(i64::try_from(wait).unwrap_or(25) + 60);
    if !state
        .store
        .claim_telegram_poll(&state.node, now, until)
        .await?
    {
        return process_pending(state).await;
    }
    match api(state)
        .get_updates(&token, bot.next_update_id, StdDuration::from_secs(wait))
        .await
    {
        Ok(updates) => {
            if let Some(last) = updates.iter().map(|(id, _)| *id).max() {
                let sealed = seal_updates(state, &updates);
                let new = state
                    .store
                    .record_telegram_updates(sealed, Some(last + 1), state.clock.now())
                    .await?;
                tracing::debug!(updates = new, "telegram updates received");
            }
            if !bot.last_error.is_empty() {
                state
                    .store
                    .set_telegram_poll_error("", state.clock.now())
                    .await?;
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "telegram polling failed");
            state
                .store
                .set_telegram_poll_error(&e.to_string(), state.clock.now())
                .await?;
            tokio::time::sleep(pause_after(&e)).await;
        }
    }
    process_pending(state).await
}

/// Why handling an update must be tried again later.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HandleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Telegram could not be reached (a file download): the update waits for the next attempt.
    #[error("telegram: {0}")]
    Telegram(String),
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("no bot takes webhook calls")]
    NotConnected,
    #[error("wrong secret token")]
    Unauthorized,
    #[error("not an update")]
    Malformed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A webhook call from Telegram: checks the secret token, stores the update, handles it.
pub async fn receive_webhook(
    state: &AppState,
    secret: Option<&str>,
    body: &[u8],
) -> Result<(), WebhookError> {
    // Only an update is looked at further (cheap to parse, and nothing is kept before the
    // secret is checked).
    let raw: Value = serde_json::from_slice(body).map_err(|_| WebhookError::Malformed)?;
    let id = raw
        .get("update_id")
        .and_then(Value::as_i64)
        .ok_or(WebhookError::Malformed)?;
    let Some((_, bot)) = connected(state).await? else {
        return Err(WebhookError::NotConnected);
    };
    if bot.mode != "webhook" {
        return Err(WebhookError::NotConnected);
    }
    let expected = webhook_secret(state, bot.bot_id);
    let given = secret.unwrap_or("");
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        given.as_bytes(),
        expected.as_bytes(),
    )) {
        return Err(WebhookError::Unauthorized);
    }
    let sealed = seal_updates(state, &[(id, raw)]);
    state
        .store
        .record_telegram_updates(sealed, None, state.clock.now())
        .await?;
    process_pending(state).await?;
    Ok(())
}

/// Handles the stored updates not handled yet, oldest first, each under a lease so one node
/// handles it. An update whose handling failed is tried again after its lease; one that keeps
/// failing is given up after ten attempts (logged, never silently).
pub async fn process_pending(state: &AppState) -> Result<usize, StoreError> {
    let Some((token, bot)) = connected(state).await? else {
        return Ok(0);
    };
    let context = chat::Bot {
        api: api(state),
        token,
        username: bot.username.clone(),
        bot_id: bot.bot_id,
        risk: tokio::sync::OnceCell::new(),
    };
    let mut handled = 0;
    loop {
        let now = state.clock.now();
        let batch = state
            .store
            .claim_telegram_updates(now, now + Duration::minutes(2), BATCH)
            .await?;
        if batch.is_empty() {
            return Ok(handled);
        }
        for pending in batch {
            let opened = state
                .secret
                .wrap_key(UPDATE_KEY)
                .decrypt(&pending.payload, &update_aad(pending.update_id))
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Update>(&bytes).ok());
            let result = match opened {
                Some(update) => chat::handle(state, &context, update).await,
                None => {
                    tracing::warn!(
                        update_id = pending.update_id,
                        "a telegram update could not be read; skipped"
                    );
                    Ok(())
                }
            };
            match result {
                Ok(()) => {}
                Err(e) if pending.attempts < MAX_ATTEMPTS => {
                    tracing::error!(error = %e, update_id = pending.update_id,
                        "handling a telegram update failed; it will be tried again");
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, update_id = pending.update_id,
                        "handling a telegram update failed ten times; given up");
                }
            }
            state
                .store
                .finish_telegram_update(pending.update_id, state.clock.now())
                .await?;
            handled += 1;
        }
    }
}

/// Sends with up to three attempts, waiting as Telegram asks (at most a few seconds in all).
pub(crate) async fn send_retrying(
    api: &BotApi,
    token: &SecretString,
    chat: i64,
    html: &str,
    rows: &[ButtonRow],
) -> Result<i64, SendError> {
    let mut last = SendError::Temporary("not sent".into());
    for attempt in 0..3u32 {
        match api.send_text(token, chat, html, rows).await {
            Ok(id) => return Ok(id),
            Err(SendError::Refused(why)) => return Err(SendError::Refused(why)),
            Err(e) => {
                let pause = match &e {
                    SendError::RetryAfter(s) if *s <= 5 => StdDuration::from_secs(*s),
                    SendError::RetryAfter(_) => return Err(e),
                    _ => StdDuration::from_millis(300 * u64::from(attempt + 1)),
                };
                last = e;
                if attempt < 2 {
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }
    Err(last)
}

fn contact_aad(conversation: ConversationId) -> String {
    format!("telegram-chat:{conversation}")
}

/// Seals a Telegram conversation's chat id to the inbox key.
pub(crate) fn seal_contact(
    conversation: ConversationId,
    chat: i64,
    inbox: &netreach_crypto::PublicKeyBytes,
) -> (Vec<u8>, Vec<u8>) {
    let sealed =
        netreach_crypto::Sealed::seal(&chat.to_string(), &contact_aad(conversation), inbox, None);
    (sealed.ciphertext, sealed.for_inbox)
}

/// Whether a reply reached the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    Failed,
}

/// Sends a staff reply to the Telegram chat of its conversation, opening the chat id with the
/// replying member's inbox key, and records whether it arrived. Never fails the reply itself:
/// an undelivered reply is marked, shown in the console and can be sent again.
pub(crate) async fn deliver(
    state: &AppState,
    inbox: &SecretKeyBytes,
    conversation: &Conversation,
    message: MessageId,
    text: &str,
) -> Result<Delivery, StoreError> {
    let delivered = async {
        let (token, _) = connected(state).await?.ok_or("no bot is connected")?;
        let (body, key) = state
            .store
            .telegram_contact(conversation.id)
            .await?
            .ok_or("no chat is known for this conversation")?;
        let sealed = netreach_crypto::Sealed {
            ciphertext: body,
            for_inbox: key,
            for_client: None,
        };
        let chat: i64 = sealed
            .open_as_inbox(inbox, &contact_aad(conversation.id))
            .ok()
            .and_then(|c| c.parse().ok())
            .ok_or("the chat id could not be opened")?;
        let html = answers::escape(text);
        send_retrying(&api(state), &token, chat, &html, &[])
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, conversation_id = %conversation.id,
                    "a staff reply could not be sent to telegram");
                "not sent"
            })?;
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    }
    .await;
    let delivery = match &delivered {
        Ok(()) => Delivery::Sent,
        Err(why) => {
            tracing::warn!(conversation_id = %conversation.id, reason = %why,
                "telegram reply not delivered");
            Delivery::Failed
        }
    };
    let mark = match delivery {
        Delivery::Sent => "sent",
        Delivery::Failed => "failed",
    };
    state.store.set_message_delivery(message, mark).await?;
    Ok(delivery)
}

/// Starts linking the member's own Telegram account for notifications: a one-time code to
/// send the bot as `/link CODE` within 15 minutes. Returns the code and the bot's username.
pub async fn start_link(state: &AppState, staff: &Staff) -> Result<(String, String), BotError> {
    staff.may(Action::OwnNotifications)?;
    let (_, bot) = connected(state).await?.ok_or(BotError::NotConnected)?;
    let code = SecretToken::generate()
        .expose()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect::<String>()
        .to_uppercase();
    let hash = link_code_hash(state, &code);
    state
        .store
        .set_staff_telegram_code(
            staff.user.id,
            &hash,
            state.clock.now() + Duration::minutes(15),
        )
        .await?;
    Ok((code, bot.username))
}

/// Forgets the member's linked Telegram account.
pub async fn unlink(state: &AppState, staff: &Staff) -> Result<(), BotError> {
    staff.may(Action::OwnNotifications)?;
    state.store.unlink_staff_telegram(staff.user.id).await?;
    Ok(())
}

/// Whether the member has linked a Telegram account.
pub async fn linked(state: &AppState, staff: &Staff) -> Result<bool, BotError> {
    staff.may(Action::OwnNotifications)?;
    Ok(state
        .store
        .staff_telegram_chat(staff.user.id)
        .await?
        .is_some())
}

pub(crate) fn link_code_hash(state: &AppState, code: &str) -> String {
    SecretToken::from_presented(&code.trim().to_uppercase())
        .hash(&state.secret, "telegram-link-code")
        .as_str()
        .to_owned()
}

/// A linked member's chat id, for sending them a notification.
pub(crate) async fn staff_chat(
    state: &AppState,
    user: netreach_core::UserId,
) -> Result<Option<i64>, StoreError> {
    let Some(sealed) = state.store.staff_telegram_chat(user).await? else {
        return Ok(None);
    };
    Ok(state
        .secret
        .wrap_key(STAFF_CHAT_KEY)
        .decrypt(&sealed, "staff-telegram")
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_token_shows_only_the_bot_id_and_four_characters() {
        let masked = mask("123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789");
        assert_eq!(masked, "123456:…6789");
    }
}
