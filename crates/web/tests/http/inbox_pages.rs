use crate::conversations::{as_client, start};
use crate::input_value;
use netreach_core::Role;
use netreach_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn a_worker_answers_from_the_console_and_the_client_reads_it() {
    let app = TestApp::spawn().await;
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    let (codename, id) = start(&app, "overdose", "he is breathing slowly", "en").await;
    let (_, calm) = start(&app, "legal", "a calm question", "ru").await;

    let inbox = worker.get_text("/staff/inbox").await;
    let urgent_at = inbox.find(&id).expect("conversation listed");
    assert!(urgent_at < inbox.find(&calm).unwrap(), "urgent first");
    assert!(inbox.contains("class=\"badge\""));
    assert!(
        worker
            .get_text("/staff/")
            .await
            .contains("2 conversations wait for an answer.")
    );
    let ru_only = worker
        .get_text("/staff/inbox?client_lang=ru&topic=legal")
        .await;
    assert!(ru_only.contains(&calm) && !ru_only.contains(&id));

    let page = worker.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(page.contains("he is breathing slowly"), "{page}");
    assert!(page.contains("Deleted automatically in 90 days"), "{page}");
    let version = input_value(&page, "version").unwrap();
    let sent = worker
        .post_form(
            &format!("/staff/conversations/{id}/reply"),
            &[
                ("message", "Call 112 now and give naloxone."),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(
        sent.headers()["location"],
        format!("/staff/conversations/{id}?done=replied")
    );
    let noted = worker
        .post_form(
            &format!("/staff/conversations/{id}/note"),
            &[("message", "Followed up by phone-free channel")],
        )
        .await;
    assert_eq!(noted.status(), 303);
    let claimed = worker
        .post_form(
            &format!("/staff/conversations/{id}/assign"),
            &[("to", "me")],
        )
        .await;
    assert_eq!(claimed.status(), 303);
    assert!(
        worker
            .get_text("/staff/inbox?assigned=mine")
            .await
            .contains(&id)
    );
    let page = worker.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(page.contains("Internal note") && page.contains("waiting for client"));

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
    assert!(mine.to_string().contains("Call 112 now"));
    assert!(
        !mine.to_string().contains("phone-free"),
        "note leaked to the client"
    );

    let stale = worker
        .post_form(
            &format!("/staff/conversations/{id}/reply"),
            &[("message", "my second thought"), ("version", &version)],
        )
        .await;
    assert_eq!(stale.status(), 422);
    let page = stale.text().await.unwrap();
    assert!(
        page.contains("Someone else changed this conversation")
            && page.contains("my second thought")
    );
    let empty = worker
        .post_form(
            &format!("/staff/conversations/{id}/reply"),
            &[("message", "")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    let solved = worker
        .post_form(
            &format!("/staff/conversations/{id}/status"),
            &[("status", "solved")],
        )
        .await;
    assert_eq!(solved.status(), 303);
    let solved_page = worker.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(solved_page.contains("Deleted automatically in 30 days"));
    assert!(
        solved_page.contains("<dt>Resolved</dt>"),
        "resolution time shown"
    );
    assert_eq!(
        worker.get("/staff/conversations/not-an-id").await.status(),
        404
    );
}

#[tokio::test]
async fn staff_without_access_see_a_notice_until_an_admin_grants_it() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("root", Role::Admin).await;
    let newbie = app
        .create_user_without_access("newbie", Role::Worker, "newbie-long-password")
        .await;
    let browser = app.new_browser();
    browser.login("newbie", "newbie-long-password").await;
    let (_, id) = start(&app, "other", "private words here", "en").await;
    let locked = browser
        .get_text(&format!("/staff/conversations/{id}"))
        .await;
    assert!(
        locked.contains("no access to conversation content")
            && !locked.contains("private words here")
    );
    assert!(admin.get_text("/staff/users").await.contains("no access"));
    let granted = admin
        .post_form(&format!("/staff/users/{}/grant", newbie.id), &[])
        .await;
    assert_eq!(granted.headers()["location"], "/staff/users?done=granted");
    // The grant is opened at the next sign-in.
    browser.post_form("/staff/logout", &[]).await;
    browser.login("newbie", "newbie-long-password").await;
    assert!(
        browser
            .get_text(&format!("/staff/conversations/{id}"))
            .await
            .contains("private words here")
    );
}

#[tokio::test]
async fn changing_ones_password_keeps_inbox_access_and_an_admin_reset_regrants_it() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("root", Role::Admin).await;
    let (worker, anna) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "other", "readable after password changes", "en").await;
    worker
        .post_form(
            "/staff/account/password",
            &[
                ("current", "anna-long-password-123"),
                ("password", "anna new password"),
                ("confirm", "anna new password"),
            ],
        )
        .await;
    worker.login("anna", "anna new password").await;
    assert!(
        worker
            .get_text(&format!("/staff/conversations/{id}"))
            .await
            .contains("readable after password changes")
    );
    admin
        .post_form(
            &format!("/staff/users/{}/password", anna.id),
            &[
                ("password", "reset by the admin"),
                ("confirm", "reset by the admin"),
            ],
        )
        .await;
    worker.login("anna", "reset by the admin").await;
    assert!(
        worker
            .get_text(&format!("/staff/conversations/{id}"))
            .await
            .contains("readable after password changes")
    );
}

#[tokio::test]
async fn staff_insert_a_mixing_check_into_a_reply_in_the_clients_language() {
    let app = TestApp::spawn().await;
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "substances", "можно ли смешивать?", "ru").await;
    let page = worker
        .get_text(&format!(
            "/staff/conversations/{id}?check=heroin,%20Alcohol"
        ))
        .await;
    assert!(
        page.contains("Что известно о сочетании этих веществ:"),
        "{page}"
    );
    assert!(
        page.contains("Героин + Алкоголь") || page.contains("Алкоголь + Героин"),
        "{page}"
    );
    assert!(
        page.contains("/check?s=heroin") && page.contains("s=alcohol") && page.contains("lang=ru"),
        "{page}"
    );
    let one = worker
        .get(&format!("/staff/conversations/{id}?check=heroin"))
        .await;
    assert_eq!(one.status(), 422);

    // Names people use, in either language, through the same alias table as search.
    let street = worker
        .get_text(&format!(
            "/staff/conversations/{id}?check=%D0%A1%D0%9F%D0%98%D0%94%D0%AB%20%D0%B8%20ecstasy"
        ))
        .await;
    assert!(
        street.contains("Амфетамин (спиды) + MDMA (экстази)")
            || street.contains("MDMA (экстази) + Амфетамин (спиды)"),
        "«СПИДЫ и ecstasy»: {street}"
    );
    let unknown = worker
        .get(&format!(
            "/staff/conversations/{id}?check=heroin,%20%D0%B3%D0%B8%D1%80%D0%BE%D0%B8%D0%BD,%20blorp"
        ))
        .await;
    assert_eq!(unknown.status(), 422);
    let unknown = unknown.text().await.unwrap();
    assert!(
        unknown.contains("Nothing matched “гироин”. Did you mean Heroin?")
            && unknown.contains("Nothing matched “blorp”."),
        "the words that matched nothing are named: {unknown}"
    );
    assert!(!unknown.contains("Choose at least two substances"));
}

#[tokio::test]
async fn a_reply_to_a_conversation_the_client_just_deleted_says_so_and_keeps_the_text() {
    let app = TestApp::spawn().await;
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    let (codename, id) = start(&app, "legal", "a question", "en").await;
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
    let answer = worker
        .post_form(
            &format!("/staff/conversations/{id}/reply"),
            &[("message", "A long careful answer, and more")],
        )
        .await;
    assert_eq!(answer.status(), 404);
    let page = answer.text().await.unwrap();
    assert!(
        page.contains("The client deleted this conversation"),
        "{page}"
    );
    assert!(
        page.contains("A long careful answer, and more"),
        "typed text kept"
    );
    assert!(page.contains("href=\"/staff/inbox\""));
    assert!(
        !page.contains("Back to the home page"),
        "not the public 404"
    );
}

#[tokio::test]
async fn the_waiting_list_puts_the_longest_waiting_client_first() {
    let app = TestApp::spawn().await;
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    let (_, older) = start(&app, "legal", "first", "en").await;
    app.clock.advance(time::Duration::minutes(5));
    let (_, newer) = start(&app, "legal", "second", "en").await;
    let position = |page: &str, id: &str| page.find(&format!("/staff/conversations/{id}")).unwrap();
    let waiting = worker.get_text("/staff/inbox?status=new").await;
    assert!(
        position(&waiting, &older) < position(&waiting, &newer),
        "oldest first"
    );
    let all = worker.get_text("/staff/inbox").await;
    assert!(
        position(&all, &newer) < position(&all, &older),
        "newest first by default"
    );
    let asked = worker.get_text("/staff/inbox?sort=oldest").await;
    assert!(position(&asked, &older) < position(&asked, &newer));
    let token = crate::conversations::staff_token(&app, "boris", Role::Worker).await;
    let bad = reqwest::Client::new()
        .get(app.url("/api/v1/staff/conversations?sort=sideways"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let body: Value = reqwest::Client::new()
        .get(app.url("/api/v1/staff/conversations?status=new"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["items"][0]["id"], older.as_str());
}

#[tokio::test]
async fn supervisors_see_what_waits_for_them_on_the_dashboard() {
    let app = TestApp::spawn().await;
    let (vera, _) = app.signed_in("vera", Role::Worker).await;
    let (boris, _) = app.signed_in("boris", Role::Supervisor).await;
    let empty = boris.get_text("/staff/").await;
    assert!(empty.contains("Nothing waits for your review."));
    let page = vera
        .get_text("/staff/content/edit?path=kb%2Fnaloxone.en.md")
        .await;
    let start_at = page.find("name=\"text\"").unwrap();
    let start_at = start_at + page[start_at..].find('>').unwrap() + 1;
    let end = start_at + page[start_at..].find("</textarea>").unwrap();
    let text = page[start_at..end]
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let saved = vera
        .post_form(
            "/staff/content/edit",
            &[
                ("path", "kb/naloxone.en.md"),
                ("text", &format!("{text}\n\nOne more line.\n")),
                ("head", ""),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    vera.post_form(
        "/staff/content/step",
        &[("path", "kb/naloxone.en.md"), ("step", "submit")],
    )
    .await;
    let dashboard = boris.get_text("/staff/").await;
    assert!(
        dashboard.contains("<a href=\"/staff/content\">1 content revision to review</a>"),
        "{dashboard}"
    );
    assert!(!vera.get_text("/staff/").await.contains("Waiting for you"));
}

#[tokio::test]
async fn bulk_actions_claim_tag_and_solve_a_selection_each_as_if_alone() {
    let app = TestApp::spawn().await;
    let (anna, anna_user) = app.signed_in("anna", Role::Worker).await;
    let boris = app.staff("boris", Role::Worker).await;
    let (_, a) = start(&app, "legal", "one", "en").await;
    let (_, b) = start(&app, "legal", "two", "en").await;
    let (_, c) = start(&app, "legal", "three", "en").await;
    // Boris holds c already: a worker cannot take it from him.
    netreach_app::inbox::assign(
        &app.state,
        &boris,
        c.parse().unwrap(),
        netreach_app::inbox::Assignee::Me,
        None,
    )
    .await
    .unwrap();
    let inbox = anna.get_text("/staff/inbox").await;
    assert!(inbox.contains(&format!("name=\"id\" value=\"{a}\"")));
    let claimed = anna
        .post_form(
            "/staff/inbox/bulk",
            &[
                ("id", a.as_str()),
                ("id", b.as_str()),
                ("id", c.as_str()),
                ("do", "claim"),
            ],
        )
        .await;
    assert_eq!(
        claimed.headers()["location"],
        "/staff/inbox?bulk_done=2&bulk_refused=1"
    );
    let after = anna
        .get_text("/staff/inbox?bulk_done=2&bulk_refused=1")
        .await;
    assert!(after.contains("Done for 2; refused for 1"));
    for (id, holder) in [
        (&a, Some(anna_user.id)),
        (&b, Some(anna_user.id)),
        (&c, Some(boris.user.id)),
    ] {
        let conversation = app
            .state
            .store
            .conversation(id.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(conversation.assigned_to, holder);
    }
    let tagged = anna
        .post_form(
            "/staff/inbox/bulk",
            &[
                ("id", a.as_str()),
                ("id", b.as_str()),
                ("do", "tag"),
                ("tag", "Follow up"),
            ],
        )
        .await;
    assert_eq!(
        tagged.headers()["location"],
        "/staff/inbox?bulk_done=2&bulk_refused=0"
    );
    assert_eq!(
        app.state.store.tags(a.parse().unwrap()).await.unwrap(),
        ["follow-up"]
    );
    let bad = anna
        .post_form(
            "/staff/inbox/bulk",
            &[("id", a.as_str()), ("do", "tag"), ("tag", "no!")],
        )
        .await;
    assert_eq!(bad.headers()["location"], "/staff/inbox?bulk=bad_tag");
    let solved = anna
        .post_form(
            "/staff/inbox/bulk",
            &[("id", a.as_str()), ("id", b.as_str()), ("do", "solve")],
        )
        .await;
    assert_eq!(
        solved.headers()["location"],
        "/staff/inbox?bulk_done=2&bulk_refused=0"
    );
    let a_now = app
        .state
        .store
        .conversation(a.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a_now.status, netreach_core::Status::Solved);
    // Without the inbox key nothing happens.
    let (locked, _) = {
        let password = "carl-long-password-123";
        app.create_user_without_access("carl", Role::Worker, password)
            .await;
        let browser = app.new_browser();
        browser.login("carl", password).await;
        (browser, ())
    };
    let refused = locked
        .post_form("/staff/inbox/bulk", &[("id", c.as_str()), ("do", "claim")])
        .await;
    assert_eq!(refused.status(), 403);
}
