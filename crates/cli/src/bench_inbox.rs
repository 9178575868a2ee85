//! The console's inbox page over HTTP for `netreach bench`: the whole page as a signed-in
//! supervisor gets it (session look-up, the first page of 50, the per-status counts, the tags with
//! their counts, the template), served by the real router on 127.0.0.1 and fetched one request
//! at a time over one keep-alive connection.

use crate::bench::percentile;
use crate::say;
use anyhow::bail;
use netreach_app::AppState;
use netreach_store::StaffUser;
use std::time::{Duration, Instant};

/// The console's session cookie (the web crate's `auth::SESSION_COOKIE`).
const SESSION_COOKIE: &str = "nr_staff";

/// Times `runs` requests of each inbox view and prints p50 and p95 against the 20 ms target.
pub async fn run(
    state: &AppState,
    user: &StaffUser,
    password: &str,
    runs: usize,
) -> anyhow::Result<()> {
    let token = netreach_app::accounts::start_session(state, user, password.to_owned()).await?;
    let cookie = format!("{SESSION_COOKIE}={}", token.expose());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = netreach_web::router(state.clone());
    let server = tokio::spawn(async move {
        let _ = netreach_web::serve(listener, router, std::future::pending()).await;
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let views = [
        ("inbox page over HTTP, all", "/staff/inbox"),
        (
            "inbox page over HTTP, status=open",
            "/staff/inbox?status=open",
        ),
        (
            "inbox page over HTTP, tag=naloxone",
            "/staff/inbox?tag=naloxone",
        ),
    ];
    let target = Duration::from_millis(20);
    for (name, path) in views {
        let url = format!("http://{addr}{path}");
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let response = http
                .get(&url)
                .header(reqwest::header::COOKIE, &cookie)
                .send()
                .await?;
            let status = response.status();
            let body = response.text().await?;
            samples.push(t.elapsed());
            if !status.is_success() {
                server.abort();
                bail!("{path} answered {status}");
            }
            if !body.contains("cursor=") {
                server.abort();
                bail!("{path}: the page has no link to a next page; is the inbox loaded?");
            }
        }
        let (p50, p95) = (
            percentile(&mut samples, 0.5),
            percentile(&mut samples, 0.95),
        );
        say(&format!(
            "{name} (page of 50, status and tag counts, HTML): p50 {:.2} ms p95 {:.2} ms (p95 / 20 ms target = {:.2})",
            p50.as_secs_f64() * 1000.0,
            p95.as_secs_f64() * 1000.0,
            p95.as_secs_f64() / target.as_secs_f64()
        ));
    }
    server.abort();
    Ok(())
}
