//! [`ConversationStore`] on both backends: keys, conversations, messages, client sessions.

use super::conversation_rows::{
    ATTACHMENT_COLUMNS, CONVERSATION_COLUMNS, attachment_info, conversation, inbox_query,
    insert_attachment, insert_message, message,
};
use super::rows::{blob, opt_blob, parsed, text, time};
use super::{Bind, SqlStore, at, bind_all, t};
use crate::backend::Backend;
use crate::model::{
    AttachmentInfo, ClientSessionRecord, Conversation, ConversationUpdate, FirstResponseRecord,
    Guarded, InboxFilter, InstallKeys, MessageKind, NewAttachment, NewConversation, NewMessage,
    SealedRecord, StaffKeys, StoredAttachment, StoredMessage,
};
use crate::{ConversationStore, StoreError, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{AttachmentId, Author, ConversationId, RetentionPolicy, Status, UserId};
use sqlx::{AssertSqlSafe, Row};
use time::{Duration, OffsetDateTime};

impl SqlStore {
    async fn conversation_where(
        &self,
        column: &str,
        value: String,
    ) -> StoreResult<Option<Conversation>> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE {column} = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(value)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(conversation).transpose()
    }

    async fn install_keys(&self) -> StoreResult<Option<InstallKeys>> {
        let row = sqlx::query(
            "SELECT codename_salt, inbox_public_key, inbox_recovery_wrapped FROM install WHERE id = 1",
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(InstallKeys {
                codename_salt: blob(&row, "codename_salt")?,
                inbox_public_key: opt_blob(&row, "inbox_public_key")?,
                inbox_recovery_wrapped: opt_blob(&row, "inbox_recovery_wrapped")?,
            })
        })
        .transpose()
    }

    /// Adds a message (and the attachment it shows, if any) in one transaction.
    async fn add_message_with(
        &self,
        id: ConversationId,
        m: NewMessage,
        attachment: Option<NewAttachment>,
        status_after: Status,
        expected_version: Option<i64>,
    ) -> StoreResult<Guarded<Conversation>> {
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "SELECT message_count, version, first_response_at FROM conversations WHERE id = $1{}",
            self.for_update()
        );
        let Some(row) = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Guarded::Missing);
        };
        let version: i64 = row.try_get("version")?;
        if expected_version.is_some_and(|v| v != version) {
            return Ok(Guarded::Conflict);
        }
        let seq = row.try_get::<i64, _>("message_count")? + 1;
        let now = to_unix(m.created_at);
        let thread = m.kind == MessageKind::Message;
        let first_response = thread
            && m.author == Author::Staff
            && row
                .try_get::<Option<i64>, _>("first_response_at")?
                .is_none();
        insert_message(&mut tx, id, seq, &m).await?;
        if let Some(a) = &attachment {
            insert_attachment(&mut tx, id, a).await?;
        }
        sqlx::query(
            "UPDATE conversations SET message_count = $1, version = version + 1, \
             status = CASE WHEN $2 = 1 THEN $3 ELSE status END, \
             last_activity_at = CASE WHEN $4 = 1 THEN $5 ELSE last_activity_at END, \
             last_client_at = CASE WHEN $6 = 1 THEN $7 ELSE last_client_at END, \
             first_response_at = CASE WHEN $8 = 1 THEN $9 ELSE first_response_at END, \
             closed_at = CASE WHEN $10 = 1 THEN NULL ELSE closed_at END, \
             follow_up_at = CASE \
                 WHEN $12 = 1 AND follow_up_at > $13 THEN $14 \
                 WHEN $15 = 1 AND follow_up_at <= $16 THEN NULL \
                 ELSE follow_up_at END \
             WHERE id = $11",
        )
        .bind(seq)
        .bind(i64::from(thread))
        .bind(status_after.as_str())
        .bind(i64::from(thread))
        .bind(now)
        .bind(i64::from(thread && m.author == Author::Client))
        .bind(now)
        .bind(i64::from(first_response))
        .bind(now)
        .bind(i64::from(
            thread && !matches!(status_after, Status::Solved | Status::Archived),
        ))
        .bind(id.to_string())
        // A client message brings a follow-up put aside for later back now; a staff reply
        // ends one that came due (the follow-up was done).
        .bind(i64::from(thread && m.author == Author::Client))
        .bind(now)
        .bind(now)
        .bind(i64::from(thread && m.author == Author::Staff))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(match self.conversation(id).await? {
            Some(c) => Guarded::Done(c),
            None => Guarded::Missing,
        })
    }

    /// Row-locking clause for read-modify-write in a transaction (SQLite serialises writers).
    fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }
}

#[async_trait]
impl ConversationStore for SqlStore {
    async fn ensure_install(&self, salt: Vec<u8>) -> StoreResult<InstallKeys> {
        // Read first: the row exists on every call but the very first, and an insert (even one
        // that conflicts) would take SQLite's write lock on every conversation start.
        if let Some(keys) = self.install_keys().await? {
            return Ok(keys);
        }
        sqlx::query(
            "INSERT INTO install (id, codename_salt) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(salt)
        .execute(self.pool())
        .await?;
        self.install_keys()
            .await?
            .ok_or_else(|| StoreError::Corrupt("install row vanished after insert".into()))
    }

    async fn set_inbox_key(
        &self,
        public_key: Vec<u8>,
        recovery_wrapped: Vec<u8>,
        when: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE install SET inbox_public_key = $1, inbox_recovery_wrapped = $2, \
                 inbox_created_at = $3 WHERE id = 1 AND inbox_public_key IS NULL",
                vec![
                    Bind::Blob(public_key),
                    Bind::Blob(recovery_wrapped),
                    at(when),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    async fn set_user_keys(&self, user_id: UserId, keys: StaffKeys) -> StoreResult<()> {
        self.exec(
            "UPDATE users SET public_key = $1, wrapped_secret_key = $2, key_salt = $3 WHERE id = $4",
            vec![
                Bind::Blob(keys.public_key),
                Bind::Blob(keys.wrapped_secret_key),
                Bind::Blob(keys.key_salt),
                t(user_id),
            ],
        )
        .await?;
        Ok(())
    }

    async fn grant_inbox(
        &self,
        user_id: UserId,
        sealed: Vec<u8>,
        when: OffsetDateTime,
    ) -> StoreResult<()> {
        self.exec(
            "INSERT INTO inbox_grants (user_id, sealed_inbox_key, granted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET sealed_inbox_key = excluded.sealed_inbox_key, \
             granted_at = excluded.granted_at",
            vec![t(user_id), Bind::Blob(sealed), at(when)],
        )
        .await?;
        Ok(())
    }

    async fn inbox_grant(&self, user_id: UserId) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT sealed_inbox_key FROM inbox_grants WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref()
            .map(|r| blob(r, "sealed_inbox_key"))
            .transpose()
    }

    async fn revoke_inbox_grant(&self, user_id: UserId) -> StoreResult<()> {
        self.exec(
            "DELETE FROM inbox_grants WHERE user_id = $1",
            vec![t(user_id)],
        )
        .await?;
        Ok(())
    }

    async fn create_conversation(
        &self,
        c: NewConversation,
        first: Vec<NewMessage>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO conversations (id, lookup_id, channel, topic, lang, status, urgent, \
             client_public_key, created_at, last_activity_at, last_client_at, message_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(c.id.to_string())
        .bind(c.lookup_id.clone())
        .bind(c.channel.clone())
        .bind(c.topic.as_str())
        .bind(c.lang.code())
        .bind(Status::New.as_str())
        .bind(i64::from(c.urgent))
        .bind(c.client_public_key.clone())
        .bind(to_unix(c.created_at))
        .bind(to_unix(c.created_at))
        .bind(to_unix(c.created_at))
        .bind(first.len() as i64)
        .execute(&mut *tx)
        .await?;
        for (i, m) in first.iter().enumerate() {
            insert_message(&mut tx, c.id, i as i64 + 1, m).await?;
        }
        tx.commit().await?;
        self.conversation(c.id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("conversation vanished after insert".into()))
    }

    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
        self.conversation_where("id", id.to_string()).await
    }

    async fn conversation_by_lookup(&self, lookup_id: &str) -> StoreResult<Option<Conversation>> {
        self.conversation_where("lookup_id", lookup_id.to_owned())
            .await
    }

    async fn messages(
        &self,
        id: ConversationId,
        staff_view: bool,
    ) -> StoreResult<Vec<StoredMessage>> {
        let filter = if staff_view {
            ""
        } else {
            " AND kind IN ('message', 'intake')"
        };
        let sql = format!(
            "SELECT id, seq, kind, author, staff_id, created_at, body, key_inbox, key_client, \
             delivery FROM messages WHERE conversation_id = $1{filter} ORDER BY seq"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(message).collect()
    }

    async fn add_message(
        &self,
        id: ConversationId,
        m: NewMessage,
        status_after: Status,
        expected_version: Option<i64>,
    ) -> StoreResult<Guarded<Conversation>> {
        self.add_message_with(id, m, None, status_after, expected_version)
            .await
    }

    async fn add_attachment(
        &self,
        id: ConversationId,
        m: NewMessage,
        attachment: NewAttachment,
        status_after: Status,
    ) -> StoreResult<Guarded<Conversation>> {
        self.add_message_with(id, m, Some(attachment), status_after, None)
            .await
    }

    async fn attachments(&self, id: ConversationId) -> StoreResult<Vec<AttachmentInfo>> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE conversation_id = $1 \
             ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(attachment_info).collect()
    }

    async fn attachment(
        &self,
        id: ConversationId,
        attachment: AttachmentId,
    ) -> StoreResult<Option<StoredAttachment>> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLUMNS}, body, key_inbox, key_client FROM attachments \
             WHERE conversation_id = $1 AND id = $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .bind(attachment.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(StoredAttachment {
                info: attachment_info(&row)?,
                sealed: SealedRecord {
                    body: blob(&row, "body")?,
                    key_inbox: blob(&row, "key_inbox")?,
                    key_client: opt_blob(&row, "key_client")?,
                },
            })
        })
        .transpose()
    }
    async fn update_conversation(
        &self,
        id: ConversationId,
        expected_version: Option<i64>,
        update: ConversationUpdate,
        now: OffsetDateTime,
    ) -> StoreResult<Guarded<Conversation>> {
        let Some(current) = self.conversation(id).await? else {
            return Ok(Guarded::Missing);
        };
        if expected_version.is_some_and(|v| v != current.version) {
            return Ok(Guarded::Conflict);
        }
        let status = update.status.unwrap_or(current.status);
        let closed_at = match status {
            Status::Solved | Status::Archived => current.closed_at.or(Some(now)),
            _ => None,
        };
        let assigned = update.assigned_to.unwrap_or(current.assigned_to);
        let rating = update.rating.or(current.rating);
        let follow_up = update.follow_up_at.unwrap_or(current.follow_up_at);
        let n = sqlx::query(
            "UPDATE conversations SET status = $1, closed_at = $2, assigned_to = $3, rating = $4, \
             follow_up_at = $7, version = version + 1 WHERE id = $5 AND version = $6",
        )
        .bind(status.as_str())
        .bind(closed_at.map(to_unix))
        .bind(assigned.map(|u| u.to_string()))
        .bind(rating.map(i64::from))
        .bind(id.to_string())
        .bind(current.version)
        .bind(follow_up.map(to_unix))
        .execute(self.pool())
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(Guarded::Conflict);
        }
        Ok(match self.conversation(id).await? {
            Some(c) => Guarded::Done(c),
            None => Guarded::Missing,
        })
    }

    async fn list_conversations(&self, f: &InboxFilter) -> StoreResult<Vec<Conversation>> {
        let (sql, binds) = inbox_query(f);
        let query = bind_all(sqlx::query(AssertSqlSafe(sql)), binds);
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(conversation).collect()
    }

    async fn status_counts(&self) -> StoreResult<Vec<(Status, u64)>> {
        // Maintained by triggers (migration 0011): one row per status, not one per conversation.
        let rows = sqlx::query("SELECT status, n FROM conversation_counts")
            .fetch_all(self.pool())
            .await?;
        let mut counts: Vec<(Status, u64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        for row in &rows {
            let status: Status = parsed(row, "status")?;
            let n: i64 = row.try_get("n")?;
            if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == status) {
                slot.1 = u64::try_from(n).unwrap_or(0);
            }
        }
        Ok(counts)
    }

    async fn open_caseload(&self, user_id: UserId) -> StoreResult<u64> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM conversations WHERE assigned_to = $1 \
             AND status NOT IN ($2, $3)",
        )
        .bind(user_id.to_string())
        .bind(Status::Solved.as_str())
        .bind(Status::Archived.as_str())
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn delete_conversation(&self, id: ConversationId) -> StoreResult<bool> {
        let n = self
            .exec("DELETE FROM conversations WHERE id = $1", vec![t(id)])
            .await?;
        Ok(n > 0)
    }

    async fn purge_conversations(
        &self,
        now: OffsetDateTime,
        policy: RetentionPolicy,
        batch: u32,
    ) -> StoreResult<Vec<ConversationId>> {
        let solved_before = to_unix(now - Duration::days(policy.solved_days));
        let idle_before = to_unix(now - Duration::days(policy.idle_days));
        // Several nodes may run this at once: on PostgreSQL each claims its own rows and skips
        // those another run claimed. `NO KEY UPDATE` rather than `UPDATE`, so that a row merely
        // referenced at that moment (a breach or notice being written for it takes a key-share
        // lock) is waited for and deleted now, not skipped until the next run.
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR NO KEY UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // Two statements rather than one with OR: each condition is read off its own index
        // (migration 0011), so a run costs what it deletes, not a scan of every conversation.
        let idle = format!(
            "DELETE FROM conversations WHERE id IN (SELECT id FROM conversations \
             WHERE last_activity_at <= $1 LIMIT $2{skip_locked}) RETURNING id"
        );
        let mut rows = sqlx::query(AssertSqlSafe(idle))
            .bind(idle_before)
            .bind(i64::from(batch))
            .fetch_all(self.pool())
            .await?;
        let solved = format!(
            "DELETE FROM conversations WHERE id IN (SELECT id FROM conversations \
             WHERE closed_at IS NOT NULL AND closed_at <= $1 AND last_activity_at <= $2 \
             AND status IN ($3, $4) LIMIT $5{skip_locked}) RETURNING id"
        );
        rows.extend(
            sqlx::query(AssertSqlSafe(solved))
                .bind(solved_before)
                .bind(solved_before)
                .bind(Status::Solved.as_str())
                .bind(Status::Archived.as_str())
                .bind(i64::from(batch))
                .fetch_all(self.pool())
                .await?,
        );
        rows.iter().map(|row| parsed(row, "id")).collect()
    }

    async fn create_client_session(&self, s: ClientSessionRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO client_sessions (token_hash, conversation_id, wrapped_client_key, expires_at) \
             VALUES ($1, $2, $3, $4)",
            vec![
                t(&s.token_hash),
                t(s.conversation_id),
                Bind::Blob(s.wrapped_client_key),
                at(s.expires_at),
            ],
        )
        .await?;
        Ok(())
    }

    async fn client_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<ClientSessionRecord>> {
        let row = sqlx::query(
            "SELECT token_hash, conversation_id, wrapped_client_key, expires_at FROM client_sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(to_unix(now))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(ClientSessionRecord {
            token_hash: text(&row, "token_hash")?,
            conversation_id: parsed(&row, "conversation_id")?,
            wrapped_client_key: blob(&row, "wrapped_client_key")?,
            expires_at: time(&row, "expires_at")?,
        }))
    }

    async fn delete_client_session(&self, token_hash: &str) -> StoreResult<()> {
        self.exec(
            "DELETE FROM client_sessions WHERE token_hash = $1",
            vec![t(token_hash)],
        )
        .await?;
        Ok(())
    }

    async fn add_tag(&self, id: ConversationId, tag: &str) -> StoreResult<()> {
        self.exec(
            "INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, $2) \
             ON CONFLICT (conversation_id, tag) DO NOTHING",
            vec![t(id), t(tag)],
        )
        .await?;
        Ok(())
    }

    async fn remove_tag(&self, id: ConversationId, tag: &str) -> StoreResult<()> {
        self.exec(
            "DELETE FROM conversation_tags WHERE conversation_id = $1 AND tag = $2",
            vec![t(id), t(tag)],
        )
        .await?;
        Ok(())
    }

    async fn tags(&self, id: ConversationId) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT tag FROM conversation_tags WHERE conversation_id = $1 ORDER BY tag",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| text(r, "tag")).collect()
    }

    async fn all_tags(&self) -> StoreResult<Vec<(String, u64)>> {
        // Maintained by triggers (migration 0011): one row per tag in use.
        let rows =
            sqlx::query("SELECT tag, n FROM conversation_tag_counts WHERE n > 0 ORDER BY tag")
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    text(r, "tag")?,
                    u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0),
                ))
            })
            .collect()
    }

    async fn first_response_seconds(&self, since: OffsetDateTime) -> StoreResult<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT first_response_at - created_at AS s FROM conversations \
             WHERE created_at >= $1 AND first_response_at IS NOT NULL",
        )
        .bind(to_unix(since))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get::<i64, _>("s")?)).collect()
    }

    async fn record_first_response(&self, r: &FirstResponseRecord) -> StoreResult<bool> {
        let n = self
            .exec(
                "INSERT INTO first_responses (conversation_id, responder_id, answered_at, \
                 working_seconds, target_seconds) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (conversation_id) DO NOTHING",
                vec![
                    t(r.conversation_id),
                    Bind::OptText(r.responder.map(|u| u.to_string())),
                    at(r.answered_at),
                    Bind::Int(r.working_seconds),
                    Bind::Int(r.target_seconds),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    async fn first_responses(
        &self,
        since: OffsetDateTime,
    ) -> StoreResult<Vec<FirstResponseRecord>> {
        let rows = sqlx::query(
            "SELECT conversation_id, responder_id, answered_at, working_seconds, target_seconds \
             FROM first_responses WHERE answered_at >= $1 ORDER BY answered_at, conversation_id",
        )
        .bind(to_unix(since))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(FirstResponseRecord {
                    conversation_id: parsed(row, "conversation_id")?,
                    responder: row
                        .try_get::<Option<String>, _>("responder_id")?
                        .map(|id| id.parse::<UserId>())
                        .transpose()
                        .map_err(|_| StoreError::Corrupt("column responder_id".into()))?,
                    answered_at: time(row, "answered_at")?,
                    working_seconds: row.try_get("working_seconds")?,
                    target_seconds: row.try_get("target_seconds")?,
                })
            })
            .collect()
    }

    async fn last_client_messages(
        &self,
        ids: &[ConversationId],
    ) -> StoreResult<Vec<(ConversationId, StoredMessage)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT m.conversation_id, m.id, m.seq, m.kind, m.author, m.staff_id, m.created_at, \
             m.body, m.key_inbox, m.key_client, m.delivery FROM messages m \
             WHERE m.conversation_id IN ({}) AND m.kind = $1 AND m.author = $2 \
             AND m.seq = (SELECT MAX(l.seq) FROM messages l WHERE l.conversation_id = \
             m.conversation_id AND l.kind = $1 AND l.author = $2)",
            marks.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(MessageKind::Message.as_str())
            .bind(Author::Client.as_str());
        for id in ids {
            query = query.bind(id.to_string());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| Ok((parsed(row, "conversation_id")?, message(row)?)))
            .collect()
    }

    async fn assign_next(
        &self,
        id: ConversationId,
        candidates: &[UserId],
        cap: u64,
    ) -> StoreResult<Option<UserId>> {
        if candidates.is_empty() {
            return Ok(None);
        }
        let mut ordered: Vec<UserId> = candidates.to_vec();
        ordered.sort_by_key(|u| u.to_string());
        ordered.dedup();
        // SQLite: BEGIN IMMEDIATE serialises writers; PostgreSQL: the cursor row's lock does.
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "SELECT last_user_id FROM assignment_cursor WHERE id = 1{}",
            self.for_update()
        );
        let last: Option<String> = sqlx::query(AssertSqlSafe(sql))
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get::<Option<String>, _>("last_user_id"))
            .transpose()?
            .flatten();
        let start = last
            .and_then(|last| ordered.iter().position(|u| u.to_string() > last))
            .unwrap_or(0);
        for offset in 0..ordered.len() {
            let user = ordered[(start + offset) % ordered.len()];
            if cap > 0 {
                let open: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM conversations WHERE assigned_to = $1 \
                     AND status NOT IN ($2, $3)",
                )
                .bind(user.to_string())
                .bind(Status::Solved.as_str())
                .bind(Status::Archived.as_str())
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
                if u64::try_from(open).unwrap_or(0) >= cap {
                    continue;
                }
            }
            let n = sqlx::query(
                "UPDATE conversations SET assigned_to = $1, version = version + 1 \
                 WHERE id = $2 AND assigned_to IS NULL",
            )
            .bind(user.to_string())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(None);
            }
            sqlx::query("UPDATE assignment_cursor SET last_user_id = $1 WHERE id = 1")
                .bind(user.to_string())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Some(user));
        }
        Ok(None)
    }
}
