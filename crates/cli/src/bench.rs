//! `netreach bench`: measures, in one run, what the conversations issue asks to be measured:
//! client message posts per second (sealed and committed durably), inbox list, the whole inbox
//! page over HTTP and conversation open latency (p50/p95) at a given size, and the database size
//! per message. Runs only on an empty database (a temporary SQLite one unless `--database-url`
//! names another).

use crate::say;
use anyhow::{Context, bail};
use netreach_app::conversations::{self, IntakeAnswers, NewRequest};
use netreach_app::settings::Settings;
use netreach_core::{Lang, Role, Topic};
use netreach_store::{AccountStore, InboxFilter, SqlStore, Store, bench};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Synthetic conversations to load before measuring the inbox
    #[arg(long, default_value_t = 100_000)]
    conversations: u32,
    /// Messages per synthetic conversation
    #[arg(long, default_value_t = 10)]
    messages_per: u32,
    /// Client message posts to time
    #[arg(long, default_value_t = 2_000)]
    posts: u32,
    /// Measure the content instead: search at 10,000 documents, a check of six substances, the
    /// article page's size, and requests per second against nginx
    #[arg(long)]
    pub content: bool,
    /// Flood a scratch server on 127.0.0.1 (new conversations, overdose questions, codename
    /// guesses, drug reports) for --seconds, timing the staff API and checking the budgets, a
    /// returning client and the overdose first aid
    #[arg(long)]
    pub flood: bool,
    /// Measure forum watch instead: risk-signal matching throughput on one core (MB/s) and the
    /// time from a post in a feed to the watch queue
    #[arg(long)]
    pub watch: bool,
    /// Measure the Telegram bot instead: client messages per second from a local Bot API
    /// stand-in into the inbox (sealed, durable), against web client posts in the same run
    #[arg(long)]
    pub telegram: bool,
    /// Measure photo processing instead: a 12-megapixel JPEG made safe to keep (decoded,
    /// scaled, re-encoded without its metadata) against decoding it only
    #[arg(long)]
    pub photo: bool,
    /// Measure notifications instead: the time from a client's post to the notification
    /// leaving the server (console notices, and e-mails accepted by an SMTP sink on 127.0.0.1),
    /// with 50 staff members subscribed
    #[arg(long)]
    pub notify: bool,
    /// Client posts to time with --notify
    #[arg(long, default_value_t = 40)]
    pub notify_posts: u32,
    /// The nginx binary for the comparison (default: looked up in /usr/sbin and /usr/bin)
    #[arg(long)]
    pub nginx: Option<std::path::PathBuf>,
    /// Seconds of load for each requests-per-second measurement
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

/// The benchmark admin's password (the database is a scratch one made for the run).
const BENCH_PASSWORD: &str = "bench password 1234";

pub(crate) fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run(mut settings: Settings, args: BenchArgs, explicit_db: bool) -> anyhow::Result<()> {
    let scratch = tempdir("netreach-bench")?;
    if !explicit_db {
        settings.data = scratch.clone();
        settings.database_url = None;
        settings.database_url_file = None;
    }
    let store = crate::connect(&settings).await?;
    store.migrate().await?;
    if store.count_users().await? > 0 {
        bail!("netreach bench runs only on an empty database: it writes synthetic data");
    }
    let backend = store.backend().name();
    let raw: SqlStore = store.clone();
    let store: Arc<dyn Store> = Arc::new(store);
    let state = netreach_app::build(
        store,
        settings.clone(),
        Arc::new(netreach_core::SystemClock),
    )?;
    let admin = netreach_app::accounts::create_user_as_operator(
        &state,
        "bench-admin",
        Role::Admin,
        BENCH_PASSWORD.into(),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let phrase = netreach_app::accounts::first_inbox(&state, &admin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let inbox = netreach_app::keys::recover_inbox(&state, &phrase)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    say(&format!("netreach bench on {backend}"));

    // 1. Client posts: sealed to two keys and committed (SQLite: WAL, synchronous=FULL).
    let started = conversations::start(
        &state,
        NewRequest {
            topic: Topic::Substances,
            lang: Lang::En,
            message: "bench".into(),
            intake: IntakeAnswers::default(),
            channel: "web",
        },
    )
    .await?;
    let access =
        conversations::ClientAccess::new(started.conversation.clone(), started.secret.clone());
    let clock = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..4u32 {
        let (state, access) = (state.clone(), access.clone());
        let n = args.posts / 4;
        tasks.push(tokio::spawn(async move {
            for i in 0..n {
                let text = format!(
                    "Bench message {w}-{i}: is it safe to combine these two substances tonight?"
                );
                conversations::client_post(&state, &access, &text).await?;
            }
            Ok::<_, conversations::ConversationError>(())
        }));
    }
    for t in tasks {
        t.await.context("writer")??;
    }
    let elapsed = clock.elapsed();
    let posts = f64::from(args.posts / 4 * 4);
    say(&format!(
        "client posts: {posts} in {:.2} s = {:.0} posts/s (4 writers)",
        elapsed.as_secs_f64(),
        posts / elapsed.as_secs_f64()
    ));

    // 2. Load the inbox to size.
    let clock = Instant::now();
    let loaded = bench::seed(
        &raw,
        args.conversations,
        args.messages_per,
        state.clock.now(),
    )
    .await?;
    if backend == "postgres" {
        // What autovacuum does after a bulk load on a default server; without statistics the
        // planner may prefer a scan to a fresh index.
        sqlx::query("ANALYZE").execute(raw.pool()).await?;
    }
    say(&format!(
        "loaded {} conversations / {loaded} messages in {:.1} s",
        args.conversations,
        clock.elapsed().as_secs_f64()
    ));
    // A few real conversations to open (10 sealed messages each).
    let mut real = Vec::new();
    for i in 0..20 {
        let s = conversations::start(
            &state,
            NewRequest {
                topic: Topic::Other,
                lang: Lang::Ru,
                message: format!("Вопрос {i}"),
                intake: IntakeAnswers {
                    substances: "мефедрон".into(),
                    ..IntakeAnswers::default()
                },
                channel: "web",
            },
        )
        .await?;
        let a = conversations::ClientAccess::new(s.conversation.clone(), s.secret.clone());
        for j in 0..4 {
            conversations::client_post(&state, &a, &format!("ещё сообщение {j}")).await?;
            conversations::staff_reply(
                &state,
                &admin,
                Some(&inbox),
                s.conversation.id,
                &format!("ответ {j}"),
                None,
            )
            .await?;
        }
        real.push(s.conversation.id);
    }

    // 3. Latencies.
    let runs = 300;
    let filters = [
        (
            "inbox, all (first page of 50)",
            InboxFilter {
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "inbox, status=open",
            InboxFilter {
                limit: 50,
                status: Some(netreach_core::Status::Open),
                ..Default::default()
            },
        ),
        (
            "inbox, urgent only",
            InboxFilter {
                limit: 50,
                urgent_only: true,
                ..Default::default()
            },
        ),
    ];
    let target = Duration::from_millis(20);
    for (name, filter) in filters {
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            state.store.list_conversations(&filter).await?;
            samples.push(t.elapsed());
        }
        let (p50, p95) = (
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.95),
        );
        say(&format!(
            "{name}: p50 {} p95 {} (p95 / 20 ms target = {:.2})",
            ms(p50),
            ms(p95),
            p95.as_secs_f64() / target.as_secs_f64()
        ));
    }
    crate::bench_inbox::run(&state, &admin, BENCH_PASSWORD, runs).await?;
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        conversations::staff_view(&state, real[i % real.len()], Some(&inbox)).await?;
        samples.push(t.elapsed());
    }
    let (p50, p95) = (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.95),
    );
    say(&format!(
        "open conversation (9 sealed messages + intake, decrypted): p50 {} p95 {} (p95 / 20 ms target = {:.2})",
        ms(p50),
        ms(p95),
        p95.as_secs_f64() / target.as_secs_f64()
    ));

    // 4. Size per message.
    let messages = loaded + u64::from(args.posts) + 20 * 10;
    let bytes = match bench::database_bytes(&raw).await? {
        Some(n) => u64::try_from(n).unwrap_or(0),
        None => {
            let _ = sqlx_checkpoint(&raw).await;
            std::fs::read_dir(&settings.data)?
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("netreach.db"))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        }
    };
    say(&format!(
        "database size: {:.1} MiB for {messages} messages = {} bytes per message (all tables and indexes)",
        bytes as f64 / 1048576.0,
        bytes / messages.max(1)
    ));
    state.store.close().await;
    if !explicit_db {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(())
}

async fn sqlx_checkpoint(store: &SqlStore) -> anyhow::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(store.pool())
        .await?;
    Ok(())
}

/// A scratch directory `<tmp>/<prefix>-<pid>` for one benchmark run.
pub(crate) fn tempdir(prefix: &str) -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
