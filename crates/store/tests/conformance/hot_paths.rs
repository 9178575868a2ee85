//! What migration 0011 keeps proportional to the page: the counts the inbox shows are kept by
//! triggers and must always equal a full count, whatever changed the conversations; a
//! tag-filtered inbox, read off the tag rows' copy of the sort keys, keeps the inbox's order; the
//! retention purge works in bounded batches until nothing is due.

use super::{msg, new_conversation, on_each_backend, t0};
use netreach_core::{Author, RetentionPolicy, Status, Topic};
use netreach_store::{
    ConversationStore, ConversationUpdate, InboxCursor, InboxFilter, MessageKind, SqlStore,
};
use sqlx::Row;
use time::Duration;

/// The per-status and per-tag counts as a full scan gives them, for comparison.
async fn recount(store: &SqlStore) -> (Vec<(Status, u64)>, Vec<(String, u64)>) {
    let mut statuses: Vec<(Status, u64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for row in sqlx::query("SELECT status, COUNT(*) AS n FROM conversations GROUP BY status")
        .fetch_all(store.pool())
        .await
        .unwrap()
    {
        let status: Status = row.get::<String, _>("status").parse().unwrap();
        let n: i64 = row.get("n");
        statuses.iter_mut().find(|(s, _)| *s == status).unwrap().1 = n as u64;
    }
    let tags =
        sqlx::query("SELECT tag, COUNT(*) AS n FROM conversation_tags GROUP BY tag ORDER BY tag")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get::<String, _>("tag"), r.get::<i64, _>("n") as u64))
            .collect();
    (statuses, tags)
}

async fn assert_counts_match(store: &SqlStore, step: &str) {
    let (statuses, tags) = recount(store).await;
    let mut kept = store.status_counts().await.unwrap();
    kept.sort_by_key(|(s, _)| Status::ALL.iter().position(|x| x == s));
    assert_eq!(kept, statuses, "status counts after {step}");
    assert_eq!(
        store.all_tags().await.unwrap(),
        tags,
        "tag counts after {step}"
    );
}

#[tokio::test]
async fn kept_counts_equal_a_full_count_after_every_kind_of_change() {
    on_each_backend(|store| async move {
        assert_counts_match(&store, "migrating").await;
        let mut ids = Vec::new();
        for (i, topic) in [Topic::Other, Topic::Overdose, Topic::Legal, Topic::Other]
            .into_iter()
            .enumerate()
        {
            let c = store
                .create_conversation(new_conversation(&format!("k{i}"), topic, t0()), vec![])
                .await
                .unwrap();
            ids.push(c.id);
        }
        assert_counts_match(&store, "starting four").await;
        let reply = msg(MessageKind::Message, Author::Staff, None, t0(), b"hi");
        store
            .add_message(ids[0], reply, Status::WaitingForClient, None)
            .await
            .unwrap();
        let note = msg(MessageKind::Note, Author::Staff, None, t0(), b"note");
        store
            .add_message(ids[1], note, Status::Open, None)
            .await
            .unwrap();
        assert_counts_match(&store, "a reply and a note").await;
        for (id, status) in [(ids[1], Status::Solved), (ids[2], Status::Archived)] {
            let update = ConversationUpdate {
                status: Some(status),
                ..Default::default()
            };
            store
                .update_conversation(id, None, update, t0())
                .await
                .unwrap();
        }
        let same = ConversationUpdate {
            status: Some(Status::Solved),
            ..Default::default()
        };
        store
            .update_conversation(ids[1], None, same, t0())
            .await
            .unwrap();
        assert_counts_match(&store, "status changes").await;
        for (id, tag) in [(ids[0], "naloxone"), (ids[1], "naloxone"), (ids[1], "врач")] {
            store.add_tag(id, tag).await.unwrap();
        }
        store.add_tag(ids[0], "naloxone").await.unwrap();
        assert_counts_match(&store, "tagging (once twice)").await;
        store.remove_tag(ids[0], "naloxone").await.unwrap();
        store.remove_tag(ids[0], "not-there").await.unwrap();
        assert_counts_match(&store, "untagging").await;
        store.delete_conversation(ids[3]).await.unwrap();
        assert_counts_match(&store, "a client's deletion").await;
        let purged = store
            .purge_conversations(t0() + Duration::days(365), RetentionPolicy::default(), 100)
            .await
            .unwrap();
        assert_eq!(purged.len(), 3);
        assert_counts_match(&store, "the retention purge").await;
        assert!(
            store.all_tags().await.unwrap().is_empty(),
            "unused tags are dropped"
        );
    })
    .await;
}

#[tokio::test]
async fn the_purge_deletes_in_batches_until_nothing_is_due() {
    on_each_backend(|store| async move {
        let policy = RetentionPolicy::default();
        for i in 0..5 {
            store
                .create_conversation(
                    new_conversation(&format!("idle{i}"), Topic::Other, t0()),
                    vec![],
                )
                .await
                .unwrap();
        }
        for i in 0..3 {
            let c = store
                .create_conversation(
                    new_conversation(&format!("done{i}"), Topic::Other, t0() + Duration::days(70)),
                    vec![],
                )
                .await
                .unwrap();
            let close = ConversationUpdate {
                status: Some(Status::Solved),
                ..Default::default()
            };
            store
                .update_conversation(c.id, None, close, t0() + Duration::days(70))
                .await
                .unwrap();
        }
        let now = t0() + Duration::days(101);
        let mut runs = Vec::new();
        loop {
            let n = store
                .purge_conversations(now, policy, 2)
                .await
                .unwrap()
                .len() as u64;
            runs.push(n);
            if n < 2 {
                break;
            }
        }
        assert_eq!(runs.iter().sum::<u64>(), 8, "{runs:?}");
        assert!(
            runs.iter().all(|n| *n <= 4),
            "{runs:?}: more than a batch of each kind"
        );
        assert!(
            store
                .status_counts()
                .await
                .unwrap()
                .iter()
                .all(|(_, n)| *n == 0)
        );
    })
    .await;
}

#[tokio::test]
async fn a_tag_filtered_inbox_keeps_the_inbox_order_as_activity_changes() {
    on_each_backend(|store| async move {
        let mut ids = Vec::new();
        for (i, topic) in [Topic::Other, Topic::Overdose, Topic::Legal, Topic::Other]
            .into_iter()
            .enumerate()
        {
            let at = t0() + Duration::minutes(i as i64);
            let c = store
                .create_conversation(new_conversation(&format!("o{i}"), topic, at), vec![])
                .await
                .unwrap();
            if i != 2 {
                store.add_tag(c.id, "naloxone").await.unwrap();
            }
            ids.push(c.id);
        }
        // The oldest one gets a new message, which moves it up the inbox.
        let later = t0() + Duration::hours(1);
        let reply = msg(MessageKind::Message, Author::Client, None, later, b"again");
        store
            .add_message(ids[0], reply, Status::Open, None)
            .await
            .unwrap();
        let page = |after: Option<InboxCursor>, limit: u32| InboxFilter {
            limit,
            tag: Some("naloxone".into()),
            after,
            ..Default::default()
        };
        let all: Vec<_> = store
            .list_conversations(&page(None, 10))
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        // Urgent (overdose) first, then newest activity first; the untagged one is not there.
        assert_eq!(all, vec![ids[1], ids[0], ids[3]]);
        let first = store.list_conversations(&page(None, 2)).await.unwrap();
        let last = first.last().unwrap();
        let cursor = InboxCursor {
            urgent: last.urgent,
            last_activity_at: netreach_core::clock::to_unix(last.last_activity_at),
            id: last.id.to_string(),
        };
        let rest = store
            .list_conversations(&page(Some(cursor), 2))
            .await
            .unwrap();
        assert_eq!(rest.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ids[3]]);
        let open = store
            .list_conversations(&InboxFilter {
                status: Some(Status::Open),
                ..page(None, 10)
            })
            .await
            .unwrap();
        assert_eq!(open.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ids[0]]);
    })
    .await;
}
