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

#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/alerts.rs"]
mod alerts;
#[path = "conformance/assignment.rs"]
mod assignment;
#[path = "conformance/attachments.rs"]
mod attachments;
#[path = "conformance/audit.rs"]
mod audit;
#[path = "conformance/conversations.rs"]
mod conversations;
#[path = "conformance/drafts.rs"]
mod drafts;
#[path = "conformance/editorial.rs"]
mod editorial;
#[path = "conformance/follow_ups.rs"]
mod follow_ups;
#[path = "conformance/hot_paths.rs"]
mod hot_paths;
#[path = "conformance/notifications.rs"]
mod notifications;
#[path = "conformance/operations.rs"]
mod operations;
#[path = "conformance/publishing.rs"]
mod publishing;
#[path = "conformance/push.rs"]
mod push;
#[path = "conformance/qa.rs"]
mod qa;
#[path = "conformance/team.rs"]
mod team;
#[path = "conformance/telegram.rs"]
mod telegram;
#[path = "conformance/two_factor.rs"]
mod two_factor;
#[path = "conformance/watch.rs"]
mod watch;

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
                "notifications",
                "staff search",
                "qa sealed",
                "audit",
                "totp",
                "content versions",
                "operations",
                "forum watch",
                "staff notifications",
                "response targets",
                "telegram bot",
                "attachments",
                "follow ups",
                "macros and saved views",
                "response report and assignment",
                "push subscriptions",
                "reply drafts",
                "staff invites"
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

use netreach_core::{Author, ConversationId, Lang, MessageId, RetentionPolicy, Status, Topic};
use netreach_store::{
    AssignedFilter, ClientSessionRecord, ConversationUpdate, FirstResponseRecord, FollowUpFilter,
    Guarded, InboxCursor, InboxFilter, MessageKind, NewConversation, NewMessage, SealedRecord,
    StaffKeys,
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
