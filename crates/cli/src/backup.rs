//! `netreach backup --out FILE` and `netreach restore FILE`.
//!
//! SQLite: a consistent copy made with `VACUUM INTO` while the server may keep running; restore
//! checks the copy is a Netreach database, then puts it in place of the data directory's database
//! (the server must be stopped) and applies any newer migrations. PostgreSQL: `pg_dump` in its
//! custom format and `pg_restore --clean`, so the PostgreSQL client tools must be installed.
//! A backup holds message bodies sealed as in the database: without a staff password or the
//! recovery key it reveals no content. The server secret is not in it: keep that file too.

use crate::say;
use anyhow::{Context, bail};
use netreach_app::settings::Settings;
use netreach_store::{AccountStore, AuditStore, Backend, SqlStore, Store};
use secrecy::ExposeSecret;
use sqlx::Row;
use std::path::{Path, PathBuf};

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a SQLite URL")?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        bail!("an in-memory database cannot be backed up or restored");
    }
    Ok(PathBuf::from(path))
}

pub async fn backup(settings: &Settings, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} exists already: choose a new file name", out.display());
    }
    let url = settings.database_url()?;
    // Written inside a directory only the owner can enter, then moved into place: the backup is
    // never readable by others, not even while it is being written.
    let staging = Staging::next_to(out)?;
    let written = staging.file();
    match Backend::from_url(url.expose_secret())? {
        Backend::Sqlite => {
            let store = crate::connect(settings).await?;
            let target = std::path::absolute(&written).unwrap_or_else(|_| written.clone());
            sqlx::query("VACUUM INTO $1")
                .bind(target.display().to_string())
                .execute(store.pool())
                .await
                .with_context(|| format!("cannot write {}", out.display()))?;
            store.close().await;
        }
        Backend::Postgres => {
            let status = pg_tool("pg_dump", url.expose_secret())?
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(&written)
                .status()
                .await
                .context("cannot run pg_dump (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_dump failed ({status})");
            }
        }
    }
    restrict(&written)?;
    std::fs::rename(&written, out)
        .with_context(|| format!("cannot move the backup to {}", out.display()))?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    let store = crate::connect(settings).await?;
    store
        .append_audit(netreach_store::NewAuditEntry {
            at: netreach_core::Clock::now(&netreach_core::SystemClock),
            actor_id: None,
            actor: "operator".into(),
            action: netreach_core::AuditAction::BackupWritten,
            target: String::new(),
        })
        .await?;
    store.close().await;
    say(&format!(
        "backup written to {} ({size} bytes)",
        out.display()
    ));
    say("keep the server secret (data directory: server-secret) with it: codenames need it");
    Ok(())
}

/// A PostgreSQL client tool for the database URL, given without its password: the password goes
/// into the tool's own environment, since any local user can read a command line in `/proc`.
fn pg_tool(program: &str, url: &str) -> anyhow::Result<tokio::process::Command> {
    let mut parsed = reqwest::Url::parse(url).context("the database URL does not parse")?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    if parsed.set_password(None).is_err() {
        bail!("the database URL has no host");
    }
    let mut command = tokio::process::Command::new(program);
    command.arg(format!("--dbname={parsed}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    Ok(command)
}

/// A directory of mode 0700 beside the backup's destination (so the final rename stays on one
/// file system), removed with whatever is left in it.
struct Staging(PathBuf);

impl Staging {
    fn next_to(out: &Path) -> anyhow::Result<Staging> {
        let name = out
            .file_name()
            .context("the backup needs a file name")?
            .to_string_lossy();
        let dir = out.with_file_name(format!(".{name}.{}.partial", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging(dir))
    }

    fn file(&self) -> PathBuf {
        self.0.join("backup")
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Backups are readable by their owner only.
fn restrict(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    let _ = path;
    Ok(())
}

/// Whether a database holds Netreach's migrations table.
async fn is_netreach(store: &SqlStore) -> bool {
    sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .and_then(|row| row.try_get::<i64, _>("n"))
        .is_ok_and(|n| n > 0)
}

pub async fn restore(settings: &Settings, file: &Path, force: bool) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let url = settings.database_url()?;
    match Backend::from_url(url.expose_secret())? {
        Backend::Sqlite => {
            let target = sqlite_path(url.expose_secret())?;
            if target.exists() && !force {
                bail!(
                    "{} exists: stop the server and pass --force to replace it with the backup",
                    target.display()
                );
            }
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Check a copy first, so a wrong file never replaces the database.
            let staged = target.with_extension("db.restoring");
            std::fs::copy(file, &staged)
                .with_context(|| format!("cannot copy {}", file.display()))?;
            let check = SqlStore::connect(&format!("sqlite://{}", staged.display())).await;
            let valid = match &check {
                Ok(store) => is_netreach(store).await,
                Err(_) => false,
            };
            if let Ok(store) = check {
                store.close().await;
            }
            if !valid {
                let _ = std::fs::remove_file(&staged);
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", staged.display()));
                }
                bail!("{} is not a Netreach database backup", file.display());
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
                let _ = std::fs::remove_file(format!("{}{suffix}", staged.display()));
            }
            std::fs::rename(&staged, &target)?;
        }
        Backend::Postgres => {
            let store = crate::connect(settings).await?;
            let used = is_netreach(&store).await && store.count_users().await.unwrap_or(0) > 0;
            store.close().await;
            if used && !force {
                bail!(
                    "the database already has staff accounts: stop the servers and pass --force to replace it"
                );
            }
            let status = pg_tool("pg_restore", url.expose_secret())?
                .arg("--clean")
                .arg("--if-exists")
                .arg("--no-owner")
                .arg(file)
                .status()
                .await
                .context("cannot run pg_restore (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_restore failed ({status})");
            }
        }
    }
    let store = crate::connect(settings).await?;
    let applied = store
        .migrate()
        .await
        .context("migration after restore failed")?;
    let users = store.count_users().await?;
    store.close().await;
    say(&format!(
        "restored from {}: {users} staff account(s); {} newer migration(s) applied",
        file.display(),
        applied.len()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_password_goes_to_the_environment_not_the_command_line() {
        let command = pg_tool("pg_dump", "postgres://app:s%40cret@db:5432/netreach").unwrap();
        let std = command.as_std();
        let args: Vec<String> = std
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["--dbname=postgres://app@db:5432/netreach"]);
        let env: Vec<_> = std.get_envs().collect();
        assert_eq!(
            env,
            [(
                std::ffi::OsStr::new("PGPASSWORD"),
                Some(std::ffi::OsStr::new("s@cret"))
            )]
        );
    }

    #[test]
    fn a_backup_is_staged_where_only_its_owner_can_enter() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("nightly.backup");
        let staging = Staging::next_to(&out).unwrap();
        let staged_dir = staging.file().parent().unwrap().to_owned();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&staged_dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        drop(staging);
        assert!(!staged_dir.exists(), "staging is cleaned up");
    }
}
