//! Forum watch: sources with their leases and fetch status, the watch queue, lexicon edits.

use super::{on_each_backend, t0};
use netreach_core::watch::{MatchStatus, SourceKind};
use netreach_core::{WatchMatchId, WatchSourceId};
use netreach_store::{
    WatchFetchOutcome, WatchMatchFilter, WatchMatchRecord, WatchSourceRecord, WatchStore,
    WatchTermRecord,
};
use time::Duration;

fn source(name: &str) -> WatchSourceRecord {
    WatchSourceRecord {
        id: WatchSourceId::new_random(),
        name: name.into(),
        kind: SourceKind::Feed,
        url: format!("http://127.0.0.1/{name}.xml"),
        selectors: String::new(),
        venue_id: None,
        interval_seconds: 600,
        enabled: true,
        has_cookie: false,
        etag: None,
        last_modified: None,
        next_fetch_at: t0(),
        lease_until: None,
        failures: 0,
        last_fetch_at: None,
        last_success_at: None,
        last_error_at: None,
        last_error: String::new(),
        created_at: t0(),
        updated_at: t0(),
    }
}

fn found(source: WatchSourceId, key: &str, minutes: i64) -> WatchMatchRecord {
    WatchMatchRecord {
        id: WatchMatchId::new_random(),
        source_id: source,
        entry_key: key.into(),
        url: format!("http://127.0.0.1/t/{key}"),
        sealed: vec![1, 2, 3],
        signals: vec!["overdose".into(), "substance:fentanyl".into()],
        status: MatchStatus::Open,
        claimed_by: None,
        dismiss_reason: String::new(),
        posted_at: None,
        found_at: t0() + Duration::minutes(minutes),
        updated_at: t0(),
    }
}

#[tokio::test]
async fn a_due_source_is_leased_to_one_fetcher_and_its_status_recorded() {
    on_each_backend(|store| async move {
        let board = source("board");
        store.create_watch_source(board.clone()).await.unwrap();
        let lease = t0() + Duration::minutes(2);
        assert!(
            store
                .claim_due_watch_sources(t0() - Duration::seconds(1), lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "not due yet"
        );
        let claimed = store
            .claim_due_watch_sources(t0(), lease, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].lease_until, Some(lease));
        assert!(
            store
                .claim_due_watch_sources(t0(), lease, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .claim_watch_source(board.id, t0(), lease)
                .await
                .unwrap()
                .is_none(),
            "fetch-now waits for the lease too"
        );
        store
            .finish_watch_fetch(
                board.id,
                WatchFetchOutcome::Failed {
                    error: "the forum answered 503".into(),
                    next_fetch_at: t0() + Duration::minutes(20),
                },
                t0(),
            )
            .await
            .unwrap();
        let failed = store.watch_source(board.id).await.unwrap().unwrap();
        assert_eq!(failed.failures, 1);
        assert_eq!(failed.last_error, "the forum answered 503");
        assert_eq!(failed.lease_until, None);
        assert_eq!(failed.last_error_at, Some(t0()));
        // A fetch now claims it although it is not due.
        let again = store
            .claim_watch_source(board.id, t0(), lease)
            .await
            .unwrap();
        assert!(again.is_some());
        store
            .finish_watch_fetch(
                board.id,
                WatchFetchOutcome::Success {
                    etag: Some("\"v1\"".into()),
                    last_modified: None,
                    next_fetch_at: t0() + Duration::minutes(10),
                },
                t0() + Duration::minutes(1),
            )
            .await
            .unwrap();
        let ok = store.watch_source(board.id).await.unwrap().unwrap();
        assert_eq!(ok.failures, 0);
        assert_eq!(ok.etag.as_deref(), Some("\"v1\""));
        assert_eq!(ok.last_success_at, Some(t0() + Duration::minutes(1)));
        // A new URL forgets the validators and is due at once.
        let mut moved = ok.clone();
        moved.url = "http://127.0.0.1/other.xml".into();
        moved.updated_at = t0() + Duration::minutes(2);
        assert!(store.update_watch_source(&moved).await.unwrap());
        let moved = store.watch_source(board.id).await.unwrap().unwrap();
        assert_eq!(moved.etag, None);
        assert_eq!(moved.next_fetch_at, t0() + Duration::minutes(2));
        // Cookies are stored apart and only said to exist.
        assert!(
            store
                .set_watch_source_cookie(board.id, Some(vec![9; 40]))
                .await
                .unwrap()
        );
        assert!(
            store
                .watch_source(board.id)
                .await
                .unwrap()
                .unwrap()
                .has_cookie
        );
        assert_eq!(
            store.watch_source_cookie(board.id).await.unwrap(),
            Some(vec![9; 40])
        );
        // Paste sources are never fetched.
        let mut paste = source("pasted");
        paste.kind = SourceKind::Paste;
        store.create_watch_source(paste).await.unwrap();
        let due = store
            .claim_due_watch_sources(t0() + Duration::hours(1), t0() + Duration::hours(2), 10)
            .await
            .unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].id, board.id);
    })
    .await;
}

#[tokio::test]
async fn a_post_is_queued_once_paged_moved_and_purged() {
    on_each_backend(|store| async move {
        let board = source("board");
        store.create_watch_source(board.clone()).await.unwrap();
        let first = found(board.id, "1", 0);
        assert!(store.insert_watch_match(&first).await.unwrap());
        assert!(
            !store
                .insert_watch_match(&found(board.id, "1", 5))
                .await
                .unwrap(),
            "the same entry is queued once"
        );
        for i in 2..=5 {
            store
                .insert_watch_match(&found(board.id, &i.to_string(), i))
                .await
                .unwrap();
        }
        let page = store
            .watch_matches(&WatchMatchFilter {
                statuses: vec![MatchStatus::Open, MatchStatus::Claimed],
                limit: 3,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            page.iter()
                .map(|m| m.entry_key.as_str())
                .collect::<Vec<_>>(),
            ["5", "4", "3"]
        );
        let last = page.last().unwrap();
        let rest = store
            .watch_matches(&WatchMatchFilter {
                before: Some((last.found_at, last.id)),
                limit: 3,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            rest.iter()
                .map(|m| m.entry_key.as_str())
                .collect::<Vec<_>>(),
            ["2", "1"]
        );
        assert_eq!(rest[1].signals, ["overdose", "substance:fentanyl"]);
        assert_eq!(rest[1].sealed, vec![1, 2, 3]);

        let user = super::new_user("worker", netreach_core::Role::Worker);
        let user_id = user.id;
        netreach_store::AccountStore::create_user(&store, user)
            .await
            .unwrap();
        assert!(
            store
                .set_watch_match_status(
                    first.id,
                    &[MatchStatus::Open],
                    MatchStatus::Claimed,
                    Some(user_id),
                    "",
                    t0()
                )
                .await
                .unwrap()
        );
        assert!(
            !store
                .set_watch_match_status(
                    first.id,
                    &[MatchStatus::Open],
                    MatchStatus::Claimed,
                    None,
                    "",
                    t0()
                )
                .await
                .unwrap(),
            "claimed once"
        );
        assert!(
            store
                .set_watch_match_status(
                    first.id,
                    &[MatchStatus::Open, MatchStatus::Claimed],
                    MatchStatus::Dismissed,
                    None,
                    "not about drugs",
                    t0()
                )
                .await
                .unwrap()
        );
        let dismissed = store.watch_match(first.id).await.unwrap().unwrap();
        assert_eq!(dismissed.status, MatchStatus::Dismissed);
        assert_eq!(dismissed.claimed_by, Some(user_id));
        assert_eq!(dismissed.dismiss_reason, "not about drugs");
        let pending = store
            .watch_matches(&WatchMatchFilter {
                statuses: vec![MatchStatus::Open, MatchStatus::Claimed],
                source_id: Some(board.id),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(pending.len(), 4);

        assert_eq!(
            store
                .purge_watch_matches(t0() + Duration::minutes(3))
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .watch_matches(&WatchMatchFilter {
                    limit: 50,
                    ..Default::default()
                })
                .await
                .unwrap()
                .len(),
            3
        );
        assert!(store.delete_watch_source(board.id).await.unwrap());
        assert!(
            store
                .watch_matches(&WatchMatchFilter {
                    limit: 50,
                    ..Default::default()
                })
                .await
                .unwrap()
                .is_empty(),
            "a source's matches go with it"
        );
    })
    .await;
}

#[tokio::test]
async fn lexicon_edits_are_kept_by_phrase_and_signal() {
    on_each_backend(|store| async move {
        let term = |phrase: &str, removed: bool| WatchTermRecord {
            phrase: phrase.into(),
            signal: "overdose".into(),
            removed,
            created_by: None,
            created_at: t0(),
        };
        store.put_watch_term(term("откачали", true)).await.unwrap();
        store
            .put_watch_term(term("gone under", false))
            .await
            .unwrap();
        store.put_watch_term(term("откачали", false)).await.unwrap();
        let terms = store.watch_terms().await.unwrap();
        assert_eq!(terms.len(), 2);
        assert!(terms.iter().all(|t| !t.removed));
        assert!(
            store
                .delete_watch_term("gone under", "overdose")
                .await
                .unwrap()
        );
        assert!(
            !store
                .delete_watch_term("gone under", "overdose")
                .await
                .unwrap()
        );
    })
    .await;
}
