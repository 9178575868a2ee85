//! Several processes on one database, and processes that die: two nodes on one PostgreSQL
//! database serve each other's tokens and conversations, send a notification once and fetch a
//! forum source once between them; `kill -9` during a bounded load loses nothing acknowledged, on both backends, and the
//! background jobs resume after the restart.

use super::content_and_backup::{drop_databases, scratch_database, uuid_suffix};
use super::*;
use netreach_testkit::telegram::FakeBotApi;

const SECRET: &str = "a-shared-server-secret-for-two-nodes-0123456789";

/// The environment every node of the run gets: one server secret, and the staff-chat bot
/// pointed at the fake Bot API.
fn node_env(bot: &FakeBotApi) -> Vec<(&'static str, String)> {
    vec![
        ("NETREACH_SERVER_SECRET", SECRET.to_owned()),
        ("NETREACH_NOTIFY__TELEGRAM_BOT_TOKEN", "123:fake".to_owned()),
        ("NETREACH_NOTIFY__TELEGRAM_CHAT_ID", "-100200".to_owned()),
        ("NETREACH_NOTIFY__TELEGRAM_API_BASE", bot.base.clone()),
        (
            "NETREACH_CONVERSATIONS__CLIENT_MESSAGES_PER_HOUR",
            "100000".to_owned(),
        ),
    ]
}

async fn node(data: &Path, url: Option<&str>, demo: bool, env: &[(&str, String)]) -> Server {
    let mut extra = Vec::new();
    if let Some(url) = url {
        extra.extend(["--database-url", url]);
    }
    if demo {
        extra.push("--demo");
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    serve_with_env(data, &extra, &env).await
}

/// `sendMessage` calls the fake received so far.
fn sends(bot: &FakeBotApi) -> usize {
    bot.requests()
        .iter()
        .filter(|(path, _)| path.ends_with("/sendMessage"))
        .count()
}

async fn wait_for_sends(bot: &FakeBotApi, n: usize) {
    for _ in 0..100 {
        if sends(bot) >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{n} notification(s) expected, {} sent", sends(bot));
}

#[tokio::test]
async fn two_nodes_on_one_postgresql_database_serve_each_other_and_work_once() {
    let Ok(base) = std::env::var("NETREACH_TEST_POSTGRES_URL") else {
        return;
    };
    let base = base.split('?').next().unwrap().to_owned();
    let name = format!("nr_nodes_{}", uuid_suffix());
    let url = scratch_database(&base, &name).await;
    let bot = FakeBotApi::ok().await;
    let env = node_env(&bot);
    let dir = tempfile::tempdir().unwrap();
    let a = node(&dir.path().join("a"), Some(&url), true, &env).await;
    let b = node(&dir.path().join("b"), Some(&url), false, &env).await;
    let password = a.admin_password().expect("demo admin");
    let body: Value = token(&a.base, "admin", &password)
        .await
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", body["token"].as_str().unwrap());
    let client = netreach_testkit::http_client();

    // A client starts on A; staff read it and answer from B with A's token; the client reads
    // the answer on A.
    let started: Value = client
        .post(format!("{}/api/v1/conversations", a.base))
        .json(&json!({"topic": "overdose", "message": "started on node a", "lang": "en"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["conversation_id"].as_str().unwrap().to_owned();
    let codename = started["codename"].as_str().unwrap().to_owned();
    let thread = client
        .get(format!("{}/api/v1/staff/conversations/{id}", b.base))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(thread.status(), 200);
    assert!(thread.text().await.unwrap().contains("started on node a"));
    let replied = client
        .post(format!(
            "{}/api/v1/staff/conversations/{id}/messages",
            b.base
        ))
        .header("authorization", &bearer)
        .json(&json!({"message": "answered from node b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(replied.status(), 201, "{}", replied.text().await.unwrap());
    let seen = client
        .get(format!("{}/api/v1/conversations/me", a.base))
        .header("authorization", format!("Codename {codename}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(seen.contains("answered from node b"), "{seen}");

    // A forum source registered on A is fetched by one node only, though both run the
    // forum-watch job every 20 seconds.
    let forum = CountingFeed::start().await;
    let registered = client
        .post(format!("{}/api/v1/staff/watch/sources", b.base))
        .header("authorization", &bearer)
        .json(&json!({"name": "board", "kind": "feed", "url": forum.url}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        registered.status(),
        201,
        "{}",
        registered.text().await.unwrap()
    );

    // The urgent conversation's notification leaves exactly once, though both nodes run the
    // notification job every 5 seconds.
    wait_for_sends(&bot, 1).await;
    tokio::time::sleep(Duration::from_secs(25)).await;
    assert_eq!(
        forum.requests(),
        1,
        "the source was fetched once between the two nodes"
    );
    assert_eq!(sends(&bot), 1, "{:?}", bot.requests());
    let text = bot.requests()[0].1.to_string();
    assert!(
        !text.contains("started on node a"),
        "no content in a notification"
    );

    a.stop().await;
    b.stop().await;
    drop_databases(&base, &[&name]).await;
}

/// `kill -9` in the middle of a bounded loopback load: every message whose POST was acknowledged
/// is there after a restart and decrypts; SQLite's integrity check passes; an urgent
/// notification queued just before the crash is sent by the restarted process.
async fn acknowledged_messages_survive_kill_9(url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // The notification of the urgent conversation is held back (Telegram answers 500) until
    // after the crash, so only the restarted process can deliver it.
    let bot = FakeBotApi::scripted(vec![(500, json!({"ok": false, "description": "down"}))]).await;
    let env = node_env(&bot);
    let server = node(&data, url, true, &env).await;
    let base = server.base.clone();
    let client = netreach_testkit::http_client();
    let started: Value = client
        .post(format!("{base}/api/v1/conversations"))
        .json(&json!({"topic": "overdose", "message": "durability run", "lang": "en"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codename = started["codename"].as_str().unwrap().to_owned();
    let auth = format!("Codename {codename}");
    // Four writers post until the server dies; each remembers what was acknowledged.
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, base, auth) = (client.clone(), base.clone(), auth.clone());
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for i in 0..400 {
                let text = format!("writer {w} message {i}");
                let response = client
                    .post(format!("{base}/api/v1/conversations/me/messages"))
                    .header("authorization", &auth)
                    .json(&json!({"message": text}))
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status() == 201 => acknowledged.push(text),
                    // While the server lives, every post must succeed: a refusal is a bug.
                    Ok(r) => panic!("post refused with {} before the crash", r.status()),
                    // The crash itself: the connection breaks.
                    Err(_) => break,
                }
            }
            acknowledged
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let pid = server.child.id().unwrap().to_string();
    assert!(
        Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .await
            .unwrap()
            .success()
    );
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    drop(server);
    assert!(
        acknowledged.len() > 10,
        "the load run acknowledged too little to prove anything"
    );
    if url.is_none() {
        let store = netreach_store::SqlStore::open_existing(&format!(
            "sqlite://{}",
            data.join("netreach.db").display()
        ))
        .await
        .unwrap();
        let row = sqlx::query("PRAGMA integrity_check")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(sqlx::Row::get::<String, _>(&row, 0), "ok");
        netreach_store::Store::close(&store).await;
    }
    let failed_before_restart = sends(&bot);

    let again = node(&data, url, true, &env).await;
    let thread: Value = client
        .get(format!("{}/api/v1/conversations/me", again.base))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bodies: std::collections::HashSet<String> = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|t| !bodies.contains(*t))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged messages lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    // The background jobs resume: the restarted process tries the queued notification again
    // (after its backoff) without anyone asking.
    wait_for_sends(&bot, failed_before_restart + 1).await;
    again.stop().await;
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9_on_sqlite() {
    acknowledged_messages_survive_kill_9(None).await;
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9_on_postgresql() {
    let Ok(base) = std::env::var("NETREACH_TEST_POSTGRES_URL") else {
        return;
    };
    let base = base.split('?').next().unwrap().to_owned();
    let name = format!("nr_kill_{}", uuid_suffix());
    let url = scratch_database(&base, &name).await;
    acknowledged_messages_survive_kill_9(Some(&url)).await;
    drop_databases(&base, &[&name]).await;
}

/// A feed on 127.0.0.1 that counts the requests it answers.
struct CountingFeed {
    url: String,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CountingFeed {
    async fn start() -> CountingFeed {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/feed.xml", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = count.clone();
        tokio::spawn(async move {
            let feed = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>b</title><id>urn:b</id><updated>2026-12-01T10:00:00Z</updated><entry><title>t</title><id>urn:p:1</id><updated>2026-12-01T09:00:00Z</updated><link href="http://127.0.0.1/t/1"/><author><name>owl</name></author><content type="text">there is a bad batch going around, my friend overdosed</content></entry></feed>"#;
            while let Ok((mut socket, _)) = listener.accept().await {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut request = vec![0u8; 4096];
                let _ = socket.read(&mut request).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/atom+xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{feed}",
                    feed.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        CountingFeed { url, count }
    }

    fn requests(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Retention between two nodes: conversations already due when both start are deleted once in
/// all (each node's housekeeping runs at start; the deletions its log reports add up to the
/// number that were due).
#[tokio::test]
async fn two_nodes_delete_the_conversations_retention_says_are_due_once_between_them() {
    let Ok(base) = std::env::var("NETREACH_TEST_POSTGRES_URL") else {
        return;
    };
    let base = base.split('?').next().unwrap().to_owned();
    let name = format!("nr_retain_{}", uuid_suffix());
    let url = scratch_database(&base, &name).await;
    let store = netreach_store::SqlStore::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let long_ago =
        netreach_core::Clock::now(&netreach_core::SystemClock) - time::Duration::days(200);
    for _ in 0..3 {
        netreach_store::ConversationStore::create_conversation(
            &store,
            netreach_store::NewConversation {
                id: netreach_core::ConversationId::new_random(),
                lookup_id: None,
                channel: "web".into(),
                topic: netreach_core::Topic::Other,
                lang: netreach_core::Lang::En,
                urgent: false,
                client_public_key: None,
                created_at: long_ago,
            },
            vec![],
        )
        .await
        .unwrap();
    }
    let bot = FakeBotApi::ok().await;
    let env = node_env(&bot);
    let dir = tempfile::tempdir().unwrap();
    let (data_a, data_b) = (dir.path().join("a"), dir.path().join("b"));
    let (a, b) = tokio::join!(
        node(&data_a, Some(&url), false, &env),
        node(&data_b, Some(&url), false, &env)
    );
    // Each node's housekeeping runs once at start; wait until the three are gone (bounded).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while netreach_store::OperationsStore::inventory(&store)
        .await
        .unwrap()
        .conversations
        > 0
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, log_a) = a.stop().await;
    let (_, log_b) = b.stop().await;
    let deleted: u64 = format!("{log_a}\n{log_b}")
        .lines()
        .filter(|l| l.contains("conversations deleted by the retention policy"))
        .filter_map(|l| {
            l.split("conversations=")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse::<u64>().ok())
        })
        .sum();
    assert_eq!(deleted, 3, "{log_a}\n{log_b}");
    let found = netreach_store::OperationsStore::inventory(&store)
        .await
        .unwrap();
    assert_eq!(found.conversations, 0);
    netreach_store::Store::close(&store).await;
    drop_databases(&base, &[&name]).await;
}
