//! Two-factor sign-in: TOTP secrets, recovery codes and pending console sign-ins.

use super::*;
use netreach_store::{PendingSignin, TwoFactorStore};

#[tokio::test]
async fn enrolment_restarts_until_confirmed_and_then_stays() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("tamara", Role::Worker))
            .await
            .unwrap();
        assert!(!user.totp_enabled);
        assert!(store.totp(user.id).await.unwrap().is_none());
        assert!(store.start_totp(user.id, vec![1; 40], t0()).await.unwrap());
        assert!(store.start_totp(user.id, vec![2; 40], t0()).await.unwrap());
        let waiting = store.totp(user.id).await.unwrap().unwrap();
        assert_eq!(waiting.secret, vec![2; 40]);
        assert_eq!(waiting.confirmed_at, None);
        // Not active while waiting: no code is taken and the account does not show it.
        assert!(!store.use_totp_step(user.id, 100).await.unwrap());
        assert!(
            !store
                .user_by_id(user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_enabled
        );

        let codes = ["h1".to_owned(), "h2".to_owned()];
        assert!(
            store
                .confirm_totp(user.id, 100, &codes, t0())
                .await
                .unwrap()
        );
        assert!(
            !store
                .confirm_totp(user.id, 101, &codes, t0())
                .await
                .unwrap()
        );
        let active = store.totp(user.id).await.unwrap().unwrap();
        assert_eq!(active.confirmed_at, Some(t0()));
        assert_eq!(active.last_step, Some(100));
        assert!(
            store
                .user_by_id(user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_enabled
        );
        // A confirmed secret is not replaced by a new enrolment.
        assert!(!store.start_totp(user.id, vec![3; 40], t0()).await.unwrap());
        assert_eq!(
            store.totp(user.id).await.unwrap().unwrap().secret,
            vec![2; 40]
        );
        assert_eq!(store.count_recovery_codes(user.id).await.unwrap(), 2);

        assert!(store.remove_totp(user.id).await.unwrap());
        assert!(!store.remove_totp(user.id).await.unwrap());
        assert!(store.totp(user.id).await.unwrap().is_none());
        assert_eq!(store.count_recovery_codes(user.id).await.unwrap(), 0);
        assert!(
            !store
                .user_by_id(user.id)
                .await
                .unwrap()
                .unwrap()
                .totp_enabled
        );
    })
    .await;
}

#[tokio::test]
async fn a_step_and_a_recovery_code_are_taken_once() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("ulyana", Role::Admin))
            .await
            .unwrap();
        store.start_totp(user.id, vec![1; 40], t0()).await.unwrap();
        let codes = ["aa".to_owned(), "bb".to_owned()];
        store
            .confirm_totp(user.id, 100, &codes, t0())
            .await
            .unwrap();
        // The confirming code's step is used up, and so is every earlier one.
        assert!(!store.use_totp_step(user.id, 100).await.unwrap());
        assert!(!store.use_totp_step(user.id, 99).await.unwrap());
        assert!(store.use_totp_step(user.id, 101).await.unwrap());
        assert!(!store.use_totp_step(user.id, 101).await.unwrap());
        assert!(store.use_totp_step(user.id, 103).await.unwrap());
        assert!(!store.use_totp_step(user.id, 102).await.unwrap());

        assert!(store.use_recovery_code(user.id, "aa").await.unwrap());
        assert!(!store.use_recovery_code(user.id, "aa").await.unwrap());
        assert_eq!(store.count_recovery_codes(user.id).await.unwrap(), 1);
        // Another account's codes are not this one's.
        let other = store
            .create_user(new_user("vlad", Role::Worker))
            .await
            .unwrap();
        assert!(!store.use_recovery_code(other.id, "bb").await.unwrap());
        assert!(store.use_recovery_code(user.id, "bb").await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn parallel_uses_of_one_step_let_exactly_one_through() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("yana", Role::Worker))
            .await
            .unwrap();
        store.start_totp(user.id, vec![1; 40], t0()).await.unwrap();
        store.confirm_totp(user.id, 100, &[], t0()).await.unwrap();
        let tries = (0..8).map(|_| {
            let store = store.clone();
            async move { store.use_totp_step(user.id, 101).await.unwrap() }
        });
        let taken = futures_join(tries).await;
        assert_eq!(taken.iter().filter(|t| **t).count(), 1, "{taken:?}");
    })
    .await;
}

async fn futures_join<F: std::future::Future<Output = bool> + Send + 'static>(
    tries: impl Iterator<Item = F>,
) -> Vec<bool> {
    let handles: Vec<_> = tries.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_pending_sign_in_becomes_one_session_once_and_expires() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("zoya", Role::Worker))
            .await
            .unwrap();
        let pending = PendingSignin {
            token_hash: "pending-1".into(),
            user_id: user.id,
            expires_at: t0() + Duration::minutes(5),
            wrapped_inbox_key: Some(vec![7; 16]),
        };
        store.create_pending_signin(pending.clone()).await.unwrap();
        assert_eq!(
            store.pending_signin("pending-1", t0()).await.unwrap(),
            Some(pending.clone())
        );
        // Not a session.
        assert!(store.session("pending-1", t0()).await.unwrap().is_none());
        let s = session("session-1", user.id, Duration::hours(1));
        assert!(
            store
                .promote_pending_signin("pending-1", t0(), s.clone())
                .await
                .unwrap()
        );
        assert!(store.session("session-1", t0()).await.unwrap().is_some());
        assert!(
            store
                .pending_signin("pending-1", t0())
                .await
                .unwrap()
                .is_none()
        );
        let again = session("session-2", user.id, Duration::hours(1));
        assert!(
            !store
                .promote_pending_signin("pending-1", t0(), again)
                .await
                .unwrap()
        );
        assert!(store.session("session-2", t0()).await.unwrap().is_none());

        // Expired: neither readable nor promotable, and purged.
        store
            .create_pending_signin(PendingSignin {
                token_hash: "pending-2".into(),
                ..pending
            })
            .await
            .unwrap();
        let later = t0() + Duration::minutes(6);
        assert!(
            store
                .pending_signin("pending-2", later)
                .await
                .unwrap()
                .is_none()
        );
        let s3 = session("session-3", user.id, Duration::hours(1));
        assert!(
            !store
                .promote_pending_signin("pending-2", later, s3)
                .await
                .unwrap()
        );
        store.purge_expired(later).await.unwrap();
        assert!(
            store
                .pending_signin("pending-2", t0())
                .await
                .unwrap()
                .is_none()
        );
    })
    .await;
}
