//! The Telegram bot: one poller at a time, updates stored before the offset moves and handled
//! once, chats, sealed contacts that go with their conversation, delivery marks, staff links.

use super::*;
use netreach_store::{TelegramBotRecord, TelegramStore};

fn bot(bot_id: i64) -> TelegramBotRecord {
    TelegramBotRecord {
        token: vec![9; 40],
        bot_id,
        username: format!("org_{bot_id}_bot"),
        mode: "polling".into(),
        next_update_id: 0,
        poll_holder: None,
        poll_until: None,
        last_update_at: None,
        last_error: String::new(),
        last_error_at: None,
        connected_at: t0(),
        connected_by: None,
    }
}

#[tokio::test]
async fn one_node_polls_at_a_time_and_the_offset_moves_only_forward() {
    on_each_backend(|store| async move {
        assert!(store.telegram_bot().await.unwrap().is_none());
        assert!(
            !store
                .claim_telegram_poll("a", t0(), t0() + Duration::minutes(1))
                .await
                .unwrap(),
            "nothing to poll without a bot"
        );
        store.set_telegram_bot(bot(1)).await.unwrap();
        let lease = t0() + Duration::minutes(1);
        assert!(store.claim_telegram_poll("a", t0(), lease).await.unwrap());
        assert!(!store.claim_telegram_poll("b", t0(), lease).await.unwrap());
        assert!(store.claim_telegram_poll("a", t0(), lease).await.unwrap());
        assert!(
            store
                .claim_telegram_poll("b", lease, lease + Duration::minutes(1))
                .await
                .unwrap(),
            "an expired lease moves"
        );
        store.release_telegram_poll("b").await.unwrap();
        assert!(store.claim_telegram_poll("a", t0(), lease).await.unwrap());

        let new = store
            .record_telegram_updates(vec![(10, vec![1]), (11, vec![2])], Some(12), t0())
            .await
            .unwrap();
        assert_eq!(new, 2);
        let again = store
            .record_telegram_updates(vec![(11, vec![3])], Some(5), t0())
            .await
            .unwrap();
        assert_eq!(again, 0, "an update id is stored once");
        let b = store.telegram_bot().await.unwrap().unwrap();
        assert_eq!(b.next_update_id, 12, "the offset never goes back");
        assert_eq!(b.poll_holder.as_deref(), Some("a"));

        // Reconnecting the same bot keeps its place; another bot starts afresh.
        store.set_telegram_bot(bot(1)).await.unwrap();
        assert_eq!(
            store.telegram_bot().await.unwrap().unwrap().next_update_id,
            12
        );
        store.set_telegram_bot(bot(2)).await.unwrap();
        let b = store.telegram_bot().await.unwrap().unwrap();
        assert_eq!((b.bot_id, b.next_update_id), (2, 0));
        assert!(
            store
                .claim_telegram_updates(t0(), lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "the first bot's updates are gone"
        );
        store
            .set_telegram_poll_error("HTTP 502", t0())
            .await
            .unwrap();
        let b = store.telegram_bot().await.unwrap().unwrap();
        assert_eq!(b.last_error, "HTTP 502");
        assert_eq!(b.last_error_at, Some(t0()));
        assert!(store.delete_telegram_bot().await.unwrap());
        assert!(store.telegram_bot().await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn stored_updates_are_leased_oldest_first_and_handled_once() {
    on_each_backend(|store| async move {
        store.set_telegram_bot(bot(1)).await.unwrap();
        store
            .record_telegram_updates(
                vec![(3, b"c".to_vec()), (1, b"a".to_vec()), (2, b"b".to_vec())],
                Some(4),
                t0(),
            )
            .await
            .unwrap();
        let lease = t0() + Duration::minutes(1);
        let first = store.claim_telegram_updates(t0(), lease, 2).await.unwrap();
        assert_eq!(
            first.iter().map(|u| u.update_id).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(first[0].payload, b"a");
        assert_eq!(first[0].attempts, 1);
        let rest = store.claim_telegram_updates(t0(), lease, 10).await.unwrap();
        assert_eq!(rest.iter().map(|u| u.update_id).collect::<Vec<_>>(), [3]);
        store.finish_telegram_update(1, t0()).await.unwrap();
        store.finish_telegram_update(3, t0()).await.unwrap();
        // Update 2 was leased and never finished (a node stopped): due again after the lease.
        assert!(
            store
                .claim_telegram_updates(t0(), lease, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let retry = store
            .claim_telegram_updates(lease, lease + Duration::minutes(1), 10)
            .await
            .unwrap();
        assert_eq!(retry.len(), 1);
        assert_eq!((retry[0].update_id, retry[0].attempts), (2, 2));
        store.finish_telegram_update(2, lease).await.unwrap();
        let payloads: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM telegram_updates WHERE payload IS NOT NULL")
                .fetch_one(store.pool())
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
        assert_eq!(payloads, 0, "a handled update keeps no payload");
        let again = store
            .record_telegram_updates(vec![(2, b"b".to_vec())], None, lease)
            .await
            .unwrap();
        assert_eq!(again, 0, "a handled id is remembered");
        assert_eq!(
            store
                .purge_telegram(t0() + Duration::seconds(1))
                .await
                .unwrap(),
            3
        );
    })
    .await;
}

#[tokio::test]
async fn a_telegram_contact_goes_with_its_conversation_and_replies_carry_delivery() {
    on_each_backend(|store| async move {
        let mut new = new_conversation("chat-hash", Topic::Other, t0());
        new.channel = "telegram".into();
        new.client_public_key = None;
        let reply = msg(MessageKind::Message, Author::Staff, None, t0(), b"r");
        let reply_id = reply.id;
        let c = store.create_conversation(new, vec![reply]).await.unwrap();
        assert_eq!(c.channel, "telegram");
        store
            .set_telegram_contact(c.id, vec![1, 2], vec![3, 4])
            .await
            .unwrap();
        assert_eq!(
            store.telegram_contact(c.id).await.unwrap(),
            Some((vec![1, 2], vec![3, 4]))
        );
        assert!(store.message_exists(reply_id).await.unwrap());
        assert!(!c.urgent);
        assert!(store.flag_conversation_urgent(c.id).await.unwrap());
        assert!(!store.flag_conversation_urgent(c.id).await.unwrap());
        assert!(store.conversation(c.id).await.unwrap().unwrap().urgent);
        assert_eq!(store.messages(c.id, true).await.unwrap()[0].delivery, "");
        assert!(
            store
                .set_message_delivery(reply_id, "failed")
                .await
                .unwrap()
        );
        assert_eq!(
            store.messages(c.id, true).await.unwrap()[0].delivery,
            "failed"
        );
        assert!(store.delete_conversation(c.id).await.unwrap());
        assert!(store.telegram_contact(c.id).await.unwrap().is_none());
        assert!(!store.message_exists(reply_id).await.unwrap());

        store
            .set_telegram_chat("h1", "ru", "search", t0())
            .await
            .unwrap();
        let chat = store.telegram_chat("h1").await.unwrap().unwrap();
        assert_eq!((chat.lang.as_str(), chat.step.as_str()), ("ru", "search"));
        store.set_telegram_chat("h1", "en", "", t0()).await.unwrap();
        assert_eq!(store.telegram_chat("h1").await.unwrap().unwrap().lang, "en");
        store.delete_telegram_chat("h1").await.unwrap();
        assert!(store.telegram_chat("h1").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_staff_account_links_once_with_an_unexpired_code() {
    on_each_backend(|store| async move {
        let user = new_user("linker", Role::Worker);
        let id = user.id;
        store.create_user(user).await.unwrap();
        let expires = t0() + Duration::minutes(15);
        store
            .set_staff_telegram_code(id, "code-hash", expires)
            .await
            .unwrap();
        assert_eq!(
            store
                .link_staff_telegram("code-hash", vec![5], expires)
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert_eq!(
            store
                .link_staff_telegram("code-hash", vec![5], t0())
                .await
                .unwrap(),
            Some(id)
        );
        assert_eq!(store.staff_telegram_chat(id).await.unwrap(), Some(vec![5]));
        assert_eq!(
            store
                .link_staff_telegram("code-hash", vec![6], t0())
                .await
                .unwrap(),
            None,
            "a code works once"
        );
        store.unlink_staff_telegram(id).await.unwrap();
        assert!(store.staff_telegram_chat(id).await.unwrap().is_none());
    })
    .await;
}
