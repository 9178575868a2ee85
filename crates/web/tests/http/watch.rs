//! Forum watch through the API, against a fixture forum started by the test: an Atom feed with an
//! English and a Russian warning post (inflected forms) and a harmless one, an HTML board with
//! broken markup, a huge page, a slow answer, a redirect loop, and a SOCKS5 proxy for an onion.

use crate::conversations::staff_token;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use netreach_core::Role;
use netreach_testkit::{TestApp, TestBackend, TestDb};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const FEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harm reduction board</title><id>urn:board</id><updated>2026-12-01T10:00:00Z</updated>
  <entry><title>Bad batch?</title><id>urn:post:1</id><updated>2026-12-01T09:00:00Z</updated>
    <link href="http://127.0.0.1/thread/1#p1"/><author><name>walrus77</name></author>
    <content type="text">Be careful, there is a bad batch going around. My friend overdosed last night, they think it had fentanyl in it.</content></entry>
  <entry><title>Вопрос</title><id>urn:post:2</id><updated>2026-12-01T09:30:00Z</updated>
    <link href="http://127.0.0.1/thread/2#p2"/><author><name>sova</name></author>
    <content type="text">Вчера у друга была передозировка после новой партии, еле откачали. Что там может быть, нитазены?</content></entry>
  <entry><title>VPN</title><id>urn:post:3</id><updated>2026-12-01T09:45:00Z</updated>
    <link href="http://127.0.0.1/thread/3#p3"/><author><name>quietcat</name></author>
    <content type="text">Which VPN do you use for this board? Mine keeps dropping the connection.</content></entry>
</feed>"#;

const BOARD: &str = r#"<html><body><div class="post" id="p7"><span class="who">walrus77</span>
<a class="perma" href="/board/1#p7">#7</a><div class="body">Mixing heroin and alcohol tonight, <b>any tips?
</div></div><div class="post"><span class="who">quietcat</span><div class="body">nice weather<p>unclosed"#;

/// «У него судороги после новой партии, что делать?» in windows-1251, as Russian forums still
/// serve their pages.
pub(crate) const CP1251: &[u8] = b"\xD3 \xED\xE5\xE3\xEE \xF1\xF3\xE4\xEE\xF0\xEE\xE3\xE8 \xEF\xEE\xF1\xEB\xE5 \xED\xEE\xE2\xEE\xE9 \xEF\xE0\xF0\xF2\xE8\xE8, \xF7\xF2\xEE \xE4\xE5\xEB\xE0\xF2\xFC?";

/// The fixture forum: what each path serves, and how often the feed was asked for.
struct Forum {
    addr: SocketAddr,
    feed_hits: Arc<AtomicUsize>,
}

async fn forum() -> Forum {
    let feed_hits = Arc::new(AtomicUsize::new(0));
    let hits = feed_hits.clone();
    let app = Router::new()
        .route(
            "/feed.xml",
            get(move |headers: HeaderMap| {
                let hits = hits.clone();
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    if headers
                        .get(header::IF_NONE_MATCH)
                        .and_then(|v| v.to_str().ok())
                        == Some("\"v1\"")
                    {
                        return StatusCode::NOT_MODIFIED.into_response();
                    }
                    ([(header::ETAG, "\"v1\"")], FEED).into_response()
                }
            }),
        )
        .route("/board.html", get(|| async { BOARD }))
        .route(
            "/board-1251.html",
            get(|| async {
                let page = [
                    b"<html><body><div class=\"post\"><span class=\"who\">sova</span><div class=\"body\">".as_slice(),
                    CP1251,
                    b"</div></div></body></html>",
                ]
                .concat();
                ([(header::CONTENT_TYPE, "text/html; charset=windows-1251")], page)
            }),
        )
        .route("/huge", get(|| async { "x".repeat(300_000) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                FEED
            }),
        )
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/gone", get(|| async { StatusCode::SERVICE_UNAVAILABLE }))
        .route(
            "/notafeed",
            get(|| async { "<html><body>captcha</body></html>" }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Forum { addr, feed_hits }
}

/// A minimal SOCKS5 proxy (no authentication, CONNECT only) that sends every connection to
/// `target`, as Tor sends an onion name to its service; it records the names asked for.
async fn socks5(target: SocketAddr) -> (SocketAddr, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = asked.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 2];
                client.read_exact(&mut head).await?;
                let mut methods = vec![0u8; usize::from(head[1])];
                client.read_exact(&mut methods).await?;
                client.write_all(&[5, 0]).await?;
                let mut req = [0u8; 4];
                client.read_exact(&mut req).await?;
                let name = match req[3] {
                    3 => {
                        let mut len = [0u8; 1];
                        client.read_exact(&mut len).await?;
                        let mut name = vec![0u8; usize::from(len[0])];
                        client.read_exact(&mut name).await?;
                        String::from_utf8_lossy(&name).into_owned()
                    }
                    1 => {
                        let mut ip = [0u8; 4];
                        client.read_exact(&mut ip).await?;
                        format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])
                    }
                    _ => return Ok::<(), std::io::Error>(()),
                };
                let mut port = [0u8; 2];
                client.read_exact(&mut port).await?;
                seen.lock().unwrap().push(name);
                let mut upstream = tokio::net::TcpStream::connect(target).await?;
                client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await?;
                tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
                Ok(())
            });
        }
    });
    (addr, asked)
}

pub(crate) struct Api<'a> {
    app: &'a TestApp,
    pub(crate) token: String,
    pub(crate) http: reqwest::Client,
}

impl Api<'_> {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, self.app.url(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub(crate) async fn source(&self, body: Value) -> String {
        let (status, created) = self.post("/api/v1/staff/watch/sources", body).await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_str().unwrap().to_owned()
    }

    /// Registers the fixture forum's feed as the source "board" and fetches it once.
    async fn fetched_feed(&self, forum: &Forum) -> String {
        let id = self
            .source(json!({"name": "board", "kind": "feed",
                "url": format!("http://{}/feed.xml", forum.addr)}))
            .await;
        self.post(
            &format!("/api/v1/staff/watch/sources/{id}/fetch"),
            json!({}),
        )
        .await;
        id
    }

    async fn status_of(&self, id: &str) -> Value {
        let (_, list) = self.get("/api/v1/staff/watch/sources").await;
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    }
}

pub(crate) async fn api<'a>(app: &'a TestApp, username: &str, role: Role) -> Api<'a> {
    Api {
        app,
        token: staff_token(app, username, role).await,
        http: reqwest::Client::new(),
    }
}

pub(crate) fn quick(settings: &mut netreach_app::settings::Settings) {
    settings.watch.fetch_timeout_seconds = 1;
    settings.watch.max_page_bytes = 100_000;
    settings.watch.max_redirects = 3;
}

#[tokio::test]
async fn warning_posts_of_a_feed_reach_the_queue_in_english_and_russian_and_harmless_ones_do_not() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, quick).await;
        let forum = forum().await;
        let sup = api(&app, "sam", Role::Supervisor).await;
        let id = sup
            .source(json!({"name": "board", "kind": "feed",
                "url": format!("http://{}/feed.xml", forum.addr)}))
            .await;
        let (status, fetched) = sup
            .post(
                &format!("/api/v1/staff/watch/sources/{id}/fetch"),
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{fetched}");
        assert_eq!(fetched["posts"], 3);
        assert_eq!(fetched["new_matches"], 2);

        let (status, page) = sup.get("/api/v1/staff/watch/matches").await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{page}");
        assert!(page["next_cursor"].is_null());
        let by_url = |part: &str| {
            items
                .iter()
                .find(|i| i["url"].as_str().unwrap().contains(part))
                .unwrap_or_else(|| panic!("{part} not in {page}"))
        };
        let english = by_url("thread/1");
        assert_eq!(english["handle"], "walrus77");
        assert_eq!(english["source_id"], id.as_str());
        let signals: Vec<&str> = english["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        for s in ["bad_batch", "overdose", "adulterant", "substance:fentanyl"] {
            assert!(signals.contains(&s), "{s} in {signals:?}");
        }
        let snippet = english["snippet"].as_str().unwrap();
        let [start, end] = [0, 1].map(|i| english["highlights"][0][i].as_u64().unwrap() as usize);
        assert_eq!(&snippet[start..end], "Bad batch");
        let russian = by_url("thread/2");
        assert_eq!(russian["handle"], "sova");
        let signals = russian["signals"].to_string();
        assert!(
            signals.contains("overdose") && signals.contains("bad_batch"),
            "{signals}"
        );
        assert!(signals.contains("substance:nitazenes"), "{signals}");
        // A question about a substance gets a reply drafted from the content pack, in Russian.
        let reply = russian["suggested_reply"].as_str().unwrap();
        assert!(reply.contains("/substances/nitazenes"), "{reply}");
        assert!(
            !page.to_string().contains("thread/3"),
            "the VPN post matched"
        );

        // The status says it worked; a second fetch is conditional and queues nothing twice.
        let source = sup.status_of(&id).await;
        assert_eq!(source["status"], "ok");
        assert!(source["last_success_at"].is_string());
        let (_, again) = sup
            .post(
                &format!("/api/v1/staff/watch/sources/{id}/fetch"),
                json!({}),
            )
            .await;
        assert_eq!(again["not_modified"], true, "{again}");
        assert_eq!(forum.feed_hits.load(Ordering::SeqCst), 2);

        // Nothing of the posts is readable in the database.
        let dump = app.db.raw_contents().await;
        for canary in ["walrus77", "overdosed", "передозировка", "sova"] {
            assert!(
                !dump.contains(canary),
                "{canary} stored in the clear on {backend:?}"
            );
        }
    }
}

#[tokio::test]
async fn workers_work_the_queue_and_only_supervisors_register_sources() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, quick).await;
    let forum = forum().await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    let worker = api(&app, "wanda", Role::Worker).await;
    let (status, refused) = worker
        .post(
            "/api/v1/staff/watch/sources",
            json!({"name": "x", "kind": "feed", "url": "http://127.0.0.1/x"}),
        )
        .await;
    assert_eq!(status, 403, "{refused}");
    let id = sup
        .source(json!({"name": "board", "kind": "feed",
            "url": format!("http://{}/feed.xml", forum.addr)}))
        .await;
    let (status, _) = worker
        .post(
            &format!("/api/v1/staff/watch/sources/{id}/fetch"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, page) = worker.get("/api/v1/staff/watch/matches?limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let first = page["items"][0]["id"].as_str().unwrap().to_owned();
    let (_, rest) = worker
        .get(&format!(
            "/api/v1/staff/watch/matches?limit=1&cursor={cursor}"
        ))
        .await;
    let second = rest["items"][0]["id"].as_str().unwrap().to_owned();
    assert_ne!(first, second);

    let (status, _) = worker
        .post(
            &format!("/api/v1/staff/watch/matches/{first}/claim"),
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = sup
        .post(
            &format!("/api/v1/staff/watch/matches/{first}/claim"),
            json!({}),
        )
        .await;
    assert_eq!(status, 409, "claimed once");
    let (status, _) = worker
        .post(
            &format!("/api/v1/staff/watch/matches/{first}/dismiss"),
            json!({"reason": "old news"}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, dismissed) = worker
        .get("/api/v1/staff/watch/matches?status=dismissed")
        .await;
    assert_eq!(dismissed["items"][0]["dismiss_reason"], "old news");
    assert_eq!(dismissed["items"][0]["claimed_by_me"], true);

    // Answering opens a post draft with the reply; reporting makes an alert report.
    let (status, answered) = worker
        .post(
            &format!("/api/v1/staff/watch/matches/{second}/answer"),
            json!({}),
        )
        .await;
    assert_eq!(status, 201, "{answered}");
    let post_id = answered["post_id"].as_str().unwrap();
    let (status, post) = worker.get(&format!("/api/v1/staff/posts/{post_id}")).await;
    assert_eq!(status, 200, "{post}");
    let (_, pending) = worker.get("/api/v1/staff/watch/matches").await;
    assert!(pending["items"].as_array().unwrap().is_empty(), "{pending}");

    // A worker without the inbox key sees nothing of the queue.
    let password = "nokey-long-password-123";
    app.create_user_without_access("nokey", Role::Worker, password)
        .await;
    let token: Value = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "nokey", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .get(app.url("/api/v1/staff/watch/matches"))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn a_match_turns_into_an_alert_report_in_one_step() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, quick).await;
    let forum = forum().await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    sup.fetched_feed(&forum).await;
    let (_, page) = sup.get("/api/v1/staff/watch/matches").await;
    let m = page["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, reported) = sup
        .post(
            &format!("/api/v1/staff/watch/matches/{m}/report"),
            json!({"region": "Tbilisi"}),
        )
        .await;
    assert_eq!(status, 201, "{reported}");
    let (_, reports) = sup.get("/api/v1/staff/alerts/reports").await;
    assert!(
        reports
            .to_string()
            .contains(reported["report_id"].as_str().unwrap()),
        "{reports}"
    );
    let (_, reported_list) = sup.get("/api/v1/staff/watch/matches?status=reported").await;
    assert_eq!(reported_list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn html_pages_are_read_with_selectors_tested_before_saving_and_pasted_when_walled() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, quick).await;
    let forum = forum().await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    let board = json!({"name": "board", "kind": "html",
        "url": format!("http://{}/board.html", forum.addr),
        "selectors": {"post": "div.post", "handle": ".who", "text": ".body", "permalink": "a.perma"}});
    let (status, preview) = sup.post("/api/v1/staff/watch/test", board.clone()).await;
    assert_eq!(status, 200, "{preview}");
    let items = preview["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{preview}");
    assert_eq!(items[0]["handle"], "walrus77");
    assert_eq!(items[0]["queued"], true);
    assert!(items[0]["signals"].to_string().contains("substance:heroin"));
    assert_eq!(items[1]["queued"], false);
    // A Russian board in windows-1251 (its Content-Type says so) is read as such.
    let russian = json!({"name": "ru", "kind": "html",
        "url": format!("http://{}/board-1251.html", forum.addr),
        "selectors": {"post": "div.post", "handle": ".who", "text": ".body"}});
    let (status, preview) = sup.post("/api/v1/staff/watch/test", russian).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["items"][0]["queued"], true, "{preview}");
    assert!(preview.to_string().contains("судороги"), "{preview}");
    let (_, list) = sup.get("/api/v1/staff/watch/sources").await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "a test saves nothing"
    );

    let (status, bad) = sup
        .post(
            "/api/v1/staff/watch/sources",
            json!({"name": "b", "kind": "html", "url": "http://127.0.0.1/", "selectors": {"post": "div..x"}}),
        )
        .await;
    assert_eq!(status, 422, "{bad}");

    let id = sup.source(board).await;
    let (_, fetched) = sup
        .post(
            &format!("/api/v1/staff/watch/sources/{id}/fetch"),
            json!({}),
        )
        .await;
    assert_eq!(fetched["new_matches"], 1, "{fetched}");
    let (_, page) = sup.get("/api/v1/staff/watch/matches").await;
    assert!(
        page["items"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/board/1#p7"),
        "{page}"
    );
    assert!(
        page["items"][0]["suggested_reply"]
            .as_str()
            .unwrap()
            .contains("/check?s=")
    );

    // A forum behind a captcha: the worker pastes the thread's text.
    let walled = sup
        .source(json!({"name": "walled", "kind": "paste", "url": "http://forumxyz.onion/t/5"}))
        .await;
    let worker = api(&app, "wanda", Role::Worker).await;
    let (status, pasted) = worker
        .post(
            &format!("/api/v1/staff/watch/sources/{walled}/paste"),
            json!({"content": "He had a seizure after the new batch, what now?"}),
        )
        .await;
    assert_eq!(status, 200, "{pasted}");
    assert_eq!(pasted["new_matches"], 1);
    let (status, _) = worker
        .post(
            &format!("/api/v1/staff/watch/sources/{walled}/fetch"),
            json!({}),
        )
        .await;
    assert_eq!(status, 422, "a paste source is never fetched");
}

#[tokio::test]
async fn fetch_failures_are_bounded_backed_off_and_shown_per_source() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, quick).await;
    let forum = forum().await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    for (path, kind, error) in [
        ("huge", "feed", "larger than"),
        ("slow", "feed", "no answer within"),
        ("loop", "feed", "redirects"),
        ("gone", "feed", "503"),
        ("notafeed", "feed", "feed"),
    ] {
        let id = sup
            .source(json!({"name": path, "kind": kind,
                "url": format!("http://{}/{path}", forum.addr)}))
            .await;
        let started = std::time::Instant::now();
        let (status, body) = sup
            .post(
                &format!("/api/v1/staff/watch/sources/{id}/fetch"),
                json!({}),
            )
            .await;
        assert!(status == 502 || status == 422, "{path}: {status} {body}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(4),
            "{path} was not cut off"
        );
        let source = sup.status_of(&id).await;
        assert_eq!(source["status"], "failing", "{path}");
        assert_eq!(source["failures"], 1);
        let last_error = source["last_error"].as_str().unwrap();
        assert!(last_error.contains(error), "{path}: {last_error}");
        assert!(!last_error.contains("127.0.0.1"), "{path}: {last_error}");
        // The next try waits twice the interval (15 minutes by default).
        let next = time::OffsetDateTime::parse(
            source["next_fetch_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(
            next - netreach_core::Clock::now(app.clock.as_ref()),
            time::Duration::minutes(30),
            "{path}"
        );
    }
    // Nothing is due now: the job fetches nothing.
    assert_eq!(netreach_app::watch::fetch_due(&app.state).await.unwrap(), 0);
}

#[tokio::test]
async fn onion_sources_go_through_the_socks5_proxy_and_fail_clearly_without_one() {
    let forum = forum().await;
    let (proxy, asked) = socks5(forum.addr).await;
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, |s| {
        quick(s);
        s.watch.socks5_proxy = Some(format!("socks5h://{proxy}"));
    })
    .await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    let id = sup
        .source(json!({"name": "onion", "kind": "feed",
            "url": "http://boardexampleabcdefghij.onion/feed.xml"}))
        .await;
    let (status, fetched) = sup
        .post(
            &format!("/api/v1/staff/watch/sources/{id}/fetch"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{fetched}");
    assert_eq!(fetched["new_matches"], 2);
    assert_eq!(
        asked.lock().unwrap().as_slice(),
        ["boardexampleabcdefghij.onion"],
        "the proxy resolves the onion name"
    );

    let plain = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, quick).await;
    let sup = api(&plain, "sam", Role::Supervisor).await;
    let id = sup
        .source(json!({"name": "onion", "kind": "feed",
            "url": "http://boardexampleabcdefghij.onion/feed.xml"}))
        .await;
    let (status, _) = sup
        .post(
            &format!("/api/v1/staff/watch/sources/{id}/fetch"),
            json!({}),
        )
        .await;
    assert_eq!(status, 502);
    assert!(
        sup.status_of(&id).await["last_error"]
            .as_str()
            .unwrap()
            .contains("SOCKS5")
    );
}

#[tokio::test]
async fn matched_posts_are_deleted_after_the_retention_period() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, quick).await;
    let forum = forum().await;
    let sup = api(&app, "sam", Role::Supervisor).await;
    sup.fetched_feed(&forum).await;
    app.clock.advance(time::Duration::days(13));
    netreach_app::jobs::housekeeping(&app.state).await;
    let (_, page) = sup.get("/api/v1/staff/watch/matches").await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        2,
        "kept for 14 days"
    );
    app.clock.advance(time::Duration::days(2));
    netreach_app::jobs::housekeeping(&app.state).await;
    let (_, page) = sup.get("/api/v1/staff/watch/matches").await;
    assert!(page["items"].as_array().unwrap().is_empty(), "{page}");
}

#[tokio::test]
async fn the_console_queue_highlights_signals_and_works_without_javascript() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, quick).await;
    let forum = forum().await;
    let (sup, _) = app.signed_in("sam", Role::Supervisor).await;
    let url = format!("http://{}/feed.xml", forum.addr);
    // "Test this source" shows what would be extracted and saves nothing.
    let tested = sup
        .post_form(
            "/staff/watch/sources/test",
            &[("name", "board"), ("kind", "feed"), ("url", &url)],
        )
        .await;
    assert_eq!(tested.status(), 200);
    let html = tested.text().await.unwrap();
    assert!(
        html.contains("walrus77") && html.contains("quietcat"),
        "{html}"
    );
    let saved = sup
        .post_form(
            "/staff/watch/sources",
            &[("name", "board"), ("kind", "feed"), ("url", &url)],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let list = sup.get_text("/staff/watch/sources").await;
    let id = list
        .split("/staff/watch/sources/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    // Saved without the "enabled" box ticked: paused, until edited.
    assert!(
        list.contains("watch-source-status") || list.contains("paused"),
        "{list}"
    );
    let edit = sup.get_text(&format!("/staff/watch/sources/{id}")).await;
    assert!(
        edit.contains(&format!("action=\"/staff/watch/sources/{id}\"")),
        "{edit}"
    );
    let updated = sup
        .post_form(
            &format!("/staff/watch/sources/{id}"),
            &[
                ("name", "board two"),
                ("kind", "feed"),
                ("url", &url),
                ("enabled", "on"),
            ],
        )
        .await;
    assert_eq!(updated.status(), 303);
    let list = sup.get_text("/staff/watch/sources").await;
    assert!(
        list.contains("board two") && list.contains("not fetched yet"),
        "{list}"
    );
    let fetched = sup
        .post_form(&format!("/staff/watch/sources/{id}/fetch"), &[])
        .await;
    assert_eq!(fetched.status(), 303);
    let queue = sup.get_text("/staff/watch").await;
    assert!(queue.contains("<mark>Bad batch</mark>"), "{queue}");
    assert!(queue.contains("<mark>передозировка</mark>"), "{queue}");
    assert!(!queue.contains("quietcat"));
    let first = queue
        .split("/staff/watch/")
        .find_map(|s| {
            s.strip_suffix("/claim\"")
                .or_else(|| s.split("/claim\"").next().filter(|p| p.len() == 36))
        })
        .unwrap()
        .to_owned();
    let dismissed = sup
        .post_form(
            &format!("/staff/watch/{first}/dismiss"),
            &[("reason", "duplicate")],
        )
        .await;
    assert_eq!(dismissed.status(), 303);
    let done = sup.get_text("/staff/watch?status=dismissed").await;
    assert!(done.contains("duplicate"), "{done}");

    // The lexicon's test box marks what matched, and a supervisor's phrase counts at once.
    let tested = sup
        .post_form(
            "/staff/watch/lexicon/test",
            &[("text", "his lips went grey after the pills")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!tested.contains("<mark>"), "{tested}");
    let added = sup
        .post_form(
            "/staff/watch/lexicon/add",
            &[("signal", "overdose"), ("phrase", "lips went grey")],
        )
        .await;
    assert_eq!(added.status(), 303);
    let tested = sup
        .post_form(
            "/staff/watch/lexicon/test",
            &[("text", "his lips went grey after the pills")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(tested.contains("<mark>lips went grey</mark>"), "{tested}");

    // A worker reads the queue but cannot register sources or edit the lexicon.
    let (worker, _) = app.signed_in("wanda", Role::Worker).await;
    assert_eq!(worker.get("/staff/watch").await.status(), 200);
    let refused = worker
        .post_form(
            "/staff/watch/sources",
            &[("name", "x"), ("kind", "feed"), ("url", &url)],
        )
        .await;
    assert_eq!(refused.status(), 403);
}
