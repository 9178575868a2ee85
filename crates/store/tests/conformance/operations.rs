//! Milestones (last backup, recovery key confirmed) and the inventory of a database.

use super::{msg, new_conversation, new_user, on_each_backend, t0};
use netreach_core::{Author, Role, Topic};
use netreach_store::{AccountStore, ConversationStore, MessageKind, Milestone, OperationsStore};
use time::Duration;

#[tokio::test]
async fn a_milestone_keeps_its_latest_time_and_is_absent_until_reached() {
    on_each_backend(|store| async move {
        assert_eq!(store.milestone(Milestone::Backup).await.unwrap(), None);
        store.set_milestone(Milestone::Backup, t0()).await.unwrap();
        store
            .set_milestone(Milestone::Backup, t0() + Duration::days(2))
            .await
            .unwrap();
        // A slower node reporting an older backup does not move the time back.
        store
            .set_milestone(Milestone::Backup, t0() + Duration::days(1))
            .await
            .unwrap();
        assert_eq!(
            store.milestone(Milestone::Backup).await.unwrap(),
            Some(t0() + Duration::days(2))
        );
        assert_eq!(
            store
                .milestone(Milestone::RecoveryKeyConfirmed)
                .await
                .unwrap(),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn the_inventory_counts_staff_conversations_messages_and_versions() {
    on_each_backend(|store| async move {
        let empty = store.inventory().await.unwrap();
        assert_eq!(
            (empty.staff, empty.conversations, empty.messages),
            (0, 0, 0)
        );
        assert_eq!(empty.content_version, 0);
        assert!(empty.schema_version >= 19, "{empty:?}");
        store
            .create_user(new_user("anna", Role::Admin))
            .await
            .unwrap();
        for i in 0..2 {
            store
                .create_conversation(
                    new_conversation(&format!("inv{i}"), Topic::Other, t0()),
                    vec![
                        msg(MessageKind::Intake, Author::Client, None, t0(), b"i"),
                        msg(MessageKind::Message, Author::Client, None, t0(), b"m"),
                    ],
                )
                .await
                .unwrap();
        }
        let counted = store.inventory().await.unwrap();
        assert_eq!(
            (counted.staff, counted.conversations, counted.messages),
            (1, 2, 4)
        );
    })
    .await;
}
