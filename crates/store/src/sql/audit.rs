//! [`AuditStore`] on both backends: the append-only audit log. Nothing here updates a line.

use super::SqlStore;
use super::rows::{opt_user, parsed, text, time};
use crate::model::{AuditEntry, AuditFilter, NewAuditEntry};
use crate::{AuditStore, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use sqlx::Row;
use time::OffsetDateTime;

#[async_trait]
impl AuditStore for SqlStore {
    async fn append_audit(&self, e: NewAuditEntry) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor, action, target) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(to_unix(e.at))
        .bind(e.actor_id.map(|id| id.to_string()))
        .bind(e.actor)
        .bind(e.action.as_str())
        .bind(e.target)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let action = filter.action.map(|a| a.as_str()).unwrap_or("").to_owned();
        let actor = filter.actor.clone().unwrap_or_default();
        let rows = sqlx::query(
            "SELECT id, at, actor_id, actor, action, target FROM audit_log \
             WHERE ($1 = '' OR action = $2) AND ($3 = '' OR actor = $4) AND id < $5 \
             ORDER BY id DESC LIMIT $6",
        )
        .bind(action.clone())
        .bind(action)
        .bind(actor.clone())
        .bind(actor)
        .bind(filter.before_id.unwrap_or(i64::MAX))
        .bind(i64::from(filter.limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.try_get::<i64, _>("id")?,
                    entry: NewAuditEntry {
                        at: time(row, "at")?,
                        actor_id: opt_user(row, "actor_id")?,
                        actor: text(row, "actor")?,
                        action: parsed(row, "action")?,
                        target: text(row, "target")?,
                    },
                })
            })
            .collect()
    }

    async fn purge_audit(&self, before: OffsetDateTime) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM audit_log WHERE at < $1")
            .bind(to_unix(before))
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}
