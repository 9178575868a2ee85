//! The outbox of staff notifications.

use super::{new_user, on_each_backend, t0};
use netreach_core::Role;
use netreach_core::notification::{Event, Transport};
use netreach_store::{
    AccountStore, NotificationProfile, NotificationStore, QueuedNotification, StaffNotice,
};
use time::Duration;

#[tokio::test]
async fn a_queued_notification_is_claimed_once_retried_when_asked_and_gone_when_delivered() {
    on_each_backend(|store| async move {
        let first = QueuedNotification {
            id: uuid::Uuid::new_v4(),
            event: "urgent_conversation".into(),
            transport: "webhook".into(),
            console_path: "/staff/conversations/x".into(),
            recipient: None,
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

#[tokio::test]
async fn choices_replace_whole_and_the_audience_is_the_active_members_who_chose_the_event() {
    on_each_backend(|store| async move {
        let anna = new_user("anna", Role::Worker);
        let boris = new_user("boris", Role::Supervisor);
        let vera = new_user("vera", Role::Worker);
        for u in [&anna, &boris, &vera] {
            store.create_user(u.clone()).await.unwrap();
        }
        assert_eq!(store.notification_profile(anna.id).await.unwrap(), None);
        let mut mine = NotificationProfile {
            user_id: anna.id,
            email: Some("anna@example.org".into()),
            quiet_hours: "22:00-07:00".into(),
            on_call: true,
            choices: vec![
                (Event::Urgent, Transport::Email),
                (Event::Urgent, Transport::Console),
                (Event::Urgent, Transport::Console),
                (Event::Mentioned, Transport::Console),
            ],
            updated_at: t0(),
        };
        store.set_notification_profile(&mine).await.unwrap();
        let stored = store.notification_profile(anna.id).await.unwrap().unwrap();
        assert_eq!(stored.email.as_deref(), Some("anna@example.org"));
        assert_eq!(
            (stored.quiet_hours.as_str(), stored.on_call),
            ("22:00-07:00", true)
        );
        assert_eq!(stored.choices.len(), 3, "a pair chosen twice is kept once");
        mine.choices = vec![(Event::Urgent, Transport::Email)];
        mine.email = None;
        store.set_notification_profile(&mine).await.unwrap();
        let stored = store.notification_profile(anna.id).await.unwrap().unwrap();
        assert_eq!(stored.choices, [(Event::Urgent, Transport::Email)]);
        assert_eq!(stored.email, None);
        for (user, event) in [(&boris, Event::Urgent), (&vera, Event::Urgent)] {
            store
                .set_notification_profile(&NotificationProfile {
                    user_id: user.id,
                    email: None,
                    quiet_hours: String::new(),
                    on_call: false,
                    choices: vec![
                        (event, Transport::Console),
                        (Event::AlertReport, Transport::Email),
                    ],
                    updated_at: t0(),
                })
                .await
                .unwrap();
        }
        store.set_user_disabled(vera.id, Some(t0())).await.unwrap();
        let audience = store.notification_audience(Event::Urgent).await.unwrap();
        let mut who: Vec<_> = audience
            .iter()
            .map(|p| (p.user_id, p.choices.clone()))
            .collect();
        who.sort_by_key(|(u, _)| *u == boris.id);
        assert_eq!(
            who,
            [
                (anna.id, vec![(Event::Urgent, Transport::Email)]),
                (boris.id, vec![(Event::Urgent, Transport::Console)])
            ],
            "only this event's choices, and never a disabled member"
        );
        assert!(audience.iter().any(|p| p.on_call && p.user_id == anna.id));
        assert!(
            store
                .notification_audience(Event::Assigned)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn console_notices_count_until_read_and_are_purged_when_old() {
    on_each_backend(|store| async move {
        let anna = new_user("anna", Role::Worker);
        store.create_user(anna.clone()).await.unwrap();
        let notice = |path: &str, minutes: i64| StaffNotice {
            id: uuid::Uuid::new_v4(),
            user_id: anna.id,
            event: Event::NewConversation,
            console_path: path.into(),
            created_at: t0() + Duration::minutes(minutes),
            read_at: None,
        };
        store
            .add_notices(&[
                notice("/staff/conversations/a", 0),
                notice("/staff/conversations/b", 1),
            ])
            .await
            .unwrap();
        store
            .add_notices(&[notice("/staff/conversations/a", 2)])
            .await
            .unwrap();
        assert_eq!(store.unread_notices(anna.id).await.unwrap(), 3);
        assert_eq!(
            store
                .mark_notices_read(anna.id, Some("/staff/conversations/a"), t0())
                .await
                .unwrap(),
            2
        );
        assert_eq!(store.unread_notices(anna.id).await.unwrap(), 1);
        let listed = store.notices(anna.id, 10).await.unwrap();
        assert_eq!(listed.len(), 3);
        assert_eq!(
            listed[0].console_path, "/staff/conversations/b",
            "unread first"
        );
        assert!(listed[1].read_at.is_some());
        assert_eq!(
            store.mark_notices_read(anna.id, None, t0()).await.unwrap(),
            1
        );
        assert_eq!(store.unread_notices(anna.id).await.unwrap(), 0);
        assert_eq!(
            store
                .purge_notices(t0() + Duration::minutes(2))
                .await
                .unwrap(),
            2
        );
        assert_eq!(store.notices(anna.id, 10).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_target_breach_is_raised_once_per_level_and_goes_with_its_conversation() {
    use netreach_core::{Author, Topic};
    use netreach_store::{ConversationStore, MessageKind};
    on_each_backend(|store| async move {
        let c = store
            .create_conversation(
                super::new_conversation("late", Topic::Legal, t0()),
                vec![super::msg(
                    MessageKind::Message,
                    Author::Client,
                    None,
                    t0(),
                    b"hi",
                )],
            )
            .await
            .unwrap();
        assert!(store.raise_target_breach(c.id, 1, t0()).await.unwrap());
        assert!(
            !store.raise_target_breach(c.id, 1, t0()).await.unwrap(),
            "told once"
        );
        assert!(
            store.raise_target_breach(c.id, 2, t0()).await.unwrap(),
            "escalated"
        );
        assert!(
            !store.raise_target_breach(c.id, 1, t0()).await.unwrap(),
            "never lowered"
        );
        store.delete_conversation(c.id).await.unwrap();
        let raw = sqlx_count(&store).await;
        assert_eq!(raw, 0, "deleted with its conversation");
        assert!(
            !store.raise_target_breach(c.id, 2, t0()).await.unwrap(),
            "a conversation deleted after the job read it is not an error"
        );
    })
    .await;
}

async fn sqlx_count(store: &netreach_store::SqlStore) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM target_breaches")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}
