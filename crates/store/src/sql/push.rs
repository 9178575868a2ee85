//! [`PushStore`] on both backends.

use super::rows::{blob, text, time};
use super::{Bind, SqlStore, at, t};
use crate::push::{PushStore, PushSubscriptionRecord};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use netreach_core::UserId;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

fn subscription(row: &AnyRow) -> StoreResult<PushSubscriptionRecord> {
    let corrupt = |col: &str| StoreError::Corrupt(format!("push_subscriptions.{col}"));
    Ok(PushSubscriptionRecord {
        id: text(row, "id")?.parse().map_err(|_| corrupt("id"))?,
        user_id: text(row, "user_id")?
            .parse()
            .map_err(|_| corrupt("user_id"))?,
        endpoint_hash: text(row, "endpoint_hash")?,
        sealed: blob(row, "subscription")?,
        service: text(row, "service")?,
        created_at: time(row, "created_at")?,
    })
}

#[async_trait]
impl PushStore for SqlStore {
    async fn push_key(&self) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT private_key FROM push_key WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|row| blob(row, "private_key")).transpose()
    }

    async fn ensure_push_key(
        &self,
        candidate: Vec<u8>,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<u8>> {
        sqlx::query(
            "INSERT INTO push_key (id, private_key, created_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(candidate)
        .bind(netreach_core::clock::to_unix(now))
        .execute(self.pool())
        .await?;
        self.push_key()
            .await?
            .ok_or_else(|| StoreError::Corrupt("push_key: no row after the insert".into()))
    }

    async fn add_push_subscription(&self, s: PushSubscriptionRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO push_subscriptions (id, user_id, endpoint_hash, subscription, service, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (endpoint_hash) DO UPDATE \
             SET id = $1, user_id = $2, subscription = $4, service = $5, created_at = $6",
            vec![
                t(s.id),
                t(s.user_id),
                t(s.endpoint_hash),
                Bind::Blob(s.sealed),
                t(s.service),
                at(s.created_at),
            ],
        )
        .await?;
        Ok(())
    }

    async fn push_subscriptions(&self, user: UserId) -> StoreResult<Vec<PushSubscriptionRecord>> {
        let rows = sqlx::query(
            "SELECT id, user_id, endpoint_hash, subscription, service, created_at \
             FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(subscription).collect()
    }

    async fn delete_push_subscription(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool> {
        let n = self
            .exec(
                "DELETE FROM push_subscriptions WHERE user_id = $1 AND id = $2",
                vec![t(user), t(id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn delete_all_push_subscriptions(&self) -> StoreResult<u64> {
        self.exec("DELETE FROM push_subscriptions", vec![]).await
    }
}
