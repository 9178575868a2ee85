//! [`DraftStore`] on both backends.

use super::rows::{blob, parsed, time};
use super::{Bind, SqlStore, at, t};
use crate::StoreResult;
use crate::drafts::{DraftStore, ReplyDraft};
use async_trait::async_trait;
use netreach_core::{ConversationId, UserId};
use time::OffsetDateTime;

#[async_trait]
impl DraftStore for SqlStore {
    async fn put_reply_draft(&self, d: &ReplyDraft) -> StoreResult<bool> {
        // Selected from the conversation, so a draft for one deleted meanwhile is not written.
        let n = self
            .exec(
                "INSERT INTO reply_drafts (conversation_id, user_id, body, key_inbox, updated_at) \
                 SELECT id, $2, $3, $4, $5 FROM conversations WHERE id = $1 \
                 ON CONFLICT (conversation_id, user_id) DO UPDATE SET body = excluded.body, \
                 key_inbox = excluded.key_inbox, updated_at = excluded.updated_at",
                vec![
                    t(d.conversation_id),
                    t(d.user_id),
                    Bind::Blob(d.body.clone()),
                    Bind::Blob(d.key_inbox.clone()),
                    at(d.updated_at),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    async fn reply_draft(
        &self,
        conversation: ConversationId,
        user: UserId,
    ) -> StoreResult<Option<ReplyDraft>> {
        let row = sqlx::query(
            "SELECT conversation_id, user_id, body, key_inbox, updated_at FROM reply_drafts \
             WHERE conversation_id = $1 AND user_id = $2",
        )
        .bind(conversation.to_string())
        .bind(user.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(ReplyDraft {
            conversation_id: parsed(&row, "conversation_id")?,
            user_id: parsed(&row, "user_id")?,
            body: blob(&row, "body")?,
            key_inbox: blob(&row, "key_inbox")?,
            updated_at: time(&row, "updated_at")?,
        }))
    }

    async fn delete_reply_draft(
        &self,
        conversation: ConversationId,
        user: UserId,
    ) -> StoreResult<bool> {
        let n = self
            .exec(
                "DELETE FROM reply_drafts WHERE conversation_id = $1 AND user_id = $2",
                vec![t(conversation), t(user)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn purge_reply_drafts(&self, before: OffsetDateTime) -> StoreResult<u64> {
        self.exec(
            "DELETE FROM reply_drafts WHERE updated_at < $1",
            vec![at(before)],
        )
        .await
    }
}
