//! The database goes away and comes back: PostgreSQL behind a connection that is cut (as when
//! the server stops), a SQLite file on a small disk that fills up. Requests get a clear,
//! localised 503 (page or JSON), nothing is half-written, and the service returns by itself when
//! the database does, without a restart. (A SQLite file turned read-only under a running server
//! cannot be staged here: root ignores file modes, and a file system with a file open for writing
//! cannot be remounted read-only; the read-only error itself is classified as "unavailable" by
//! the store's unit test.)

use super::content_and_backup::{drop_databases, said, scratch_database, uuid_suffix};
use super::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A TCP forwarder to PostgreSQL that can be cut (every connection closed, new ones refused at
/// once) and mended.
struct Cuttable {
    port: u16,
    open: Arc<AtomicBool>,
    generation: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Cuttable {
    async fn to(target: &str) -> Cuttable {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = Arc::new(AtomicBool::new(true));
        let (generation, _) = tokio::sync::watch::channel(0u64);
        let generation = Arc::new(generation);
        let (flag, cuts, target) = (open.clone(), generation.clone(), target.to_owned());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut cut = cuts.subscribe();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Cuttable {
            port,
            open,
            generation,
        }
    }

    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn mend(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// What a client and a browser get while the database is away: 503 in JSON, a 503 page in the
/// page's language, and, when the database does not answer at all (not merely refuses writes),
/// a failing health check.
async fn assert_unavailable(base: &str, unreachable: bool) {
    let client = netreach_testkit::http_client();
    // The pool may first need to find that its connections are gone: a few tries.
    let mut last = 0;
    for _ in 0..20 {
        let started = client
            .post(format!("{base}/api/v1/conversations"))
            .json(&json!({"topic": "other", "message": "while the database is away", "lang": "en"}))
            .send()
            .await
            .unwrap();
        last = started.status().as_u16();
        if last == 503 {
            let body: Value = started.json().await.unwrap();
            assert_eq!(body["error"]["code"], "unavailable", "{body}");
            break;
        }
        assert_ne!(
            last, 201,
            "a conversation was acknowledged without a database"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(last, 503);
    let page = client
        .post(format!("{base}/ask?lang=ru"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("topic", "other"),
            ("message", "typed while away"),
            ("lang", "ru"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    let text = page.text().await.unwrap();
    assert!(text.contains("Сервис сейчас не может ответить"), "{text}");
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(
        health.status().as_u16(),
        if unreachable { 503 } else { 200 }
    );
}

/// The service is back without a restart: a conversation starts again.
async fn assert_back(base: &str) {
    let client = netreach_testkit::http_client();
    for _ in 0..40 {
        let started = client
            .post(format!("{base}/api/v1/conversations"))
            .json(
                &json!({"topic": "other", "message": "after the database came back", "lang": "en"}),
            )
            .send()
            .await
            .unwrap();
        if started.status() == 201 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the service did not come back when the database did");
}

#[tokio::test]
async fn postgresql_going_away_gives_503_and_the_service_returns_without_a_restart() {
    let Ok(base) = std::env::var("NETREACH_TEST_POSTGRES_URL") else {
        return;
    };
    let base = base.split('?').next().unwrap().to_owned();
    let name = format!("nr_fault_{}", uuid_suffix());
    let url = scratch_database(&base, &name).await;
    let proxy = Cuttable::to("127.0.0.1:5432").await;
    let through = url.replace("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port));
    assert_ne!(through, url, "the test database is on 127.0.0.1:5432");
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &["--demo", "--database-url", &through]).await;
    proxy.cut();
    assert_unavailable(&server.base, true).await;
    proxy.mend();
    assert_back(&server.base).await;
    server.stop().await;
    // Nothing half-written: the demo's three conversations and the one after the return.
    let store = netreach_store::SqlStore::open_existing(&url).await.unwrap();
    let found = netreach_store::OperationsStore::inventory(&store)
        .await
        .unwrap();
    assert_eq!(found.conversations, 4, "{found:?}");
    netreach_store::Store::close(&store).await;
    drop_databases(&base, &[&name]).await;
}

/// Runs `mount` (as root, where the machine allows it); false when it cannot.
fn mount(args: &[&str]) -> bool {
    std::process::Command::new("mount")
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

#[tokio::test]
async fn a_full_disk_gives_503_and_the_service_returns_when_space_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    let disk_arg = disk.display().to_string();
    if !mount(&["-t", "tmpfs", "-o", "size=24m", "tmpfs", &disk_arg]) {
        eprintln!("skipped: this machine does not allow mounting a small file system");
        return;
    }
    struct Unmount(String);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk_arg.clone());
    let data = disk.join("data");
    let server = serve(&data, &["--demo"]).await;

    // The disk fills up.
    let filler = disk.join("filler");
    let _ = std::process::Command::new("dd")
        .args([
            "if=/dev/zero",
            &format!("of={}", filler.display()),
            "bs=64k",
        ])
        .stderr(Stdio::null())
        .status();
    assert_unavailable(&server.base, false).await;
    std::fs::remove_file(&filler).unwrap();
    assert_back(&server.base).await;

    server.stop().await;

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
    let found = netreach_store::OperationsStore::inventory(&store)
        .await
        .unwrap();
    assert_eq!(
        found.conversations, 4,
        "three samples and one after the repair: {found:?}"
    );
    netreach_store::Store::close(&store).await;
}

/// A bounded flood on 127.0.0.1 (`netreach bench --flood`): the shared budgets hold, a returning
/// client is served, and every answer to an overdose question carries first aid. (Its times are
/// printed and recorded in BENCHMARKS.md, never asserted.)
#[tokio::test]
async fn under_a_flood_the_budgets_hold_returning_clients_are_served_and_first_aid_is_always_shown()
{
    let output = Command::new(BIN)
        .args(["bench", "--flood", "--seconds", "4"])
        .env_remove("NETREACH_DATABASE_URL")
        .output()
        .await
        .unwrap();
    let text = said(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("every promise held"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("overdose questions"))
        .unwrap();
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        numbers.len() >= 2 && numbers[0] == numbers[1] && numbers[0] > 0,
        "{line}"
    );
}

/// `netreach bench --notify`: every one of the 50 subscribed members' e-mails of each post
/// reaches an SMTP sink on 127.0.0.1, and the times are printed (never asserted).
#[tokio::test]
async fn the_notification_benchmark_delivers_every_email_of_every_post() {
    let output = Command::new(BIN)
        .args(["bench", "--notify", "--notify-posts", "3"])
        .env_remove("NETREACH_DATABASE_URL")
        .output()
        .await
        .unwrap();
    let text = said(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("post to each e-mail accepted by the SMTP sink"),
        "{text}"
    );
    assert!(text.contains("e-mail p95 / post p95 = "), "{text}");
}
