//! Follow-ups: a conversation put aside until a time, back then or when the client writes.

use super::*;

#[tokio::test]
async fn a_follow_up_hides_a_conversation_until_its_time_or_the_clients_next_message() {
    on_each_backend(|store| async move {
        let worker = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for (i, lookup) in ["f-1", "f-2", "f-3"].iter().enumerate() {
            let at = t0() + Duration::minutes(i as i64);
            let c = store
                .create_conversation(
                    new_conversation(lookup, Topic::Other, at),
                    vec![msg(MessageKind::Message, Author::Client, None, at, b"q")],
                )
                .await
                .unwrap();
            ids.push(c.id);
        }
        let now = t0() + Duration::hours(1);
        let later = now + Duration::days(3);
        let set = |at: Option<OffsetDateTime>| ConversationUpdate {
            follow_up_at: Some(at),
            ..Default::default()
        };
        let put_aside = store
            .update_conversation(ids[0], Some(1), set(Some(later)), now)
            .await
            .unwrap();
        let Guarded::Done(put_aside) = put_aside else {
            panic!("{put_aside:?}")
        };
        assert_eq!(put_aside.follow_up_at, Some(later));
        store
            .update_conversation(ids[1], None, set(Some(later)), now)
            .await
            .unwrap();
        let listed = |follow_ups: FollowUpFilter, at: OffsetDateTime| {
            let store = store.clone();
            async move {
                let mut ids: Vec<_> = store
                    .list_conversations(&InboxFilter {
                        limit: 50,
                        follow_ups,
                        now: Some(at),
                        ..Default::default()
                    })
                    .await
                    .unwrap()
                    .iter()
                    .map(|c| c.id)
                    .collect();
                ids.sort();
                ids
            }
        };
        let sorted = |mut v: Vec<ConversationId>| {
            v.sort();
            v
        };
        assert_eq!(listed(FollowUpFilter::NotPending, now).await, vec![ids[2]]);
        assert_eq!(
            listed(FollowUpFilter::Pending, now).await,
            sorted(vec![ids[0], ids[1]])
        );
        assert!(listed(FollowUpFilter::Due, now).await.is_empty());
        assert_eq!(listed(FollowUpFilter::All, now).await.len(), 3);

        // The client writes in the second one: it comes back at once, marked as due.
        let wrote = now + Duration::hours(2);
        let Guarded::Done(back) = store
            .add_message(
                ids[1],
                msg(MessageKind::Message, Author::Client, None, wrote, b"again"),
                Status::New,
                None,
            )
            .await
            .unwrap()
        else {
            panic!("client message refused")
        };
        assert_eq!(back.follow_up_at, Some(wrote));
        assert_eq!(
            listed(FollowUpFilter::Due, wrote).await,
            vec![ids[1]],
            "the client's message brings it back"
        );
        // The first one comes back when its time comes, and a note does not end it.
        assert_eq!(listed(FollowUpFilter::Due, later).await.len(), 2);
        assert_eq!(listed(FollowUpFilter::NotPending, later).await.len(), 3);
        store
            .add_message(
                ids[0],
                msg(
                    MessageKind::Note,
                    Author::Staff,
                    Some(worker.id),
                    later,
                    b"n",
                ),
                Status::New,
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .conversation(ids[0])
                .await
                .unwrap()
                .unwrap()
                .follow_up_at,
            Some(later)
        );
        // A staff reply after it came due ends the follow-up.
        store
            .add_message(
                ids[0],
                msg(
                    MessageKind::Message,
                    Author::Staff,
                    Some(worker.id),
                    later,
                    b"r",
                ),
                Status::WaitingForClient,
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .conversation(ids[0])
                .await
                .unwrap()
                .unwrap()
                .follow_up_at,
            None
        );
        // A staff reply before it is due leaves it put aside; clearing takes it back.
        store
            .update_conversation(ids[2], None, set(Some(later + Duration::days(1))), later)
            .await
            .unwrap();
        store
            .add_message(
                ids[2],
                msg(
                    MessageKind::Message,
                    Author::Staff,
                    Some(worker.id),
                    later,
                    b"r",
                ),
                Status::WaitingForClient,
                None,
            )
            .await
            .unwrap();
        assert_eq!(listed(FollowUpFilter::Pending, later).await, vec![ids[2]]);
        store
            .update_conversation(ids[2], None, set(None), later)
            .await
            .unwrap();
        assert!(listed(FollowUpFilter::Pending, later).await.is_empty());
        // A tag-filtered page applies the same rule.
        store.add_tag(ids[1], "hiv").await.unwrap();
        store
            .update_conversation(ids[1], None, set(Some(later + Duration::days(2))), later)
            .await
            .unwrap();
        let tagged = store
            .list_conversations(&InboxFilter {
                limit: 50,
                tag: Some("hiv".into()),
                follow_ups: FollowUpFilter::NotPending,
                now: Some(later),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(tagged.is_empty());
    })
    .await;
}
