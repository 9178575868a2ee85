//! Photos and voice messages through the real router: uploaded on `/c` and `/ask` (no
//! JavaScript) and over the API, refused when too large or not what they claim, re-encoded so no
//! metadata survives, sealed at rest, shown to their client and to staff with the inbox key and to
//! nobody else, and gone with their conversation.

use crate::client_pages::asked;
use crate::conversations::{as_client, staff_token, start};
use netreach_app::attachments::media::samples::{jpeg_with_exif, opus_with_tags};
use netreach_core::Role;
use netreach_testkit::{Part, TestApp, TestBackend, TestDb, multipart_body};
use serde_json::Value;

fn photo<'a>(bytes: &'a [u8]) -> Part<'a> {
    Part::File {
        field: "photo",
        filename: "IMG_0042.jpg",
        content_type: "image/jpeg",
        bytes,
    }
}

/// Every `src="..."` of the page's attachments.
fn attachment_links(page: &str, prefix: &str) -> Vec<String> {
    page.match_indices(&format!("src=\"{prefix}"))
        .map(|(at, _)| {
            let start = at + "src=\"".len();
            let end = start + page[start..].find('"').unwrap();
            page[start..end].to_owned()
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

async fn attachment_rows(app: &TestApp) -> i64 {
    app.db.row_counts().await["attachments"]
}

fn assert_served_safely(response: &reqwest::Response, media_type: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(header("content-type"), media_type);
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let csp = header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
}

/// The canary story, on every backend: a photo carrying GPS EXIF and a canary, sent with a canary
/// caption, is stored with neither readable anywhere in the database (SQLite file and WAL, or
/// every row of the PostgreSQL schema), is shown to its client and to staff, and to no one else.
#[tokio::test]
async fn a_photo_on_c_loses_its_metadata_is_sealed_and_is_seen_by_its_client_and_staff_only() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        let (anna, _) = app.signed_in("anna", Role::Worker).await;
        let client = app.new_browser();
        asked(&app, &client, "Does this look infected?").await;
        let exif_canary = format!("ExifCanary{}", uuid::Uuid::new_v4().simple());
        let caption_canary = format!("CaptionCanary{}", uuid::Uuid::new_v4().simple());
        let original = jpeg_with_exif(640, 480, &exif_canary);
        assert!(contains(&original, &exif_canary));

        let sent = client
            .post_multipart(
                "/c/reply",
                &[
                    Part::Text("message", &format!("Here it is {caption_canary}")),
                    photo(&original),
                ],
            )
            .await;
        assert_eq!(sent.status(), 303, "{backend:?}");
        assert_eq!(sent.headers()["location"], "/c");

        let thread = client.get_text("/c").await;
        assert!(
            thread.contains(&caption_canary),
            "the client sees the caption"
        );
        let links = attachment_links(&thread, "/c/attachments/");
        assert_eq!(links.len(), 1, "{backend:?}: {thread}");
        let mine = client.get(&links[0]).await;
        assert_eq!(mine.status(), 200);
        assert_served_safely(&mine, "image/jpeg");
        let bytes = mine.bytes().await.unwrap();
        assert!(!contains(&bytes, &exif_canary), "EXIF survived");
        assert!(!contains(&bytes, "Exif"), "an EXIF segment survived");
        let decoded = image_size(&bytes);
        assert_eq!(decoded, (640, 480));

        // Staff see it on the conversation page, opened with their inbox key.
        let id = app
            .state
            .store
            .list_conversations(&Default::default())
            .await;
        let id = id.unwrap()[0].id;
        let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
        assert!(page.contains(&caption_canary));
        let staff_links =
            attachment_links(&page, &format!("/staff/conversations/{id}/attachments/"));
        assert_eq!(staff_links.len(), 1, "{page}");
        assert!(page.contains("<img class=\"attachment\""));
        let seen = anna.get(&staff_links[0]).await;
        assert_eq!(seen.status(), 200);
        assert_served_safely(&seen, "image/jpeg");
        assert_eq!(seen.bytes().await.unwrap(), bytes);

        // Nobody else: another client, a visitor, a worker without the inbox key.
        let other = app.new_browser();
        asked(&app, &other, "My own question").await;
        assert_eq!(other.get(&links[0]).await.status(), 404);
        assert_eq!(app.new_browser().get(&links[0]).await.status(), 401);
        let password = "nokey-long-password-123";
        app.create_user_without_access("nokey", Role::Worker, password)
            .await;
        let nokey = app.new_browser();
        assert_eq!(nokey.login("nokey", password).await.status(), 303);
        assert_eq!(nokey.get(&staff_links[0]).await.status(), 403);
        let elsewhere =
            staff_links[0].replace(&id.to_string(), "00000000-0000-4000-8000-000000000000");
        assert_eq!(anna.get(&elsewhere).await.status(), 404);

        let contents = app.db.raw_contents().await;
        assert!(
            contents.contains(&id.to_string()),
            "{backend:?}: the scan saw the row"
        );
        for canary in [&exif_canary, &caption_canary] {
            assert!(
                !contents.contains(canary.as_str()),
                "{backend:?}: {canary} readable in the database"
            );
        }
        if let Some(dump) = pg_dump(&app.db) {
            for canary in [&exif_canary, &caption_canary] {
                let hex: String = canary.bytes().map(|b| format!("{b:02x}")).collect();
                assert!(
                    !dump.contains(canary.as_str()) && !dump.contains(&hex),
                    "{canary} in pg_dump's output"
                );
            }
        }
        let logs = netreach_testkit::captured_logs();
        for canary in [&exif_canary, &caption_canary] {
            assert!(!logs.contains(canary.as_str()), "{canary} logged");
        }
    }
}

/// `pg_dump` of the test's own schema (bytea comes out as hex), on PostgreSQL only.
fn pg_dump(db: &TestDb) -> Option<String> {
    let schema = db.schema.as_deref()?;
    let url = std::env::var("NETREACH_TEST_POSTGRES_URL").ok()?;
    let output = std::process::Command::new("pg_dump")
        .args(["--data-only", "--schema", schema, &url])
        .output()
        .expect("pg_dump runs where PostgreSQL tests do");
    assert!(
        output.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dump = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(dump.contains("attachments"), "the dump holds the table");
    Some(dump)
}

fn image_size(jpeg: &[u8]) -> (u32, u32) {
    // SOF0 (baseline) marker: FF C0, length, precision, height, width.
    let at = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG");
    let h = u16::from_be_bytes([jpeg[at + 5], jpeg[at + 6]]);
    let w = u16::from_be_bytes([jpeg[at + 7], jpeg[at + 8]]);
    (u32::from(w), u32::from(h))
}

#[tokio::test]
async fn a_photo_alone_is_a_reply_on_c_and_the_first_question_can_carry_one() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let client = app.new_browser();
    let form = client.get_text("/ask").await;
    assert!(form.contains("enctype=\"multipart/form-data\""));
    assert!(form.contains("type=\"file\"") && form.contains("name=\"photo\""));
    let picture = jpeg_with_exif(80, 60, "first");
    let response = client
        .post_multipart(
            "/ask",
            &[
                Part::Text("topic", "injection"),
                Part::Text("message", "Is this an abscess?"),
                Part::Text("lang", "en"),
                Part::Text("website", ""),
                photo(&picture),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "the codename page");
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("nr_client=")
    );
    let thread = client.get_text("/c").await;
    assert_eq!(
        attachment_links(&thread, "/c/attachments/").len(),
        1,
        "{thread}"
    );
    assert!(thread.contains("enctype=\"multipart/form-data\""));

    let alone = client
        .post_multipart("/c/reply", &[Part::Text("message", ""), photo(&picture)])
        .await;
    assert_eq!(alone.status(), 303, "a photo needs no text");
    let thread = client.get_text("/c").await;
    assert_eq!(attachment_links(&thread, "/c/attachments/").len(), 2);
    let empty = client
        .post_multipart("/c/reply", &[Part::Text("message", "  ")])
        .await;
    assert_eq!(empty.status(), 422, "no text and no photo is still refused");
    // A text reply as a plain form still works.
    let text = client
        .post_form("/c/reply", &[("message", "and one more thing")])
        .await;
    assert_eq!(text.status(), 303);
    assert_eq!(attachment_rows(&app).await, 2);
}

#[tokio::test]
async fn refused_photos_say_why_keep_the_typed_text_and_store_nothing() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, |s| {
        s.attachments.max_image_bytes = 20_000;
        s.attachments.max_voice_bytes = 20_000;
    })
    .await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let client = app.new_browser();
    asked(&app, &client, "First question").await;
    let typed = "Please look at this, it is swollen";
    let mut large = jpeg_with_exif(64, 64, "large");
    large.resize(30_000, 0);
    // Cut inside its tables (a JPEG cut in its image data still decodes, padded with grey).
    let mut broken = jpeg_with_exif(64, 64, "broken");
    broken.truncate(300);
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj".to_vec();
    for (bytes, says) in [
        (&large, "This photo is too large"),
        (&broken, "This photo could not be read"),
        (&pdf, "Only photos can be attached"),
    ] {
        let response = client
            .post_multipart("/c/reply", &[Part::Text("message", typed), photo(bytes)])
            .await;
        assert_eq!(response.status(), 422, "{says}");
        let page = response.text().await.unwrap();
        assert!(page.contains(says), "{says}: {page}");
        assert!(page.contains(typed), "the typed text is kept");
    }
    // Far over the limit (past the body limit of the upload routes): refused before it is read.
    let huge = vec![0xFFu8; 200_000];
    let response = client
        .post_multipart("/c/reply", &[Part::Text("message", typed), photo(&huge)])
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(attachment_rows(&app).await, 0);

    // On /ask, the question comes back with everything typed, and no conversation starts.
    let before = app.db.row_counts().await["conversations"];
    let asked_again = app
        .new_browser()
        .post_multipart(
            "/ask",
            &[
                Part::Text("topic", "injection"),
                Part::Text("message", typed),
                Part::Text("lang", "en"),
                Part::Text("substances", "heroin"),
                photo(&pdf),
            ],
        )
        .await;
    assert_eq!(asked_again.status(), 422);
    let page = asked_again.text().await.unwrap();
    assert!(page.contains("Only photos can be attached") && page.contains(typed));
    assert!(page.contains("value=\"heroin\""));
    assert_eq!(app.db.row_counts().await["conversations"], before);
}

fn padded(mut bytes: Vec<u8>, len: usize) -> Vec<u8> {
    bytes.resize(len, 0);
    bytes
}

async fn upload(app: &TestApp, codename: &str, part: Part<'_>) -> reqwest::Response {
    let (content_type, body) = multipart_body(&[part]);
    as_client(
        app,
        reqwest::Method::POST,
        "/api/v1/conversations/me/attachments",
        codename,
    )
    .header("content-type", content_type)
    .body(body)
    .send()
    .await
    .unwrap()
}

fn file(bytes: &[u8]) -> Part<'_> {
    Part::File {
        field: "file",
        filename: "upload.bin",
        content_type: "application/octet-stream",
        bytes,
    }
}

#[tokio::test]
async fn the_api_takes_photos_and_voice_and_lists_them_additively() {
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, |s| {
        s.attachments.max_image_bytes = 50_000;
    })
    .await;
    let token = staff_token(&app, "anna", Role::Worker).await;
    let (codename, id) = start(&app, "substances", "What is this pill?", "en").await;

    let picture = jpeg_with_exif(100, 80, "api");
    let added = upload(&app, &codename, file(&picture)).await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    let photo_id = added["id"].as_str().unwrap().to_owned();
    let opus_canary = format!("OpusCanary{}", uuid::Uuid::new_v4().simple());
    let voice = upload(&app, &codename, file(&opus_with_tags(&opus_canary, 6))).await;
    assert_eq!(voice.status(), 201);

    let mine: Value = as_client(
        &app,
        reqwest::Method::GET,
        "/api/v1/conversations/me",
        &codename,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let messages = mine["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert!(
        messages[0].get("attachments").is_none(),
        "a message without attachments keeps its old shape"
    );
    assert_eq!(messages[1]["from"], "client");
    assert_eq!(messages[1]["body"], "");
    assert_eq!(messages[1]["attachments"][0]["id"], photo_id.as_str());
    assert_eq!(messages[1]["attachments"][0]["kind"], "image");
    assert_eq!(messages[1]["attachments"][0]["media_type"], "image/jpeg");
    assert!(messages[1]["attachments"][0]["size"].as_i64().unwrap() > 0);
    assert_eq!(messages[2]["attachments"][0]["kind"], "voice");
    assert_eq!(messages[2]["attachments"][0]["media_type"], "audio/ogg");

    let staff: Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/staff/conversations/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let staff_messages = staff["messages"].as_array().unwrap();
    assert_eq!(staff_messages[1]["attachments"][0]["id"], photo_id.as_str());
    let voice_id = staff_messages[2]["attachments"][0]["id"].as_str().unwrap();

    // The voice message keeps its audio, loses its tags; staff play it from the console.
    let (anna, _) = app.signed_in("vera", Role::Worker).await;
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(page.contains("<audio controls"), "{page}");
    let played = anna
        .get(&format!("/staff/conversations/{id}/attachments/{voice_id}"))
        .await;
    assert_eq!(played.status(), 200);
    assert_served_safely(&played, "audio/ogg");
    let ogg = played.bytes().await.unwrap();
    assert!(ogg.starts_with(b"OggS"));
    assert!(!contains(&ogg, &opus_canary));
    assert!(!app.db.raw_contents().await.contains(&opus_canary));

    // Refusals in the API's error shape.
    for (bytes, status, code) in [
        (b"just some text".to_vec(), 415, "unsupported_media_type"),
        (
            padded(jpeg_with_exif(32, 32, "big"), 60_000),
            413,
            "too_large",
        ),
        (
            jpeg_with_exif(32, 32, "x")[..300].to_vec(),
            422,
            "undecodable",
        ),
        (
            b"OggS but not really".to_vec(),
            415,
            "unsupported_media_type",
        ),
    ] {
        let refused = upload(&app, &codename, file(&bytes)).await;
        assert_eq!(refused.status(), status, "{code}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], code);
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let nothing = upload(&app, &codename, Part::Text("caption", "no file")).await;
    assert_eq!(nothing.status(), 422);
    let anonymous = reqwest::Client::new()
        .post(app.url("/api/v1/conversations/me/attachments"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(attachment_rows(&app).await, 2);

    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/conversations/me/attachments"]["post"].is_object());
}

#[tokio::test]
async fn attachments_go_with_the_conversation_when_the_client_deletes_it_and_at_retention() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        app.create_user("anna", Role::Worker, "anna-long-password")
            .await;
        let picture = jpeg_with_exif(40, 30, "gone");
        let deleting = app.new_browser();
        asked(&app, &deleting, "delete me later").await;
        let sent = deleting
            .post_multipart("/c/reply", &[Part::Text("message", ""), photo(&picture)])
            .await;
        assert_eq!(sent.status(), 303);
        let (codename, _) = start(&app, "other", "left idle", "en").await;
        assert_eq!(upload(&app, &codename, file(&picture)).await.status(), 201);
        assert_eq!(attachment_rows(&app).await, 2, "{backend:?}");

        let deleted = deleting.post_form("/c/delete", &[("confirm", "yes")]).await;
        assert_eq!(deleted.status(), 200);
        assert_eq!(
            attachment_rows(&app).await,
            1,
            "{backend:?}: deleted with it"
        );

        app.clock.advance(time::Duration::days(91));
        let purged = netreach_app::conversations::purge_due(&app.state)
            .await
            .unwrap();
        assert!(purged >= 1);
        assert_eq!(
            attachment_rows(&app).await,
            0,
            "{backend:?}: gone at retention"
        );
    }
}
