//! `content import` / `export`, and `backup` / `restore` on both backends.

use super::*;

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

async fn content(data: &Path, args: &[&str]) -> std::process::Output {
    netreach(data)
        .arg("content")
        .args(args)
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn content_export_import_export_is_byte_identical_and_invalid_packs_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    let out = content(&data, &["export", first.to_str().unwrap()]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(first.join("substances/heroin.toml").exists());

    // A broken copy: every problem is reported with file and line, and nothing is imported.
    let broken = dir.path().join("broken");
    netreach_content::write_files(&broken, &netreach_content::read_files(&first).unwrap()).unwrap();
    let heroin = std::fs::read_to_string(broken.join("substances/heroin.toml")).unwrap();
    std::fs::write(
        broken.join("substances/heroin.toml"),
        heroin.replace("class = \"opioid\"", "class = 7"),
    )
    .unwrap();
    std::fs::write(broken.join("kb/naloxone.en.md"), "no front matter here").unwrap();
    let refused = content(&data, &["import", broken.to_str().unwrap()]).await;
    assert!(!refused.status.success());
    let report = String::from_utf8_lossy(&refused.stdout);
    assert!(
        report.contains("substances/heroin.toml:") && report.contains("kb/naloxone.en.md"),
        "{report}"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("nothing was imported"));

    // An edited copy imports, and the public site shows the edit.
    let edited = dir.path().join("edited");
    netreach_content::write_files(&edited, &netreach_content::read_files(&first).unwrap()).unwrap();
    let article = std::fs::read_to_string(edited.join("kb/naloxone.en.md")).unwrap();
    std::fs::write(
        edited.join("kb/naloxone.en.md"),
        article.replacen("title = \"", "title = \"Edited: ", 1),
    )
    .unwrap();
    let imported = content(&data, &["import", edited.to_str().unwrap()]).await;
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(String::from_utf8_lossy(&imported.stdout).contains("substances"));
    let out = content(&data, &["export", second.to_str().unwrap()]).await;
    assert!(out.status.success());
    assert_eq!(
        snapshot(&edited),
        snapshot(&second),
        "export -> import -> export changed bytes"
    );

    let server = serve(&data, &[]).await;
    let page = netreach_testkit::http_client()
        .get(format!("{}/kb/naloxone", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Edited: "), "the imported pack is not served");
    server.stop().await;
}

#[tokio::test]
async fn a_backup_restores_into_an_empty_data_directory_and_a_wrong_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (live, fresh) = (dir.path().join("live"), dir.path().join("fresh"));
    std::fs::create_dir_all(&live).unwrap();
    std::fs::create_dir_all(&fresh).unwrap();
    let created = admin(
        &live,
        &[
            "create-user",
            "--username",
            "olga",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("olga long password\n"),
    )
    .await;
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    // What a client typed goes into the backup sealed, as in the database.
    let canary = format!("BackupCanary{}", uuid_suffix());
    let server = serve(&live, &[]).await;
    client_traffic(&server.base, &canary).await;
    server.stop().await;
    let file = dir.path().join("netreach.backup");
    let run = |data: &Path, args: &[&str]| {
        let mut command = netreach(data);
        command.args(args);
        async move { command.output().await.unwrap() }
    };
    let out = file.to_str().unwrap();
    let made = run(&live, &["backup", "--out", out]).await;
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let bytes = std::fs::read(&file).unwrap();
    assert_no_client_trace(&String::from_utf8_lossy(&bytes), &canary);
    // The backup is in the audit log, by the operator.
    let store = netreach_store::SqlStore::connect(&format!(
        "sqlite://{}",
        live.join("netreach.db").display()
    ))
    .await
    .unwrap();
    let logged = netreach_store::AuditStore::audit_entries(
        &store,
        &netreach_store::AuditFilter {
            action: Some(netreach_core::AuditAction::BackupWritten),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].entry.actor, "operator");
    netreach_store::Store::close(&store).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    let again = run(&live, &["backup", "--out", out]).await;
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );

    let restored = run(&fresh, &["restore", out]).await;
    let said = String::from_utf8_lossy(&restored.stdout);
    assert!(
        restored.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(said.contains("1 staff account(s)"), "{said}");
    let listed = admin(&fresh, &["list-users"], None).await;
    assert!(String::from_utf8_lossy(&listed.stdout).contains("olga"));

    let refused = run(&fresh, &["restore", out]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let wrong = run(&fresh, &["restore", junk.to_str().unwrap(), "--force"]).await;
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("not a Netreach database backup"));
    let still = admin(&fresh, &["list-users"], None).await;
    assert!(
        String::from_utf8_lossy(&still.stdout).contains("olga"),
        "the database was kept"
    );
    let forced = run(&fresh, &["restore", out, "--force"]).await;
    assert!(forced.status.success());
}

/// A fresh PostgreSQL database of its own (pg_dump and pg_restore work on whole databases, not
/// on the per-test schemas the other tests use); dropped at the end of the test.
async fn scratch_database(base: &str, name: &str) -> String {
    let admin = sqlx::PgPool::connect(base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

#[tokio::test]
async fn a_postgresql_backup_restores_into_an_empty_database() {
    let Ok(base) = std::env::var("NETREACH_TEST_POSTGRES_URL") else {
        return;
    };
    let base = base.split('?').next().unwrap().to_owned();
    let suffix = uuid_suffix();
    let (from, to) = (format!("nr_bk_{suffix}"), format!("nr_rs_{suffix}"));
    let (from_url, to_url) = (
        scratch_database(&base, &from).await,
        scratch_database(&base, &to).await,
    );
    let dir = tempfile::tempdir().unwrap();
    let run = |url: &str, args: &[&str]| {
        let mut command = netreach(dir.path());
        command.args(["--database-url", url]).args(args);
        async move { command.output().await.unwrap() }
    };
    let mut child = netreach(dir.path())
        .args([
            "--database-url",
            &from_url,
            "admin",
            "create-user",
            "--username",
            "olga",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"olga long password\n")
        .await
        .unwrap();
    assert!(child.wait().await.unwrap().success());
    let canary = format!("PgBackupCanary{suffix}");
    let server = serve(dir.path(), &["--database-url", &from_url]).await;
    client_traffic(&server.base, &canary).await;
    server.stop().await;
    let file = dir.path().join("pg.backup");
    let made = run(&from_url, &["backup", "--out", file.to_str().unwrap()]).await;
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    // The custom format is compressed: read it back as the SQL it restores.
    let sql = Command::new("pg_restore")
        .args(["--file=-", file.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert!(sql.status.success());
    let sql = String::from_utf8_lossy(&sql.stdout);
    assert!(sql.contains("olga"), "the dump was read");
    assert_no_client_trace(&sql, &canary);
    let restored = run(&to_url, &["restore", file.to_str().unwrap()]).await;
    let said = String::from_utf8_lossy(&restored.stdout);
    assert!(
        restored.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(said.contains("1 staff account(s)"), "{said}");
    let again = run(&to_url, &["restore", file.to_str().unwrap()]).await;
    assert!(
        !again.status.success(),
        "a database with staff is not replaced without --force"
    );
    let listed = run(&to_url, &["admin", "list-users"]).await;
    assert!(String::from_utf8_lossy(&listed.stdout).contains("olga"));
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    for name in [from, to] {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&admin)
        .await;
    }
}

/// Unique per test process (nextest runs each test in its own).
const IP: &str = "198.51.100.23";
const AGENT: &str = "NetreachBackupProbe/2.9-qx";

/// A client's traffic carrying canaries: their words in a message and a drug report (with its
/// region), their address in proxy headers and their browser's name.
async fn client_traffic(base: &str, canary: &str) {
    let client = netreach_testkit::http_client();
    let started = client
        .post(format!("{base}/api/v1/conversations"))
        .header("user-agent", AGENT)
        .header("x-forwarded-for", IP)
        .header("forwarded", format!("for={IP}"))
        .json(&json!({"topic": "other", "message": format!("hello {canary}"), "lang": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    let reported = client
        .post(format!("{base}/api/v1/alerts/reports"))
        .header("user-agent", AGENT)
        .header("x-real-ip", IP)
        .json(&json!({"sold_as": "heroin", "region": canary, "what_happened": canary}))
        .send()
        .await
        .unwrap();
    assert_eq!(reported.status(), 202);
}

/// None of [`client_traffic`]'s canaries in what a backup holds.
fn assert_no_client_trace(backup: &str, canary: &str) {
    for (trace, what) in [
        (canary, "a client's words"),
        (IP, "an IP address"),
        (AGENT, "a user agent"),
    ] {
        assert!(!backup.contains(trace), "{what} readable in the backup");
    }
}

fn uuid_suffix() -> String {
    std::process::id().to_string()
}
