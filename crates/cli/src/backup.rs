//! `netreach backup --out FILE` and `netreach restore FILE`.
//!
//! A backup is an age-encrypted, gzip-compressed tar archive of two entries: `manifest.json`
//! (what it holds: backend, schema, counts) and the database itself (`netreach.db`, a
//! consistent SQLite copy made with `VACUUM INTO` while the server may keep running, or
//! `netreach.pgdump`, `pg_dump`'s custom format). It is encrypted to `backup.passphrase` (scrypt)
//! or to the age public keys in `backup.recipients`, so `age -d FILE | tar xz` opens it by hand
//! too. Message bodies inside stay sealed as in the database. The server secret is not in it.
//!
//! Restore checks everything before touching the database: it decrypts and unpacks into a
//! directory only its owner can enter, checks the manifest, the backend and the copy itself,
//! says what it replaces, and refuses to replace data without `--force`. Afterwards it proves
//! the result: the counts match the manifest, and with `--prove-as` a staff member's password
//! opens every message.

use crate::say;
use anyhow::{Context, bail};
use netreach_app::settings::Settings;
use netreach_store::{
    AuditStore, Backend, Inventory, Milestone, OperationsStore, SqlStore, Store, sqlite_path,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// The version of the archive layout.
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";

/// What a backup holds, written first in the archive.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    netreach_version: String,
    backend: String,
    /// The archive entry holding the database.
    database: String,
    created_at: String,
    staff: i64,
    conversations: i64,
    messages: i64,
    content_version: i64,
    schema_version: i64,
}

impl Manifest {
    fn new(backend: Backend, inventory: Inventory) -> Manifest {
        Manifest {
            format: FORMAT,
            netreach_version: env!("CARGO_PKG_VERSION").to_owned(),
            backend: backend.name().to_owned(),
            database: database_entry(backend).to_owned(),
            created_at: netreach_core::Clock::now(&netreach_core::SystemClock)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            staff: inventory.staff,
            conversations: inventory.conversations,
            messages: inventory.messages,
            content_version: inventory.content_version,
            schema_version: inventory.schema_version,
        }
    }

    fn counts(&self) -> String {
        counts(&Inventory {
            staff: self.staff,
            conversations: self.conversations,
            messages: self.messages,
            content_version: self.content_version,
            schema_version: self.schema_version,
        })
    }

    fn matches(&self, found: &Inventory) -> bool {
        (
            self.staff,
            self.conversations,
            self.messages,
            self.content_version,
        ) == (
            found.staff,
            found.conversations,
            found.messages,
            found.content_version,
        )
    }
}

fn counts(i: &Inventory) -> String {
    format!(
        "{} staff, {} conversations, {} messages, content version {}, schema {}",
        i.staff, i.conversations, i.messages, i.content_version, i.schema_version
    )
}

fn database_entry(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "netreach.db",
        Backend::Postgres => "netreach.pgdump",
    }
}

/// Who a backup is encrypted to, from the `backup` settings.
fn encryptor(settings: &Settings) -> anyhow::Result<(age::Encryptor, String)> {
    let passphrase = settings.backup.passphrase()?;
    let recipients = &settings.backup.recipients;
    match (passphrase, recipients.is_empty()) {
        (Some(_), false) => bail!(
            "set either backup.passphrase (or passphrase_file) or backup.recipients, not both: age cannot mix a passphrase with public keys"
        ),
        (Some(passphrase), true) => Ok((
            age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
                passphrase.expose_secret().to_owned(),
            )),
            "a passphrase".to_owned(),
        )),
        (None, false) => {
            let parsed = recipients
                .iter()
                .map(|r| {
                    r.trim().parse::<age::x25519::Recipient>().map_err(|e| {
                        anyhow::anyhow!("backup.recipients: {r:?} is not an age public key: {e}")
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let encryptor =
                age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
                    .context("cannot encrypt to backup.recipients")?;
            Ok((encryptor, format!("{} recipient key(s)", parsed.len())))
        }
        (None, true) => bail!(
            "backups are encrypted: set backup.passphrase_file (or backup.passphrase, or NETREACH_BACKUP__PASSPHRASE), or backup.recipients (age public keys); see Backups in the README"
        ),
    }
}

pub async fn backup(settings: &Settings, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} exists already: choose a new file name", out.display());
    }
    let (encryptor, to_whom) = encryptor(settings)?;
    let store = crate::connect_existing(settings).await?;
    let url = settings.database_url()?;
    let backend = store.backend();
    // Written inside a directory only the owner can enter, then moved into place: neither the
    // plain copy nor the backup is ever readable by others, not even while being written.
    let staging = Staging::next_to(out)?;
    let copy = staging.path("database");
    let inventory = match backend {
        Backend::Sqlite => {
            // One read transaction for the counts and the copy would be ideal; VACUUM INTO is
            // itself one, and the counts are taken from the copy below.
            let target = std::path::absolute(&copy).unwrap_or_else(|_| copy.clone());
            sqlx::query("VACUUM INTO $1")
                .bind(target.display().to_string())
                .execute(store.pool())
                .await
                .with_context(|| format!("cannot copy the database for {}", out.display()))?;
            let copied = SqlStore::open_existing(&format!("sqlite://{}", target.display()))
                .await
                .context("the copy of the database does not open")?;
            let inventory = copied.inventory().await?;
            copied.close().await;
            inventory
        }
        Backend::Postgres => {
            let inventory = store.inventory().await?;
            let status = pg_tool("pg_dump", url.expose_secret())?
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(&copy)
                .status()
                .await
                .context("cannot run pg_dump (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_dump failed ({status})");
            }
            inventory
        }
    };
    let manifest = Manifest::new(backend, inventory);
    let written = staging.path("backup");
    let archive_path = written.clone();
    let manifest_for_archive = manifest.clone();
    tokio::task::spawn_blocking(move || {
        write_archive(&archive_path, encryptor, &manifest_for_archive, &copy)
    })
    .await
    .context("the backup task stopped")??;
    std::fs::rename(&written, out)
        .with_context(|| format!("cannot move the backup to {}", out.display()))?;
    sync_parent(out);
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    let now = netreach_core::Clock::now(&netreach_core::SystemClock);
    store.set_milestone(Milestone::Backup, now).await?;
    store
        .append_audit(netreach_store::NewAuditEntry {
            at: now,
            actor_id: None,
            actor: "operator".into(),
            action: netreach_core::AuditAction::BackupWritten,
            target: String::new(),
        })
        .await?;
    store.close().await;
    say(&format!(
        "backup written to {} ({size} bytes, encrypted to {to_whom}): {}",
        out.display(),
        manifest.counts()
    ));
    say(
        "the server secret is not in it: keep one copy of it apart from the backups (see Backups in the README)",
    );
    Ok(())
}

/// Writes the archive: manifest, then the database, through gzip and age, with a progress bar
/// on a terminal. The file is created readable by its owner only and synced before returning.
fn write_archive(
    path: &Path,
    encryptor: age::Encryptor,
    manifest: &Manifest,
    database: &Path,
) -> anyhow::Result<()> {
    let file = private_file(path)?;
    let encrypted = encryptor
        .wrap_output(std::io::BufWriter::new(file))
        .context("cannot start encrypting")?;
    let compressed = flate2::write::GzEncoder::new(encrypted, flate2::Compression::default());
    let mut tar = tar::Builder::new(compressed);
    let manifest_json = serde_json::to_vec_pretty(manifest)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest_json.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, MANIFEST, manifest_json.as_slice())?;
    let source = std::fs::File::open(database)?;
    let len = source.metadata()?.len();
    let bar = progress(len, "backing up");
    let mut header = tar::Header::new_gnu();
    header.set_size(len);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, &manifest.database, bar.wrap_read(source))?;
    bar.finish_and_clear();
    let compressed = tar.into_inner()?;
    let encrypted = compressed.finish()?;
    let buffered = encrypted.finish()?;
    let file = buffered.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

/// A byte progress bar, drawn only on a terminal.
fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:12} [{bar:40}] {bytes}/{total_bytes}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

/// How `restore` was asked to run.
#[derive(Debug, Default)]
pub struct RestoreOptions {
    pub force: bool,
    pub identity: Option<PathBuf>,
    pub prove_as: Option<String>,
}

pub async fn restore(
    settings: Settings,
    file: &Path,
    options: RestoreOptions,
) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    let url = settings.database_url()?;
    let backend = Backend::from_url(url.expose_secret())?;
    let target = match backend {
        Backend::Sqlite => {
            let path = sqlite_path(url.expose_secret())
                .context("an in-memory database cannot be restored into")?;
            let dir = path.parent().map(Path::to_owned).unwrap_or_default();
            if !dir.is_dir() {
                bail!(
                    "the data directory {} does not exist: create it (and copy the server secret into it) first, or check --data/--config",
                    dir.display()
                );
            }
            Some(path)
        }
        Backend::Postgres => None,
    };
    // Staged beside the SQLite file (the final rename stays on one file system), or beside the
    // backup for PostgreSQL.
    let staging = Staging::next_to(target.as_deref().unwrap_or(file))?;
    let unpacked = staging.path("database");
    let identities = identities(&settings, options.identity.as_deref())?;
    let (source, into) = (file.to_owned(), unpacked.clone());
    let manifest = tokio::task::spawn_blocking(move || read_archive(&source, identities, &into))
        .await
        .context("the restore task stopped")??;
    if manifest.backend != backend.name() {
        bail!(
            "{} is a {} backup but the configured database is {}: restore it into a {} database",
            file.display(),
            manifest.backend,
            backend.name(),
            manifest.backend
        );
    }
    // The copy itself, before anything is replaced.
    match backend {
        Backend::Sqlite => {
            let copy = SqlStore::open_existing(&format!("sqlite://{}", unpacked.display()))
                .await
                .with_context(|| format!("{} does not hold a Netreach database", file.display()))?;
            let found = copy.inventory().await;
            copy.close().await;
            if !found.is_ok_and(|found| manifest.matches(&found)) {
                bail!(
                    "{} is damaged: its database does not match its manifest",
                    file.display()
                );
            }
        }
        Backend::Postgres => {
            let status = tokio::process::Command::new("pg_restore")
                .arg("--list")
                .arg(&unpacked)
                .stdout(std::process::Stdio::null())
                .status()
                .await
                .context("cannot run pg_restore (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("{} holds no readable PostgreSQL dump", file.display());
            }
        }
    }
    let place = match &target {
        Some(path) => path.display().to_string(),
        None => netreach_app::settings::mask_url(url.expose_secret()),
    };
    say(&format!(
        "{} holds a backup of {} from {}: {}",
        file.display(),
        manifest.backend,
        manifest.created_at,
        manifest.counts()
    ));
    let existing = existing_data(&settings, target.as_deref()).await?;
    match existing {
        Some(found) if !options.force => bail!(
            "{place} already holds a Netreach database ({}): stop the server(s) and pass --force to replace it",
            counts(&found)
        ),
        Some(found) => say(&format!(
            "restoring into {place}, replacing a database with {}",
            counts(&found)
        )),
        None => say(&format!("restoring into {place}")),
    }
    match &target {
        Some(path) => {
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            std::fs::rename(&unpacked, path)
                .with_context(|| format!("cannot put the database at {}", path.display()))?;
            sync_parent(path);
        }
        None => {
            let status = pg_tool("pg_restore", url.expose_secret())?
                .arg("--clean")
                .arg("--if-exists")
                .arg("--no-owner")
                .arg("--single-transaction")
                .arg("--exit-on-error")
                .arg(&unpacked)
                .status()
                .await
                .context("cannot run pg_restore (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_restore failed ({status}); the transaction was rolled back");
            }
        }
    }
    drop(staging);
    let store = crate::connect_existing(&settings).await?;
    let applied = store
        .migrate()
        .await
        .context("migration after restore failed")?;
    let found = store.inventory().await?;
    store.close().await;
    if !manifest.matches(&found) {
        bail!(
            "the restored database does not match the backup: found {}, the backup says {}",
            counts(&found),
            manifest.counts()
        );
    }
    say(&format!(
        "restored: {} ({} newer migration(s) applied); the counts match the backup",
        counts(&found),
        applied.len()
    ));
    let secret_missing = settings.server_secret.is_none()
        && settings.server_secret_file.is_none()
        && !settings
            .data
            .join(netreach_app::settings::SECRET_FILE_NAME)
            .exists();
    if secret_missing {
        say(&format!(
            "warning: no server secret at {}: copy the old server's secret there before starting, or clients' codenames will not open",
            settings
                .data
                .join(netreach_app::settings::SECRET_FILE_NAME)
                .display()
        ));
    }
    match options.prove_as {
        Some(username) => prove(settings, &username, secret_missing).await,
        None => {
            say(
                "to prove staff can read every conversation: `netreach admin prove-read --username NAME` (password on standard input)",
            );
            Ok(())
        }
    }
}

/// Opens every message with a staff member's password (read from standard input).
pub async fn prove(settings: Settings, username: &str, secret_missing: bool) -> anyhow::Result<()> {
    let mut settings = settings;
    if secret_missing {
        // Opening messages needs only staff keys; a throwaway secret keeps the real one's
        // place free instead of generating a wrong one into the data directory.
        settings.server_secret = Some(secrecy::SecretString::from(
            netreach_crypto::ServerSecret::generate_text(),
        ));
    }
    let password = crate::admin::read_password()?;
    let (state, _) = crate::open_existing(settings).await?;
    let proof = netreach_app::operations::prove_readable(&state, username, password).await;
    state.store.close().await;
    let proof = proof.map_err(|e| anyhow::anyhow!("{e}"))?;
    if proof.unreadable > 0 {
        bail!(
            "{username} could not open {} of {} messages in {} conversations",
            proof.unreadable,
            proof.messages,
            proof.conversations
        );
    }
    say(&format!(
        "{username} opened all {} message(s) in {} conversation(s)",
        proof.messages, proof.conversations
    ));
    Ok(())
}

/// The identities that may open a backup: the configured passphrase and an identity file.
fn identities(
    settings: &Settings,
    file: Option<&Path>,
) -> anyhow::Result<Vec<Box<dyn age::Identity + Send + Sync>>> {
    let mut out: Vec<Box<dyn age::Identity + Send + Sync>> = Vec::new();
    if let Some(passphrase) = settings.backup.passphrase()? {
        out.push(Box::new(age::scrypt::Identity::new(
            age::secrecy::SecretString::from(passphrase.expose_secret().to_owned()),
        )));
    }
    if let Some(path) = file {
        let parsed = age::IdentityFile::from_file(path.display().to_string())
            .with_context(|| format!("cannot read the identity file {}", path.display()))?
            .into_identities()
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        out.extend(parsed);
    }
    if out.is_empty() {
        bail!(
            "nothing to open the backup with: set backup.passphrase_file (or NETREACH_BACKUP__PASSPHRASE), or pass --identity FILE for a backup made to backup.recipients"
        );
    }
    Ok(out)
}

/// Decrypts and unpacks a backup: returns its manifest and writes its database to `into`.
fn read_archive(
    file: &Path,
    identities: Vec<Box<dyn age::Identity + Send + Sync>>,
    into: &Path,
) -> anyhow::Result<Manifest> {
    let not_backup = || {
        format!(
            "{} is not a backup written by `netreach backup`",
            file.display()
        )
    };
    let input = std::fs::File::open(file)?;
    let len = input.metadata()?.len();
    let bar = progress(len, "checking");
    let decryptor =
        age::Decryptor::new(BufReader::new(bar.wrap_read(input))).with_context(not_backup)?;
    let plain = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot decrypt {}: {e} (is backup.passphrase the one it was made with?)",
                file.display()
            )
        })?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(plain));
    let mut entries = archive.entries().with_context(not_backup)?;
    let mut first = entries
        .next()
        .with_context(not_backup)?
        .with_context(not_backup)?;
    if first.path()?.to_str() != Some(MANIFEST) {
        bail!(not_backup());
    }
    let mut text = String::new();
    first.by_ref().take(64 * 1024).read_to_string(&mut text)?;
    let manifest: Manifest = serde_json::from_str(&text).with_context(not_backup)?;
    if manifest.format != FORMAT {
        bail!(
            "{} has archive format {}, this Netreach reads {FORMAT}",
            file.display(),
            manifest.format
        );
    }
    let mut database = entries
        .next()
        .with_context(not_backup)?
        .with_context(not_backup)?;
    if database.path()?.to_str() != Some(manifest.database.as_str()) {
        bail!(not_backup());
    }
    let mut out = private_file(into)?;
    std::io::copy(&mut database, &mut out)
        .with_context(|| format!("{} is damaged or incomplete", file.display()))?;
    // The rest of the stream is read too, so a truncated or altered end is noticed (age
    // authenticates every chunk, including the last).
    for rest in entries {
        rest.with_context(not_backup)?;
    }
    out.sync_all()?;
    bar.finish_and_clear();
    Ok(manifest)
}

/// The Netreach data a restore would replace, if any.
async fn existing_data(
    settings: &Settings,
    sqlite: Option<&Path>,
) -> anyhow::Result<Option<Inventory>> {
    if let Some(path) = sqlite
        && !path.exists()
    {
        return Ok(None);
    }
    let url = settings.database_url()?;
    match SqlStore::open_existing(url.expose_secret()).await {
        Ok(store) => {
            let found = store.inventory().await;
            store.close().await;
            let found = found?;
            let empty = found.staff == 0 && found.conversations == 0;
            Ok((!empty || sqlite.is_some()).then_some(found))
        }
        Err(netreach_store::OpenError::NotNetreach) if sqlite.is_some() => bail!(
            "{} exists and is not a Netreach database: move it away first",
            sqlite.map(|p| p.display().to_string()).unwrap_or_default()
        ),
        Err(netreach_store::OpenError::NotNetreach) => Ok(None),
        Err(e) => Err(anyhow::anyhow!(
            "cannot open the database to restore into: {e}"
        )),
    }
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

/// A directory of mode 0700 beside a file (so a final rename stays on one file system),
/// removed with whatever is left in it.
struct Staging(PathBuf);

impl Staging {
    fn next_to(file: &Path) -> anyhow::Result<Staging> {
        let name = file
            .file_name()
            .context("a file name is needed")?
            .to_string_lossy();
        let dir = file.with_file_name(format!(".{name}.{}.partial", std::process::id()));
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

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new file readable by its owner only (0600 from the start, not after).
fn private_file(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

/// Makes a rename durable: the directory entry is synced too (best effort).
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent()
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
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
        let staged_dir = staging.path("x").parent().unwrap().to_owned();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&staged_dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        drop(staging);
        assert!(!staged_dir.exists(), "staging is cleaned up");
    }

    #[test]
    fn an_archive_round_trips_and_a_wrong_passphrase_or_a_cut_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("db");
        std::fs::write(&database, b"SQLite format 3\0 canary-plain-text").unwrap();
        let manifest = Manifest::new(Backend::Sqlite, Inventory::default());
        let archive = dir.path().join("a.backup");
        let key = age::x25519::Identity::generate();
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&key.to_public() as _)).unwrap();
        write_archive(&archive, encryptor, &manifest, &database).unwrap();
        let bytes = std::fs::read(&archive).unwrap();
        assert!(!bytes.windows(6).any(|w| w == b"canary"), "encrypted");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&archive).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let out = dir.path().join("out");
        let read = read_archive(&archive, vec![Box::new(key.clone())], &out).unwrap();
        assert_eq!(read.database, "netreach.db");
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(&database).unwrap()
        );

        let other = age::x25519::Identity::generate();
        let error = read_archive(&archive, vec![Box::new(other)], &dir.path().join("o2"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("cannot decrypt"), "{error}");

        let cut = dir.path().join("cut.backup");
        std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
        assert!(read_archive(&cut, vec![Box::new(key)], &dir.path().join("o3")).is_err());
    }
}
