use netreach_core::Role;
use netreach_testkit::{TestApp, TestBackend, TestDb};
use serde_json::{Value, json};

pub async fn start(app: &TestApp, topic: &str, message: &str, lang: &str) -> (String, String) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/conversations"))
        .json(&json!({"topic": topic, "message": message, "lang": lang}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    (
        body["codename"].as_str().unwrap().to_owned(),
        body["conversation_id"].as_str().unwrap().to_owned(),
    )
}

pub fn as_client(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    codename: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, app.url(path))
        .header("authorization", format!("Codename {codename}"))
}

pub async fn staff_token(app: &TestApp, username: &str, role: Role) -> String {
    let password = format!("{username}-long-password-123");
    app.create_user(username, role, &password).await;
    let body: Value = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// The whole story on every backend, with canaries that must never appear in the database.
#[tokio::test]
async fn an_anonymous_conversation_is_encrypted_at_rest_and_readable_by_both_sides() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        let token = staff_token(&app, "anna", Role::Worker).await;
        let client_canary = format!("ClientCanary{}", uuid::Uuid::new_v4().simple());
        let intake_canary = format!("IntakeCanary{}", uuid::Uuid::new_v4().simple());
        let staff_canary = format!("StaffCanary{}", uuid::Uuid::new_v4().simple());
        let note_canary = format!("NoteCanary{}", uuid::Uuid::new_v4().simple());
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/conversations"))
            .json(&json!({"topic": "substances", "message": format!("Is this safe? {client_canary}"), "lang": "en", "substances": intake_canary}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        let codename = body["codename"].as_str().unwrap().to_owned();
        let id = body["conversation_id"].as_str().unwrap().to_owned();
        assert_eq!(codename.split(' ').count(), 7);

        let staff = reqwest::Client::new();
        let list: Value = staff
            .get(app.url("/api/v1/staff/conversations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["items"][0]["id"], id.as_str());
        assert_eq!(list["items"][0]["status"], "new");
        let thread: Value = staff
            .get(app.url(&format!("/api/v1/staff/conversations/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(thread["readable"], true);
        assert!(thread.to_string().contains(&client_canary), "{thread}");
        assert_eq!(thread["messages"][0]["kind"], "intake");
        assert_eq!(
            thread["messages"][0]["intake"]["substances"],
            intake_canary.as_str()
        );
        let version = thread["conversation"]["version"].as_i64().unwrap();
        let reply = staff
            .post(app.url(&format!("/api/v1/staff/conversations/{id}/messages")))
            .bearer_auth(&token)
            .json(&json!({"message": format!("Here is what we know. {staff_canary}"), "version": version}))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 201);
        let note = staff
            .post(app.url(&format!("/api/v1/staff/conversations/{id}/notes")))
            .bearer_auth(&token)
            .json(&json!({"message": format!("Internal: {note_canary}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(note.status(), 201);

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
        assert_eq!(mine["status"], "waiting_for_client");
        let messages = mine["messages"].as_array().unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0]["from"], "client");
        assert_eq!(messages[1]["from"], "staff");
        assert!(
            messages[1]["body"]
                .as_str()
                .unwrap()
                .contains(&staff_canary)
        );
        assert!(
            !mine.to_string().contains(&note_canary),
            "the client saw an internal note"
        );

        let contents = app.db.raw_contents().await;
        assert!(
            contents.contains(&id),
            "{backend:?}: the scan did not see the conversation row"
        );
        for canary in [&client_canary, &intake_canary, &staff_canary, &note_canary] {
            assert!(
                !contents.contains(canary.as_str()),
                "{backend:?}: {canary} stored in plaintext"
            );
        }
        assert!(
            !contents.contains(&codename),
            "{backend:?}: codename stored"
        );
        let logs = netreach_testkit::captured_logs();
        for canary in [
            &client_canary,
            &intake_canary,
            &staff_canary,
            &note_canary,
            &codename,
        ] {
            assert!(!logs.contains(canary.as_str()), "{canary} logged");
        }
    }
}

#[tokio::test]
async fn clients_reply_and_delete_and_cannot_reach_other_conversations() {
    let app = TestApp::spawn().await;
    let token = staff_token(&app, "anna", Role::Worker).await;
    let (alice, alice_id) = start(&app, "injection", "alice's question", "en").await;
    let (bob, _) = start(&app, "legal", "вопрос Бориса", "ru").await;
    assert!(
        bob.chars().any(|c| ('а'..='я').contains(&c)),
        "a Russian codename for a Russian client: {bob}"
    );
    // Case and spacing do not matter.
    let sloppy = format!("  {}  ", alice.to_uppercase().replace(' ', "   "));
    let mine: Value = as_client(
        &app,
        reqwest::Method::GET,
        "/api/v1/conversations/me",
        &sloppy,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(mine["messages"][0]["body"], "alice's question");
    let bobs: Value = as_client(&app, reqwest::Method::GET, "/api/v1/conversations/me", &bob)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bobs["messages"][0]["body"], "вопрос Бориса", "{bobs}");
    assert!(
        !bobs.to_string().contains("alice"),
        "bob read alice's conversation"
    );

    let post = |codename: &str, message: &str| {
        as_client(
            &app,
            reqwest::Method::POST,
            "/api/v1/conversations/me/messages",
            codename,
        )
        .json(&json!({"message": message}))
    };
    assert_eq!(
        post(&alice, "more details").send().await.unwrap().status(),
        201
    );
    assert_eq!(post(&alice, "   ").send().await.unwrap().status(), 422);
    assert_eq!(
        post(&alice, &"x".repeat(5001))
            .send()
            .await
            .unwrap()
            .status(),
        422
    );
    let pasted = post(&alice, &alice).send().await.unwrap();
    assert_eq!(pasted.status(), 422);
    let body: Value = pasted.json().await.unwrap();
    assert_eq!(body["error"]["code"], "message_is_codename");
    // Anyone's codename inside a longer message is refused too, found by its words alone (no key
    // derivation runs for a client's message): bob's, and seven list words nobody holds.
    let unheld = "abacus abdomen abdominal abide abiding ability ablaze";
    for inside in [
        format!("my code is: {}. thanks", alice.to_uppercase()),
        format!("bob's is\n{bob}"),
        format!("try {unheld}?"),
    ] {
        let refused = post(&alice, &inside).send().await.unwrap();
        assert_eq!(refused.status(), 422, "{inside}");
    }

    // Wrong, unknown and malformed codenames: the same 404.
    let mut wrong_words: Vec<&str> = alice.split(' ').collect();
    wrong_words.swap(0, 1);
    for codename in [
        wrong_words.join(" "),
        "abacus abacus abacus abacus abacus abacus abacus".into(),
        "not a codename".into(),
    ] {
        let response = as_client(
            &app,
            reqwest::Method::GET,
            "/api/v1/conversations/me",
            &codename,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(response.status(), 404, "{codename}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
    }
    let missing = reqwest::Client::new()
        .get(app.url("/api/v1/conversations/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);

    assert_eq!(
        as_client(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/conversations/me",
            &alice
        )
        .send()
        .await
        .unwrap()
        .status(),
        204
    );
    assert_eq!(
        as_client(
            &app,
            reqwest::Method::GET,
            "/api/v1/conversations/me",
            &alice
        )
        .send()
        .await
        .unwrap()
        .status(),
        404
    );
    let staff_view = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/staff/conversations/{alice_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(staff_view.status(), 404);
    // Bob's conversation is untouched.
    assert_eq!(
        as_client(&app, reqwest::Method::GET, "/api/v1/conversations/me", &bob)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn staff_assign_change_status_and_are_told_when_someone_else_changed_it_first() {
    let db = TestDb::new(TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.conversations.caseload_cap = 1).await;
    let anna = staff_token(&app, "anna", Role::Worker).await;
    let boris = staff_token(&app, "boris", Role::Worker).await;
    let (_, first) = start(&app, "overdose", "he is not waking up", "en").await;
    let (_, second) = start(&app, "other", "a question", "en").await;
    let client = reqwest::Client::new();
    let get = |token: &str, id: &str| {
        client
            .get(app.url(&format!("/api/v1/staff/conversations/{id}")))
            .bearer_auth(token.to_owned())
            .send()
    };
    let version = get(&anna, &first)
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["conversation"]["version"]
        .as_i64()
        .unwrap();

    let list: Value = client
        .get(app.url("/api/v1/staff/conversations"))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["items"][0]["id"],
        first.as_str(),
        "urgent conversations come first"
    );
    assert_eq!(list["items"][0]["urgent"], true);

    let claim = client
        .post(app.url(&format!("/api/v1/staff/conversations/{first}/assign")))
        .bearer_auth(&anna)
        .json(&json!({"user_id": "me", "version": version}))
        .send()
        .await
        .unwrap();
    assert_eq!(claim.status(), 200);
    let stale = client
        .post(app.url(&format!("/api/v1/staff/conversations/{first}/status")))
        .bearer_auth(&boris)
        .json(&json!({"status": "solved", "version": version}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"]["code"], "conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Someone else")
    );
    let stale_reply = client
        .post(app.url(&format!("/api/v1/staff/conversations/{first}/messages")))
        .bearer_auth(&boris)
        .json(&json!({"message": "hello", "version": version}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale_reply.status(), 409);

    let over_cap = client
        .post(app.url(&format!("/api/v1/staff/conversations/{second}/assign")))
        .bearer_auth(&anna)
        .json(&json!({"user_id": "me"}))
        .send()
        .await
        .unwrap();
    assert_eq!(over_cap.status(), 409);
    assert_eq!(
        over_cap.json::<Value>().await.unwrap()["error"]["code"],
        "caseload_full"
    );

    let mine: Value = client
        .get(app.url("/api/v1/staff/conversations?assigned=mine"))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let solved = client
        .post(app.url(&format!("/api/v1/staff/conversations/{first}/status")))
        .bearer_auth(&anna)
        .json(&json!({"status": "solved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(solved.status(), 200);
    let summary: Value = solved.json().await.unwrap();
    assert_eq!(summary["conversation"]["status"], "solved");
    assert!(
        summary["conversation"]["deletion_due_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-04-01"),
        "{summary}"
    );
    let bad = client
        .post(app.url(&format!("/api/v1/staff/conversations/{first}/status")))
        .bearer_auth(&anna)
        .json(&json!({"status": "new"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let filter = client
        .get(app.url("/api/v1/staff/conversations?status=bogus"))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap();
    assert_eq!(filter.status(), 422);
}

#[tokio::test]
async fn staff_without_inbox_access_see_metadata_but_no_content() {
    let app = TestApp::spawn().await;
    staff_token(&app, "root", Role::Admin).await;
    app.create_user_without_access("newbie", Role::Worker, "newbie-long-password")
        .await;
    let body: Value = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "newbie", "password": "newbie-long-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = body["token"].as_str().unwrap();
    let (_, id) = start(&app, "other", "secret question text", "en").await;
    let thread: Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/staff/conversations/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(thread["readable"], false);
    assert!(!thread.to_string().contains("secret question text"));
    assert_eq!(thread["conversation"]["topic"], "other");
}

#[tokio::test]
async fn paging_through_the_inbox_with_next_cursor() {
    let app = TestApp::spawn().await;
    let token = staff_token(&app, "anna", Role::Worker).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(start(&app, "other", &format!("question {i}"), "en").await.1);
        app.clock.advance(time::Duration::minutes(1));
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = app.url("/api/v1/staff/conversations?limit=2");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = reqwest::Client::new()
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn a_flood_of_new_conversations_is_held_by_a_shared_budget() {
    let db = TestDb::new(TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.conversations.starts_per_minute = 2).await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let post = || {
        reqwest::Client::new()
            .post(app.url("/api/v1/conversations"))
            .json(&json!({"topic": "other", "message": "flood", "lang": "en"}))
            .send()
    };
    assert_eq!(post().await.unwrap().status(), 201);
    assert_eq!(post().await.unwrap().status(), 201);
    let third = post().await.unwrap();
    assert_eq!(third.status(), 429);
    assert_eq!(
        third.json::<Value>().await.unwrap()["error"]["code"],
        "too_many_requests"
    );
    app.clock.advance(time::Duration::seconds(61));
    assert_eq!(
        post().await.unwrap().status(),
        201,
        "the budget refills each minute"
    );
}

#[tokio::test]
async fn api_replies_need_inbox_access_and_unknown_languages_are_refused() {
    let app = TestApp::spawn().await;
    staff_token(&app, "root", Role::Admin).await;
    app.create_user_without_access("newbie", Role::Worker, "newbie-long-password")
        .await;
    let body: Value = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "newbie", "password": "newbie-long-password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = body["token"].as_str().unwrap();
    let (_, id) = start(&app, "other", "question", "en").await;
    for path in ["messages", "notes"] {
        let response = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/staff/conversations/{id}/{path}")))
            .bearer_auth(token)
            .json(&json!({"message": "blind reply"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["error"]["code"],
            "no_inbox_access"
        );
    }
    let bad_lang = reqwest::Client::new()
        .post(app.url("/api/v1/conversations"))
        .json(&json!({"topic": "other", "message": "hi", "lang": "de"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_lang.status(), 422);
    assert_eq!(
        bad_lang.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_lang"
    );
}

#[tokio::test]
async fn an_overdose_question_shows_first_aid_even_when_it_cannot_be_taken() {
    let db = TestDb::new(TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.conversations.starts_per_minute = 1).await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    start(&app, "other", "uses the only start this minute", "en").await;
    let response = app
        .browser
        .post_form(
            "/ask",
            &[
                ("topic", "overdose"),
                ("message", "he is not breathing"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Possible overdose: do this now") && page.contains("Call an ambulance"),
        "{page}"
    );
    assert!(page.contains("he is not breathing"), "typed text kept");
}

#[tokio::test]
async fn a_client_may_send_only_so_many_messages_an_hour() {
    let db = TestDb::new(TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.conversations.client_messages_per_hour = 3).await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let (codename, _) = start(&app, "other", "first", "en").await;
    let post = |message: &str| {
        as_client(
            &app,
            reqwest::Method::POST,
            "/api/v1/conversations/me/messages",
            &codename,
        )
        .json(&json!({"message": message}))
        .send()
    };
    for n in 0..3 {
        assert_eq!(post(&format!("more {n}")).await.unwrap().status(), 201);
    }
    let refused = post("one too many").await.unwrap();
    assert_eq!(refused.status(), 429);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_messages");
    app.clock.advance(time::Duration::minutes(61));
    assert_eq!(post("an hour later").await.unwrap().status(), 201);
}

/// The retention run deletes everything of a conversation: messages, notes, intake answers, tags,
/// the client's sessions (their wrapped keys) and Q&A drafts; staff saw the deletion coming.
#[tokio::test]
async fn retention_removes_every_trace_of_a_conversation_after_staff_saw_it_coming() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        let (anna, _) = app.signed_in("anna", Role::Worker).await;
        let started: Value = reqwest::Client::new()
            .post(app.url("/api/v1/conversations"))
            .json(&json!({"topic": "substances", "message": "hello", "lang": "en", "substances": "ketamine"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let codename = started["codename"].as_str().unwrap().to_owned();
        let id = started["conversation_id"].as_str().unwrap().to_owned();
        let client = app.new_browser();
        assert_eq!(
            client
                .post_form("/c", &[("codename", &codename)])
                .await
                .status(),
            303,
            "a client session with its wrapped key"
        );
        client.post_form("/c/qa", &[("consent", "yes")]).await;
        let page = format!("/staff/conversations/{id}");
        let version = || async {
            app.state
                .store
                .conversation(id.parse().unwrap())
                .await
                .unwrap()
                .unwrap()
                .version
                .to_string()
        };
        anna.post_form(
            &format!("{page}/reply"),
            &[("message", "we are here"), ("version", &version().await)],
        )
        .await;
        anna.post_form(&format!("{page}/note"), &[("message", "internal")])
            .await;
        anna.post_form(&format!("{page}/tags"), &[("tag", "naloxone")])
            .await;
        anna.post_form(
            &format!("{page}/status"),
            &[("status", "solved"), ("version", &version().await)],
        )
        .await;
        let saved = anna
            .post_form(
                "/staff/qa",
                &[
                    ("conversation_id", &id),
                    ("question", "Q?"),
                    ("answer", "A."),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303, "{backend:?}: draft");
        let shown = anna.get_text(&page).await;
        assert!(
            shown.contains("Deleted automatically in 30 days"),
            "{backend:?}: the staff marker: {shown}"
        );
        let before = app.db.row_counts().await;
        for table in [
            "messages",
            "conversation_tags",
            "client_sessions",
            "qa_entries",
        ] {
            assert!(before[table] > 0, "{backend:?}: {table} was filled");
        }

        app.clock.advance(time::Duration::days(31));
        netreach_app::jobs::housekeeping(&app.state).await;
        let after = app.db.row_counts().await;
        for table in [
            "conversations",
            "messages",
            "conversation_tags",
            "client_sessions",
            "qa_entries",
        ] {
            assert_eq!(after[table], 0, "{backend:?}: {table} kept a row");
        }
        let status = as_client(
            &app,
            reqwest::Method::GET,
            "/api/v1/conversations/me",
            &codename,
        )
        .send()
        .await
        .unwrap()
        .status();
        assert_eq!(status, 404, "{backend:?}: the codename opens nothing");
    }
}
