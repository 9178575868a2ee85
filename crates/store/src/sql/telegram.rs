//! [`TelegramStore`] on both backends.

use super::rows::{blob, opt_time, opt_user, text, time};
use super::{Bind, SqlStore, at, t};
use crate::StoreResult;
use crate::backend::Backend;
use crate::telegram::{PendingUpdate, TelegramBotRecord, TelegramChatRecord, TelegramStore};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{ConversationId, MessageId, UserId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

const BOT_COLUMNS: &str = "token, bot_id, username, mode, next_update_id, poll_holder, poll_until, \
     last_update_at, last_error, last_error_at, connected_at, connected_by";

fn bot(row: &AnyRow) -> StoreResult<TelegramBotRecord> {
    Ok(TelegramBotRecord {
        token: blob(row, "token")?,
        bot_id: row.try_get::<i64, _>("bot_id")?,
        username: text(row, "username")?,
        mode: text(row, "mode")?,
        next_update_id: row.try_get::<i64, _>("next_update_id")?,
        poll_holder: row.try_get::<Option<String>, _>("poll_holder")?,
        poll_until: opt_time(row, "poll_until")?,
        last_update_at: opt_time(row, "last_update_at")?,
        last_error: text(row, "last_error")?,
        last_error_at: opt_time(row, "last_error_at")?,
        connected_at: time(row, "connected_at")?,
        connected_by: opt_user(row, "connected_by")?,
    })
}

#[async_trait]
impl TelegramStore for SqlStore {
    async fn set_telegram_bot(&self, b: TelegramBotRecord) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let same = sqlx::query("SELECT bot_id FROM telegram_bot WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<i64, _>("bot_id"))
            .transpose()?
            == Some(b.bot_id);
        if same {
            sqlx::query(
                "UPDATE telegram_bot SET token = $1, username = $2, mode = $3, connected_at = $4, \
                 connected_by = $5, last_error = '', last_error_at = NULL WHERE id = 1",
            )
            .bind(b.token)
            .bind(b.username)
            .bind(b.mode)
            .bind(to_unix(b.connected_at))
            .bind(b.connected_by.map(|u| u.to_string()))
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query("DELETE FROM telegram_bot")
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM telegram_updates")
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO telegram_bot (id, token, bot_id, username, mode, next_update_id, \
                 connected_at, connected_by) VALUES (1, $1, $2, $3, $4, 0, $5, $6)",
            )
            .bind(b.token)
            .bind(b.bot_id)
            .bind(b.username)
            .bind(b.mode)
            .bind(to_unix(b.connected_at))
            .bind(b.connected_by.map(|u| u.to_string()))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn telegram_bot(&self) -> StoreResult<Option<TelegramBotRecord>> {
        let sql = format!("SELECT {BOT_COLUMNS} FROM telegram_bot WHERE id = 1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(bot).transpose()
    }

    async fn delete_telegram_bot(&self) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let gone = sqlx::query("DELETE FROM telegram_bot")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM telegram_updates")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(gone > 0)
    }

    async fn claim_telegram_poll(
        &self,
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<bool> {
        // A compare-and-set: a free or expired lease, or our own, moves; another node's does not.
        let n = self
            .exec(
                "UPDATE telegram_bot SET poll_holder = $1, poll_until = $2 WHERE id = 1 \
                 AND mode = 'polling' \
                 AND (poll_until IS NULL OR poll_until <= $3 OR poll_holder = $1)",
                vec![t(holder), at(until), at(now)],
            )
            .await?;
        Ok(n == 1)
    }

    async fn release_telegram_poll(&self, holder: &str) -> StoreResult<()> {
        self.exec(
            "UPDATE telegram_bot SET poll_holder = NULL, poll_until = NULL \
             WHERE id = 1 AND poll_holder = $1",
            vec![t(holder)],
        )
        .await?;
        Ok(())
    }

    async fn record_telegram_updates(
        &self,
        updates: Vec<(i64, Vec<u8>)>,
        next_offset: Option<i64>,
        now: OffsetDateTime,
    ) -> StoreResult<u64> {
        let mut tx = self.write_tx().await?;
        let mut new = 0;
        for (id, payload) in updates {
            new += sqlx::query(
                "INSERT INTO telegram_updates (update_id, payload, received_at) \
                 VALUES ($1, $2, $3) ON CONFLICT (update_id) DO NOTHING",
            )
            .bind(id)
            .bind(payload)
            .bind(to_unix(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if let Some(offset) = next_offset {
            sqlx::query(
                "UPDATE telegram_bot SET next_update_id = $1, last_update_at = $2 \
                 WHERE id = 1 AND next_update_id < $1",
            )
            .bind(offset)
            .bind(to_unix(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(new)
    }

    async fn set_telegram_poll_error(&self, error: &str, now: OffsetDateTime) -> StoreResult<()> {
        let when = if error.is_empty() {
            Bind::OptInt(None)
        } else {
            Bind::OptInt(Some(to_unix(now)))
        };
        self.exec(
            "UPDATE telegram_bot SET last_error = $1, last_error_at = $2 WHERE id = 1",
            vec![t(error.chars().take(300).collect::<String>()), when],
        )
        .await?;
        Ok(())
    }

    async fn claim_telegram_updates(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<PendingUpdate>> {
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE telegram_updates SET lease_until = $1, attempts = attempts + 1 \
             WHERE update_id IN (SELECT update_id FROM telegram_updates \
             WHERE handled_at IS NULL AND payload IS NOT NULL \
             AND (lease_until IS NULL OR lease_until <= $2) \
             ORDER BY update_id LIMIT $3{skip_locked}) \
             RETURNING update_id, payload, attempts"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(to_unix(lease_until))
            .bind(to_unix(now))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await?;
        let mut pending = rows
            .iter()
            .map(|row| {
                Ok(PendingUpdate {
                    update_id: row.try_get::<i64, _>("update_id")?,
                    payload: blob(row, "payload")?,
                    attempts: row.try_get::<i64, _>("attempts")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        pending.sort_by_key(|p| p.update_id);
        Ok(pending)
    }

    async fn finish_telegram_update(&self, update_id: i64, now: OffsetDateTime) -> StoreResult<()> {
        self.exec(
            "UPDATE telegram_updates SET handled_at = $1, payload = NULL, lease_until = NULL \
             WHERE update_id = $2",
            vec![at(now), Bind::Int(update_id)],
        )
        .await?;
        Ok(())
    }

    async fn purge_telegram(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let updates = self
            .exec(
                "DELETE FROM telegram_updates WHERE handled_at IS NOT NULL AND received_at < $1",
                vec![at(before)],
            )
            .await?;
        let chats = self
            .exec(
                "DELETE FROM telegram_chats WHERE updated_at < $1",
                vec![at(before)],
            )
            .await?;
        Ok(updates + chats)
    }

    async fn telegram_chat(&self, chat_hash: &str) -> StoreResult<Option<TelegramChatRecord>> {
        let row =
            sqlx::query("SELECT lang, step, updated_at FROM telegram_chats WHERE chat_hash = $1")
                .bind(chat_hash.to_owned())
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| {
            Ok(TelegramChatRecord {
                lang: text(&row, "lang")?,
                step: text(&row, "step")?,
                updated_at: time(&row, "updated_at")?,
            })
        })
        .transpose()
    }

    async fn set_telegram_chat(
        &self,
        chat_hash: &str,
        lang: &str,
        step: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO telegram_chats (chat_hash, lang, step, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (chat_hash) DO UPDATE SET lang = $2, step = $3, updated_at = $4",
            vec![t(chat_hash), t(lang), t(step), at(now)],
        )
        .await?;
        Ok(())
    }

    async fn delete_telegram_chat(&self, chat_hash: &str) -> StoreResult<()> {
        self.exec(
            "DELETE FROM telegram_chats WHERE chat_hash = $1",
            vec![t(chat_hash)],
        )
        .await?;
        Ok(())
    }

    async fn set_telegram_contact(
        &self,
        conversation: ConversationId,
        body: Vec<u8>,
        key_inbox: Vec<u8>,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO telegram_contacts (conversation_id, body, key_inbox) VALUES ($1, $2, $3) \
             ON CONFLICT (conversation_id) DO UPDATE SET body = $2, key_inbox = $3",
            vec![t(conversation), Bind::Blob(body), Bind::Blob(key_inbox)],
        )
        .await?;
        Ok(())
    }

    async fn telegram_contact(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>> {
        let row =
            sqlx::query("SELECT body, key_inbox FROM telegram_contacts WHERE conversation_id = $1")
                .bind(conversation.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| Ok((blob(&row, "body")?, blob(&row, "key_inbox")?)))
            .transpose()
    }

    async fn flag_conversation_urgent(&self, conversation: ConversationId) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE conversations SET urgent = 1, version = version + 1 WHERE id = $1 AND urgent = 0",
        )
        .bind(conversation.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Tag rows carry their conversation's sort keys (migration 0011).
        sqlx::query("UPDATE conversation_tags SET urgent = 1 WHERE conversation_id = $1")
            .bind(conversation.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    async fn message_exists(&self, id: MessageId) -> StoreResult<bool> {
        Ok(sqlx::query("SELECT 1 AS one FROM messages WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    async fn set_message_delivery(&self, id: MessageId, delivery: &str) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE messages SET delivery = $1 WHERE id = $2",
                vec![t(delivery), t(id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn set_staff_telegram_code(
        &self,
        user: UserId,
        code_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO staff_telegram (user_id, code_hash, code_expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET code_hash = $2, code_expires_at = $3",
            vec![t(user), t(code_hash), at(expires_at)],
        )
        .await?;
        Ok(())
    }

    async fn link_staff_telegram(
        &self,
        code_hash: &str,
        chat: Vec<u8>,
        now: OffsetDateTime,
    ) -> StoreResult<Option<UserId>> {
        let row = sqlx::query(
            "UPDATE staff_telegram SET chat = $1, linked_at = $2, code_hash = NULL, \
             code_expires_at = NULL WHERE code_hash = $3 AND code_expires_at > $2 \
             RETURNING user_id",
        )
        .bind(chat)
        .bind(to_unix(now))
        .bind(code_hash.to_owned())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| opt_user(&row, "user_id"))
            .transpose()
            .map(Option::flatten)
    }

    async fn staff_telegram_chat(&self, user: UserId) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT chat FROM staff_telegram WHERE user_id = $1")
            .bind(user.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|row| row.try_get::<Option<Vec<u8>>, _>("chat"))
            .transpose()?
            .flatten())
    }

    async fn unlink_staff_telegram(&self, user: UserId) -> StoreResult<()> {
        self.exec(
            "DELETE FROM staff_telegram WHERE user_id = $1",
            vec![t(user)],
        )
        .await?;
        Ok(())
    }
}
