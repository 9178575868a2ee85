//! The outbox of staff notifications.

use super::{on_each_backend, t0};
use netreach_store::{NotificationStore, QueuedNotification};
use time::Duration;

#[tokio::test]
async fn a_queued_notification_is_claimed_once_retried_when_asked_and_gone_when_delivered() {
    on_each_backend(|store| async move {
        let first = QueuedNotification {
            id: uuid::Uuid::new_v4(),
            event: "urgent_conversation".into(),
            transport: "webhook".into(),
            console_path: "/staff/conversations/x".into(),
            created_at: t0(),
            next_attempt_at: t0(),
            attempts: 0,
        };
        store.queue_notification(&first).await.unwrap();
        assert!(
            store
                .claim_notifications(t0() - Duration::seconds(1), t0(), 10)
                .await
                .unwrap()
                .is_empty(),
            "not due yet"
        );
        let lease = t0() + Duration::seconds(60);
        let claimed = store.claim_notifications(t0(), lease, 10).await.unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].event, "urgent_conversation");
        assert_eq!(claimed[0].attempts, 1);
        assert!(
            store
                .claim_notifications(t0(), lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "a leased notification is not claimed twice"
        );
        let retry = t0() + Duration::seconds(30);
        store
            .finish_notification(first.id, Some(retry))
            .await
            .unwrap();
        let again = store.claim_notifications(retry, lease, 10).await.unwrap();
        assert_eq!((again.len(), again[0].attempts), (1, 2));
        store.finish_notification(first.id, None).await.unwrap();
        assert!(
            store
                .claim_notifications(t0() + Duration::days(1), lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "delivered notifications are deleted"
        );
    })
    .await;
}
