//! `netreach`: the one binary. Serves the application, migrates the database, manages staff
//! accounts and checks the configuration. See `netreach --help`.

mod admin;
mod backup;
mod bench;
mod bench_content;
mod bench_inbox;
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
    /// Write a consistent copy of the database to a new file (SQLite: while running;
    /// PostgreSQL: with pg_dump). Messages stay sealed; keep the server secret with it.
    Backup {
        /// The file to create (it must not exist)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the database with a backup (stop the server first), then migrate
    Restore {
        /// A file written by `netreach backup`
        file: PathBuf,
        /// Replace a database that already exists or has staff accounts
        #[arg(long)]
        force: bool,
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
            let (state, _) = open(settings).await?;
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
        Command::Restore { file, force } => backup::restore(&settings, &file, force).await,
        Command::Bench(args) if args.watch => bench_watch::run(settings).await,
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
        } => {
            settings.server_secret().context("server secret")?;
            settings.database_url().context("database URL")?;
            say("configuration is valid; effective settings (secrets masked):");
            say(&settings.masked_toml());
            Ok(())
        }
    }
}

/// Connects to the configured database (creating the data directory for SQLite).
pub(crate) async fn connect(settings: &Settings) -> anyhow::Result<SqlStore> {
    std::fs::create_dir_all(&settings.data)
        .with_context(|| format!("cannot create data directory {}", settings.data.display()))?;
    let url = settings.database_url()?;
    SqlStore::connect(url.expose_secret())
        .await
        .context("cannot open the database")
}

/// Connects, migrates and builds the application state.
pub(crate) async fn open(
    settings: Settings,
) -> anyhow::Result<(
    netreach_app::AppState,
    Vec<netreach_store::AppliedMigration>,
)> {
    let store = connect(&settings).await?;
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
