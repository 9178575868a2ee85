//! The store's conformance suite: every case runs on SQLite and, when
//! `NETREACH_TEST_POSTGRES_URL` is set (always in CI), on PostgreSQL, each on a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use netreach_core::clock::from_unix;
use netreach_core::{Role, TokenId, UserId, Username};
use netreach_store::{
    AccountStore, ApiTokenRecord, ConversationStore, NewStaffUser, SessionRecord, SqlStore, Store,
    StoreError,
};
use netreach_testdb::{TestBackend, TestDb};
use sqlx::Row;
use time::{Duration, OffsetDateTime};

#[path = "conformance/alerts.rs"]
mod alerts;
#[path = "conformance/editorial.rs"]
mod editorial;
#[path = "conformance/hot_paths.rs"]
mod hot_paths;
#[path = "conformance/notifications.rs"]
mod notifications;
#[path = "conformance/publishing.rs"]
mod publishing;
#[path = "conformance/qa.rs"]
mod qa;

fn t0() -> OffsetDateTime {
    from_unix(1_780_000_000)
}

fn new_user(name: &str, role: Role) -> NewStaffUser {
    NewStaffUser {
        id: UserId::new_random(),
        username: Username::parse(name).unwrap(),
        role,
        password_hash: format!("hash-of-{name}"),
        created_at: t0(),
        keys: None,
    }
}

fn session(hash: &str, user: UserId, expires_in: Duration) -> SessionRecord {
    SessionRecord {
        token_hash: hash.into(),
        user_id: user,
        created_at: t0(),
        last_seen_at: t0(),
        expires_at: t0() + expires_in,
        wrapped_inbox_key: Some(b"wrapped".to_vec()),
    }
}

fn token(user: UserId, hash: &str, expires_at: Option<OffsetDateTime>) -> ApiTokenRecord {
    ApiTokenRecord {
        id: TokenId::new_random(),
        user_id: user,
        name: format!("token {hash}"),
        token_hash: hash.into(),
        created_at: t0(),
        last_used_at: None,
        expires_at,
        wrapped_inbox_key: None,
    }
}

/// Runs one case on every configured backend, each on its own fresh database.
async fn on_each_backend<F, Fut>(case: F)
where
    F: Fn(SqlStore) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in TestBackend::all() {
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        eprintln!("-- on {backend:?}");
        case(store.clone()).await;
        store.close().await;
    }
}

#[tokio::test]
async fn migrations_apply_once_and_report_what_they_applied() {
    for backend in TestBackend::all() {
        let db = TestDb::new(backend).await;
        let store = SqlStore::connect(&db.url).await.unwrap();
        let first = store.migrate().await.unwrap();
        let names: Vec<_> = first.iter().map(|m| m.description.as_str()).collect();
        assert_eq!(
            names,
            [
                "foundation",
                "conversations",
                "team",
                "budgets",
                "inbox indexes",
                "content",
                "alerts",
                "publishing",
                "qa",
                "editorial",
                "hot paths",
                "qa stamp",
                "notifications"
            ],
            "{backend:?}"
        );
        assert!(
            store.migrate().await.unwrap().is_empty(),
            "{backend:?}: second run applied again"
        );
        store.ping().await.unwrap();
        store.close().await;
    }
}

#[tokio::test]
async fn sqlite_connections_are_durable_and_delete_securely() {
    let db = TestDb::new(TestBackend::Sqlite).await;
    let store = db.store().await;
    let mut conn = store.pool().acquire().await.unwrap();
    for (pragma, expected) in [
        ("journal_mode", "wal"),
        ("synchronous", "2"),
        ("foreign_keys", "1"),
        ("secure_delete", "1"),
    ] {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {pragma}")))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let value: String = row
            .try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|v| v.to_string()))
            .unwrap();
        assert_eq!(value, expected, "PRAGMA {pragma}");
    }
}

#[tokio::test]
async fn both_backends_have_the_same_tables_and_columns() {
    let backends = TestBackend::all();
    if backends.len() < 2 {
        eprintln!("PostgreSQL not configured: schema parity checked in CI");
        return;
    }
    let sqlite = TestDb::new(TestBackend::Sqlite).await;
    let postgres = TestDb::new(TestBackend::Postgres).await;
    let (s, p) = (sqlite.store().await, postgres.store().await);
    let sqlite_columns = sqlite.columns(&s).await;
    assert!(sqlite_columns.contains_key("users"));
    assert_eq!(sqlite_columns, postgres.columns(&p).await);
}

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
async fn failed_logins_count_up_lock_and_clear() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("gleb", Role::Worker))
            .await
            .unwrap();
        assert_eq!(store.record_failed_login(user.id).await.unwrap(), 1);
        assert_eq!(store.record_failed_login(user.id).await.unwrap(), 2);
        store
            .lock_user_until(user.id, t0() + Duration::minutes(1))
            .await
            .unwrap();
        let locked = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(locked.failed_logins, 2);
        assert_eq!(locked.locked_until, Some(t0() + Duration::minutes(1)));
        store.clear_login_failures(user.id).await.unwrap();
        let cleared = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!((cleared.failed_logins, cleared.locked_until), (0, None));
        assert_eq!(
            store
                .record_failed_login(UserId::new_random())
                .await
                .unwrap(),
            0
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

use netreach_core::{Author, ConversationId, Lang, MessageId, RetentionPolicy, Status, Topic};
use netreach_store::{
    AssignedFilter, ClientSessionRecord, ConversationUpdate, Guarded, InboxCursor, InboxFilter,
    MessageKind, NewConversation, NewMessage, SealedRecord, StaffKeys,
};

fn new_conversation(lookup: &str, topic: Topic, at: OffsetDateTime) -> NewConversation {
    NewConversation {
        id: ConversationId::new_random(),
        lookup_id: Some(lookup.into()),
        channel: "web".into(),
        topic,
        lang: Lang::Ru,
        urgent: topic.is_emergency(),
        client_public_key: Some(vec![7; 32]),
        created_at: at,
    }
}

fn msg(
    kind: MessageKind,
    author: Author,
    staff: Option<UserId>,
    at: OffsetDateTime,
    body: &[u8],
) -> NewMessage {
    NewMessage {
        id: MessageId::new_random(),
        kind,
        author,
        staff_id: staff,
        created_at: at,
        sealed: SealedRecord {
            body: body.to_vec(),
            key_inbox: vec![1, 2, 3],
            key_client: (kind != MessageKind::Note).then(|| vec![4, 5, 6]),
        },
    }
}

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
            0
        );
        assert_eq!(
            store
                .purge_conversations(t0() + Duration::days(31), policy, 100)
                .await
                .unwrap(),
            1
        );
        assert!(store.conversation(solved.id).await.unwrap().is_none());
        assert!(store.conversation(idle.id).await.unwrap().is_some());
        assert_eq!(
            store
                .purge_conversations(t0() + Duration::days(91), policy, 100)
                .await
                .unwrap(),
            1
        );
        assert!(store.conversation(idle.id).await.unwrap().is_none());
        assert!(store.conversation(fresh.id).await.unwrap().is_some());
    })
    .await;
}

use netreach_core::CannedId;
use netreach_store::{AvailabilityRecord, CannedReply, TeamStore};

#[tokio::test]
async fn tags_label_conversations_and_filter_the_inbox() {
    on_each_backend(|store| async move {
        let a = store
            .create_conversation(new_conversation("a", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let b = store
            .create_conversation(new_conversation("b", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        store.add_tag(a.id, "follow-up").await.unwrap();
        store.add_tag(a.id, "follow-up").await.unwrap();
        store.add_tag(a.id, "нужен-врач").await.unwrap();
        store.add_tag(b.id, "follow-up").await.unwrap();
        assert_eq!(store.tags(a.id).await.unwrap().len(), 2);
        assert_eq!(
            store.all_tags().await.unwrap()[0],
            ("follow-up".to_owned(), 2)
        );
        let filtered = store
            .list_conversations(&InboxFilter {
                limit: 10,
                tag: Some("нужен-врач".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            filtered.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![a.id]
        );
        store.remove_tag(a.id, "follow-up").await.unwrap();
        assert_eq!(
            store.tags(a.id).await.unwrap(),
            vec!["нужен-врач".to_owned()]
        );
        store.delete_conversation(a.id).await.unwrap();
        assert_eq!(
            store.all_tags().await.unwrap(),
            vec![("follow-up".to_owned(), 1)],
            "tags outlived their conversation"
        );
    })
    .await;
}

#[tokio::test]
async fn first_response_times_cover_the_requested_period() {
    on_each_backend(|store| async move {
        let worker = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        for (i, (start, wait)) in [(0, 5), (10, 20), (-40 * 24 * 60, 1)].iter().enumerate() {
            let created = t0() + Duration::minutes(*start);
            let c = store
                .create_conversation(
                    new_conversation(&format!("r{i}"), Topic::Other, created),
                    vec![],
                )
                .await
                .unwrap();
            let reply = msg(
                MessageKind::Message,
                Author::Staff,
                Some(worker.id),
                created + Duration::minutes(*wait),
                b"r",
            );
            store
                .add_message(c.id, reply, Status::WaitingForClient, None)
                .await
                .unwrap();
        }
        store
            .create_conversation(new_conversation("unanswered", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let mut times = store
            .first_response_seconds(t0() - Duration::days(30))
            .await
            .unwrap();
        times.sort_unstable();
        assert_eq!(times, vec![300, 1200]);
    })
    .await;
}

#[tokio::test]
async fn availability_and_canned_replies_are_stored_and_replaced() {
    on_each_backend(|store| async move {
        assert_eq!(store.availability().await.unwrap(), None);
        assert!(
            !store.set_away(true, t0()).await.unwrap(),
            "away switch without a schedule"
        );
        let record = AvailabilityRecord {
            timezone: "Europe/Moscow".into(),
            hours: "09:00-18:00;;;;;;".into(),
            holidays: "2026-01-07".into(),
            away: false,
            updated_at: t0(),
        };
        store.put_availability(record.clone()).await.unwrap();
        assert_eq!(store.availability().await.unwrap(), Some(record.clone()));
        assert!(store.set_away(true, t0()).await.unwrap());
        assert!(store.availability().await.unwrap().unwrap().away);
        let replaced = AvailabilityRecord {
            timezone: "UTC".into(),
            ..record
        };
        store.put_availability(replaced).await.unwrap();
        assert_eq!(store.availability().await.unwrap().unwrap().timezone, "UTC");

        let id = CannedId::new_random();
        let reply = CannedReply {
            id,
            lang: Lang::Ru,
            title: "Привет".into(),
            body: "Здравствуйте, {worker}".into(),
            updated_at: t0(),
        };
        store.put_canned_reply(reply.clone()).await.unwrap();
        store
            .put_canned_reply(CannedReply {
                id: CannedId::new_random(),
                lang: Lang::En,
                title: "Hi".into(),
                body: "Hello".into(),
                updated_at: t0(),
            })
            .await
            .unwrap();
        assert_eq!(
            store.canned_replies(Some(Lang::Ru)).await.unwrap(),
            vec![reply.clone()]
        );
        assert_eq!(store.canned_replies(None).await.unwrap().len(), 2);
        store
            .put_canned_reply(CannedReply {
                title: "Привет!".into(),
                ..reply
            })
            .await
            .unwrap();
        assert_eq!(
            store.canned_reply(id).await.unwrap().unwrap().title,
            "Привет!"
        );
        assert!(store.delete_canned_reply(id).await.unwrap());
        assert!(!store.delete_canned_reply(id).await.unwrap());
        assert_eq!(store.canned_reply(id).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn budgets_count_uses_per_window_for_every_node() {
    on_each_backend(|store| async move {
        let minute = Duration::minutes(1);
        assert_eq!(
            store.charge_budget("lookups", t0(), minute).await.unwrap(),
            1
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(10), minute)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store.charge_budget("starts", t0(), minute).await.unwrap(),
            1,
            "budgets are separate"
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(59), minute)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(61), minute)
                .await
                .unwrap(),
            1,
            "a new window starts"
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(62), minute)
                .await
                .unwrap(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn the_content_pack_is_replaced_whole_and_versioned() {
    on_each_backend(|store| async move {
        assert_eq!(store.content_version().await.unwrap(), 0);
        assert!(store.content_files().await.unwrap().is_empty());
        let first = vec![
            ("kb/a.en.md".to_owned(), "+++\nÀ é ё\n".to_owned()),
            ("substances/x.toml".to_owned(), "slug = \"x\"\n".to_owned()),
        ];
        assert_eq!(store.replace_content(first.clone(), t0()).await.unwrap(), 1);
        assert_eq!(store.content_files().await.unwrap(), first);
        let second = vec![("kb/b.ru.md".to_owned(), "текст".to_owned())];
        assert_eq!(
            store.replace_content(second.clone(), t0()).await.unwrap(),
            2
        );
        assert_eq!(
            store.content_files().await.unwrap(),
            second,
            "old files must go"
        );
        assert_eq!(store.content_version().await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_reset_ends_sessions_tokens_and_access_while_a_change_keeps_tokens_and_access() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("olga", Role::Worker))
            .await
            .unwrap();
        let keys = StaffKeys {
            public_key: vec![1; 32],
            wrapped_secret_key: vec![2; 72],
            key_salt: vec![3; 16],
        };
        store
            .create_session(session("s1", user.id, Duration::hours(1)))
            .await
            .unwrap();
        store
            .create_api_token(token(user.id, "t1", None))
            .await
            .unwrap();
        store.grant_inbox(user.id, vec![9], t0()).await.unwrap();
        assert!(
            store
                .change_credentials(user.id, "changed", Some(keys.clone()), t0())
                .await
                .unwrap()
        );
        assert!(
            store.session("s1", t0()).await.unwrap().is_none(),
            "a password change ends sessions"
        );
        assert!(
            store.use_api_token("t1", t0()).await.unwrap().is_some(),
            "own change keeps tokens"
        );
        assert!(
            store.inbox_grant(user.id).await.unwrap().is_some(),
            "own change keeps access"
        );
        let changed = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(
            (changed.password_hash.as_str(), changed.keys),
            ("changed", Some(keys))
        );

        store
            .create_session(session("s2", user.id, Duration::hours(1)))
            .await
            .unwrap();
        let new_keys = StaffKeys {
            public_key: vec![4; 32],
            wrapped_secret_key: vec![5; 72],
            key_salt: vec![6; 16],
        };
        assert!(
            store
                .reset_credentials(user.id, "reset", new_keys.clone(), t0())
                .await
                .unwrap()
        );
        assert!(store.session("s2", t0()).await.unwrap().is_none());
        assert!(
            store.use_api_token("t1", t0()).await.unwrap().is_none(),
            "a reset must revoke API tokens"
        );
        assert!(
            store.inbox_grant(user.id).await.unwrap().is_none(),
            "a reset ends access"
        );
        assert_eq!(
            store.user_by_id(user.id).await.unwrap().unwrap().keys,
            Some(new_keys)
        );
        assert!(
            !store
                .reset_credentials(
                    UserId::new_random(),
                    "x",
                    StaffKeys {
                        public_key: vec![],
                        wrapped_secret_key: vec![],
                        key_salt: vec![]
                    },
                    t0()
                )
                .await
                .unwrap()
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_message_reopens_a_solved_conversation_and_clears_its_closing_time() {
    on_each_backend(|store| async move {
        let c = store
            .create_conversation(new_conversation("reopen", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let solve = ConversationUpdate {
            status: Some(Status::Solved),
            ..Default::default()
        };
        let Guarded::Done(solved) = store
            .update_conversation(c.id, None, solve, t0())
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(solved.closed_at, Some(t0()));
        let later = t0() + Duration::days(20);
        let message = msg(
            MessageKind::Message,
            Author::Client,
            None,
            later,
            b"one more thing",
        );
        let Guarded::Done(reopened) = store
            .add_message(c.id, message, Status::Open, None)
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!((reopened.status, reopened.closed_at), (Status::Open, None));
        assert_eq!(
            store
                .purge_conversations(t0() + Duration::days(31), RetentionPolicy::default(), 10)
                .await
                .unwrap(),
            0,
            "deleted on its old closing time"
        );
    })
    .await;
}
