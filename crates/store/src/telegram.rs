//! What the organisation's Telegram bot keeps (migration 0023): the bot itself, the updates
//! received (encrypted by the application until handled), where each chat stands, a Telegram
//! conversation's sealed chat id, and staff members' linked accounts for notifications.

use crate::StoreResult;
use async_trait::async_trait;
use netreach_core::{ConversationId, MessageId, UserId};
use time::OffsetDateTime;

/// The connected bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramBotRecord {
    /// The token, encrypted under the server secret.
    pub token: Vec<u8>,
    pub bot_id: i64,
    pub username: String,
    /// `polling` or `webhook`.
    pub mode: String,
    /// The offset the next `getUpdates` asks from.
    pub next_update_id: i64,
    /// The node polling until `poll_until`.
    pub poll_holder: Option<String>,
    pub poll_until: Option<OffsetDateTime>,
    pub last_update_at: Option<OffsetDateTime>,
    pub last_error: String,
    pub last_error_at: Option<OffsetDateTime>,
    pub connected_at: OffsetDateTime,
    pub connected_by: Option<UserId>,
}

/// A received update waiting to be handled: its id and encrypted payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpdate {
    pub update_id: i64,
    pub payload: Vec<u8>,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// A chat's language and menu step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramChatRecord {
    pub lang: String,
    pub step: String,
    pub updated_at: OffsetDateTime,
}

#[async_trait]
pub trait TelegramStore: Send + Sync {
    /// Connects (or replaces) the bot. A different bot starts from offset 0 and forgets the
    /// updates of the one before; the same bot keeps its place.
    async fn set_telegram_bot(&self, bot: TelegramBotRecord) -> StoreResult<()>;
    async fn telegram_bot(&self) -> StoreResult<Option<TelegramBotRecord>>;
    /// Disconnects the bot; the updates it received go too.
    async fn delete_telegram_bot(&self) -> StoreResult<bool>;
    /// Takes (or renews) the polling lease for `holder` unless another node holds a live one.
    async fn claim_telegram_poll(
        &self,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Lets go of the polling lease (when stopping or switching to a webhook).
    async fn release_telegram_poll(&self, holder: &str) -> StoreResult<()>;
    /// Stores received updates (an id already stored is kept as it is) and, in the same
    /// transaction, moves the offset to `next_offset` if that is further. Returns how many were new.
    async fn record_telegram_updates(
        &self,
        updates: Vec<(i64, Vec<u8>)>,
        next_offset: Option<i64>,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// Records the last polling error ('' when polling works again).
    async fn set_telegram_poll_error(&self, error: &str, now: OffsetDateTime) -> StoreResult<()>;
    /// Leases up to `limit` stored updates not yet handled, oldest first (each attempt counted).
    async fn claim_telegram_updates(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<PendingUpdate>>;
    /// Marks an update handled and drops its payload.
    async fn finish_telegram_update(&self, update_id: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// Deletes handled updates received before `before`, and chats idle since then.
    async fn purge_telegram(&self, before: OffsetDateTime) -> StoreResult<u64>;

    async fn telegram_chat(&self, chat_hash: &str) -> StoreResult<Option<TelegramChatRecord>>;
    async fn set_telegram_chat(
        &self,
        chat_hash: &str,
        lang: &str,
        step: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn delete_telegram_chat(&self, chat_hash: &str) -> StoreResult<()>;

    /// Stores a Telegram conversation's sealed chat id (body and the key sealed to the inbox).
    async fn set_telegram_contact(
        &self,
        conversation: ConversationId,
        body: Vec<u8>,
        key_inbox: Vec<u8>,
    ) -> StoreResult<()>;
    async fn telegram_contact(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>>;
    /// Flags a conversation urgent (an overdose word arrived in a running conversation). False
    /// when it was already urgent or is gone.
    async fn flag_conversation_urgent(&self, conversation: ConversationId) -> StoreResult<bool>;
    /// Whether a message with this id exists (an update handled before a crash).
    async fn message_exists(&self, id: MessageId) -> StoreResult<bool>;
    /// Records whether a staff reply reached the client's chat: `sent` or `failed`.
    async fn set_message_delivery(&self, id: MessageId, delivery: &str) -> StoreResult<bool>;

    /// Starts linking a staff member's own Telegram account: the hash of a one-time code.
    async fn set_staff_telegram_code(
        &self,
        user: UserId,
        code_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Finishes a link with a code typed into the bot; the staff member it belonged to.
    async fn link_staff_telegram(
        &self,
        code_hash: &str,
        chat: Vec<u8>,
        now: OffsetDateTime,
    ) -> StoreResult<Option<UserId>>;
    /// A staff member's linked chat (encrypted under the server secret).
    async fn staff_telegram_chat(&self, user: UserId) -> StoreResult<Option<Vec<u8>>>;
    async fn unlink_staff_telegram(&self, user: UserId) -> StoreResult<()>;
}
