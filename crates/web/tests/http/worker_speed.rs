//! Worker speed (issue 12): follow-ups, macros and the weekly response report.

use crate::conversations::{as_client, staff_token, start};
use crate::input_value;
use netreach_core::Role;
use netreach_testkit::TestApp;
use serde_json::{Value, json};
use time::Duration;

fn listed(page: &str, id: &str) -> bool {
    page.contains(&format!("/staff/conversations/{id}\""))
}

#[tokio::test]
async fn a_conversation_put_aside_leaves_the_inbox_and_comes_back_marked_at_its_time() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question for later", "en").await;
    let (_, other) = start(&app, "legal", "another question", "en").await;
    let set = anna
        .post_form(
            &format!("/staff/conversations/{id}/follow_up"),
            &[("days", "3"), ("at", "")],
        )
        .await;
    assert_eq!(set.status(), 303);
    assert_eq!(
        set.headers()["location"],
        format!("/staff/conversations/{id}?done=follow-up").as_str()
    );
    let inbox = anna.get_text("/staff/inbox").await;
    assert!(!listed(&inbox, &id), "put aside, out of the inbox");
    assert!(listed(&inbox, &other));
    let aside = anna.get_text("/staff/inbox?follow_up=pending").await;
    assert!(listed(&aside, &id) && !listed(&aside, &other));
    assert!(aside.contains("put aside until"), "{aside}");

    app.clock.advance(Duration::days(3) - Duration::minutes(1));
    // Three days on, the console session has long ended: sign in again.
    anna.login("anna", "anna-long-password-123").await;
    assert!(!listed(&anna.get_text("/staff/inbox").await, &id));
    app.clock.advance(Duration::minutes(2));
    let back = anna.get_text("/staff/inbox").await;
    assert!(listed(&back, &id), "back at its time");
    assert!(back.contains("<span class=\"badge\">follow-up</span>"));
    assert!(listed(
        &anna.get_text("/staff/inbox?follow_up=due").await,
        &id
    ));
    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(page.contains("set for"), "{page}");

    // Answering it ends the follow-up.
    let replied = anna
        .post_form(
            &format!("/staff/conversations/{id}/reply"),
            &[("message", "Here is what I found.")],
        )
        .await;
    assert_eq!(replied.status(), 303);
    assert!(!listed(
        &anna.get_text("/staff/inbox?follow_up=due").await,
        &id
    ));
}

#[tokio::test]
async fn a_client_who_writes_brings_a_put_aside_conversation_back_at_once() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (codename, id) = start(&app, "legal", "a question", "en").await;
    anna.post_form(
        &format!("/staff/conversations/{id}/follow_up"),
        &[("days", "7")],
    )
    .await;
    assert!(!listed(&anna.get_text("/staff/inbox").await, &id));
    app.clock.advance(Duration::hours(1));
    let wrote = as_client(
        &app,
        reqwest::Method::POST,
        "/api/v1/conversations/me/messages",
        &codename,
    )
    .json(&json!({"message": "any news?"}))
    .send()
    .await
    .unwrap();
    assert_eq!(wrote.status(), 201);
    let inbox = anna.get_text("/staff/inbox").await;
    assert!(listed(&inbox, &id), "the client wrote: back now");
    assert!(inbox.contains("<span class=\"badge\">follow-up</span>"));
}

#[tokio::test]
async fn a_bad_follow_up_time_is_explained_and_the_typed_time_kept() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question", "en").await;
    let past = anna
        .post_form(
            &format!("/staff/conversations/{id}/follow_up"),
            &[("at", "2001-01-01T09:00"), ("days", "")],
        )
        .await;
    assert_eq!(past.status(), 422);
    let page = past.text().await.unwrap();
    assert!(
        page.contains("The follow-up time must be in the future."),
        "{page}"
    );
    assert_eq!(
        input_value(&page, "at").as_deref(),
        Some("2001-01-01T09:00")
    );
    let nothing = anna
        .post_form(&format!("/staff/conversations/{id}/follow_up"), &[])
        .await;
    assert_eq!(nothing.status(), 422);
    assert!(
        nothing
            .text()
            .await
            .unwrap()
            .contains("Give a number of days")
    );
    // Retention (30 days for an idle conversation by default, or more) comes first.
    let far = anna
        .post_form(
            &format!("/staff/conversations/{id}/follow_up"),
            &[("days", "364")],
        )
        .await;
    assert_eq!(far.status(), 422);
    assert!(far.text().await.unwrap().contains("Retention deletes"));
    let ru = anna
        .post_form(
            &format!("/staff/conversations/{id}/follow_up?lang=ru"),
            &[("days", "0")],
        )
        .await;
    assert!(
        ru.text()
            .await
            .unwrap()
            .contains("Время напоминания должно быть в будущем.")
    );
}

#[tokio::test]
async fn the_api_puts_a_conversation_aside_lists_it_apart_and_takes_it_back() {
    let app = TestApp::spawn().await;
    let token = staff_token(&app, "anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question", "en").await;
    let client = reqwest::Client::new();
    let path = format!("/api/v1/staff/conversations/{id}/follow_up");
    let set: Value = client
        .post(app.url(&path))
        .bearer_auth(&token)
        .json(&json!({"in_days": 2}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let at = set["conversation"]["follow_up_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids = |body: Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = |query: &'static str| {
        let client = client.clone();
        let url = app.url(&format!("/api/v1/staff/conversations{query}"));
        let token = token.clone();
        async move {
            client
                .get(url)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert!(!ids(list("").await).contains(&id));
    assert_eq!(ids(list("?follow_up=pending").await), vec![id.clone()]);
    assert!(ids(list("?follow_up=all").await).contains(&id));
    let refused = client
        .post(app.url(&path))
        .bearer_auth(&token)
        .json(&json!({"at": "2001-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_follow_up"
    );
    let moved: Value = client
        .post(app.url(&path))
        .bearer_auth(&token)
        .json(&json!({"at": at}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["conversation"]["follow_up_at"], at.as_str());
    let cleared: Value = client
        .delete(app.url(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["conversation"]["follow_up_at"], Value::Null);
    assert!(ids(list("").await).contains(&id));
    let bad = list("?follow_up=someday").await;
    assert_eq!(bad["error"]["code"], "invalid_follow_up");
}

#[tokio::test]
async fn a_supervisors_macro_replies_tags_and_sets_the_status_in_one_click() {
    let app = TestApp::spawn().await;
    let (boris, _) = app.signed_in("boris", Role::Supervisor).await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (codename, id) = start(&app, "supplies", "where do I get naloxone?", "en").await;

    let refused = boris
        .post_form(
            "/staff/canned",
            &[
                ("title", "Naloxone sent"),
                ("lang", "en"),
                ("body", "We sent a kit, {worker} from {org}."),
                ("tags", "naloxone lives-at-5-main-st."),
                ("status", "solved"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Tags are at most 5 short labels"), "{page}");
    assert_eq!(
        input_value(&page, "tags").as_deref(),
        Some("naloxone lives-at-5-main-st.")
    );
    let saved = boris
        .post_form(
            "/staff/canned",
            &[
                ("title", "Naloxone sent"),
                ("lang", "en"),
                ("body", "We sent a kit, {worker} from {org}."),
                ("tags", "naloxone, kit"),
                ("status", "solved"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert!(
        boris
            .get_text("/staff/canned")
            .await
            .contains(">macro</span>")
    );
    // Workers apply macros; they do not manage them.
    assert_eq!(anna.get("/staff/canned").await.status(), 403);
    let canned = app.state.store.canned_replies(None).await.unwrap();
    let mac = canned[0].id.to_string();

    let page = anna.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(
        page.contains(&format!("name=\"canned\" value=\"{mac}\"")),
        "{page}"
    );
    assert!(page.contains("#naloxone · #kit · solved"), "{page}");
    let version = input_value(&page, "version").unwrap();
    let applied = anna
        .post_form(
            &format!("/staff/conversations/{id}/macro"),
            &[("canned", mac.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(applied.status(), 303);
    assert_eq!(
        applied.headers()["location"],
        format!("/staff/conversations/{id}?done=macro").as_str()
    );
    let c = app
        .state
        .store
        .conversation(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.status, netreach_core::Status::Solved);
    assert_eq!(
        app.state.store.tags(c.id).await.unwrap(),
        vec!["kit".to_owned(), "naloxone".to_owned()]
    );
    let thread: Value = as_client(
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
    let last = thread["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["from"], "staff");
    assert!(
        last["body"]
            .as_str()
            .unwrap()
            .starts_with("We sent a kit, anna from "),
        "{last}"
    );
    // A stale page's macro is refused whole: nothing is sent twice.
    let stale = anna
        .post_form(
            &format!("/staff/conversations/{id}/macro"),
            &[("canned", mac.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(stale.status(), 422);
    assert!(stale.text().await.unwrap().contains("changed"));
}

#[tokio::test]
async fn the_weekly_report_counts_first_answers_per_worker_and_outlives_retention() {
    let app = TestApp::spawn().await;
    let (boris, _) = app.signed_in("boris", Role::Supervisor).await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    assert_eq!(anna.get("/staff/responses").await.status(), 403);
    assert!(
        boris
            .get_text("/staff/responses")
            .await
            .contains("No first answers in this period.")
    );
    let (codename, id) = start(&app, "legal", "a question", "en").await;
    app.clock.advance(Duration::minutes(30));
    for text in ["first answer", "second answer"] {
        let sent = anna
            .post_form(
                &format!("/staff/conversations/{id}/reply"),
                &[("message", text)],
            )
            .await;
        assert_eq!(sent.status(), 303);
    }
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
    let page = boris.get_text("/staff/responses").await;
    let row = page
        .split("<tr>")
        .find(|r| r.contains("<td>anna</td>"))
        .unwrap_or_else(|| panic!("{page}"));
    assert!(row.contains("<td>1</td>"), "one first answer: {row}");
    assert!(row.contains("<td>100 %</td>"), "{row}");
    let ru = boris.get_text("/staff/responses?lang=ru").await;
    assert!(ru.contains("Первые ответы по неделям"), "{ru}");
}

#[tokio::test]
async fn posts_waiting_for_approval_are_counted_for_supervisors() {
    let app = TestApp::spawn().await;
    let (boris, _) = app.signed_in("boris", Role::Supervisor).await;
    let anna = app.staff("anna", Role::Worker).await;
    netreach_app::publishing::create_post(&app.state, &anna, "Naloxone", "Carry naloxone.")
        .await
        .unwrap();
    let dashboard = boris.get_text("/staff/").await;
    assert!(
        dashboard.contains("<a href=\"/staff/posts\">1 post waiting for approval</a>"),
        "{dashboard}"
    );
}

#[tokio::test]
async fn new_conversations_are_shared_round_robin_and_urgent_ones_go_to_the_on_call_first() {
    use netreach_app::notify::{Event, Preferences, Transport, set_preferences};
    let db = netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| {
        s.conversations.auto_assign = true;
        s.conversations.caseload_cap = 2;
    })
    .await;
    let anna = app.staff("anna", Role::Worker).await;
    let boris = app.staff("boris", Role::Worker).await;
    let vera = app.staff("vera", Role::Supervisor).await;
    // Vera is on call and in her quiet hours all day: only urgent ones reach her.
    let prefs = |quiet: &str, on_call: bool| Preferences {
        email: None,
        quiet_hours: quiet.into(),
        on_call,
        events: vec![(Event::Assigned, vec![Transport::Console])],
    };
    set_preferences(&app.state, &vera, prefs("00:00-23:59", true))
        .await
        .unwrap();
    // No access to the inbox key: never assigned.
    app.create_user_without_access("dmitri", Role::Worker, "dmitri-long-password-123")
        .await;
    let holder = |id: String| {
        let state = app.state.clone();
        async move {
            state
                .store
                .conversation(id.parse().unwrap())
                .await
                .unwrap()
                .unwrap()
                .assigned_to
        }
    };
    let mut given = Vec::new();
    for i in 0..4 {
        let (_, id) = start(&app, "legal", &format!("question {i}"), "en").await;
        given.push(holder(id).await);
    }
    let count = |user: netreach_core::UserId| given.iter().filter(|g| **g == Some(user)).count();
    assert_eq!(
        (count(anna.user.id), count(boris.user.id)),
        (2, 2),
        "{given:?}"
    );
    assert_eq!(count(vera.user.id), 0, "quiet hours");
    // Both are at the cap: the next waits in the shared inbox.
    let (_, fifth) = start(&app, "legal", "question 5", "en").await;
    assert_eq!(holder(fifth).await, None);
    let (_, urgent) = start(&app, "overdose", "he is not breathing", "en").await;
    assert_eq!(holder(urgent).await, Some(vera.user.id));
    let notices = app.state.store.notices(vera.user.id, 10).await.unwrap();
    assert!(
        notices.iter().any(|n| n.event.as_str() == "assigned"),
        "{notices:?}"
    );
}

#[tokio::test]
async fn auto_assignment_is_off_by_default() {
    let app = TestApp::spawn().await;
    app.staff("anna", Role::Worker).await;
    let (_, id) = start(&app, "legal", "a question", "en").await;
    let c = app
        .state
        .store
        .conversation(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.assigned_to, None);
}

#[tokio::test]
async fn the_inbox_previews_the_clients_newest_message_only_for_key_holders() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (codename, _) = start(
        &app,
        "legal",
        "Can they search my phone?\nSecond line",
        "en",
    )
    .await;
    let inbox = anna.get_text("/staff/inbox").await;
    assert!(inbox.contains("Can they search my phone?…"), "{inbox}");
    as_client(
        &app,
        reqwest::Method::POST,
        "/api/v1/conversations/me/messages",
        &codename,
    )
    .json(&json!({"message": "And my laptop?"}))
    .send()
    .await
    .unwrap();
    let inbox = anna.get_text("/staff/inbox").await;
    assert!(inbox.contains("And my laptop?"));
    assert!(!inbox.contains("Can they search my phone?"));
    let password = "boris-long-password-123";
    app.create_user_without_access("boris", Role::Worker, password)
        .await;
    let boris = app.new_browser();
    boris.login("boris", password).await;
    let locked = boris.get_text("/staff/inbox").await;
    assert!(locked.contains("/staff/conversations/"));
    assert!(!locked.contains("And my laptop?"));
}

#[tokio::test]
async fn each_member_saves_named_inbox_views_of_their_own() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (boris, _) = app.signed_in("boris", Role::Worker).await;
    let saved = anna
        .post_form(
            "/staff/inbox/views",
            &[
                ("name", "My new ones"),
                ("query", "status=new&assigned=mine&bogus=1"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"],
        "/staff/inbox?status=new&assigned=mine"
    );
    let page = anna.get_text("/staff/inbox").await;
    assert!(
        page.contains("<a href=\"/staff/inbox?status=new&#38;assigned=mine\">My new ones</a>"),
        "{page}"
    );
    assert!(!boris.get_text("/staff/inbox").await.contains("My new ones"));
    let bad = anna
        .post_form(
            "/staff/inbox/views",
            &[("name", &"x".repeat(41)), ("query", "tag=hiv")],
        )
        .await;
    let back = bad.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        back.starts_with("/staff/inbox?tag=hiv&view_error=name"),
        "{back}"
    );
    let page = anna.get_text(&back).await;
    assert!(page.contains("A view needs a name of 1 to 40 characters."));
    assert_eq!(
        input_value(&page, "name").as_deref(),
        Some("x".repeat(41).as_str())
    );
    let anna_id = app
        .state
        .store
        .user_by_username(&netreach_core::Username::parse("anna").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let views = app.state.store.saved_views(anna_id).await.unwrap();
    assert_eq!(views.len(), 1);
    // Boris cannot delete Anna's view.
    let theirs = boris
        .post_form(&format!("/staff/inbox/views/{}/delete", views[0].id), &[])
        .await;
    assert_eq!(theirs.status(), 404);
    let deleted = anna
        .post_form(&format!("/staff/inbox/views/{}/delete", views[0].id), &[])
        .await;
    assert_eq!(deleted.status(), 303);
    assert!(!anna.get_text("/staff/inbox").await.contains("My new ones"));
}

#[tokio::test]
async fn next_waiting_skip_to_reply_and_mark_solved_work_without_the_script() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let none = anna.get("/staff/inbox/next").await;
    assert_eq!(none.headers()["location"], "/staff/inbox?status=new");
    let (_, older) = start(&app, "legal", "first", "en").await;
    app.clock.advance(Duration::minutes(5));
    let (_, newer) = start(&app, "legal", "second", "en").await;
    let next = anna.get("/staff/inbox/next").await;
    assert_eq!(
        next.headers()["location"],
        format!("/staff/conversations/{older}#reply").as_str()
    );
    app.clock.advance(Duration::minutes(5));
    let (_, urgent) = start(&app, "overdose", "help", "en").await;
    let next = anna.get("/staff/inbox/next").await;
    assert_eq!(
        next.headers()["location"],
        format!("/staff/conversations/{urgent}#reply").as_str()
    );
    let page = anna
        .get_text(&format!("/staff/conversations/{newer}"))
        .await;
    // The first thing Tab reaches goes to the reply box, which comes right after the thread.
    let skip = page.find("<a id=\"skip\"").unwrap();
    assert!(
        page[..skip].find("<a ").is_none(),
        "the skip link comes first"
    );
    assert!(page.contains("<a id=\"skip\" class=\"skip\" href=\"#reply\">"));
    assert!(page.find("id=\"reply\"").unwrap() < page.find("/tags\"").unwrap());
    let version = input_value(&page, "version").unwrap();
    let solved = anna
        .post_form(
            &format!("/staff/conversations/{newer}/status"),
            &[("status", "solved"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(solved.status(), 303);
    assert!(page.contains("id=\"solve\""));
    assert!(page.contains("id=\"claim\""));
}
