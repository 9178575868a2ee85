//! Install keys, conversations and their messages, the inbox query, deletion and retention.

use super::*;

#[tokio::test]
async fn install_keys_and_inbox_grants() {
    on_each_backend(|store| async move {
        let first = store.ensure_install(vec![9; 16]).await.unwrap();
        assert_eq!(first.codename_salt, vec![9; 16]);
        assert_eq!(first.inbox_public_key, None);
        let again = store.ensure_install(vec![8; 16]).await.unwrap();
        assert_eq!(
            again.codename_salt,
            vec![9; 16],
            "the salt must never change"
        );
        assert!(
            store
                .set_inbox_key(vec![1; 32], vec![2; 72], t0())
                .await
                .unwrap()
        );
        assert!(
            !store
                .set_inbox_key(vec![3; 32], vec![4; 72], t0())
                .await
                .unwrap(),
            "inbox key replaced"
        );
        let install = store.ensure_install(vec![0; 16]).await.unwrap();
        assert_eq!(install.inbox_public_key, Some(vec![1; 32]));
        assert_eq!(install.inbox_recovery_wrapped, Some(vec![2; 72]));

        let user = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        assert_eq!(user.keys, None);
        let keys = StaffKeys {
            public_key: vec![5; 32],
            wrapped_secret_key: vec![6; 72],
            key_salt: vec![7; 16],
        };
        store.set_user_keys(user.id, keys.clone()).await.unwrap();
        assert_eq!(
            store.user_by_id(user.id).await.unwrap().unwrap().keys,
            Some(keys)
        );
        assert_eq!(store.inbox_grant(user.id).await.unwrap(), None);
        store.grant_inbox(user.id, vec![1], t0()).await.unwrap();
        store.grant_inbox(user.id, vec![2], t0()).await.unwrap();
        assert_eq!(store.inbox_grant(user.id).await.unwrap(), Some(vec![2]));
        store.set_user_disabled(user.id, Some(t0())).await.unwrap();
        assert_eq!(
            store.inbox_grant(user.id).await.unwrap(),
            None,
            "disabling keeps the grant"
        );
        store.grant_inbox(user.id, vec![3], t0()).await.unwrap();
        store.revoke_inbox_grant(user.id).await.unwrap();
        assert_eq!(store.inbox_grant(user.id).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn conversations_keep_messages_in_order_and_track_status_and_times() {
    on_each_backend(|store| async move {
        let worker = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        let new = new_conversation("lookup-1", Topic::Overdose, t0());
        let created = store
            .create_conversation(
                new.clone(),
                vec![
                    msg(MessageKind::Intake, Author::Client, None, t0(), b"intake"),
                    msg(MessageKind::Message, Author::Client, None, t0(), b"first"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(
            (created.status, created.urgent, created.message_count),
            (Status::New, true, 2)
        );
        assert_eq!(created.lang, Lang::Ru);
        assert_eq!(
            store
                .conversation_by_lookup("lookup-1")
                .await
                .unwrap()
                .unwrap()
                .id,
            new.id
        );
        assert!(
            store
                .conversation_by_lookup("lookup-2")
                .await
                .unwrap()
                .is_none()
        );

        let later = t0() + Duration::minutes(10);
        let reply = msg(
            MessageKind::Message,
            Author::Staff,
            Some(worker.id),
            later,
            b"reply",
        );
        let Guarded::Done(after_reply) = store
            .add_message(
                new.id,
                reply,
                Status::WaitingForClient,
                Some(created.version),
            )
            .await
            .unwrap()
        else {
            panic!("reply refused")
        };
        assert_eq!(after_reply.status, Status::WaitingForClient);
        assert_eq!(after_reply.first_response_at, Some(later));
        assert_eq!(after_reply.last_activity_at, later);
        assert_eq!(after_reply.version, created.version + 1);
        // A second worker who saw the old version is told someone else changed it.
        let stale = msg(
            MessageKind::Message,
            Author::Staff,
            Some(worker.id),
            later,
            b"stale",
        );
        assert_eq!(
            store
                .add_message(
                    new.id,
                    stale,
                    Status::WaitingForClient,
                    Some(created.version)
                )
                .await
                .unwrap(),
            Guarded::Conflict
        );
        let note = msg(
            MessageKind::Note,
            Author::Staff,
            Some(worker.id),
            later + Duration::minutes(1),
            b"note",
        );
        let Guarded::Done(after_note) = store
            .add_message(new.id, note, after_reply.status, None)
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(after_note.last_activity_at, later, "a note is not activity");
        let second = later + Duration::minutes(20);
        let again = msg(
            MessageKind::Message,
            Author::Staff,
            Some(worker.id),
            second,
            b"second reply",
        );
        let Guarded::Done(c) = store
            .add_message(new.id, again, Status::WaitingForClient, None)
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            c.first_response_at,
            Some(later),
            "first response time moved"
        );

        let staff_view: Vec<_> = store
            .messages(new.id, true)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.seq, m.kind, m.sealed.body))
            .collect();
        assert_eq!(
            staff_view,
            vec![
                (1, MessageKind::Intake, b"intake".to_vec()),
                (2, MessageKind::Message, b"first".to_vec()),
                (3, MessageKind::Message, b"reply".to_vec()),
                (4, MessageKind::Note, b"note".to_vec()),
                (5, MessageKind::Message, b"second reply".to_vec()),
            ]
        );
        let client_view: Vec<_> = store
            .messages(new.id, false)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.seq)
            .collect();
        assert_eq!(
            client_view,
            vec![1, 2, 3, 5],
            "the client view must leave out the note"
        );

        let update = ConversationUpdate {
            status: Some(Status::Solved),
            assigned_to: Some(Some(worker.id)),
            rating: Some(4),
            follow_up_at: None,
        };
        assert_eq!(
            store
                .update_conversation(new.id, Some(1), update.clone(), second)
                .await
                .unwrap(),
            Guarded::Conflict
        );
        let Guarded::Done(solved) = store
            .update_conversation(new.id, Some(c.version), update, second)
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (
                solved.status,
                solved.assigned_to,
                solved.rating,
                solved.closed_at
            ),
            (Status::Solved, Some(worker.id), Some(4), Some(second))
        );
        let reopen = ConversationUpdate {
            status: Some(Status::Open),
            ..Default::default()
        };
        let Guarded::Done(reopened) = store
            .update_conversation(new.id, None, reopen, second)
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(reopened.closed_at, None);
        assert_eq!(
            store
                .update_conversation(
                    ConversationId::new_random(),
                    None,
                    ConversationUpdate::default(),
                    t0()
                )
                .await
                .unwrap(),
            Guarded::Missing
        );
    })
    .await;
}

#[tokio::test]
async fn the_inbox_filters_counts_and_pages_urgent_first_then_newest() {
    on_each_backend(|store| async move {
        let worker = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for i in 0..7 {
            let topic = if i == 2 {
                Topic::Overdose
            } else {
                Topic::Substances
            };
            let c = store
                .create_conversation(
                    new_conversation(&format!("l{i}"), topic, t0() + Duration::minutes(i)),
                    vec![],
                )
                .await
                .unwrap();
            ids.push(c.id);
        }
        let update = ConversationUpdate {
            assigned_to: Some(Some(worker.id)),
            ..Default::default()
        };
        store
            .update_conversation(ids[0], None, update, t0())
            .await
            .unwrap();
        let all = store
            .list_conversations(&InboxFilter {
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        let order: Vec<_> = all.iter().map(|c| c.id).collect();
        assert_eq!(
            order,
            vec![ids[2], ids[6], ids[5], ids[4], ids[3], ids[1], ids[0]]
        );

        let mut paged = Vec::new();
        let mut after: Option<InboxCursor> = None;
        loop {
            let page = store
                .list_conversations(&InboxFilter {
                    limit: 3,
                    after: after.clone(),
                    ..Default::default()
                })
                .await
                .unwrap();
            paged.extend(page.iter().map(|c| c.id));
            let Some(last) = page.last() else { break };
            if page.len() < 3 {
                break;
            }
            after = Some(InboxCursor {
                urgent: last.urgent,
                last_activity_at: last.last_activity_at.unix_timestamp(),
                id: last.id.to_string(),
            });
        }
        assert_eq!(
            paged, order,
            "keyset paging lost or repeated a conversation"
        );

        let mine = store
            .list_conversations(&InboxFilter {
                limit: 50,
                assigned: AssignedFilter::Mine(worker.id),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(mine.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ids[0]]);
        let unassigned = store
            .list_conversations(&InboxFilter {
                limit: 50,
                assigned: AssignedFilter::Unassigned,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(unassigned.len(), 6);
        let urgent = store
            .list_conversations(&InboxFilter {
                limit: 50,
                urgent_only: true,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(urgent.len(), 1);
        let topic = store
            .list_conversations(&InboxFilter {
                limit: 50,
                topic: Some(Topic::Overdose),
                lang: Some(Lang::Ru),
                channel: Some("web".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(topic.len(), 1);
        let english = store
            .list_conversations(&InboxFilter {
                limit: 50,
                lang: Some(Lang::En),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(english.is_empty());
        let counts = store.status_counts().await.unwrap();
        assert!(counts.contains(&(Status::New, 7)) && counts.contains(&(Status::Solved, 0)));
        assert_eq!(store.open_caseload(worker.id).await.unwrap(), 1);
        let solve = ConversationUpdate {
            status: Some(Status::Solved),
            ..Default::default()
        };
        store
            .update_conversation(ids[0], None, solve, t0())
            .await
            .unwrap();
        assert_eq!(store.open_caseload(worker.id).await.unwrap(), 0);
        let solved = store
            .list_conversations(&InboxFilter {
                limit: 50,
                status: Some(Status::Solved),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(solved.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn deleting_a_conversation_removes_every_message_and_session() {
    on_each_backend(|store| async move {
        let c = store
            .create_conversation(
                new_conversation("gone", Topic::Legal, t0()),
                vec![msg(
                    MessageKind::Message,
                    Author::Client,
                    None,
                    t0(),
                    b"bye",
                )],
            )
            .await
            .unwrap();
        store
            .create_client_session(ClientSessionRecord {
                token_hash: "cs".into(),
                conversation_id: c.id,
                wrapped_client_key: vec![1; 72],
                expires_at: t0() + Duration::hours(2),
            })
            .await
            .unwrap();
        assert_eq!(
            store
                .client_session("cs", t0())
                .await
                .unwrap()
                .unwrap()
                .conversation_id,
            c.id
        );
        assert!(
            store
                .client_session("cs", t0() + Duration::hours(2))
                .await
                .unwrap()
                .is_none(),
            "expired client session"
        );
        assert!(store.delete_conversation(c.id).await.unwrap());
        assert!(!store.delete_conversation(c.id).await.unwrap());
        assert!(store.messages(c.id, true).await.unwrap().is_empty());
        assert!(store.client_session("cs", t0()).await.unwrap().is_none());
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM messages")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 0, "messages left behind");
    })
    .await;
}

#[tokio::test]
async fn retention_deletes_solved_after_30_days_and_idle_after_90() {
    on_each_backend(|store| async move {
        let policy = RetentionPolicy::default();
        let solved = store
            .create_conversation(new_conversation("s", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let close = ConversationUpdate {
            status: Some(Status::Solved),
            ..Default::default()
        };
        store
            .update_conversation(solved.id, None, close, t0())
            .await
            .unwrap();
        let idle = store
            .create_conversation(new_conversation("i", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let fresh = store
            .create_conversation(
                new_conversation("f", Topic::Other, t0() + Duration::days(60)),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .purge_conversations(t0() + Duration::days(29), policy, 100)
                .await
                .unwrap(),
            []
        );
        assert_eq!(
            store
                .purge_conversations(t0() + Duration::days(31), policy, 100)
                .await
                .unwrap(),
            [solved.id],
            "the ids of what went are returned"
        );
        assert!(store.conversation(solved.id).await.unwrap().is_none());
        assert!(store.conversation(idle.id).await.unwrap().is_some());
        assert_eq!(
            store
                .purge_conversations(t0() + Duration::days(91), policy, 100)
                .await
                .unwrap(),
            [idle.id]
        );
        assert!(store.conversation(idle.id).await.unwrap().is_none());
        assert!(store.conversation(fresh.id).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn oldest_first_puts_the_longest_waiting_at_the_top_and_pages_in_that_order() {
    on_each_backend(|store| async move {
        let mut ids = Vec::new();
        for i in 0..5 {
            let topic = if i == 3 {
                Topic::Overdose
            } else {
                Topic::Substances
            };
            let c = store
                .create_conversation(
                    new_conversation(&format!("o{i}"), topic, t0() + Duration::minutes(i)),
                    vec![],
                )
                .await
                .unwrap();
            ids.push(c.id);
        }
        for tagged in [None, Some("t")] {
            if tagged.is_some() {
                for id in &ids {
                    store.add_tag(*id, "t").await.unwrap();
                }
            }
            let mut paged = Vec::new();
            let mut after: Option<InboxCursor> = None;
            loop {
                let page = store
                    .list_conversations(&InboxFilter {
                        limit: 2,
                        after: after.clone(),
                        oldest_first: true,
                        tag: tagged.map(str::to_owned),
                        ..Default::default()
                    })
                    .await
                    .unwrap();
                paged.extend(page.iter().map(|c| c.id));
                let Some(last) = page.last() else { break };
                if page.len() < 2 {
                    break;
                }
                after = Some(InboxCursor {
                    urgent: last.urgent,
                    last_activity_at: last.last_activity_at.unix_timestamp(),
                    id: last.id.to_string(),
                });
            }
            assert_eq!(
                paged,
                vec![ids[3], ids[0], ids[1], ids[2], ids[4]],
                "urgent first, then the oldest activity (tag: {tagged:?})"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn first_responses_are_kept_once_and_outlive_their_conversation() {
    on_each_backend(|store| async move {
        let worker = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        let c = store
            .create_conversation(
                new_conversation("r-1", Topic::Other, t0()),
                vec![msg(MessageKind::Message, Author::Client, None, t0(), b"q")],
            )
            .await
            .unwrap();
        let record = FirstResponseRecord {
            conversation_id: c.id,
            responder: Some(worker.id),
            answered_at: t0() + Duration::minutes(30),
            working_seconds: 1_800,
            target_seconds: 7_200,
        };
        assert!(store.record_first_response(&record).await.unwrap());
        assert!(
            !store
                .record_first_response(&FirstResponseRecord {
                    working_seconds: 1,
                    ..record.clone()
                })
                .await
                .unwrap(),
            "kept twice"
        );
        assert!(store.delete_conversation(c.id).await.unwrap());
        assert_eq!(
            store.first_responses(t0()).await.unwrap(),
            vec![record.clone()],
            "the report outlives the conversation"
        );
        assert!(
            store
                .first_responses(t0() + Duration::hours(1))
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn the_newest_client_message_of_each_conversation_is_read_for_the_preview() {
    on_each_backend(|store| async move {
        let worker = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        let a = store
            .create_conversation(
                new_conversation("p-1", Topic::Other, t0()),
                vec![
                    msg(MessageKind::Intake, Author::Client, None, t0(), b"intake"),
                    msg(MessageKind::Message, Author::Client, None, t0(), b"first"),
                ],
            )
            .await
            .unwrap();
        let later = t0() + Duration::minutes(1);
        for (kind, author, staff, body) in [
            (
                MessageKind::Message,
                Author::Client,
                None,
                b"second".as_slice(),
            ),
            (
                MessageKind::Message,
                Author::Staff,
                Some(worker.id),
                b"answer",
            ),
            (MessageKind::Note, Author::Staff, Some(worker.id), b"note"),
        ] {
            store
                .add_message(
                    a.id,
                    msg(kind, author, staff, later, body),
                    Status::Open,
                    None,
                )
                .await
                .unwrap();
        }
        let b = store
            .create_conversation(new_conversation("p-2", Topic::Other, t0()), Vec::new())
            .await
            .unwrap();
        let found = store.last_client_messages(&[a.id, b.id]).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, a.id);
        assert_eq!(found[0].1.sealed.body, b"second");
        assert!(store.last_client_messages(&[]).await.unwrap().is_empty());
    })
    .await;
}
