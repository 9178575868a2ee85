use crate::client_pages::asked;
use crate::conversations::{as_client, start};
use netreach_core::{ConversationId, Role};
use netreach_testkit::{Browser, TestApp};
use serde_json::{Value, json};

/// Marks a conversation solved through the console.
async fn solve(app: &TestApp, staff: &Browser, id: ConversationId) {
    let version = app
        .state
        .store
        .conversation(id)
        .await
        .unwrap()
        .unwrap()
        .version;
    let done = staff
        .post_form(
            &format!("/staff/conversations/{id}/status"),
            &[("status", "solved"), ("version", &version.to_string())],
        )
        .await;
    assert_eq!(done.status(), 303);
}

async fn search(app: &TestApp, q: &str) -> Value {
    reqwest::Client::new()
        .get(app.url(&format!("/api/v1/search?q={q}&lang=en")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_consenting_solved_conversation_becomes_a_reviewed_public_entry_that_forgets_it() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (boris, _) = app.signed_in("boris", Role::Worker).await;
    let client = app.new_browser();
    asked(&app, &client, "Can I mix ketamine with alcohol at a party?").await;
    let thread = client.get_text("/c").await;
    assert!(
        thread.contains("Help others with your question"),
        "{thread}"
    );
    let consent = client.post_form("/c/qa", &[("consent", "yes")]).await;
    assert_eq!(consent.headers()["location"], "/c");
    assert!(
        client
            .get_text("/c")
            .await
            .contains("You agreed to an anonymised public version")
    );

    let id = app
        .state
        .store
        .list_conversations(&Default::default())
        .await
        .unwrap()[0]
        .id;
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(
        page.contains("The client agreed") && page.contains("Mark the conversation solved"),
        "{page}"
    );
    solve(&app, &anna, id).await;
    assert!(
        anna.get_text(&format!("/staff/conversations/{id}"))
            .await
            .contains("Save the draft")
    );

    let conversation = id.to_string();
    let incomplete = anna
        .post_form(
            "/staff/qa",
            &[
                ("conversation_id", &conversation),
                ("question", "Is ketamine with alcohol risky?"),
                ("answer", ""),
            ],
        )
        .await;
    assert_eq!(incomplete.status(), 422);
    let page = incomplete.text().await.unwrap();
    assert!(
        page.contains("Write both a question") && page.contains("Is ketamine with alcohol risky?"),
        "typed input kept"
    );
    let saved = anna
        .post_form("/staff/qa", &[
            ("conversation_id", &conversation),
            ("question", "Is ketamine with alcohol risky? Zebrafinch"),
            ("answer", "Yes: both depress breathing and the gag reflex. Use less, not alone, on your side."),
        ])
        .await;
    assert_eq!(saved.headers()["location"], "/staff/qa?done=qa-saved");
    let entry = app
        .state
        .store
        .qa_entries(Some(netreach_core::QaStatus::Draft), None)
        .await
        .unwrap()
        .remove(0);
    assert!(
        app.browser
            .get_text("/qa?lang=en")
            .await
            .contains("No questions published yet.")
    );

    let own = anna
        .post_form(&format!("/staff/qa/{}/publish", entry.id), &[])
        .await;
    assert_eq!(own.status(), 422);
    assert!(
        own.text()
            .await
            .unwrap()
            .contains("someone else must review it")
    );
    let published = boris
        .post_form(&format!("/staff/qa/{}/publish", entry.id), &[])
        .await;
    assert_eq!(published.headers()["location"], "/staff/qa?done=qa-publish");
    assert_eq!(
        crate::audit::last(&app).await,
        (
            "boris".into(),
            netreach_core::AuditAction::QaPublished,
            entry.id.to_string()
        )
    );
    let stored = app.state.store.qa(entry.id).await.unwrap().unwrap();
    assert_eq!(
        stored.conversation_id, None,
        "the public entry keeps no link to the conversation"
    );

    let list = app.browser.get_text("/qa?lang=en").await;
    assert!(list.contains("Is ketamine with alcohol risky?"), "{list}");
    assert!(
        !app.browser
            .get_text("/qa?lang=ru")
            .await
            .contains("ketamine"),
        "listed in its language only"
    );
    let page = app.browser.get(&format!("/qa/{}?lang=en", entry.id)).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("depress breathing") && !page.contains("<script"));
    let found = search(&app, "zebrafinch").await;
    assert_eq!(found["results"][0]["kind"], "qa", "{found}");
    assert_eq!(
        found["results"][0]["url"],
        format!("/qa/{}?lang=en", entry.id)
    );

    boris
        .post_form(&format!("/staff/qa/{}/withdraw", entry.id), &[])
        .await;
    assert_eq!(
        crate::audit::last(&app).await.1,
        netreach_core::AuditAction::QaWithdrawn
    );
    assert_eq!(
        app.browser.get(&format!("/qa/{}", entry.id)).await.status(),
        404
    );
    assert!(
        search(&app, "zebrafinch").await["results"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn without_consent_nothing_is_drafted_and_withdrawing_deletes_the_draft() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (codename, id) = start(
        &app,
        "substances",
        "Is it safe to take tramadol with sertraline?",
        "en",
    )
    .await;
    let id: ConversationId = id.parse().unwrap();
    solve(&app, &anna, id).await;
    let form = |c: &str| {
        vec![
            ("conversation_id".to_owned(), c.to_owned()),
            ("question".to_owned(), "Tramadol with an SSRI?".to_owned()),
            (
                "answer".to_owned(),
                "Risk of serotonin syndrome and seizures.".to_owned(),
            ),
        ]
    };
    let form = form(&id.to_string());
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = anna.post_form("/staff/qa", &form).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("has not agreed"));

    let given = as_client(
        &app,
        reqwest::Method::POST,
        "/api/v1/conversations/me/qa_consent",
        &codename,
    )
    .json(&json!({"consent": true}))
    .send()
    .await
    .unwrap();
    assert_eq!(given.status(), 204);
    assert_eq!(anna.post_form("/staff/qa", &form).await.status(), 303);
    let draft = app
        .state
        .store
        .qa_entries(Some(netreach_core::QaStatus::Draft), None)
        .await
        .unwrap()
        .remove(0);
    let withdrawn = as_client(
        &app,
        reqwest::Method::POST,
        "/api/v1/conversations/me/qa_consent",
        &codename,
    )
    .json(&json!({"consent": false}))
    .send()
    .await
    .unwrap();
    assert_eq!(withdrawn.status(), 204);
    assert!(
        app.state.store.qa(draft.id).await.unwrap().is_none(),
        "the draft went with the consent"
    );
    let (boris, _) = app.signed_in("boris", Role::Worker).await;
    assert_eq!(
        boris
            .post_form(&format!("/staff/qa/{}/publish", draft.id), &[])
            .await
            .status(),
        404
    );
    assert!(
        app.state
            .store
            .qa_entries(Some(netreach_core::QaStatus::Published), None)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A canary a client types anywhere (message, intake answer, rating comment, drug report with its
/// region, and the Q&A draft staff write from their words) is absent from the database files
/// (SQLite with its WAL, or every row of PostgreSQL) until staff deliberately publish it.
#[tokio::test]
async fn a_canary_a_client_types_anywhere_stays_sealed_until_staff_publish_it() {
    for backend in netreach_testkit::TestBackend::all() {
        let db = netreach_testkit::TestDb::new(backend).await;
        let app = TestApp::spawn_on(db, |_| {}).await;
        let (anna, _) = app.signed_in("anna", Role::Worker).await;
        let (boris, _) = app.signed_in("boris", Role::Worker).await;
        let canary = |what: &str| format!("{what}Canary{}", uuid::Uuid::new_v4().simple());
        let [message, intake, reply, comment, report, region, draft] = [
            "Message", "Intake", "Reply", "Comment", "Report", "Region", "Draft",
        ]
        .map(canary);

        // A conversation on the pages: asked, consented, solved, rated with a comment.
        let client = app.new_browser();
        asked(&app, &client, &format!("Is this safe? {message}")).await;
        client.post_form("/c/qa", &[("consent", "yes")]).await;
        let id = app
            .state
            .store
            .list_conversations(&Default::default())
            .await
            .unwrap()[0]
            .id;
        solve(&app, &anna, id).await;
        let rated = client
            .post_form("/c/rate", &[("rating", "5"), ("comment", &comment)])
            .await;
        assert_eq!(rated.status(), 303, "{backend:?}: rated");
        // One by the API, with an intake answer and a client reply.
        let started: Value = reqwest::Client::new()
            .post(app.url("/api/v1/conversations"))
            .json(&json!({"topic": "substances", "message": "hello", "lang": "en", "substances": intake}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let codename = started["codename"].as_str().unwrap();
        let posted = as_client(
            &app,
            reqwest::Method::POST,
            "/api/v1/conversations/me/messages",
            codename,
        )
        .json(&json!({"message": reply}))
        .send()
        .await
        .unwrap();
        assert_eq!(posted.status(), 201, "{backend:?}: client reply");
        // A drug report, its free-text region included.
        let reported = reqwest::Client::new()
            .post(app.url("/api/v1/alerts/reports"))
            .json(&json!({"sold_as": "heroin", "appearance": "grey", "region": region, "what_happened": report}))
            .send()
            .await
            .unwrap();
        assert_eq!(reported.status(), 202, "{backend:?}: report");
        // The Q&A draft a worker writes from the client's words.
        let saved = anna
            .post_form(
                "/staff/qa",
                &[
                    ("conversation_id", &id.to_string()),
                    ("question", &format!("Is this safe? {draft}")),
                    ("answer", "Not alone, and start low."),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303, "{backend:?}: draft saved");

        let at_rest = app.db.raw_contents().await;
        assert!(
            at_rest.contains(&id.to_string()),
            "{backend:?}: the scan did not see the conversation"
        );
        for canary in [
            &message, &intake, &reply, &comment, &report, &region, &draft,
        ] {
            assert!(
                !at_rest.contains(canary.as_str()),
                "{backend:?}: {canary} readable at rest"
            );
        }
        // Staff with the inbox key read the draft, and publishing puts it in the clear.
        assert!(anna.get_text("/staff/qa").await.contains(&draft));
        let entry = app
            .state
            .store
            .qa_entries(Some(netreach_core::QaStatus::Draft), None)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(entry.conversation_id, None, "a draft keeps no link");
        let published = boris
            .post_form(&format!("/staff/qa/{}/publish", entry.id), &[])
            .await;
        assert_eq!(published.status(), 303, "{backend:?}: published");
        assert!(app.db.raw_contents().await.contains(&draft));
    }
}
