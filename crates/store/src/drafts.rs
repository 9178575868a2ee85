//! Reply drafts (migration 0029): what a staff member typed into a conversation's reply box and
//! has not sent, one per conversation and member, sealed to the inbox key by the application.

use crate::StoreResult;
use async_trait::async_trait;
use netreach_core::{ConversationId, UserId};
use time::OffsetDateTime;

/// One member's unsent reply in one conversation, still sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyDraft {
    pub conversation_id: ConversationId,
    pub user_id: UserId,
    /// The text under a random data key, bound to the conversation and the member.
    pub body: Vec<u8>,
    /// The data key sealed to the inbox key.
    pub key_inbox: Vec<u8>,
    pub updated_at: OffsetDateTime,
}

#[async_trait]
pub trait DraftStore: Send + Sync {
    /// Saves (or replaces) a member's draft in a conversation; false, and nothing saved, when
    /// the conversation is gone.
    async fn put_reply_draft(&self, draft: &ReplyDraft) -> StoreResult<bool>;
    /// A member's draft in a conversation, if any.
    async fn reply_draft(
        &self,
        conversation: ConversationId,
        user: UserId,
    ) -> StoreResult<Option<ReplyDraft>>;
    /// Deletes a member's draft in a conversation; false when there was none.
    async fn delete_reply_draft(
        &self,
        conversation: ConversationId,
        user: UserId,
    ) -> StoreResult<bool>;
    /// Deletes the drafts last saved before `before`; returns how many.
    async fn purge_reply_drafts(&self, before: OffsetDateTime) -> StoreResult<u64>;
}
