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
    let missing = content(&data, &["export", first.to_str().unwrap()]).await;
    assert!(
        !missing.status.success(),
        "content never creates a database"
    );
    assert!(!data.exists() && !first.exists());
    assert!(
        netreach(&data)
            .arg("migrate")
            .output()
            .await
            .unwrap()
            .status
            .success()
    );
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

/// The README's backup and restore commands, read from the README itself: `(backup,
/// restore)`, without the `sudo -u netreach` in front.
fn readme_backup_commands() -> (String, String) {
    let readme = include_str!("../../../../README.md");
    let block = readme
        .split("<!-- backup-commands")
        .nth(1)
        .and_then(|rest| rest.split("<!-- /backup-commands -->").next())
        .expect("the README marks its backup commands");
    let commands: Vec<String> = block
        .lines()
        .filter_map(|l| l.strip_prefix("sudo -u netreach "))
        .map(str::to_owned)
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert!(commands[0].contains(" backup --out "), "{commands:?}");
    assert!(commands[1].contains(" restore "), "{commands:?}");
    (commands[0].clone(), commands[1].clone())
}

/// One server's directories, laid out as the README's deployment has them.
struct Install {
    data: std::path::PathBuf,
}

impl Install {
    /// A data directory with `netreach.toml` (a database URL for PostgreSQL, the backup
    /// passphrase file) and the passphrase file.
    fn new(root: &Path, name: &str, database_url: Option<&str>, passphrase: &str) -> Install {
        let data = root.join(name);
        std::fs::create_dir_all(&data).unwrap();
        let passphrase_file = data.join("backup-passphrase");
        std::fs::write(&passphrase_file, format!("{passphrase}\n")).unwrap();
        let mut toml = String::new();
        if let Some(url) = database_url {
            toml.push_str(&format!("database_url = \"{url}\"\n"));
        }
        toml.push_str(&format!(
            "[backup]\npassphrase_file = \"{}\"\n",
            passphrase_file.display()
        ));
        std::fs::write(data.join("netreach.toml"), toml).unwrap();
        Install { data }
    }

    /// A README command with this install's paths, run by `sh` from another directory with
    /// `netreach` on the PATH; `stdin` is typed into it.
    async fn readme(&self, command: &str, backups: &Path, stdin: &str) -> std::process::Output {
        let command = command
            .replace("/var/lib/netreach", &self.data.display().to_string())
            .replace("/var/backups/netreach", &backups.display().to_string())
            .replace("$(date +%F)", "2026-12-05");
        let elsewhere = tempfile::tempdir().unwrap();
        let bin_dir = Path::new(BIN).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(elsewhere.path())
            .env("PATH", path)
            .env_remove("NETREACH_DATABASE_URL")
            .env_remove("NETREACH_DATA")
            .env_remove("NETREACH_BACKUP__PASSPHRASE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        let output = child.wait_with_output().await.unwrap();
        assert!(
            std::fs::read_dir(elsewhere.path())
                .unwrap()
                .next()
                .is_none(),
            "`{command}` left files in the directory it ran from"
        );
        output
    }
}

pub(crate) fn said(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The README's backup and restore, as written, on one backend: the backup is encrypted and
/// holds no client trace; the restore checks first, refuses to replace data without `--force`
/// and proves that staff read every message back.
async fn readme_backup_and_restore(from_url: Option<&str>, to_url: Option<&str>) {
    let (backup_command, restore_command) = readme_backup_commands();
    let root = tempfile::tempdir().unwrap();
    let backups = root.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let passphrase = "correct horse battery staple harbour";
    let live = Install::new(root.path(), "live", from_url, passphrase);
    assert!(
        netreach(&live.data)
            .arg("migrate")
            .output()
            .await
            .unwrap()
            .status
            .success()
    );
    let created = admin(
        &live.data,
        &[
            "create-user",
            "--username",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("admin long password\n"),
    )
    .await;
    assert!(created.status.success(), "{}", said(&created));
    let canary = format!("BackupCanary{}", uuid_suffix());
    let server = serve(&live.data, &[]).await;
    client_traffic(&server.base, &canary).await;
    server.stop().await;

    let made = live.readme(&backup_command, &backups, "").await;
    let out = said(&made);
    assert!(made.status.success(), "{out}");
    assert!(out.contains("encrypted to a passphrase"), "{out}");
    assert!(out.contains("1 staff, 1 conversations"), "{out}");
    let file = backups.join("netreach-2026-12-05.backup");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"), "an age file");
    let text = String::from_utf8_lossy(&bytes);
    assert_no_client_trace(&text, &canary);
    for plain in ["SQLite format", "CREATE TABLE", "manifest"] {
        assert!(!text.contains(plain), "{plain} readable in the backup");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    // The backup is in the audit log, by the operator.
    let url = from_url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("sqlite://{}", live.data.join("netreach.db").display()));
    let store = netreach_store::SqlStore::open_existing(&url).await.unwrap();
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
    let again = live.readme(&backup_command, &backups, "").await;
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );

    // Restored into a new install (its own data directory or database, the same passphrase,
    // the server secret copied as the README says).
    let fresh = Install::new(root.path(), "fresh", to_url, passphrase);
    std::fs::copy(
        live.data.join("server-secret"),
        fresh.data.join("server-secret"),
    )
    .unwrap();
    let restored = fresh
        .readme(&restore_command, &backups, "admin long password\n")
        .await;
    let out = said(&restored);
    assert!(restored.status.success(), "{out}");
    assert!(out.contains("restoring into"), "{out}");
    assert!(out.contains("the counts match the backup"), "{out}");
    assert!(
        out.contains("admin opened all 1 message(s) in 1 conversation(s)"),
        "{out}"
    );
    // A second restore replaces data only with --force.
    let without_force = restore_command.replace(" --force", "");
    let refused = fresh
        .readme(&without_force, &backups, "admin long password\n")
        .await;
    let out = said(&refused);
    assert!(!refused.status.success());
    assert!(
        out.contains("already holds a Netreach database") && out.contains("--force"),
        "{out}"
    );
    // A wrong passphrase and a file that is not a backup change nothing.
    std::fs::write(
        fresh.data.join("backup-passphrase"),
        "wrong words entirely\n",
    )
    .unwrap();
    let wrong = fresh.readme(&restore_command, &backups, "x\n").await;
    assert!(!wrong.status.success());
    assert!(said(&wrong).contains("cannot decrypt"), "{}", said(&wrong));
    std::fs::write(backups.join("junk.backup"), b"not a backup at all").unwrap();
    let junk_command = restore_command.replace("netreach-2026-12-05.backup", "junk.backup");
    let junk = fresh.readme(&junk_command, &backups, "x\n").await;
    assert!(!junk.status.success());
    assert!(
        said(&junk).contains("is not a backup written by"),
        "{}",
        said(&junk)
    );
    let listed = admin(&fresh.data, &["list-users"], None).await;
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("admin"),
        "the database was kept"
    );
}

#[tokio::test]
async fn the_readme_backup_and_restore_commands_work_as_written_on_sqlite() {
    readme_backup_and_restore(None, None).await;
}

#[tokio::test]
async fn the_readme_backup_and_restore_commands_work_as_written_on_postgresql() {
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
    readme_backup_and_restore(Some(&from_url), Some(&to_url)).await;
    drop_databases(&base, &[&from, &to]).await;
}

#[tokio::test]
async fn no_command_creates_a_database_it_was_not_asked_to() {
    let root = tempfile::tempdir().unwrap();
    let (etc, cwd) = (root.path().join("etc"), root.path().join("cwd"));
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::write(etc.join("netreach.toml"), "org_name = \"Test\"\n").unwrap();
    let run = |args: Vec<String>| {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .current_dir(&cwd)
            .env_remove("NETREACH_DATABASE_URL")
            .env_remove("NETREACH_DATA")
            .env("NETREACH_BACKUP__PASSPHRASE", "some passphrase words here")
            .stdin(Stdio::null());
        async move { command.output().await.unwrap() }
    };
    let config = etc.join("netreach.toml").display().to_string();
    let typo = root.path().join("no-such-dir").display().to_string();
    let out = root.path().join("b").display().to_string();
    let cases: Vec<Vec<String>> = vec![
        vec![
            "--config".into(),
            config.clone(),
            "backup".into(),
            "--out".into(),
            out.clone(),
        ],
        vec![
            "--data".into(),
            typo.clone(),
            "backup".into(),
            "--out".into(),
            out.clone(),
        ],
        vec![
            "--config".into(),
            config.clone(),
            "admin".into(),
            "list-users".into(),
        ],
        vec![
            "--data".into(),
            typo.clone(),
            "admin".into(),
            "list-users".into(),
        ],
        vec![
            "--data".into(),
            typo.clone(),
            "content".into(),
            "versions".into(),
        ],
        vec![
            "--data".into(),
            typo.clone(),
            "restore".into(),
            root.path().join("etc/netreach.toml").display().to_string(),
        ],
    ];
    for args in cases {
        let output = run(args.clone()).await;
        let text = said(&output);
        assert!(!output.status.success(), "{args:?} succeeded: {text}");
        assert!(
            text.contains("no Netreach database at") || text.contains("does not exist"),
            "{args:?} does not say where it looked: {text}"
        );
    }
    assert_eq!(
        std::fs::read_dir(&cwd).unwrap().count(),
        0,
        "nothing made in the working directory"
    );
    assert!(
        !etc.join("netreach.db").exists(),
        "no database made beside the settings file"
    );
    assert!(
        !Path::new(&typo).exists(),
        "the mistyped directory was not created"
    );
    assert!(!Path::new(&out).exists(), "no backup of nothing");
    // With the settings file naming its own directory, the checks say where they looked.
    let checked = run(vec![
        "--config".into(),
        config,
        "config".into(),
        "check".into(),
    ])
    .await;
    let text = said(&checked);
    assert!(checked.status.success(), "{text}");
    assert!(text.contains("public_url is not set"), "{text}");
    assert!(
        text.contains(&format!(
            "no Netreach database at {}",
            etc.join("netreach.db").display()
        )),
        "{text}"
    );
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

pub(crate) fn uuid_suffix() -> String {
    std::process::id().to_string()
}

/// A fresh PostgreSQL database of its own (pg_dump and pg_restore work on whole databases, not
/// on the per-test schemas the other tests use); dropped at the end of the test.
pub(crate) async fn scratch_database(base: &str, name: &str) -> String {
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

/// Drops the scratch databases a test made with [`scratch_database`].
pub(crate) async fn drop_databases(base: &str, names: &[&str]) {
    let admin = sqlx::PgPool::connect(base).await.unwrap();
    for name in names {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&admin)
        .await;
    }
}
