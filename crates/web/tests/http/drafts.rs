//! Reply drafts (issue 12): a member's unsent reply survives a reload, sealed on the server, seen
//! by nobody else, and gone once sent, with the conversation, or after a week.

use crate::conversations::{as_client, start};
use crate::input_value;
use netreach_core::{Clock, Role};
use netreach_testkit::{Browser, TestApp, TestBackend, TestDb};
use serde_json::{Value, json};
use time::Duration;

/// What the reply box of a conversation page holds.
fn reply_box(page: &str) -> &str {
    let open = "name=\"message\" rows=\"5\" required>";
    let start = page.find(open).expect("reply box") + open.len();
    let end = page[start..].find("</textarea>").expect("end of reply box");
    &page[start..start + end]
}

/// Saves a draft as the form's "Save draft" button does (no script).
async fn save_draft(browser: &Browser, id: &str, text: &str) -> reqwest::Response {
    browser
        .post_form(
            &format!("/staff/conversations/{id}/draft"),
            &[("message", text), ("version", "1")],
        )
        .await
}

/// Saves a draft as the console script does: JSON, same-origin.
async fn autosave(app: &TestApp, browser: &Browser, id: &str, text: &str) -> (u16, Value) {
    let response = browser
        .client
        .post(app.url(&format!("/staff/conversations/{id}/draft")))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .json(&json!({"message": text}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_draft_saved_without_the_script_is_back_after_a_reload_and_goes_when_the_reply_is_sent() {
    let app = TestApp::spawn().await;
    let (anna, user) = app.signed_in("anna", Role::Worker).await;
    let (boris, _) = app.signed_in("boris", Role::Worker).await;
    let (_, id) = start(&app, "legal", "Can they search my phone?", "en").await;
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(page.contains(&format!(
        "formaction=\"/staff/conversations/{id}/draft\" formnovalidate>Save draft</button>"
    )));
    assert_eq!(reply_box(&page), "");

    let saved = save_draft(&anna, &id, "Only if they have a warrant & <the phone>.").await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"],
        format!("/staff/conversations/{id}?done=draft-saved").as_str()
    );
    let page = anna
        .get_text(&format!("/staff/conversations/{id}?done=draft-saved"))
        .await;
    assert_eq!(
        reply_box(&page),
        "Only if they have a warrant &#38; &#60;the phone&#62;."
    );
    assert!(page.contains("Draft saved. Only you can open it"), "{page}");
    assert!(
        page.contains("Draft saved on "),
        "the status line says when"
    );

    // Another member with the inbox key sees their own (empty) box, not Anna's draft.
    let theirs = boris.get_text(&format!("/staff/conversations/{id}")).await;
    assert_eq!(reply_box(&theirs), "");
    assert!(!theirs.contains("warrant"));

    // A canned reply picked without the script fills the box as before.
    let canned = netreach_core::CannedId::new_random();
    app.state
        .store
        .put_canned_reply(netreach_store::CannedReply {
            id: canned,
            lang: netreach_core::Lang::En,
            title: "Greeting".into(),
            body: "Hello from the team.".into(),
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
            tags: Vec::new(),
            status: None,
        })
        .await
        .unwrap();
    let filled = anna
        .get_text(&format!("/staff/conversations/{id}?canned={canned}"))
        .await;
    assert_eq!(reply_box(&filled), "Hello from the team.");

    // Sending the reply deletes the draft: the box is empty again.
    let version = input_value(&page, "version").unwrap();
    let sent = anna
        .post_form(
            &format!("/staff/conversations/{id}/reply"),
            &[
                ("message", "Only if they have a warrant."),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert_eq!(reply_box(&page), "");
    let id = id.parse().unwrap();
    assert_eq!(
        app.state.store.reply_draft(id, user.id).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_failed_send_returns_the_typed_text_not_the_draft() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question", "en").await;
    save_draft(&anna, &id, "the older draft").await;
    // A stale version: someone changed the conversation meanwhile.
    let failed = anna
        .post_form(
            &format!("/staff/conversations/{id}/reply"),
            &[("message", "the newer text"), ("version", "99")],
        )
        .await;
    let page = failed.text().await.unwrap();
    assert_eq!(reply_box(&page), "the newer text", "{page}");
}

#[tokio::test]
async fn an_empty_box_deletes_the_draft() {
    let app = TestApp::spawn().await;
    let (anna, user) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question", "en").await;
    save_draft(&anna, &id, "a draft").await;
    let cleared = save_draft(&anna, &id, "  ").await;
    assert_eq!(
        cleared.headers()["location"],
        format!("/staff/conversations/{id}?done=draft-deleted").as_str()
    );
    let page = anna
        .get_text(&format!("/staff/conversations/{id}?done=draft-deleted"))
        .await;
    assert!(page.contains("your draft is deleted"));
    assert_eq!(reply_box(&page), "");
    let id = id.parse().unwrap();
    assert_eq!(
        app.state.store.reply_draft(id, user.id).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn the_script_autosaves_as_json_and_gets_the_line_it_shows() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question", "en").await;
    let now = app.clock.now();
    let (status, body) = autosave(&app, &anna, &id, "typed so far").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"saved": true, "status": format!("Draft saved {:02}:{:02}", now.hour(), now.minute())})
    );
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert_eq!(reply_box(&page), "typed so far");

    // A form body asking for JSON gets JSON too.
    let form = anna
        .client
        .post(app.url(&format!("/staff/conversations/{id}/draft")))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "application/json")
        .form(&[("message", "typed a bit more")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert_eq!(form.json::<Value>().await.unwrap()["saved"], true);
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert_eq!(reply_box(&page), "typed a bit more");

    let (status, body) = autosave(&app, &anna, &id, "").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"saved": false, "status": "Draft deleted"}));

    let too_long = "x".repeat(app.state.settings.conversations.max_message_chars + 1);
    let (status, body) = autosave(&app, &anna, &id, &too_long).await;
    assert_eq!(status, 422);
    assert_eq!(body["saved"], false);
    assert!(body["status"].as_str().unwrap().contains("too long"));

    // Another site cannot write a member's draft.
    let cross = anna
        .client
        .post(app.url(&format!("/staff/conversations/{id}/draft")))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"message": "planted"}))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert_eq!(reply_box(&page), "");
}

#[tokio::test]
async fn a_member_without_the_inbox_key_keeps_no_draft() {
    let app = TestApp::spawn().await;
    let (_anna, _) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question", "en").await;
    let password = "boris-long-password-123";
    let boris_user = app
        .create_user_without_access("boris", Role::Worker, password)
        .await;
    let boris = app.new_browser();
    boris.login("boris", password).await;
    assert_eq!(save_draft(&boris, &id, "a draft").await.status(), 403);
    let script = boris
        .client
        .post(app.url(&format!("/staff/conversations/{id}/draft")))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"message": "a draft"}))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 403);
    let id = id.parse().unwrap();
    assert_eq!(
        app.state
            .store
            .reply_draft(id, boris_user.id)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn the_clients_deletion_takes_the_drafts_along_and_a_later_save_says_so() {
    let app = TestApp::spawn().await;
    let (anna, user) = app.signed_in("anna", Role::Worker).await;
    let (codename, id) = start(&app, "legal", "a question", "en").await;
    save_draft(&anna, &id, "half an answer").await;
    let deleted = as_client(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/conversations/me",
        &codename,
    )
    .send()
    .await
    .unwrap();
    assert!(deleted.status().is_success());
    let cid = id.parse().unwrap();
    assert_eq!(
        app.state.store.reply_draft(cid, user.id).await.unwrap(),
        None
    );

    // The script's next save is told the conversation is gone; the form gets the text back.
    let (status, body) = autosave(&app, &anna, &id, "half an answer, more").await;
    assert_eq!(status, 404);
    assert_eq!(body["status"], "This conversation is gone");
    let form = save_draft(&anna, &id, "half an answer, more").await;
    assert_eq!(form.status(), 404);
    let page = form.text().await.unwrap();
    assert!(page.contains("The client deleted this conversation"));
    assert!(page.contains("half an answer, more"));
    assert_eq!(
        app.state.store.reply_draft(cid, user.id).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn drafts_untouched_for_a_week_are_deleted_by_housekeeping() {
    let app = TestApp::spawn().await;
    let (anna, user) = app.signed_in("anna", Role::Worker).await;
    let (_, old) = start(&app, "legal", "an old question", "en").await;
    let (_, recent) = start(&app, "legal", "a newer question", "en").await;
    save_draft(&anna, &old, "forgotten").await;
    app.clock.advance(Duration::days(6));
    // The console session has ended by then: Anna signs in again.
    anna.login("anna", "anna-long-password-123").await;
    let saved = save_draft(&anna, &recent, "still working on it").await;
    assert_eq!(
        saved.headers()["location"],
        format!("/staff/conversations/{recent}?done=draft-saved").as_str()
    );
    app.clock.advance(Duration::days(2));
    netreach_app::jobs::housekeeping(&app.state).await;
    let (old, recent) = (old.parse().unwrap(), recent.parse().unwrap());
    assert_eq!(
        app.state.store.reply_draft(old, user.id).await.unwrap(),
        None
    );
    assert!(
        app.state
            .store
            .reply_draft(recent, user.id)
            .await
            .unwrap()
            .is_some()
    );
}

/// The draft is sealed: its text is nowhere in the database (on SQLite, the file and its WAL).
#[tokio::test]
async fn a_draft_is_stored_sealed() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        let (anna, _) = app.signed_in("anna", Role::Worker).await;
        let (_, id) = start(&app, "legal", "a question", "en").await;
        let canary = "Draftcanary-7qz unsent words";
        assert_eq!(save_draft(&anna, &id, canary).await.status(), 303);
        let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
        assert_eq!(reply_box(&page), canary, "{backend:?}");
        let contents = app.db.raw_contents().await;
        assert!(
            contents.contains(&id),
            "{backend:?}: the scan did not see the conversation"
        );
        assert!(
            !contents.contains("Draftcanary"),
            "{backend:?}: a draft stored in plaintext"
        );
    }
}
