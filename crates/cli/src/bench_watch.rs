//! `netreach bench --watch`: forum watch's numbers, in one run. (1) Risk-signal matching
//! throughput on one core, in MB of forum text per second, with the default lexicon and every
//! substance name of the bundled pack, against lower-casing the same text (a copy-speed yardstick
//! measured in the same run, so the ratio holds across machines and build profiles): as a fetch
//! matches (one `Scratch` for all posts) and post by post (a new one each). (2) End to
//! end: from a post appearing in a feed served on 127.0.0.1 to it being in the watch queue, as a
//! fetch of the source measures it (the background job adds at most its 20 s period).

use crate::say;
use anyhow::Context;
use netreach_app::settings::Settings;
use netreach_channels::watch::lexicon::default_terms;
use netreach_channels::watch::{Matcher, Scratch, Term};
use netreach_content::Pack;
use netreach_content::aliases::Aliases;
use netreach_core::Role;
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SENTENCES: &[&str] = &[
    "Which VPN do you use for this board? Mine keeps dropping the connection.",
    "Shipping was fast and the stealth was good, five stars for the vendor.",
    "Be careful, there is a bad batch going around, my friend overdosed last night.",
    "Does anyone know if the new listing is the same as last month's?",
    "Заказ пришёл быстро, упаковка нормальная, всем спасибо за советы.",
    "Вчера у друга была передозировка после новой партии, еле откачали.",
    "Подскажите, какой кошелёк сейчас лучше использовать для оплаты?",
    "The forum was down for maintenance again, admins said it is fixed now.",
    "Is it ok to mix heroin and alcohol or is that a bad idea?",
    "Кто-нибудь пробовал этот магазин? Отзывы какие-то странные.",
];

/// About `bytes` of forum posts of 3 to 8 sentences each, deterministic.
fn corpus(bytes: usize) -> Vec<String> {
    let mut posts = Vec::new();
    let (mut total, mut seed) = (0usize, 7u64);
    while total < bytes {
        let mut post = String::new();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        for k in 0..3 + (seed >> 60) as usize % 6 {
            let i = ((seed >> 33) as usize + k * 7) % SENTENCES.len();
            post.push_str(SENTENCES[i]);
            post.push(' ');
        }
        total += post.len();
        posts.push(post);
    }
    posts
}

fn matcher() -> anyhow::Result<Matcher> {
    let pack = Pack::bundled().map_err(|e| anyhow::anyhow!("bundled pack: {} errors", e.len()))?;
    let aliases = Aliases::of(&pack);
    let mut terms = default_terms();
    terms.extend(
        aliases
            .entries()
            .map(|(alias, slug)| Term::new(alias, &format!("substance:{slug}"))),
    );
    Ok(Matcher::new(terms))
}

const FEED_HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>b</title><id>urn:b</id>"#;

/// Serves one Atom feed of `entries` posts on 127.0.0.1, to every request.
async fn feed_server(entries: usize) -> anyhow::Result<std::net::SocketAddr> {
    let mut feed = FEED_HEAD.to_owned();
    for i in 0..entries {
        let text = SENTENCES[i % SENTENCES.len()];
        feed.push_str(&format!(
            "<entry><title>t{i}</title><id>urn:p:{i}</id><link href=\"http://127.0.0.1/t/{i}\"/><author><name>u{i}</name></author><content type=\"text\">{text}</content></entry>"
        ));
    }
    feed.push_str("</feed>");
    let response = Arc::new(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/atom+xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{feed}",
        feed.len()
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    Ok(addr)
}

pub async fn run(mut settings: Settings) -> anyhow::Result<()> {
    // 1. Matching throughput, one core.
    let matcher = matcher()?;
    let posts = corpus(16 * 1024 * 1024);
    let bytes: usize = posts.iter().map(String::len).sum();
    let mb = bytes as f64 / (1024.0 * 1024.0);
    let clock = Instant::now();
    let mut lowered = 0usize;
    for post in &posts {
        lowered += post.to_lowercase().len();
    }
    let baseline = clock.elapsed();
    // As a fetch matches a page's posts: one Scratch (buffers, and the stems of the words seen
    // so far) for all of them.
    let clock = Instant::now();
    let (mut hits, mut queued) = (0usize, 0usize);
    let mut scratch = Scratch::new();
    for post in &posts {
        let found = matcher.find_with(post, &mut scratch);
        queued += usize::from(!found.is_empty());
        hits += found.len();
    }
    let matching = clock.elapsed();
    // Each post on its own (`Matcher::find`): every word that may matter stemmed afresh.
    let clock = Instant::now();
    let mut alone = 0usize;
    for post in &posts {
        alone += matcher.find(post).len();
    }
    let fresh = clock.elapsed();
    let (looked_up, stemmed) = scratch.counts();
    say(&format!(
        "matching: {} phrases, {mb:.1} MB in {} posts, {hits} hits ({alone} post by post), {queued} posts with a hit; {looked_up} words needed a stem, {stemmed} went through a stemmer",
        matcher.len(),
        posts.len()
    ));
    say(&format!(
        "matching: {:.1} MB/s on one core; lower-casing the same text: {:.1} MB/s ({lowered} bytes); ratio {:.2}",
        mb / matching.as_secs_f64(),
        mb / baseline.as_secs_f64(),
        baseline.as_secs_f64() / matching.as_secs_f64()
    ));
    say(&format!(
        "matching each post with a new Scratch: {:.1} MB/s on one core; ratio to lower-casing {:.2}",
        mb / fresh.as_secs_f64(),
        baseline.as_secs_f64() / fresh.as_secs_f64()
    ));

    // 2. End to end, on a scratch SQLite database.
    let scratch = crate::bench::tempdir("netreach-bench-watch")?;
    settings.data = scratch.clone();
    settings.database_url = None;
    settings.database_url_file = None;
    let store = crate::connect(&settings).await?;
    store.migrate().await?;
    let store: Arc<dyn netreach_store::Store> = Arc::new(store);
    let state = netreach_app::build(store, settings, Arc::new(netreach_core::SystemClock))?;
    let user = netreach_app::accounts::create_user_as_operator(
        &state,
        "bench-supervisor",
        Role::Supervisor,
        "bench password 1234".into(),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let staff = netreach_app::policy::Staff::without_key(user);
    for entries in [10usize, 100, 1000] {
        let addr = feed_server(entries).await?;
        let id = netreach_app::watch::create_source(
            &state,
            &staff,
            netreach_app::watch::SourceInput {
                name: format!("bench {entries}"),
                kind: "feed".into(),
                url: format!("http://{addr}/feed.xml"),
                enabled: true,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let now = netreach_core::Clock::now(state.clock.as_ref());
        let clock = Instant::now();
        let source = state
            .store
            .claim_watch_source(id, now, now + time::Duration::minutes(1))
            .await?
            .context("lease")?;
        drop(source);
        state
            .store
            .finish_watch_fetch(
                id,
                netreach_store::WatchFetchOutcome::NotModified { next_fetch_at: now },
                now,
            )
            .await?;
        // The job's step fetches every due source: this one.
        let fetched = netreach_app::watch::fetch_due(&state).await?;
        let elapsed = clock.elapsed();
        let queued = state
            .store
            .watch_matches(&netreach_store::WatchMatchFilter {
                source_id: Some(id),
                limit: 10_000,
                ..Default::default()
            })
            .await?
            .len();
        say(&format!(
            "end to end: a feed of {entries} posts fetched ({fetched} source), matched and {queued} queued in {:.1} ms",
            elapsed.as_secs_f64() * 1000.0
        ));
    }
    state.store.close().await;
    let _ = std::fs::remove_dir_all(scratch);
    Ok(())
}
