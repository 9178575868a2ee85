//! `netreach bench --content`: what the knowledge-base issue asks to be measured, in one run:
//! search latency over the content pack multiplied to 10,000 documents, a combination check of
//! six substances, the size of a public article page (HTML + CSS, scripts, external requests),
//! requests per second for `/kb/{slug}` against nginx serving the same page as a file and for
//! `/healthz`, and the resident memory of a freshly started `serve --demo`. Load is generated in
//! this process against 127.0.0.1 only, bounded in time.

use crate::bench::{percentile, tempdir};
use crate::say;
use anyhow::{Context, bail};
use netreach_content::index::SearchIndex;
use netreach_content::{Article, Pack};
use netreach_core::Lang;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Milliseconds with three decimals: the check takes microseconds.
fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// The bundled pack with its articles copied (new slugs, same text) until it holds `target`
/// documents (articles + one per substance and language).
fn multiplied(target: usize) -> anyhow::Result<(Pack, usize)> {
    let mut pack =
        Pack::bundled().map_err(|e| anyhow::anyhow!("bundled pack: {} problems", e.len()))?;
    let originals: Vec<Article> = pack.articles.clone();
    let mut copy = 0;
    while pack.articles.len() + pack.substances.len() * 2 < target {
        let a = &originals[copy % originals.len()];
        pack.articles.push(Article {
            slug: format!("{}-copy-{copy}", a.slug),
            ..a.clone()
        });
        copy += 1;
    }
    let docs = pack.articles.len() + pack.substances.len() * 2;
    Ok((pack, docs))
}

pub async fn run(nginx: Option<PathBuf>, seconds: u64) -> anyhow::Result<()> {
    // 1. Search over 10,000 documents.
    let (big, docs) = multiplied(10_000)?;
    let clock = Instant::now();
    let index = SearchIndex::build(&big).context("building the index")?;
    say(&format!(
        "search index: {docs} documents built in {:.2} s",
        clock.elapsed().as_secs_f64()
    ));
    let queries = [
        ("naloxone", Lang::En),
        ("налоксон", Lang::Ru),
        ("haroin", Lang::En),
        ("overdose what to do", Lang::En),
        ("передозировка", Lang::Ru),
        ("tranq", Lang::En),
        ("fentanyl test strips", Lang::En),
        ("смешивать алкоголь", Lang::Ru),
        ("abscess", Lang::En),
        ("гепатит", Lang::Ru),
    ];
    let mut samples = Vec::new();
    for round in 0..50 {
        for (q, lang) in queries {
            let clock = Instant::now();
            let hits = index.search(q, lang, 10);
            samples.push(clock.elapsed());
            if round == 0 && hits.is_empty() {
                say(&format!("  (no result for {q:?})"));
            }
        }
    }
    let n = samples.len();
    let (p50, p95) = (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.95),
    );
    say(&format!(
        "search: {n} queries, p50 {} p95 {} (p95 / 20 ms target = {:.3})",
        ms(p50),
        ms(p95),
        p95.as_secs_f64() / 0.020
    ));

    // 2. A check of six substances.
    let pack =
        Pack::bundled().map_err(|e| anyhow::anyhow!("bundled pack: {} problems", e.len()))?;
    let six: Vec<_> = [
        "heroin",
        "alcohol",
        "benzodiazepines",
        "cocaine",
        "mdma",
        "ghb",
    ]
    .iter()
    .filter_map(|s| pack.substance(s))
    .collect();
    if six.len() < 6 {
        bail!("the bundled pack lacks one of the six benchmark substances");
    }
    let mut samples = Vec::new();
    let mut pairs = 0;
    for _ in 0..5_000 {
        let clock = Instant::now();
        pairs = netreach_content::check(&pack, &six).len();
        samples.push(clock.elapsed());
    }
    let (p50, p95) = (
        percentile(&mut samples, 0.5),
        percentile(&mut samples, 0.95),
    );
    say(&format!(
        "check of 6 substances ({pairs} pairs): p50 {} p95 {} (p95 / 20 ms target = {:.5})",
        ms(p50),
        ms(p95),
        p95.as_secs_f64() / 0.020
    ));

    // 3. The page, served by the real application on 127.0.0.1.
    let data = tempdir("netreach-bench-content")?;
    let settings = netreach_app::settings::Settings {
        data: data.clone(),
        server_secret: Some(netreach_crypto::ServerSecret::generate_text().into()),
        ..Default::default()
    };
    let store = crate::connect(&settings).await?;
    store.migrate().await?;
    let state = netreach_app::build(
        Arc::new(store),
        settings,
        Arc::new(netreach_core::SystemClock),
    )?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app_addr = listener.local_addr()?;
    let router = netreach_web::router(state.clone());
    tokio::spawn(async move {
        let _ = netreach_web::serve(listener, router, std::future::pending()).await;
    });
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let page_path = "/kb/overdose-response?lang=en";
    let html = http
        .get(format!("http://{app_addr}{page_path}"))
        .send()
        .await?
        .text()
        .await?;
    let css = http
        .get(format!("http://{app_addr}/static/style.css"))
        .send()
        .await?
        .text()
        .await?;
    let scripts = html.matches("<script").count();
    let external =
        external_requests(&html) + css.matches("url(").count() + css.matches("@import").count();
    say(&format!(
        "page {page_path}: {} bytes HTML + {} bytes CSS = {} bytes (/ 16 KB target = {:.2}); {scripts} scripts; {external} external requests",
        html.len(),
        css.len(),
        html.len() + css.len(),
        (html.len() + css.len()) as f64 / 16_384.0
    ));

    // 4. Requests per second, the app against nginx serving the same bytes.
    let duration = Duration::from_secs(seconds);
    let app_rps = load(&http, &format!("http://{app_addr}{page_path}"), duration).await?;
    say(&format!(
        "app /kb/{{slug}}: {app_rps:.0} requests/s (32 connections, {seconds} s)"
    ));
    match nginx.or_else(find_nginx) {
        Some(binary) => {
            let (mut child, port) = start_nginx(&binary, &data, &html).await?;
            let nginx_rps = load(
                &http,
                &format!("http://127.0.0.1:{port}/page.html"),
                duration,
            )
            .await;
            stop_nginx(&binary, &data, &mut child).await;
            let nginx_rps = nginx_rps?;
            say(&format!(
                "nginx static file: {nginx_rps:.0} requests/s; app / nginx = {:.2}",
                app_rps / nginx_rps
            ));
        }
        None => say("nginx not found (install nginx-light, or pass --nginx PATH) : no comparison"),
    }
    let health_rps = load(&http, &format!("http://{app_addr}/healthz"), duration).await?;
    say(&format!(
        "app /healthz: {health_rps:.0} requests/s (32 connections, {seconds} s)"
    ));
    state.store.close().await;

    // 5. Idle memory of a freshly started demo server.
    match idle_memory(&data).await? {
        Some(bytes) => say(&format!(
            "idle memory after `serve --demo`: {:.1} MB resident (/ 60 MB target = {:.2})",
            bytes as f64 / 1e6,
            bytes as f64 / 60e6
        )),
        None => say("idle memory: not measured (reads /proc, Linux only)"),
    }
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}

/// How long the demo server is left alone before its memory is read: long enough for the
/// start-up work (the demo accounts' Argon2id derivations, the search index) to be over and
/// freed memory to be returned.
const SETTLE: Duration = Duration::from_secs(5);

/// Resident memory (`VmRSS`) of this binary running `serve --demo` on an empty data directory,
/// on 127.0.0.1, once it answers `/healthz` and has been idle for [`SETTLE`]. `None` where
/// `/proc` does not exist. The child gets an empty environment, so no `NETREACH_*` setting of
/// this shell (a database URL above all) reaches it.
async fn idle_memory(dir: &Path) -> anyhow::Result<Option<u64>> {
    if !Path::new("/proc/self/status").exists() {
        return Ok(None);
    }
    let data = dir.join("idle");
    std::fs::create_dir_all(&data)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .env_clear()
        .arg("--data")
        .arg(&data)
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("cannot start `netreach serve --demo`")?;
    let pid = child.id().context("the demo server exited at once")?;
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if http
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill().await;
            bail!("the demo server did not answer /healthz within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(SETTLE).await;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"));
    let _ = child.kill().await;
    let kib = status?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .context("no VmRSS line in /proc/<pid>/status")?;
    Ok(Some(kib * 1024))
}

/// Resources a browser would fetch from elsewhere: `src=` or stylesheet links to another host.
fn external_requests(html: &str) -> usize {
    [
        "src=\"http",
        "src='http",
        "<link rel=\"stylesheet\" href=\"http",
        "srcset=",
    ]
    .iter()
    .map(|p| html.matches(p).count())
    .sum()
}

/// Requests per second from 32 concurrent connections for `duration`.
async fn load(http: &reqwest::Client, url: &str, duration: Duration) -> anyhow::Result<f64> {
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (http, url) = (http.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let response = http.get(&url).send().await?;
                if !response.status().is_success() {
                    anyhow::bail!("{url} answered {}", response.status());
                }
                response.bytes().await?;
                n += 1;
            }
            Ok(n)
        }));
    }
    let clock = Instant::now();
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / clock.elapsed().as_secs_f64())
}

fn find_nginx() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Asks nginx to stop (its worker exits with it; killing only the master would leave the worker
/// running, holding the terminal), and kills it if it has not stopped within five seconds.
async fn stop_nginx(binary: &Path, dir: &Path, child: &mut tokio::process::Child) {
    let root = dir.join("nginx");
    let _ = tokio::process::Command::new(binary)
        .arg("-c")
        .arg(root.join("nginx.conf"))
        .arg("-p")
        .arg(&root)
        .args(["-s", "stop"])
        .stderr(std::process::Stdio::null())
        .status()
        .await;
    if tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
}

/// Starts nginx in the foreground on a free port of 127.0.0.1, serving `html` as `/page.html`.
async fn start_nginx(
    binary: &Path,
    dir: &Path,
    html: &str,
) -> anyhow::Result<(tokio::process::Child, u16)> {
    let root = dir.join("nginx");
    std::fs::create_dir_all(root.join("www"))?;
    std::fs::write(root.join("www/page.html"), html)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let conf = format!(
        "daemon off; worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log;\n\
         events {{ worker_connections 1024; }}\n\
         http {{ access_log off; types {{ text/html html; }} client_body_temp_path {root}/tmp;\n\
         proxy_temp_path {root}/tmp; fastcgi_temp_path {root}/tmp; uwsgi_temp_path {root}/tmp; scgi_temp_path {root}/tmp;\n\
         server {{ listen 127.0.0.1:{port}; root {root}/www; }} }}\n",
        root = root.display()
    );
    std::fs::write(root.join("nginx.conf"), conf)?;
    let child = tokio::process::Command::new(binary)
        .arg("-c")
        .arg(root.join("nginx.conf"))
        .arg("-p")
        .arg(&root)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok((child, port));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("nginx did not start (see {}/error.log)", root.display())
}
