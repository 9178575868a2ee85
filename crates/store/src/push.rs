//! What Web Push keeps (migration 0028): the server's signing key and the browsers staff
//! members subscribed. Both are encrypted by the application before they get here.

use crate::StoreResult;
use async_trait::async_trait;
use netreach_core::UserId;
use time::OffsetDateTime;

/// One browser a member subscribed to notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSubscriptionRecord {
    pub id: uuid::Uuid,
    pub user_id: UserId,
    /// A keyed hash of the endpoint: the same browser subscribing again replaces its row.
    pub endpoint_hash: String,
    /// Endpoint and keys, encrypted under the server secret.
    pub sealed: Vec<u8>,
    /// The push service's host, for the member to recognise the browser.
    pub service: String,
    pub created_at: OffsetDateTime,
}

#[async_trait]
pub trait PushStore: Send + Sync {
    /// The server's signing key, if one was made.
    async fn push_key(&self) -> StoreResult<Option<Vec<u8>>>;
    /// The server's signing key: `candidate` is stored if there is none yet, and whichever is
    /// stored is returned (two nodes starting at once agree on one).
    async fn ensure_push_key(
        &self,
        candidate: Vec<u8>,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<u8>>;
    /// Adds a subscription; an endpoint already stored (the same browser again) is replaced,
    /// and belongs to the member who subscribed last.
    async fn add_push_subscription(&self, subscription: PushSubscriptionRecord) -> StoreResult<()>;
    /// A member's subscriptions, oldest first.
    async fn push_subscriptions(&self, user: UserId) -> StoreResult<Vec<PushSubscriptionRecord>>;
    /// Removes one of a member's subscriptions; false if it was not theirs or is gone.
    async fn delete_push_subscription(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool>;
    /// Removes every subscription (the panic lock); returns how many there were.
    async fn delete_all_push_subscriptions(&self) -> StoreResult<u64>;
}
