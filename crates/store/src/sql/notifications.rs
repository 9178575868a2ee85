//! [`NotificationStore`] on both backends: the outbox of staff notifications.

use super::rows::{opt_time, opt_user, parsed, text, time};
use super::{SqlStore, is_foreign_key_violation};
use crate::backend::Backend;
use crate::model::{NotificationProfile, QueuedNotification, StaffNotice};
use crate::{NotificationStore, StoreError, StoreResult};
use async_trait::async_trait;
use netreach_core::UserId;
use netreach_core::clock::to_unix;
use netreach_core::notification::{Event, Transport};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

#[async_trait]
impl NotificationStore for SqlStore {
    async fn queue_notification(&self, n: &QueuedNotification) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO notifications (id, event, transport, console_path, created_at, \
             next_attempt_at, attempts, recipient_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(n.id.to_string())
        .bind(n.event.clone())
        .bind(n.transport.clone())
        .bind(n.console_path.clone())
        .bind(to_unix(n.created_at))
        .bind(to_unix(n.next_attempt_at))
        .bind(i64::from(n.attempts))
        .bind(n.recipient.map(|u| u.to_string()))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<QueuedNotification>> {
        // Look before taking the write lock: the job runs every few seconds and nearly always
        // finds nothing due.
        let anything_due =
            sqlx::query("SELECT 1 AS one FROM notifications WHERE next_attempt_at <= $1 LIMIT 1")
                .bind(to_unix(now))
                .fetch_optional(self.pool())
                .await?
                .is_some();
        if !anything_due {
            return Ok(Vec::new());
        }
        // On PostgreSQL several nodes may claim at once: each locks its own rows.
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT id, event, transport, console_path, created_at, next_attempt_at, attempts, \
             recipient_id \
             FROM notifications WHERE next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2{skip_locked}"
        );
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(to_unix(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = text(row, "id")?;
            sqlx::query(
                "UPDATE notifications SET next_attempt_at = $1, attempts = attempts + 1 \
                 WHERE id = $2",
            )
            .bind(to_unix(lease_until))
            .bind(id.clone())
            .execute(&mut *tx)
            .await?;
            let attempts: i64 = row.try_get("attempts")?;
            claimed.push(QueuedNotification {
                id: id
                    .parse()
                    .map_err(|_| crate::StoreError::Corrupt("column id".into()))?,
                event: text(row, "event")?,
                transport: text(row, "transport")?,
                console_path: text(row, "console_path")?,
                recipient: opt_user(row, "recipient_id")?,
                created_at: time(row, "created_at")?,
                next_attempt_at: lease_until,
                attempts: u32::try_from(attempts + 1).unwrap_or(u32::MAX),
            });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn finish_notification(
        &self,
        id: uuid::Uuid,
        retry_at: Option<OffsetDateTime>,
    ) -> StoreResult<()> {
        match retry_at {
            None => {
                sqlx::query("DELETE FROM notifications WHERE id = $1")
                    .bind(id.to_string())
                    .execute(self.pool())
                    .await?;
            }
            Some(at) => {
                sqlx::query("UPDATE notifications SET next_attempt_at = $1 WHERE id = $2")
                    .bind(to_unix(at))
                    .bind(id.to_string())
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(())
    }

    async fn notification_profile(&self, user: UserId) -> StoreResult<Option<NotificationProfile>> {
        let row = sqlx::query(
            "SELECT user_id, email, quiet_hours, on_call, updated_at FROM notification_profiles \
             WHERE user_id = $1",
        )
        .bind(user.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut profile = profile(&row)?;
        let choices = sqlx::query(
            "SELECT event, transport FROM notification_choices WHERE user_id = $1 \
             ORDER BY event, transport",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        for row in &choices {
            profile
                .choices
                .push((parsed(row, "event")?, parsed(row, "transport")?));
        }
        Ok(Some(profile))
    }

    async fn set_notification_profile(&self, p: &NotificationProfile) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO notification_profiles (user_id, email, quiet_hours, on_call, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET \
             email = excluded.email, quiet_hours = excluded.quiet_hours, \
             on_call = excluded.on_call, updated_at = excluded.updated_at",
        )
        .bind(p.user_id.to_string())
        .bind(p.email.clone())
        .bind(p.quiet_hours.clone())
        .bind(i64::from(p.on_call))
        .bind(to_unix(p.updated_at))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM notification_choices WHERE user_id = $1")
            .bind(p.user_id.to_string())
            .execute(&mut *tx)
            .await?;
        let mut seen = std::collections::BTreeSet::new();
        for (event, transport) in &p.choices {
            if !seen.insert((event.as_str(), transport.as_str())) {
                continue;
            }
            sqlx::query(
                "INSERT INTO notification_choices (user_id, event, transport) VALUES ($1, $2, $3)",
            )
            .bind(p.user_id.to_string())
            .bind(event.as_str())
            .bind(transport.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn notification_audience(&self, event: Event) -> StoreResult<Vec<NotificationProfile>> {
        let rows = sqlx::query(
            "SELECT c.user_id, c.transport, p.email, p.quiet_hours, p.on_call, p.updated_at \
             FROM notification_choices c JOIN users u ON u.id = c.user_id \
             LEFT JOIN notification_profiles p ON p.user_id = c.user_id \
             WHERE c.event = $1 AND u.disabled_at IS NULL ORDER BY c.user_id, c.transport",
        )
        .bind(event.as_str())
        .fetch_all(self.pool())
        .await?;
        let mut audience: Vec<NotificationProfile> = Vec::new();
        for row in &rows {
            let user: UserId = parsed(row, "user_id")?;
            let transport: Transport = parsed(row, "transport")?;
            match audience.last_mut() {
                Some(last) if last.user_id == user => last.choices.push((event, transport)),
                _ => {
                    let mut p = NotificationProfile {
                        user_id: user,
                        email: row.try_get::<Option<String>, _>("email")?,
                        quiet_hours: row
                            .try_get::<Option<String>, _>("quiet_hours")?
                            .unwrap_or_default(),
                        on_call: row.try_get::<Option<i64>, _>("on_call")?.unwrap_or(0) != 0,
                        choices: Vec::new(),
                        updated_at: opt_time(row, "updated_at")?
                            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                    };
                    p.choices.push((event, transport));
                    audience.push(p);
                }
            }
        }
        Ok(audience)
    }

    async fn add_notices(&self, notices: &[StaffNotice]) -> StoreResult<()> {
        if notices.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        for n in notices {
            sqlx::query(
                "INSERT INTO staff_notices (id, user_id, event, console_path, created_at, read_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(n.id.to_string())
            .bind(n.user_id.to_string())
            .bind(n.event.as_str())
            .bind(n.console_path.clone())
            .bind(to_unix(n.created_at))
            .bind(n.read_at.map(to_unix))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn unread_notices(&self, user: UserId) -> StoreResult<u64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM staff_notices WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0))
    }

    async fn notices(&self, user: UserId, limit: u32) -> StoreResult<Vec<StaffNotice>> {
        let rows = sqlx::query(
            "SELECT id, user_id, event, console_path, created_at, read_at FROM staff_notices \
             WHERE user_id = $1 \
             ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id LIMIT $2",
        )
        .bind(user.to_string())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StaffNotice {
                    id: text(row, "id")?
                        .parse()
                        .map_err(|_| StoreError::Corrupt("column id".into()))?,
                    user_id: parsed(row, "user_id")?,
                    event: parsed(row, "event")?,
                    console_path: text(row, "console_path")?,
                    created_at: time(row, "created_at")?,
                    read_at: opt_time(row, "read_at")?,
                })
            })
            .collect()
    }

    async fn mark_notices_read(
        &self,
        user: UserId,
        console_path: Option<&str>,
        now: OffsetDateTime,
    ) -> StoreResult<u64> {
        let done =
            match console_path {
                Some(path) => {
                    sqlx::query(
                        "UPDATE staff_notices SET read_at = $1 \
                     WHERE user_id = $2 AND console_path = $3 AND read_at IS NULL",
                    )
                    .bind(to_unix(now))
                    .bind(user.to_string())
                    .bind(path.to_owned())
                    .execute(self.pool())
                    .await?
                }
                None => sqlx::query(
                    "UPDATE staff_notices SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
                )
                .bind(to_unix(now))
                .bind(user.to_string())
                .execute(self.pool())
                .await?,
            };
        Ok(done.rows_affected())
    }

    async fn raise_target_breach(
        &self,
        conversation: netreach_core::ConversationId,
        level: u8,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO target_breaches (conversation_id, level, at) VALUES ($1, $2, $3) \
             ON CONFLICT (conversation_id) DO UPDATE SET level = excluded.level, at = excluded.at \
             WHERE target_breaches.level < excluded.level",
        )
        .bind(conversation.to_string())
        .bind(i64::from(level))
        .bind(to_unix(now))
        .execute(self.pool())
        .await;
        match done {
            Ok(done) => Ok(done.rows_affected() > 0),
            // The conversation was deleted (by the client, or by retention on another node)
            // after the job read it: there is nothing left to tell about.
            Err(e) if is_foreign_key_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    async fn purge_notices(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM staff_notices WHERE created_at < $1")
            .bind(to_unix(before))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

fn profile(row: &AnyRow) -> StoreResult<NotificationProfile> {
    Ok(NotificationProfile {
        user_id: parsed(row, "user_id")?,
        email: row.try_get::<Option<String>, _>("email")?,
        quiet_hours: text(row, "quiet_hours")?,
        on_call: row.try_get::<i64, _>("on_call")? != 0,
        choices: Vec::new(),
        updated_at: time(row, "updated_at")?,
    })
}
