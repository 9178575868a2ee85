//! Milestones an operator reaches (backups, the recovery key) and a count of what a database
//! holds.

use super::rows::opt_time;
use super::{Bind, SqlStore, at};
use crate::model::{Inventory, Milestone};
use crate::{OperationsStore, StoreResult};
use async_trait::async_trait;
use sqlx::Row;
use time::OffsetDateTime;

#[async_trait]
impl OperationsStore for SqlStore {
    async fn set_milestone(&self, milestone: Milestone, when: OffsetDateTime) -> StoreResult<()> {
        self.exec(
            "INSERT INTO milestones (kind, at) VALUES ($1, $2) \
             ON CONFLICT (kind) DO UPDATE SET at = excluded.at WHERE milestones.at < excluded.at",
            vec![Bind::Text(milestone.key().to_owned()), at(when)],
        )
        .await?;
        Ok(())
    }

    async fn milestone(&self, milestone: Milestone) -> StoreResult<Option<OffsetDateTime>> {
        let row = sqlx::query("SELECT at FROM milestones WHERE kind = $1")
            .bind(milestone.key())
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => opt_time(&row, "at"),
            None => Ok(None),
        }
    }

    async fn inventory(&self) -> StoreResult<Inventory> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM users) AS staff, \
             (SELECT COUNT(*) FROM conversations) AS conversations, \
             (SELECT COUNT(*) FROM messages) AS messages, \
             (SELECT COALESCE(MAX(version), 0) FROM content_meta) AS content_version, \
             (SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations) AS schema_version",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(Inventory {
            staff: row.try_get("staff")?,
            conversations: row.try_get("conversations")?,
            messages: row.try_get("messages")?,
            content_version: row.try_get("content_version")?,
            schema_version: row.try_get("schema_version")?,
        })
    }
}
