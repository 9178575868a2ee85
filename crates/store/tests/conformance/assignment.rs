//! Auto-assignment: round-robin among those eligible, within caseload caps, also under
//! concurrent starts.

use super::*;

async fn unassigned(store: &SqlStore, n: usize) -> Vec<ConversationId> {
    let mut ids = Vec::new();
    for i in 0..n {
        let c = store
            .create_conversation(
                new_conversation(
                    &format!("a-{i}-{}", uuid::Uuid::new_v4()),
                    Topic::Other,
                    t0(),
                ),
                Vec::new(),
            )
            .await
            .unwrap();
        ids.push(c.id);
    }
    ids
}

async fn caseloads(store: &SqlStore, users: &[UserId]) -> Vec<u64> {
    let mut out = Vec::new();
    for u in users {
        out.push(store.open_caseload(*u).await.unwrap());
    }
    out
}

#[tokio::test]
async fn auto_assignment_goes_round_robin_and_respects_the_cap() {
    on_each_backend(|store| async move {
        let mut users = Vec::new();
        for name in ["anna", "boris", "vera"] {
            users.push(
                store
                    .create_user(new_user(name, Role::Worker))
                    .await
                    .unwrap()
                    .id,
            );
        }
        let ids = unassigned(&store, 7).await;
        let mut given = Vec::new();
        for id in &ids[..6] {
            given.push(store.assign_next(*id, &users, 0).await.unwrap().unwrap());
        }
        // Each in turn, the round going on where it stopped.
        assert_eq!(given[..3], given[3..6]);
        let mut distinct = given[..3].to_vec();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 3, "{given:?}");
        assert_eq!(caseloads(&store, &users).await, [2, 2, 2]);
        // Already assigned: nothing changes.
        assert_eq!(store.assign_next(ids[0], &users, 0).await.unwrap(), None);
        // A cap of 2 leaves nobody free; a member leaving the round is skipped.
        assert_eq!(store.assign_next(ids[6], &users, 2).await.unwrap(), None);
        assert_eq!(
            store
                .conversation(ids[6])
                .await
                .unwrap()
                .unwrap()
                .assigned_to,
            None
        );
        assert_eq!(store.assign_next(ids[6], &[], 0).await.unwrap(), None);
        let next = store.assign_next(ids[6], &users[..1], 3).await.unwrap();
        assert_eq!(next, Some(users[0]));
        assert_eq!(
            store.conversation(ids[6]).await.unwrap().unwrap().version,
            2
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_starts_share_out_fairly_and_never_pass_a_cap() {
    on_each_backend(|store| async move {
        let mut users = Vec::new();
        for name in ["anna", "boris", "vera"] {
            users.push(
                store
                    .create_user(new_user(name, Role::Worker))
                    .await
                    .unwrap()
                    .id,
            );
        }
        let users = std::sync::Arc::new(users);
        // 12 at once, no cap: 4 each.
        let ids = unassigned(&store, 12).await;
        let handles: Vec<_> = ids
            .iter()
            .map(|id| {
                let (store, users, id) = (store.clone(), users.clone(), *id);
                tokio::spawn(async move { store.assign_next(id, &users, 0).await.unwrap() })
            })
            .collect();
        for h in handles {
            assert!(h.await.unwrap().is_some());
        }
        assert_eq!(caseloads(&store, &users).await, [4, 4, 4]);
        // 12 more at once under a cap of 6: 2 more each, and 6 left unassigned.
        let ids = unassigned(&store, 12).await;
        let handles: Vec<_> = ids
            .iter()
            .map(|id| {
                let (store, users, id) = (store.clone(), users.clone(), *id);
                tokio::spawn(async move { store.assign_next(id, &users, 6).await.unwrap() })
            })
            .collect();
        let mut assigned = 0;
        for h in handles {
            assigned += usize::from(h.await.unwrap().is_some());
        }
        assert_eq!(assigned, 6);
        assert_eq!(caseloads(&store, &users).await, [6, 6, 6]);
    })
    .await;
}
