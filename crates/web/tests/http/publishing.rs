use crate::conversations::staff_token;
use netreach_core::Role;
use netreach_testkit::TestApp;
use serde_json::{Value, json};

/// Calls the API as a staff member.
pub(crate) struct Api<'a> {
    app: &'a TestApp,
    token: String,
    http: reqwest::Client,
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

    pub(crate) async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
}

pub(crate) async fn api<'a>(app: &'a TestApp, username: &str, role: Role) -> Api<'a> {
    Api {
        app,
        token: staff_token(app, username, role).await,
        http: reqwest::Client::new(),
    }
}

fn forum() -> Value {
    json!({"name": "Onion forum", "kind": "darknet_forum", "address": "http://forumabcdef.onion/board/7",
           "lang": "ru", "markup": "bbcode", "rules": "Ask the admin first", "permission": "not_asked"})
}

pub(crate) async fn new_post(api: &Api<'_>, markdown: &str) -> String {
    let (status, body) = api
        .post(
            "/api/v1/staff/posts",
            json!({"title": "Naloxone", "markdown": markdown}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_post_needs_a_second_staff_members_approval_and_a_warning_is_acknowledged() {
    let app = TestApp::spawn().await;
    let anna = api(&app, "anna", Role::Worker).await;
    let boris = api(&app, "boris", Role::Worker).await;
    let sveta = api(&app, "sveta", Role::Supervisor).await;

    let (status, body) = sveta
        .post("/api/v1/staff/venues", json!({"name": "x", "kind": "newspaper", "address": "http://x.org", "lang": "en", "markup": "plain"}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_input"))
    );
    let (status, body) = anna.post("/api/v1/staff/venues", forum()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "a worker cannot register a venue"
    );
    let (status, body) = sveta.post("/api/v1/staff/venues", forum()).await;
    assert_eq!(status, 201, "{body}");
    let venue = body["id"].as_str().unwrap().to_owned();
    let (_, listed) = anna.get("/api/v1/staff/venues").await;
    assert_eq!(
        listed["items"][0]["needs_approval"], true,
        "approval is the default"
    );
    assert_eq!(listed["items"][0]["permission"], "not_asked");

    let post = new_post(
        &anna,
        "**Naloxone** reverses an opioid overdose. [b]raw[/b]",
    )
    .await;
    let (_, view) = anna.get(&format!("/api/v1/staff/posts/{post}")).await;
    let preview = &view["previews"][0];
    assert_eq!(preview["venue_id"], venue.as_str());
    let text = preview["text"].as_str().unwrap();
    assert!(text.contains("[b]Naloxone[/b]"), "{text}");
    assert!(text.contains("[noparse]"), "typed BBCode escaped: {text}");
    assert_eq!(preview["length"], text.chars().count());
    assert_eq!(preview["permission_not_granted"], true);

    let publish = |url: &str, ack: bool| json!({"venue_id": venue, "url": url, "acknowledge_permission": ack});
    let path = format!("/api/v1/staff/posts/{post}/publications");
    let (status, body) = anna
        .post(&path, publish("http://forumabcdef.onion/t/1", true))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("approval_required"))
    );
    let approve = format!("/api/v1/staff/posts/{post}/approve");
    let (status, body) = anna.post(&approve, json!({"version": 1})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("own_version"))
    );
    let (status, _) = boris.post(&approve, json!({"version": 1})).await;
    assert_eq!(status, 204);
    assert_eq!(
        crate::audit::last(&app).await,
        (
            "boris".into(),
            netreach_core::AuditAction::PostApproved,
            post.clone()
        )
    );
    let (status, body) = anna
        .post(&path, publish("http://forumabcdef.onion/t/1", false))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("permission_not_granted"))
    );
    let (status, body) = anna.post(&path, publish("javascript:alert(1)", true)).await;
    assert_eq!(status, 422, "{body}");
    let (status, published) = anna
        .post(&path, publish("http://forumabcdef.onion/t/1", true))
        .await;
    assert_eq!(status, 201, "{published}");
    assert_eq!(
        crate::audit::last(&app).await,
        (
            "anna".into(),
            netreach_core::AuditAction::PostPublished,
            post.clone()
        )
    );
    assert_eq!(published["status"], "live");
    assert_eq!(published["post_version"], 1);
    assert_eq!(published["warnings"], json!(["permission_not_granted"]));

    // A new version needs its own approval.
    let (status, saved) = anna
        .put(
            &format!("/api/v1/staff/posts/{post}"),
            json!({"title": "Naloxone", "markdown": "Carry naloxone.", "version": 1}),
        )
        .await;
    assert_eq!((status, saved["version"].as_i64()), (200, Some(2)));
    let (status, body) = anna
        .put(
            &format!("/api/v1/staff/posts/{post}"),
            json!({"title": "Stale", "markdown": "stale", "version": 1}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("version_conflict"))
    );
    let (status, _) = anna
        .post(&path, publish("http://forumabcdef.onion/t/2", true))
        .await;
    assert_eq!(status, 409);
    let (_, view) = anna.get(&format!("/api/v1/staff/posts/{post}")).await;
    assert_eq!(view["versions"].as_array().unwrap().len(), 2);
    assert_eq!(view["versions"][1]["approved_by"], "boris");
    assert_eq!(view["approved"], false);

    // The log: record what happened after, filter it, export it.
    let id = published["id"].as_str().unwrap();
    let (status, recorded) = boris
        .post(&format!("/api/v1/staff/publications/{id}"), json!({"url": "http://forumabcdef.onion/t/1", "status": "removed", "followup": "=HYPERLINK(\"http://evil\") two replies"}))
        .await;
    assert_eq!(
        (status, recorded["status"].as_str()),
        (200, Some("removed"))
    );
    let (_, removed) = anna.get("/api/v1/staff/publications?status=removed").await;
    assert_eq!(removed["items"].as_array().unwrap().len(), 1);
    let (_, none) = anna.get("/api/v1/staff/publications?status=live").await;
    assert!(none["items"].as_array().unwrap().is_empty());
    let (status, _) = anna.get("/api/v1/staff/publications?status=bogus").await;
    assert_eq!(status, 422);
    let csv = anna
        .http
        .get(app.url("/api/v1/staff/publications.csv"))
        .bearer_auth(&anna.token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("created_at,venue,venue_kind,post,post_version")
    );
    let row = lines.next().unwrap();
    assert!(
        row.contains("Onion forum") && row.contains(",anna,removed,"),
        "{row}"
    );
    assert!(row.contains("'=HYPERLINK"), "formula made inert: {row}");
}

#[tokio::test]
async fn a_post_longer_than_the_venue_allows_is_refused_with_the_count() {
    let app = TestApp::spawn().await;
    let sveta = api(&app, "sveta", Role::Supervisor).await;
    let mut venue = forum();
    venue["char_limit"] = json!(20);
    venue["needs_approval"] = json!(false);
    venue["permission"] = json!("granted");
    let (_, body) = sveta.post("/api/v1/staff/venues", venue).await;
    let venue = body["id"].as_str().unwrap().to_owned();
    let post = new_post(&sveta, "This post is longer than twenty characters.").await;
    let (_, view) = sveta.get(&format!("/api/v1/staff/posts/{post}")).await;
    assert_eq!(view["previews"][0]["over_limit"], true);
    let (status, body) = sveta
        .post(
            &format!("/api/v1/staff/posts/{post}/publications"),
            json!({"venue_id": venue, "url": ""}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("too_long"))
    );
}

/// The whole flow in the console, without JavaScript: register a venue (a mistake keeps what was
/// typed), write a post, preview it for the venue, insert a mixing check, have it approved by a
/// second person, record a hand-made post after the permission warning, follow it up in the log
/// and download the log as CSV.
#[tokio::test]
async fn the_console_registers_venues_composes_posts_and_keeps_the_log() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (boris, _) = app.signed_in("boris", Role::Worker).await;
    let (sveta, _) = app.signed_in("sveta", Role::Supervisor).await;
    let venue_form = |address: &'static str| {
        vec![
            ("name", "Harm reduction board"),
            ("kind", "clearnet_forum"),
            ("address", address),
            ("lang", "en"),
            ("markup", "markdown"),
            ("rules", "No sourcing talk"),
            ("permission", "asked"),
            ("permission_date", "2026-02-20"),
            ("permission_contact", "forum admin"),
            ("needs_approval", "on"),
            ("char_limit", "5000"),
        ]
    };
    let refused = anna
        .post_form("/staff/venues", &venue_form("https://forum.example.org/hr"))
        .await;
    assert_eq!(
        refused.status(),
        403,
        "venues are registered by supervisors"
    );
    let bad = sveta
        .post_form("/staff/venues", &venue_form("forum.example.org"))
        .await;
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(page.contains("full http:// or https:// URL"), "{page}");
    assert_eq!(
        crate::input_value(&page, "name").as_deref(),
        Some("Harm reduction board"),
        "typed input kept"
    );
    let saved = sveta
        .post_form("/staff/venues", &venue_form("https://forum.example.org/hr"))
        .await;
    assert_eq!(
        saved.headers()["location"],
        "/staff/venues?done=venue-saved"
    );
    let venue = app.state.store.venues().await.unwrap().remove(0);
    let list = anna.get_text("/staff/venues").await;
    assert!(list.contains("Harm reduction board") && list.contains("asked"));

    let created = anna
        .post_form(
            "/staff/posts",
            &[
                ("title", "Naloxone"),
                ("markdown", "Carry **naloxone** *always*."),
            ],
        )
        .await;
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let post_path = location.split('?').next().unwrap().to_owned();
    let page = anna.get_text(&post_path).await;
    assert!(
        page.contains("Carry \\*\\*naloxone") || page.contains("Carry **naloxone**"),
        "{page}"
    );
    assert!(
        page.contains("of 5000 characters"),
        "count against the limit: {page}"
    );
    assert!(page.contains("Permission to post here: asked"), "{page}");
    assert!(
        page.contains("another staff member must approve it"),
        "{page}"
    );

    // A mixing check naming a word that is no substance says which, and keeps the text.
    let unknown = anna
        .post_form(
            &post_path,
            &[
                ("title", "Naloxone"),
                ("markdown", "Carry **naloxone** *always*."),
                ("version", "1"),
                ("action", "insert"),
                ("kb", ""),
                ("check", "heroin, alcohl"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        unknown.contains("Nothing matched “alcohl”. Did you mean Alcohol?")
            && unknown.contains("Carry **naloxone** *always*."),
        "{unknown}"
    );

    // Insert a mixing check (preview only), then save it as version 2.
    let inserted = anna
        .post_form(
            &post_path,
            &[
                ("title", "Naloxone"),
                ("markdown", "Carry **naloxone** *always*."),
                ("version", "1"),
                ("action", "insert"),
                ("kb", ""),
                ("check", "heroin, alcohol"),
            ],
        )
        .await;
    assert_eq!(inserted.status(), 200);
    let page = inserted.text().await.unwrap();
    assert!(page.contains("not saved"), "{page}");
    let markdown = page
        .split("name=\"markdown\" rows=\"12\" required>")
        .nth(1)
        .and_then(|rest| rest.split("</textarea>").next())
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'");
    assert!(
        markdown.contains("- Heroin + Alcohol") || markdown.contains("- Alcohol + Heroin"),
        "{markdown}"
    );
    let saved = anna
        .post_form(
            &post_path,
            &[
                ("title", "Naloxone"),
                ("markdown", &markdown),
                ("version", "1"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let stale = anna
        .post_form(
            &post_path,
            &[
                ("title", "Naloxone"),
                ("markdown", "my stale edit"),
                ("version", "1"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(stale.status(), 422);
    let page = stale.text().await.unwrap();
    assert!(page.contains("Someone saved this post") && page.contains("my stale edit"));

    let venue_id = venue.id.to_string();
    let publish = [
        ("venue_id", venue_id.as_str()),
        ("mode", "record"),
        ("url", "https://forum.example.org/hr/t/55"),
    ];
    let refused = anna
        .post_form(&format!("{post_path}/publish"), &publish)
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("approved by a second staff member")
    );
    let own = anna
        .post_form(&format!("{post_path}/approve"), &[("version", "2")])
        .await;
    assert_eq!(own.status(), 422);
    let approved = boris
        .post_form(&format!("{post_path}/approve"), &[("version", "2")])
        .await;
    assert_eq!(approved.status(), 303);
    let warned = anna
        .post_form(&format!("{post_path}/publish"), &publish)
        .await;
    assert_eq!(warned.status(), 422);
    let page = warned.text().await.unwrap();
    assert!(page.contains("Tick the box"), "{page}");
    assert!(
        page.contains("https://forum.example.org/hr/t/55"),
        "typed URL kept"
    );
    let mut acknowledged = publish.to_vec();
    acknowledged.push(("acknowledge_permission", "on"));
    let done = anna
        .post_form(&format!("{post_path}/publish"), &acknowledged)
        .await;
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        format!("{post_path}?done=post-recorded")
    );

    let log = anna.get_text("/staff/publications?status=live").await;
    assert!(
        log.contains("Harm reduction board")
            && log.contains("Naloxone (v2)")
            && log.contains("anna"),
        "{log}"
    );
    let entry = app
        .state
        .store
        .publications(&netreach_store::PublicationFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0);
    let bad = anna
        .post_form(
            &format!("/staff/publications/{}", entry.id),
            &[
                ("url", "not a url"),
                ("status", "removed"),
                ("followup", "reply from user X"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("reply from user X") && page.contains("not a url"),
        "typed input kept"
    );
    let ok = anna
        .post_form(
            &format!("/staff/publications/{}", entry.id),
            &[
                ("url", "https://forum.example.org/hr/t/55"),
                ("status", "removed"),
                ("followup", "reply from user X"),
            ],
        )
        .await;
    assert_eq!(
        ok.headers()["location"],
        "/staff/publications?done=log-saved"
    );
    assert!(
        anna.get_text("/staff/publications?status=live")
            .await
            .contains("Nothing published yet.")
    );
    let csv = anna
        .get(&format!("/staff/publications.csv?venue={}", venue.id))
        .await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("Harm reduction board,clearnet_forum,Naloxone,2,,anna,removed,https://forum.example.org/hr/t/55"), "{csv}");

    // The same pages work in Russian.
    let ru = anna.get_text(&format!("{post_path}?lang=ru")).await;
    assert!(ru.contains("Предпросмотр для каждой площадки"), "{ru}");
}
