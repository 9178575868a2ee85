//! Web Push: one signing key for every node, subscriptions per member, replaced by endpoint.

use super::*;
use netreach_store::{PushStore, PushSubscriptionRecord};

fn subscription(user: UserId, endpoint_hash: &str, at: OffsetDateTime) -> PushSubscriptionRecord {
    PushSubscriptionRecord {
        id: uuid::Uuid::new_v4(),
        user_id: user,
        endpoint_hash: endpoint_hash.into(),
        sealed: vec![7; 48],
        service: "fcm.googleapis.com".into(),
        created_at: at,
    }
}

#[tokio::test]
async fn the_first_signing_key_stored_is_the_one_every_node_gets() {
    on_each_backend(|store| async move {
        assert_eq!(store.push_key().await.unwrap(), None);
        let first = store.ensure_push_key(vec![1; 40], t0()).await.unwrap();
        assert_eq!(first, vec![1; 40]);
        let second = store.ensure_push_key(vec![2; 40], t0()).await.unwrap();
        assert_eq!(
            second,
            vec![1; 40],
            "a second node's candidate is not stored"
        );
    })
    .await;
}

#[tokio::test]
async fn a_members_subscriptions_are_theirs_and_the_same_browser_replaces_its_row() {
    on_each_backend(|store| async move {
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let boris = store
            .create_user(new_user("boris", Role::Worker))
            .await
            .unwrap();
        let laptop = subscription(anna.id, "hash-laptop", t0());
        let phone = subscription(anna.id, "hash-phone", t0() + Duration::minutes(1));
        store.add_push_subscription(laptop.clone()).await.unwrap();
        store.add_push_subscription(phone.clone()).await.unwrap();
        assert_eq!(
            store.push_subscriptions(anna.id).await.unwrap(),
            vec![laptop.clone(), phone.clone()]
        );
        assert!(store.push_subscriptions(boris.id).await.unwrap().is_empty());

        // The laptop is now Boris's (he signed in on it and subscribed).
        let again = subscription(boris.id, "hash-laptop", t0() + Duration::minutes(2));
        store.add_push_subscription(again.clone()).await.unwrap();
        assert_eq!(
            store.push_subscriptions(anna.id).await.unwrap(),
            vec![phone.clone()]
        );
        assert_eq!(
            store.push_subscriptions(boris.id).await.unwrap(),
            vec![again.clone()]
        );

        assert!(
            !store
                .delete_push_subscription(anna.id, again.id)
                .await
                .unwrap(),
            "not hers to remove"
        );
        assert!(
            store
                .delete_push_subscription(anna.id, phone.id)
                .await
                .unwrap()
        );
        assert!(store.push_subscriptions(anna.id).await.unwrap().is_empty());
        assert_eq!(store.delete_all_push_subscriptions().await.unwrap(), 1);
        assert!(store.push_subscriptions(boris.id).await.unwrap().is_empty());
    })
    .await;
}
