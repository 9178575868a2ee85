//! Staff accounts, sessions, API tokens and setup links.

use super::*;

#[tokio::test]
async fn users_round_trip_and_usernames_are_unique() {
    on_each_backend(|store| async move {
        let created = store
            .create_user(new_user("anna", Role::Supervisor))
            .await
            .unwrap();
        assert_eq!(created.username.as_str(), "anna");
        assert_eq!(created.role, Role::Supervisor);
        assert_eq!(created.created_at, t0());
        assert!(created.is_active());
        assert_eq!(
            store.user_by_id(created.id).await.unwrap(),
            Some(created.clone())
        );
        let by_name = store
            .user_by_username(&Username::parse("ANNA").unwrap())
            .await
            .unwrap();
        assert_eq!(by_name, Some(created));
        let dup = store.create_user(new_user("anna", Role::Worker)).await;
        assert!(matches!(dup, Err(StoreError::UsernameTaken)), "{dup:?}");
        store
            .create_user(new_user("boris", Role::Worker))
            .await
            .unwrap();
        let names: Vec<_> = store
            .list_users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username.to_string())
            .collect();
        assert_eq!(names, ["anna", "boris"]);
        assert_eq!(store.count_users().await.unwrap(), 2);
        assert!(
            store
                .user_by_id(UserId::new_random())
                .await
                .unwrap()
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn roles_and_passwords_change_and_password_change_ends_sessions() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        assert!(store.set_user_role(user.id, Role::Admin).await.unwrap());
        assert!(
            !store
                .set_user_role(UserId::new_random(), Role::Admin)
                .await
                .unwrap()
        );
        store
            .create_session(session("s1", user.id, Duration::hours(1)))
            .await
            .unwrap();
        let later = t0() + Duration::minutes(5);
        assert!(
            store
                .set_password_hash(user.id, "new-hash", later)
                .await
                .unwrap()
        );
        let user = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(user.role, Role::Admin);
        assert_eq!(user.password_hash, "new-hash");
        assert_eq!(user.password_changed_at, later);
        assert!(store.session("s1", t0()).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_login_attempt_is_charged_once_and_not_while_locked() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("gleb", Role::Worker))
            .await
            .unwrap();
        assert!(
            store
                .charge_login_attempt(user.id, 0, None, t0())
                .await
                .unwrap()
        );
        // A second attempt that read the same count loses the race and must read again.
        assert!(
            !store
                .charge_login_attempt(user.id, 0, None, t0())
                .await
                .unwrap()
        );
        let lock = t0() + Duration::minutes(1);
        assert!(
            store
                .charge_login_attempt(user.id, 1, Some(lock), t0())
                .await
                .unwrap()
        );
        let locked = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!((locked.failed_logins, locked.locked_until), (2, Some(lock)));
        // While locked nothing is charged; once the lock has passed, the next attempt is.
        assert!(
            !store
                .charge_login_attempt(user.id, 2, None, t0())
                .await
                .unwrap()
        );
        assert!(
            store
                .charge_login_attempt(user.id, 2, None, lock)
                .await
                .unwrap()
        );
        store.clear_login_failures(user.id).await.unwrap();
        let cleared = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!((cleared.failed_logins, cleared.locked_until), (0, None));
        assert!(
            !store
                .charge_login_attempt(UserId::new_random(), 0, None, t0())
                .await
                .unwrap()
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_can_be_ended_one_or_all() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("dina", Role::Worker))
            .await
            .unwrap();
        store
            .create_session(session("a", user.id, Duration::hours(1)))
            .await
            .unwrap();
        store
            .create_session(session("b", user.id, Duration::hours(2)))
            .await
            .unwrap();
        let (found, owner) = store.session("a", t0()).await.unwrap().unwrap();
        assert_eq!(found.expires_at, t0() + Duration::hours(1));
        assert_eq!(owner.id, user.id);
        assert!(
            store
                .session("a", t0() + Duration::hours(1))
                .await
                .unwrap()
                .is_none(),
            "expired session still live"
        );
        store
            .touch_session("a", t0() + Duration::minutes(30), t0() + Duration::hours(3))
            .await
            .unwrap();
        assert!(
            store
                .session("a", t0() + Duration::hours(2))
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(store.count_user_sessions(user.id, t0()).await.unwrap(), 2);
        store.delete_session("a").await.unwrap();
        assert!(store.session("a", t0()).await.unwrap().is_none());
        store
            .create_session(session("c", user.id, Duration::hours(1)))
            .await
            .unwrap();
        assert_eq!(store.delete_user_sessions(user.id).await.unwrap(), 2);
        assert_eq!(store.count_user_sessions(user.id, t0()).await.unwrap(), 0);
        assert!(store.session("zzz", t0()).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions_and_tokens() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("egor", Role::Worker))
            .await
            .unwrap();
        store
            .create_session(session("s", user.id, Duration::hours(1)))
            .await
            .unwrap();
        store
            .create_api_token(token(user.id, "t", None))
            .await
            .unwrap();
        assert!(store.set_user_disabled(user.id, Some(t0())).await.unwrap());
        assert!(store.session("s", t0()).await.unwrap().is_none());
        assert!(store.use_api_token("t", t0()).await.unwrap().is_none());
        assert!(store.list_api_tokens(user.id).await.unwrap().is_empty());
        let disabled = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(disabled.disabled_at, Some(t0()));
        // A session created while disabled (it cannot be, but defend anyway) is not honoured.
        store
            .create_session(session("s2", user.id, Duration::hours(1)))
            .await
            .unwrap();
        assert!(store.session("s2", t0()).await.unwrap().is_none());
        assert!(store.set_user_disabled(user.id, None).await.unwrap());
        assert!(store.session("s2", t0()).await.unwrap().is_some());
        assert!(
            !store
                .set_user_disabled(UserId::new_random(), Some(t0()))
                .await
                .unwrap()
        );
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_listed_used_and_revoked_only_by_their_owner() {
    on_each_backend(|store| async move {
        let alice = store
            .create_user(new_user("alice", Role::Worker))
            .await
            .unwrap();
        let bob = store
            .create_user(new_user("bob", Role::Worker))
            .await
            .unwrap();
        let a1 = token(alice.id, "a1", None);
        let a2 = token(alice.id, "a2", Some(t0() + Duration::days(1)));
        store.create_api_token(a1.clone()).await.unwrap();
        store.create_api_token(a2.clone()).await.unwrap();
        store
            .create_api_token(token(bob.id, "b1", None))
            .await
            .unwrap();
        assert_eq!(store.list_api_tokens(alice.id).await.unwrap().len(), 2);
        let (used, owner) = store
            .use_api_token("a1", t0() + Duration::hours(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((used.id, owner.id), (a1.id, alice.id));
        let listed = store.list_api_tokens(alice.id).await.unwrap();
        let a1_listed = listed.iter().find(|t| t.id == a1.id).unwrap();
        assert_eq!(a1_listed.last_used_at, Some(t0() + Duration::hours(1)));
        assert!(
            store
                .use_api_token("a2", t0() + Duration::days(2))
                .await
                .unwrap()
                .is_none(),
            "expired token used"
        );
        assert!(
            !store.revoke_api_token(bob.id, a1.id).await.unwrap(),
            "bob revoked alice's token"
        );
        assert!(store.revoke_api_token(alice.id, a1.id).await.unwrap());
        assert!(store.use_api_token("a1", t0()).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn setup_links_are_single_use_and_only_while_no_account_exists() {
    on_each_backend(|store| async move {
        store
            .put_setup_token("old", t0() + Duration::days(1))
            .await
            .unwrap();
        store
            .put_setup_token("new", t0() + Duration::days(1))
            .await
            .unwrap();
        assert!(
            !store.setup_token_valid("old", t0()).await.unwrap(),
            "replaced link still valid"
        );
        assert!(store.setup_token_valid("new", t0()).await.unwrap());
        assert!(
            !store
                .setup_token_valid("new", t0() + Duration::days(2))
                .await
                .unwrap()
        );
        assert!(
            store
                .complete_setup("wrong", t0(), new_user("root", Role::Admin))
                .await
                .unwrap()
                .is_none()
        );
        let admin = store
            .complete_setup("new", t0(), new_user("root", Role::Admin))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(admin.role, Role::Admin);
        assert!(
            store
                .complete_setup("new", t0(), new_user("root2", Role::Admin))
                .await
                .unwrap()
                .is_none()
        );
        store
            .put_setup_token("again", t0() + Duration::days(1))
            .await
            .unwrap();
        assert!(
            store
                .complete_setup("again", t0(), new_user("root3", Role::Admin))
                .await
                .unwrap()
                .is_none(),
            "setup link worked although an account exists"
        );
        assert_eq!(store.count_users().await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn purge_removes_only_what_expired() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("fedor", Role::Worker))
            .await
            .unwrap();
        store
            .create_session(session("old", user.id, Duration::minutes(1)))
            .await
            .unwrap();
        store
            .create_session(session("live", user.id, Duration::hours(1)))
            .await
            .unwrap();
        store
            .create_api_token(token(user.id, "old-t", Some(t0() + Duration::minutes(1))))
            .await
            .unwrap();
        store
            .create_api_token(token(user.id, "forever", None))
            .await
            .unwrap();
        store
            .put_setup_token("link", t0() + Duration::minutes(1))
            .await
            .unwrap();
        let purged = store
            .purge_expired(t0() + Duration::minutes(10))
            .await
            .unwrap();
        assert_eq!(purged, 3);
        assert!(store.session("live", t0()).await.unwrap().is_some());
        assert_eq!(store.list_api_tokens(user.id).await.unwrap().len(), 1);
    })
    .await;
}

// ------------------------------------------------------------------ conversations

#[tokio::test]
async fn own_sessions_are_listed_and_ended_one_by_one_and_the_panic_lock_ends_them_all() {
    on_each_backend(|store| async move {
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let boris = store
            .create_user(new_user("boris", Role::Admin))
            .await
            .unwrap();
        for (hash, user) in [("a1", anna.id), ("a2", anna.id), ("b1", boris.id)] {
            store
                .create_session(session(hash, user, Duration::hours(1)))
                .await
                .unwrap();
        }
        store
            .create_api_token(token(anna.id, "ta", None))
            .await
            .unwrap();
        store
            .create_api_token(token(boris.id, "tb", None))
            .await
            .unwrap();
        let mut own: Vec<String> = store
            .user_sessions(anna.id, t0())
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.token_hash)
            .collect();
        own.sort();
        assert_eq!(own, ["a1", "a2"]);
        assert!(
            !store.delete_user_session(anna.id, "b1").await.unwrap(),
            "only one's own"
        );
        assert!(store.delete_user_session(anna.id, "a1").await.unwrap());
        assert_eq!(store.user_sessions(anna.id, t0()).await.unwrap().len(), 1);
        assert_eq!(store.delete_user_tokens(anna.id).await.unwrap(), 1);
        assert_eq!(store.last_panic_lock().await.unwrap(), None);
        assert_eq!(store.panic_lock(t0()).await.unwrap(), (2, 1));
        assert_eq!(store.last_panic_lock().await.unwrap(), Some(t0()));
        assert!(
            store
                .user_sessions(boris.id, t0())
                .await
                .unwrap()
                .is_empty()
        );
        let later = t0() + Duration::hours(1);
        assert_eq!(store.panic_lock(later).await.unwrap(), (0, 0));
        assert_eq!(store.last_panic_lock().await.unwrap(), Some(later));
    })
    .await;
}

fn invite_of(
    id: u128,
    hash: &str,
    name: &str,
    by: UserId,
    expires_at: OffsetDateTime,
) -> netreach_store::InviteRecord {
    netreach_store::InviteRecord {
        id: uuid::Uuid::from_u128(id),
        token_hash: hash.into(),
        username: Username::parse(name).unwrap(),
        role: Role::Worker,
        invited_by: by,
        created_at: t0(),
        expires_at,
    }
}

#[tokio::test]
async fn an_invitation_makes_one_account_once_and_goes_when_used_withdrawn_expired_disabled_or_locked()
 {
    on_each_backend(|store| async move {
        let admin = store
            .create_user(new_user("boss", Role::Admin))
            .await
            .unwrap();
        let day = t0() + Duration::days(1);
        store
            .put_invite(&invite_of(1, "live", "nina", admin.id, day))
            .await
            .unwrap();
        assert!(matches!(
            store
                .put_invite(&invite_of(2, "other", "nina", admin.id, day))
                .await,
            Err(StoreError::UsernameTaken)
        ));
        store
            .put_invite(&invite_of(
                3,
                "old",
                "oleg",
                admin.id,
                t0() + Duration::minutes(1),
            ))
            .await
            .unwrap();
        let later = t0() + Duration::hours(1);
        let found = store.invite("live", later).await.unwrap().unwrap();
        assert_eq!(found.username.as_str(), "nina");
        assert_eq!(found.invited_by, admin.id);
        assert!(
            store.invite("old", later).await.unwrap().is_none(),
            "expired"
        );
        assert_eq!(store.list_invites(later).await.unwrap().len(), 1);
        assert!(
            store
                .accept_invite("old", later, new_user("oleg", Role::Worker))
                .await
                .unwrap()
                .is_none(),
            "an expired link makes no account"
        );
        let nina = store
            .accept_invite("live", later, new_user("nina", Role::Worker))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(nina.role, Role::Worker);
        assert!(
            store
                .accept_invite("live", later, new_user("nina2", Role::Worker))
                .await
                .unwrap()
                .is_none(),
            "a link works once"
        );
        // A username taken meanwhile: no account, the invitation stays for an admin to withdraw.
        store
            .put_invite(&invite_of(4, "taken", "boss", admin.id, day))
            .await
            .unwrap();
        assert!(matches!(
            store
                .accept_invite("taken", later, new_user("boss", Role::Worker))
                .await,
            Err(StoreError::UsernameTaken)
        ));
        assert!(store.invite("taken", later).await.unwrap().is_some());
        assert!(store.delete_invite(uuid::Uuid::from_u128(4)).await.unwrap());
        assert!(!store.delete_invite(uuid::Uuid::from_u128(4)).await.unwrap());
        let other = store
            .create_user(new_user("second", Role::Admin))
            .await
            .unwrap();
        store
            .put_invite(&invite_of(6, "by-other", "rita", other.id, day))
            .await
            .unwrap();
        store
            .set_user_disabled(other.id, Some(later))
            .await
            .unwrap();
        assert!(
            store.invite("by-other", later).await.unwrap().is_none(),
            "withdrawn with the admin who made it"
        );
        store
            .put_invite(&invite_of(5, "locked", "pavel", admin.id, day))
            .await
            .unwrap();
        store.panic_lock(later).await.unwrap();
        assert!(
            store.list_invites(later).await.unwrap().is_empty(),
            "panic lock"
        );
        store.purge_expired(later).await.unwrap();
        let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM staff_invites")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(left, 0, "the expired one is purged");
    })
    .await;
}
