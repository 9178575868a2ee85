//! [`NotificationStore`] on both backends: the outbox of staff notifications.

use super::SqlStore;
use super::rows::{text, time};
use crate::backend::Backend;
use crate::model::QueuedNotification;
use crate::{NotificationStore, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

#[async_trait]
impl NotificationStore for SqlStore {
    async fn queue_notification(&self, n: &QueuedNotification) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO notifications (id, event, transport, console_path, created_at, \
             next_attempt_at, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(n.id.to_string())
        .bind(n.event.clone())
        .bind(n.transport.clone())
        .bind(n.console_path.clone())
        .bind(to_unix(n.created_at))
        .bind(to_unix(n.next_attempt_at))
        .bind(i64::from(n.attempts))
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
            "SELECT id, event, transport, console_path, created_at, next_attempt_at, attempts \
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
}
