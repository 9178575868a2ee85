//! `netreach`: the one binary. Serves the application, migrates the database, manages staff
//! accounts and checks the configuration. See `netreach --help`.

mod admin;
mod backup;
mod bench;
mod bench_content;
mod bench_flood;
mod bench_inbox;
mod bench_notify;
mod bench_photo;
mod bench_telegram;
mod bench_watch;
mod demo;
mod serve;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use netreach_app::settings::{Overrides, Settings};
use netreach_store::{SqlStore, Store};
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// mimalloc instead of the system allocator: glibc kept what a thread had freed in that thread's
/// arena, so the Argon2id derivations at start (19 MiB each) stayed resident for the life of the
/// process (BENCHMARKS.md, idle memory); mimalloc gives a thread's freed memory back to the
/// system, at the latest when the thread ends, and is faster for the many small allocations of a
/// request. Built without transparent huge pages (`no_thp`): with them every touched 2 MiB of
/// its arena counted as resident.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "netreach",
    version,
    about = "Anonymous web outreach for harm-reduction organisations"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, Args)]
struct Global {
    /// Data directory (SQLite database, server secret, netreach.toml) [env: NETREACH_DATA]
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://... [env: NETREACH_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// Settings file (default: netreach.toml in the data directory)
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (migrates first)
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080] [env: NETREACH_LISTEN]
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// On first start, create user `admin` with a random password (printed once) and load
        /// demo content
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and say which were applied
    Migrate,
    /// Manage staff accounts
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Measure message throughput, inbox latency and size per message (empty database only)
    Bench(bench::BenchArgs),
    /// Import or export the content pack (knowledge base, substances, combination rules)
    Content {
        #[command(subcommand)]
        command: ContentCommand,
    },
    /// Write an encrypted, compressed backup of the database to a new file (SQLite: while
    /// running; PostgreSQL: with pg_dump), encrypted with age to backup.passphrase or
    /// backup.recipients. The server secret is not in it: keep it separately.
    Backup {
        /// The file to create (it must not exist)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a backup, then replace the database with it (stop the server first), migrate,
    /// and prove the result: the counts match the backup, and with --prove-as a staff member
    /// opens every message
    Restore {
        /// A file written by `netreach backup`
        file: PathBuf,
        /// Replace a database that already holds data
        #[arg(long)]
        force: bool,
        /// An age identity file (AGE-SECRET-KEY-1...) for a backup made to backup.recipients
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// After restoring, open every message as this staff member (password on standard
        /// input)
        #[arg(long, value_name = "USERNAME")]
        prove_as: Option<String>,
    },
    /// Check the configuration
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ContentCommand {
    /// Validate every file of a pack directory and, only if all are valid, make it the
    /// published pack (running servers reload it within a minute); the pack it replaces is
    /// kept as a version
    Import {
        dir: PathBuf,
        /// Only say what would be added, changed and removed; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Allow an import that removes more than 3 files of the published pack
        #[arg(long)]
        replace: bool,
    },
    /// List the versions of the published pack that `content restore` can bring back
    Versions,
    /// Make an earlier version the published pack again (on every node within a minute); the
    /// pack in use is kept as a version
    Restore { version: i64 },
    /// Write the published pack (or the bundled one, before any import) as files
    Export { dir: PathBuf },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validate the settings and print the effective values, secrets masked
    Check,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // An idle blocking thread (they run the Argon2id derivations) ends after a second
        // instead of ten: the allocator returns a thread's freed memory when it ends, and a new
        // thread costs microseconds next to a derivation's tens of milliseconds.
        .thread_keep_alive(std::time::Duration::from_secs(1))
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            report(&anyhow::Error::from(e));
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            std::process::ExitCode::FAILURE
        }
    }
}

#[allow(clippy::print_stderr)] // the one place errors reach the terminal
fn report(error: &anyhow::Error) {
    eprintln!("error: {error:#}");
}

/// Prints a line for the person at the terminal (not a log line).
#[allow(clippy::print_stdout)]
pub(crate) fn say(line: &str) {
    println!("{line}");
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let listen = match &cli.command {
        Command::Serve { listen, .. } => *listen,
        _ => None,
    };
    let overrides = Overrides {
        config_file: cli.global.config.clone(),
        data: cli.global.data.clone(),
        database_url: cli.global.database_url.clone(),
        listen,
    };
    let settings = Settings::load(&overrides).context("invalid configuration")?;
    match cli.command {
        Command::Serve { demo, .. } => serve::run(settings, demo).await,
        Command::Migrate => {
            let store = connect(&settings).await?;
            let applied = store.migrate().await.context("migration failed")?;
            if applied.is_empty() {
                say(&format!(
                    "{}: database is up to date",
                    store.backend().name()
                ));
            }
            for m in &applied {
                say(&format!(
                    "{}: applied {} {}",
                    store.backend().name(),
                    m.version,
                    m.description
                ));
            }
            store.close().await;
            Ok(())
        }
        Command::Admin { command } => admin::run(settings, command).await,
        Command::Content { command } => {
            let (state, _) = open_existing(settings).await?;
            let result = match command {
                ContentCommand::Import {
                    dir,
                    dry_run,
                    replace,
                } => {
                    let options = netreach_app::published::ImportOptions { dry_run, replace };
                    match import_with_progress(&state, &dir, options).await {
                        Ok(r) => {
                            say_changes(&r);
                            if !r.unreviewed.is_empty() {
                                say(&format!(
                                    "note: {} of {} articles and profiles record no review (reviewed_at is empty); they are shown as awaiting your organisation's own clinical review",
                                    r.unreviewed.len(),
                                    r.articles + r.substances
                                ));
                            }
                            if r.dry_run {
                                say(&format!(
                                    "dry run: {} files are valid ({} substances, {} combination rules, {} articles); nothing was written",
                                    r.files, r.substances, r.rules, r.articles
                                ));
                            } else {
                                say(&format!(
                                    "imported {} files: {} substances, {} combination rules, {} articles (version {})",
                                    r.files, r.substances, r.rules, r.articles, r.version
                                ));
                            }
                            Ok(())
                        }
                        Err(netreach_app::published::ContentError::Invalid(errors)) => {
                            for e in &errors {
                                say(&format!("{e}"));
                            }
                            Err(anyhow::anyhow!(
                                "{} problem(s) found; nothing was imported",
                                errors.len()
                            ))
                        }
                        Err(e) => Err(anyhow::anyhow!("{e}; nothing was imported")),
                    }
                }
                ContentCommand::Versions => {
                    let versions = netreach_app::published::versions_as_operator(&state).await?;
                    say("version\tmade\treplaced\thow\tfiles");
                    for v in versions {
                        let date = |t: time::OffsetDateTime| {
                            t.format(&time::format_description::well_known::Rfc3339)
                                .unwrap_or_default()
                        };
                        let (made, how) = if v.version == 0 {
                            ("-".to_owned(), "bundled".to_owned())
                        } else {
                            (date(v.made_at), v.how.to_text())
                        };
                        let replaced = v.replaced_at.map(date).unwrap_or_else(|| "in use".into());
                        say(&format!(
                            "{}\t{made}\t{replaced}\t{how}\t{}",
                            v.version, v.files
                        ));
                    }
                    Ok(())
                }
                ContentCommand::Restore { version } => {
                    match netreach_app::published::restore_as_operator(&state, version).await {
                        Ok(new) => {
                            say(&format!(
                                "restored version {version} as version {new}; running servers load it within a minute"
                            ));
                            Ok(())
                        }
                        Err(netreach_app::published::ContentError::Invalid(errors)) => {
                            for e in &errors {
                                say(&format!("{e}"));
                            }
                            Err(anyhow::anyhow!(
                                "version {version} no longer passes validation ({} problem(s)); nothing was restored",
                                errors.len()
                            ))
                        }
                        Err(e) => Err(anyhow::anyhow!("{e}; nothing was restored")),
                    }
                }
                ContentCommand::Export { dir } => {
                    let n = netreach_app::published::export(&state, &dir).await?;
                    say(&format!("exported {n} files to {}", dir.display()));
                    Ok(())
                }
            };
            state.store.close().await;
            result
        }
        Command::Backup { out } => backup::backup(&settings, &out).await,
        Command::Restore {
            file,
            force,
            identity,
            prove_as,
        } => {
            let options = backup::RestoreOptions {
                force,
                identity,
                prove_as,
            };
            backup::restore(settings, &file, options).await
        }
        Command::Bench(args) if args.flood => bench_flood::run(args.seconds.clamp(1, 120)).await,
        Command::Bench(args) if args.watch => bench_watch::run(settings).await,
        Command::Bench(args) if args.telegram => bench_telegram::run(settings).await,
        Command::Bench(args) if args.photo => bench_photo::run(&settings),
        Command::Bench(args) if args.notify => {
            bench_notify::run(settings, args.notify_posts.clamp(1, 1000)).await
        }
        Command::Bench(args) if args.content => {
            bench_content::run(args.nginx.clone(), args.seconds.clamp(1, 60)).await
        }
        Command::Bench(args) => {
            let explicit = cli.global.database_url.is_some()
                || std::env::var_os("NETREACH_DATABASE_URL").is_some();
            bench::run(settings, args, explicit).await
        }
        Command::Config {
            command: ConfigCommand::Check,
        } => config_check(settings).await,
    }
}

/// `config check`: the settings must be valid; then every first-run check is printed as a
/// warning (the admin dashboard shows the same list). Warnings do not fail the command.
async fn config_check(settings: Settings) -> anyhow::Result<()> {
    use netreach_app::operations;
    settings.server_secret().context("server secret")?;
    settings.database_url().context("database URL")?;
    say("configuration is valid; effective settings (secrets masked):");
    say(&settings.masked_toml());
    let i18n = netreach_i18n::I18n::load()?;
    let now = netreach_core::Clock::now(&netreach_core::SystemClock);
    let mut lines = Vec::new();
    match connect_existing(&settings).await {
        Ok(store) => {
            let store: Arc<dyn Store> = Arc::new(store);
            let state = netreach_app::build(
                store.clone(),
                settings.clone(),
                Arc::new(netreach_core::SystemClock),
            )?;
            match operations::warnings(&state).await {
                Ok(warnings) => lines.extend(
                    warnings
                        .iter()
                        .map(|w| w.text(&state, netreach_core::Lang::En)),
                ),
                Err(e) => {
                    lines.extend(
                        operations::settings_warnings(&settings)
                            .iter()
                            .map(|w| w.text_with(&i18n, &settings, now, netreach_core::Lang::En)),
                    );
                    lines.push(format!(
                        "the database could not be checked ({e}): run `netreach migrate` if Netreach was upgraded"
                    ));
                }
            }
            store.close().await;
        }
        Err(e) => {
            lines.extend(
                operations::settings_warnings(&settings)
                    .iter()
                    .map(|w| w.text_with(&i18n, &settings, now, netreach_core::Lang::En)),
            );
            lines.push(format!("{e}"));
        }
    }
    if lines.is_empty() {
        say("no warnings: every first-run check passes");
    } else {
        say(&format!("{} warning(s):", lines.len()));
        for line in lines {
            say(&format!("warning: {line}"));
        }
    }
    Ok(())
}

/// Connects to the configured database, creating the data directory and the SQLite file when
/// missing: only for the commands that are asked to make a server (`serve`, `migrate`, `bench`).
pub(crate) async fn connect(settings: &Settings) -> anyhow::Result<SqlStore> {
    std::fs::create_dir_all(&settings.data)
        .with_context(|| format!("cannot create data directory {}", settings.data.display()))?;
    let url = settings.database_url()?;
    SqlStore::connect(url.expose_secret())
        .await
        .context("cannot open the database")
}

/// Connects to a Netreach database that exists already; refuses, naming the place it looked,
/// when there is none (a mistyped `--data`, a settings file in the wrong directory).
pub(crate) async fn connect_existing(settings: &Settings) -> anyhow::Result<SqlStore> {
    let url = settings.database_url()?;
    SqlStore::open_existing(url.expose_secret())
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", no_database_here(settings, url.expose_secret())))
}

/// Says which database a command looked for and how the place was chosen.
pub(crate) fn no_database_here(settings: &Settings, url: &str) -> String {
    match netreach_store::sqlite_path(url) {
        Some(path) => format!(
            "no Netreach database at {} (data directory {}, from --data, --config or NETREACH_DATA; a settings file without a data key names its own directory). A new server is made by `netreach serve` or `netreach migrate`",
            path.display(),
            settings.data.display()
        ),
        None => format!(
            "no Netreach database at {} (database_url). A new database is prepared by `netreach migrate`",
            netreach_app::settings::mask_url(url)
        ),
    }
}

/// Connects, migrates and builds the application state, creating the database if needed.
pub(crate) async fn open(
    settings: Settings,
) -> anyhow::Result<(
    netreach_app::AppState,
    Vec<netreach_store::AppliedMigration>,
)> {
    let store = connect(&settings).await?;
    state_for(store, settings).await
}

/// The same for a database that must exist already (staff and content commands).
pub(crate) async fn open_existing(
    settings: Settings,
) -> anyhow::Result<(
    netreach_app::AppState,
    Vec<netreach_store::AppliedMigration>,
)> {
    let store = connect_existing(&settings).await?;
    state_for(store, settings).await
}

async fn state_for(
    store: SqlStore,
    settings: Settings,
) -> anyhow::Result<(
    netreach_app::AppState,
    Vec<netreach_store::AppliedMigration>,
)> {
    let applied = store.migrate().await.context("migration failed")?;
    let store: Arc<dyn Store> = Arc::new(store);
    let state = netreach_app::build(store, settings, Arc::new(netreach_core::SystemClock))?;
    Ok((state, applied))
}

/// `content import` with a progress bar on a terminal (nothing when the output is piped): files
/// read, then validation, then the single transaction that saves them.
async fn import_with_progress(
    state: &netreach_app::AppState,
    dir: &std::path::Path,
    options: netreach_app::published::ImportOptions,
) -> Result<netreach_app::published::ImportReport, netreach_app::published::ContentError> {
    let total = netreach_content::count_files(dir)?;
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} files")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("reading");
    let files = netreach_content::read_files_with(dir, &mut || bar.inc(1))?;
    // Validation and the save are one step each: the bar says which is running.
    bar.set_message("validating");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let result = netreach_app::published::import_files_with(state, files, options).await;
    bar.finish_and_clear();
    result
}

/// Prints what an import adds, changes and removes ("would" for a dry run), each file by name.
fn say_changes(report: &netreach_app::published::ImportReport) {
    let would = if report.dry_run { "would be " } else { "" };
    for (what, paths) in [
        ("added", &report.changes.added),
        ("changed", &report.changes.changed),
        ("removed", &report.changes.removed),
    ] {
        say(&format!("{} file(s) {would}{what}", paths.len()));
        for path in paths {
            say(&format!("  {path}"));
        }
    }
}
