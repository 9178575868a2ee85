//! The `netreach` binary as a user runs it: serve (demo and first-run setup), migrate, admin
//! commands, config check, graceful shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use netreach_testkit::{TestBackend, TestDb};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

#[path = "cli/content_and_backup.rs"]
mod content_and_backup;
#[path = "cli/content_versions.rs"]
mod content_versions;
#[path = "cli/deployment.rs"]
mod deployment;
#[path = "cli/faults.rs"]
mod faults;
#[path = "cli/nodes.rs"]
mod nodes;

const BIN: &str = env!("CARGO_BIN_EXE_netreach");

fn netreach(data: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data")
        .arg(data)
        .env_remove("NETREACH_DATABASE_URL")
        .env_remove("NETREACH_LISTEN")
        .env_remove("NETREACH_DATA")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A running `netreach serve`, with every line it printed on stdout until it listened.
struct Server {
    child: Child,
    base: String,
    printed: Vec<String>,
}

async fn serve(data: &Path, extra: &[&str]) -> Server {
    serve_with_env(data, extra, &[]).await
}

async fn serve_with_env(data: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
    let mut command = netreach(data);
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .envs(env.iter().copied());
    let mut child = command.spawn().expect("start netreach");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(addr) = line.strip_prefix("listening on ") {
                return addr.to_owned();
            }
            printed.push(line);
        }
        panic!("netreach exited before listening: {printed:?}");
    })
    .await
    .expect("netreach did not start listening in time");
    Server {
        child,
        base,
        printed,
    }
}

impl Server {
    fn admin_password(&self) -> Option<String> {
        self.printed
            .iter()
            .find_map(|l| l.strip_prefix("admin password: ").map(str::to_owned))
    }

    /// Sends SIGTERM and returns the exit status and everything logged on stderr.
    async fn stop(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().unwrap().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .unwrap();
        assert!(killed.success());
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("netreach did not stop after SIGTERM")
            .unwrap();
        let mut stderr = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            use tokio::io::AsyncReadExt;
            err.read_to_string(&mut stderr).await.unwrap();
        }
        (status, stderr)
    }
}

async fn token(base: &str, username: &str, password: &str) -> reqwest::Response {
    netreach_testkit::http_client()
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn demo_serve_prints_the_admin_password_once_and_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve(&data, &["--demo"]).await;
    let password = server.admin_password().expect("admin password printed");
    assert_eq!(password.len(), 20);
    let recovery = server
        .printed
        .iter()
        .find_map(|l| l.strip_prefix("recovery key: "))
        .expect("recovery key printed")
        .to_owned();
    assert_eq!(recovery.split(' ').count(), 24);
    assert!(
        data.join("netreach.db").exists(),
        "SQLite database not in the data dir"
    );
    assert_eq!(
        netreach_testkit::http_client()
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    let home = netreach_testkit::http_client()
        .get(format!("{}/", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200);
    let login = netreach_testkit::http_client()
        .get(format!("{}/staff/login", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let body: Value = token(&server.base, "admin", &password)
        .await
        .json()
        .await
        .unwrap();
    let bearer = body["token"].as_str().unwrap().to_owned();
    let inbox: Value = netreach_testkit::http_client()
        .get(format!("{}/api/v1/staff/conversations", server.base))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        inbox["items"].as_array().unwrap().len(),
        3,
        "demo conversations loaded"
    );
    let first = inbox["items"][0]["id"].as_str().unwrap();
    let thread: Value = netreach_testkit::http_client()
        .get(format!(
            "{}/api/v1/staff/conversations/{first}",
            server.base
        ))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        thread["readable"], true,
        "the demo admin reads the demo conversations"
    );
    let (status, logs) = server.stop().await;
    assert!(status.success(), "exit {status:?}: {logs}");
    assert!(logs.contains("shutting down"), "{logs}");
    assert!(!logs.contains(&password), "the password reached the log");
    assert!(
        !logs.contains(&recovery),
        "the recovery key reached the log"
    );

    let again = serve(&data, &["--demo"]).await;
    assert_eq!(
        again.admin_password(),
        None,
        "a second start printed a new password"
    );
    assert_eq!(token(&again.base, "admin", &password).await.status(), 200);
    again.stop().await;
}

/// A start budget smaller than the demo's samples: the demo still comes up whole (admin, inbox
/// key, services), with as many samples as the budget allows and a line saying so.
#[tokio::test]
async fn demo_serve_with_a_small_start_budget_loads_fewer_samples_and_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = serve_with_env(
        &data,
        &["--demo"],
        &[("NETREACH_CONVERSATIONS__STARTS_PER_MINUTE", "1")],
    )
    .await;
    assert!(
        server.printed.iter().any(|l| l
            == "demo: 1 of 3 sample conversations loaded \
                           (conversations.starts_per_minute is 1)"),
        "{:?}",
        server.printed
    );
    let password = server.admin_password().expect("admin password printed");
    let services = netreach_testkit::http_client()
        .get(format!("{}/services", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(services.contains("Example drop-in centre (demo)"));
    let body: Value = token(&server.base, "admin", &password)
        .await
        .json()
        .await
        .unwrap();
    let inbox: Value = netreach_testkit::http_client()
        .get(format!("{}/api/v1/staff/conversations", server.base))
        .bearer_auth(body["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    let (status, logs) = server.stop().await;
    assert!(status.success(), "exit {status:?}: {logs}");
}

#[tokio::test]
async fn plain_serve_on_an_empty_data_dir_prints_a_one_time_setup_link() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &[]).await;
    assert_eq!(server.admin_password(), None);
    let link = server
        .printed
        .iter()
        .find(|l| l.contains("/staff/setup?token="))
        .expect("setup link printed")
        .clone();
    let path = &link[link.find("/staff/setup").unwrap()..];
    let page = netreach_testkit::http_client()
        .get(format!("{}{path}", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Create the first admin account")
    );
    server.stop().await;
}

#[tokio::test]
async fn migrate_says_what_it_applied() {
    for backend in TestBackend::all() {
        let db = TestDb::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let run = || async {
            let output = netreach(dir.path())
                .args(["migrate", "--database-url", &db.url])
                .output()
                .await
                .unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).unwrap()
        };
        let first = run().await;
        let name = if backend == TestBackend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        };
        for migration in [
            "1 foundation",
            "2 conversations",
            "3 team",
            "4 budgets",
            "5 inbox indexes",
            "6 content",
            "7 alerts",
            "8 publishing",
            "9 qa",
            "10 editorial",
        ] {
            assert!(
                first.contains(&format!("{name}: applied {migration}")),
                "{first}"
            );
        }
        assert!(run().await.contains("up to date"));
    }
}

#[tokio::test]
async fn serve_runs_the_same_product_on_postgresql() {
    if !TestBackend::all().contains(&TestBackend::Postgres) {
        return;
    }
    let db = TestDb::new(TestBackend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &["--demo", "--database-url", &db.url]).await;
    let password = server.admin_password().expect("admin password");
    assert_eq!(
        netreach_testkit::http_client()
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    assert_eq!(token(&server.base, "admin", &password).await.status(), 200);
    assert!(
        !dir.path().join("netreach.db").exists(),
        "a SQLite file was created for a Postgres URL"
    );
    let (status, _) = server.stop().await;
    assert!(status.success());
}

async fn admin(data: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = netreach(data).arg("admin").args(args).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A command refused on its arguments exits before reading: that is not a test failure.
        let _ = input.write_all(text.as_bytes()).await;
    }
    drop(input);
    child.wait_with_output().await.unwrap()
}

#[tokio::test]
async fn admins_manage_accounts_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let before_migrate = admin(data, &["list-users"], None).await;
    assert!(
        !before_migrate.status.success(),
        "admin never creates a database"
    );
    assert!(
        String::from_utf8_lossy(&before_migrate.stderr).contains("netreach migrate"),
        "{}",
        String::from_utf8_lossy(&before_migrate.stderr)
    );
    assert!(
        netreach(data)
            .arg("migrate")
            .output()
            .await
            .unwrap()
            .status
            .success()
    );
    let created = admin(
        data,
        &[
            "create-user",
            "--username",
            "Olga",
            "--role",
            "supervisor",
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
    let out = String::from_utf8_lossy(&created.stdout).to_string();
    assert!(out.starts_with("created olga (supervisor)\n"), "{out}");
    assert!(out.contains("no inbox key exists yet"), "{out}");

    let weak = admin(
        data,
        &[
            "create-user",
            "--username",
            "petr",
            "--role",
            "worker",
            "--password-stdin",
        ],
        Some("short\n"),
    )
    .await;
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));
    let bad_role = admin(
        data,
        &[
            "create-user",
            "--username",
            "petr",
            "--role",
            "boss",
            "--password-stdin",
        ],
        Some("long enough password\n"),
    )
    .await;
    assert!(!bad_role.status.success());
    let no_stdin_flag = admin(
        data,
        &["create-user", "--username", "petr", "--role", "worker"],
        None,
    )
    .await;
    assert!(
        !no_stdin_flag.status.success(),
        "a password must never be asked for on the command line"
    );

    let list = admin(data, &["list-users"], None).await;
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).trim(),
        "olga\tsupervisor\tactive"
    );

    let reset = admin(data, &["reset-password", "--username", "olga"], None).await;
    assert!(reset.status.success());
    let out = String::from_utf8_lossy(&reset.stdout).to_string();
    let new_password = out
        .trim()
        .strip_prefix("new password for olga: ")
        .expect("generated password printed")
        .to_owned();

    let server = serve(data, &[]).await;
    assert_eq!(
        token(&server.base, "olga", "olga long password")
            .await
            .status(),
        401
    );
    let ok = token(&server.base, "olga", &new_password).await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert!(body["token"].as_str().unwrap().starts_with("nr_"));
    server.stop().await;

    let chosen = admin(
        data,
        &["reset-password", "--username", "olga", "--password-stdin"],
        Some("chosen on stdin 42\n"),
    )
    .await;
    assert!(chosen.status.success());
    let unknown = admin(data, &["reset-password", "--username", "nobody"], None).await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no staff account named nobody"));

    // Removing a second factor that is not there says so; an unknown account fails.
    let no_totp = admin(data, &["reset-totp", "--username", "olga"], None).await;
    assert!(no_totp.status.success());
    assert_eq!(
        String::from_utf8_lossy(&no_totp.stdout).trim(),
        "olga had no two-factor sign-in"
    );
    let unknown = admin(data, &["reset-totp", "--username", "nobody"], None).await;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no staff account named nobody"));
}

#[tokio::test]
async fn config_check_validates_and_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let ok = netreach(dir.path())
        .args(["config", "check"])
        .env(
            "NETREACH_SERVER_SECRET",
            "a-long-server-secret-for-the-check-0123456789",
        )
        .env(
            "NETREACH_DATABASE_URL",
            "postgres://app:hunter2hunter2@db.internal/netreach",
        )
        .output()
        .await
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let shown = String::from_utf8_lossy(&ok.stdout);
    assert!(shown.contains("configuration is valid"));
    assert!(shown.contains("listen = \"127.0.0.1:8080\""), "{shown}");
    assert!(
        shown.contains("postgres://app:********@db.internal/netreach"),
        "{shown}"
    );
    assert!(
        !shown.contains("hunter2hunter2") && !shown.contains("a-long-server-secret"),
        "{shown}"
    );

    std::fs::write(
        dir.path().join("netreach.toml"),
        "listen = \"127.0.0.1:9999\"\norg_nmae = \"Typo\"\n",
    )
    .unwrap();
    let bad = netreach(dir.path())
        .args(["config", "check"])
        .output()
        .await
        .unwrap();
    assert!(!bad.status.success());
    let error = String::from_utf8_lossy(&bad.stderr);
    assert!(error.contains("org_nmae"), "{error}");

    let weak = netreach(tempfile::tempdir().unwrap().path())
        .args(["config", "check"])
        .env("NETREACH_SERVER_SECRET", "")
        .output()
        .await
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("server secret is empty"));
}

#[tokio::test]
async fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["admin", "--help"],
        vec!["admin", "create-user", "--help"],
        vec!["admin", "reset-password", "--help"],
        vec!["config", "check", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
    ] {
        let output = Command::new(BIN).args(&args).output().await.unwrap();
        assert!(output.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("Usage"), "{args:?}");
        for global in ["--data", "--database-url", "--config"] {
            assert!(text.contains(global), "{args:?} lacks {global}");
        }
    }
}

#[tokio::test]
async fn the_first_admin_made_on_the_command_line_gets_the_inbox_key_and_recover_regrants_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(
        netreach(data)
            .arg("migrate")
            .output()
            .await
            .unwrap()
            .status
            .success()
    );
    let created = admin(
        data,
        &[
            "create-user",
            "--username",
            "boss",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("boss long password\n"),
    )
    .await;
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let out = String::from_utf8_lossy(&created.stdout).to_string();
    let phrase = out
        .lines()
        .find_map(|l| l.strip_prefix("recovery key: "))
        .expect("recovery key printed for the first admin")
        .to_owned();
    let worker = admin(
        data,
        &[
            "create-user",
            "--username",
            "wanda",
            "--role",
            "worker",
            "--password-stdin",
        ],
        Some("wanda long password\n"),
    )
    .await;
    assert!(String::from_utf8_lossy(&worker.stdout).contains("must grant them access"));

    let wrong = admin(
        data,
        &["recover", "--username", "wanda"],
        Some("not the words\n"),
    )
    .await;
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("does not open"));
    let recovered = admin(
        data,
        &["recover", "--username", "wanda"],
        Some(&format!("{phrase}\n")),
    )
    .await;
    assert!(
        recovered.status.success(),
        "{}",
        String::from_utf8_lossy(&recovered.stderr)
    );

    let server = serve(data, &[]).await;
    let started: Value = netreach_testkit::http_client()
        .post(format!("{}/api/v1/conversations", server.base))
        .json(&json!({"topic": "other", "message": "hello after recovery", "lang": "en"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["conversation_id"].as_str().unwrap();
    let body: Value = token(&server.base, "wanda", "wanda long password")
        .await
        .json()
        .await
        .unwrap();
    let thread: Value = netreach_testkit::http_client()
        .get(format!("{}/api/v1/staff/conversations/{id}", server.base))
        .bearer_auth(body["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        thread.to_string().contains("hello after recovery"),
        "{thread}"
    );
    server.stop().await;
}
