//! `netreach bench --flood`: a bounded flood on 127.0.0.1 against a scratch server (SQLite, the
//! default budgets): new conversations, overdose questions through the no-JS form, codename
//! guesses and drug reports, from 24 concurrent clients for N seconds. It measures the staff
//! API's latency before and during the flood and checks what must hold: the shared budgets
//! (no more new conversations and reports than they allow), a returning client still served,
//! and the overdose first aid in every answer to an overdose question, whatever the budgets say.
//! A broken promise fails the command; the times are printed, never asserted.

use crate::bench::{ms, percentile, tempdir};
use crate::say;
use anyhow::{Context, bail};
use netreach_core::Role;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The scratch admin's password.
const PASSWORD: &str = "flood bench password 1234";
/// Concurrent flooding clients, per kind of request.
const PER_KIND: usize = 6;

/// What the flood saw, by kind of request.
#[derive(Default)]
struct Counts {
    starts_accepted: AtomicU64,
    starts_refused: AtomicU64,
    overdose_answers: AtomicU64,
    overdose_with_first_aid: AtomicU64,
    guesses: AtomicU64,
    guesses_refused: AtomicU64,
    reports_accepted: AtomicU64,
    reports_refused: AtomicU64,
    errors: AtomicU64,
}

pub async fn run(seconds: u64) -> anyhow::Result<()> {
    let data = tempdir("netreach-bench-flood")?;
    let result = flood(&data, seconds).await;
    let _ = std::fs::remove_dir_all(&data);
    result
}

async fn flood(data: &std::path::Path, seconds: u64) -> anyhow::Result<()> {
    let settings = netreach_app::settings::Settings {
        data: data.to_owned(),
        server_secret: Some(netreach_crypto::ServerSecret::generate_text().into()),
        ..Default::default()
    };
    let budgets = settings.conversations.clone();
    let reports_per_minute = settings.alerts.reports_per_minute;
    let store = crate::connect(&settings).await?;
    store.migrate().await?;
    let state = netreach_app::build(
        Arc::new(store),
        settings,
        Arc::new(netreach_core::SystemClock),
    )?;
    let admin = netreach_app::accounts::create_user_as_operator(
        &state,
        "bench",
        Role::Admin,
        PASSWORD.to_owned(),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    netreach_app::accounts::first_inbox(&state, &admin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = netreach_web::router(state.clone());
    tokio::spawn(async move {
        let _ = netreach_web::serve(listener, router, std::future::pending()).await;
    });
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(30))
        .build()?;
    let token: Value = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"username": "bench", "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    let bearer = format!(
        "Bearer {}",
        token["token"].as_str().context("no staff token")?
    );
    // A client who wrote before the flood and comes back during it.
    let started: Value = http
        .post(format!("{base}/api/v1/conversations"))
        .json(&json!({"topic": "other", "message": "before the flood", "lang": "en"}))
        .send()
        .await?
        .json()
        .await?;
    let returning = format!(
        "Codename {}",
        started["codename"].as_str().context("no codename")?
    );
    let conversation = started["conversation_id"]
        .as_str()
        .context("no conversation id")?
        .to_owned();

    let idle = staff_latencies(&http, &base, &bearer, &conversation, None).await?;

    let counts = Arc::new(Counts::default());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut flooders = tokio::task::JoinSet::new();
    for i in 0..PER_KIND {
        for kind in 0..4 {
            let (http, base, counts) = (http.clone(), base.clone(), counts.clone());
            flooders.spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    n += 1;
                    let outcome = match kind {
                        0 => start(&http, &base, &counts, i, n).await,
                        1 => overdose(&http, &base, &counts).await,
                        2 => guess(&http, &base, &counts, i, n).await,
                        _ => report(&http, &base, &counts).await,
                    };
                    if outcome.is_err() {
                        counts.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    }
    // Meanwhile: staff work, and the returning client writes about 50 messages, spread over the
    // flood (a conversation takes 60 client messages an hour: more would meet that allowance,
    // which is not what this measures).
    let pause = Duration::from_millis((seconds * 1000 / 50).max(200));
    let returning_client = async {
        let (mut sent, mut accepted) = (0u32, 0u32);
        let mut refusals = std::collections::BTreeMap::<String, u32>::new();
        while Instant::now() < deadline {
            sent += 1;
            let posted = http
                .post(format!("{base}/api/v1/conversations/me/messages"))
                .header("authorization", &returning)
                .json(&json!({"message": format!("still here {sent}")}))
                .send()
                .await;
            match posted {
                Ok(r) if r.status() == 201 => accepted += 1,
                Ok(r) => *refusals.entry(r.status().to_string()).or_default() += 1,
                Err(e) => *refusals.entry(e.to_string()).or_default() += 1,
            }
            tokio::time::sleep(pause).await;
        }
        if !refusals.is_empty() {
            say(&format!("returning client refused: {refusals:?}"));
        }
        (sent, accepted)
    };
    let (during, (sent, accepted)) = tokio::join!(
        staff_latencies(&http, &base, &bearer, &conversation, Some(deadline)),
        returning_client
    );
    let during = during?;
    while flooders.join_next().await.is_some() {}
    let c = |a: &AtomicU64| a.load(Ordering::Relaxed);

    let minutes = (seconds as f64 / 60.0).ceil() as u64;
    let start_budget = u64::from(budgets.starts_per_minute) * (minutes + 1);
    let report_budget = u64::from(reports_per_minute) * (minutes + 1);
    say(&format!(
        "flood: {seconds} s, {} concurrent clients on 127.0.0.1 (SQLite, default budgets)",
        PER_KIND * 4
    ));
    say(&format!(
        "new conversations: {} accepted, {} refused (budget {} a minute, shared by all nodes)",
        c(&counts.starts_accepted),
        c(&counts.starts_refused),
        budgets.starts_per_minute
    ));
    say(&format!(
        "overdose questions (no-JS form): first aid in {} of {} answers",
        c(&counts.overdose_with_first_aid),
        c(&counts.overdose_answers)
    ));
    say(&format!(
        "codename guesses: {} refused of {} (budget {} a minute)",
        c(&counts.guesses_refused),
        c(&counts.guesses),
        budgets.codename_attempts_per_minute
    ));
    say(&format!(
        "drug reports: {} accepted, {} refused (budget {reports_per_minute} a minute)",
        c(&counts.reports_accepted),
        c(&counts.reports_refused)
    ));
    say(&format!(
        "returning client: {accepted} of {sent} messages accepted during the flood"
    ));
    let (mut idle, mut during) = (idle, during);
    let (idle_p95, during_p95) = (percentile(&mut idle, 0.95), percentile(&mut during, 0.95));
    say(&format!(
        "staff API p95: {} idle, {} during the flood ({} samples; during / idle = {:.2}; during / 200 ms target = {:.2})",
        ms(idle_p95),
        ms(during_p95),
        during.len(),
        during_p95.as_secs_f64() / idle_p95.as_secs_f64().max(1e-6),
        during_p95.as_secs_f64() / 0.200
    ));
    if c(&counts.errors) > 0 {
        say(&format!(
            "requests that failed outright: {}",
            c(&counts.errors)
        ));
    }

    if c(&counts.overdose_with_first_aid) != c(&counts.overdose_answers)
        || c(&counts.overdose_answers) == 0
    {
        bail!("an answer to an overdose question came without first aid");
    }
    if c(&counts.starts_accepted) > start_budget + 1 {
        bail!("the new-conversation budget did not hold");
    }
    if c(&counts.reports_accepted) > report_budget {
        bail!("the report budget did not hold");
    }
    if c(&counts.starts_refused) == 0 || c(&counts.reports_refused) == 0 {
        bail!("the flood never reached a budget: nothing was measured");
    }
    if sent == 0 || accepted != sent {
        bail!("the returning client was refused during the flood");
    }
    say("every promise held: budgets, the returning client, first aid for everyone");
    state.store.close().await;
    Ok(())
}

/// Times the staff API (the inbox list, then one conversation) until `until`, or 40 times.
async fn staff_latencies(
    http: &reqwest::Client,
    base: &str,
    bearer: &str,
    conversation: &str,
    until: Option<Instant>,
) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::new();
    let paths = [
        "/api/v1/staff/conversations".to_owned(),
        format!("/api/v1/staff/conversations/{conversation}"),
    ];
    loop {
        for path in &paths {
            let started = Instant::now();
            let response = http
                .get(format!("{base}{path}"))
                .header("authorization", bearer)
                .send()
                .await?;
            let status = response.status();
            response.bytes().await?;
            samples.push(started.elapsed());
            if !status.is_success() {
                bail!("a staff request failed during the flood: {path} {status}");
            }
        }
        let done = match until {
            Some(deadline) => Instant::now() >= deadline,
            None => samples.len() >= 40,
        };
        if done {
            return Ok(samples);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn start(
    http: &reqwest::Client,
    base: &str,
    counts: &Counts,
    i: usize,
    n: u64,
) -> anyhow::Result<()> {
    let response = http
        .post(format!("{base}/api/v1/conversations"))
        .json(&json!({"topic": "other", "message": format!("flood {i}-{n}"), "lang": "en"}))
        .send()
        .await?;
    match response.status().as_u16() {
        201 => counts.starts_accepted.fetch_add(1, Ordering::Relaxed),
        _ => counts.starts_refused.fetch_add(1, Ordering::Relaxed),
    };
    Ok(())
}

async fn overdose(http: &reqwest::Client, base: &str, counts: &Counts) -> anyhow::Result<()> {
    let page = http
        .post(format!("{base}/ask"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("topic", "overdose"),
            ("message", "my friend is not waking up"),
            ("lang", "en"),
        ])
        .send()
        .await?
        .text()
        .await?;
    counts.overdose_answers.fetch_add(1, Ordering::Relaxed);
    if page.contains("id=\"first-aid\"") {
        counts
            .overdose_with_first_aid
            .fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

async fn guess(
    http: &reqwest::Client,
    base: &str,
    counts: &Counts,
    i: usize,
    n: u64,
) -> anyhow::Result<()> {
    let response = http
        .get(format!("{base}/api/v1/conversations/me"))
        .header(
            "authorization",
            format!("Codename wrong guess number {i} try {n} words"),
        )
        .send()
        .await?;
    counts.guesses.fetch_add(1, Ordering::Relaxed);
    if response.status().as_u16() == 429 || response.status().as_u16() == 503 {
        counts.guesses_refused.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

async fn report(http: &reqwest::Client, base: &str, counts: &Counts) -> anyhow::Result<()> {
    let response = http
        .post(format!("{base}/api/v1/alerts/reports"))
        .json(&json!({"sold_as": "heroin", "region": "Tallinn", "what_happened": "flood"}))
        .send()
        .await?;
    match response.status().as_u16() {
        202 => counts.reports_accepted.fetch_add(1, Ordering::Relaxed),
        _ => counts.reports_refused.fetch_add(1, Ordering::Relaxed),
    };
    Ok(())
}
