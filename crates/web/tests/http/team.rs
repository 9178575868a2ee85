use crate::conversations::start;
use crate::input_value;
use netreach_core::Role;
use netreach_testkit::TestApp;
use time::Duration;

#[tokio::test]
async fn the_home_page_says_whether_the_team_is_online_and_when_it_will_answer() {
    // The test clock starts on Monday 2026-03-02 at 09:00 UTC (12:00 in Moscow).
    let app = TestApp::spawn().await;
    let (sup, _) = app.signed_in("sveta", Role::Supervisor).await;
    let home = app.browser.get_text("/").await;
    assert!(
        !home.contains("online now") && !home.contains("offline now"),
        "no hours set yet"
    );
    let form = [
        ("timezone", "Europe/Moscow"),
        ("mon", "10:00-18:00"),
        ("tue", "10:00-18:00"),
        ("wed", ""),
        ("thu", ""),
        ("fri", ""),
        ("sat", ""),
        ("sun", ""),
        ("holidays", "2026-03-03"),
    ];
    let saved = sup.post_form("/staff/availability", &form).await;
    assert_eq!(
        saved.headers()["location"],
        "/staff/availability?done=saved"
    );
    assert!(
        app.browser
            .get_text("/")
            .await
            .contains("The team is online now.")
    );
    app.clock.advance(Duration::hours(7)); // 19:00 Moscow, Monday; Tuesday is a holiday
    let home = app.browser.get_text("/").await;
    assert!(home.contains("The team is offline now."), "{home}");
    assert!(
        home.contains("Someone will answer from 2026-03-09 10:00 (Europe/Moscow)"),
        "{home}"
    );
    let ru = app.new_browser();
    assert!(
        ru.get_text("/?lang=ru")
            .await
            .contains("Команда сейчас не на связи.")
    );

    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    assert_eq!(
        worker
            .post_form("/staff/away", &[("away", "1")])
            .await
            .headers()["location"],
        "/staff/?done=away"
    );
    assert!(
        app.browser
            .get_text("/")
            .await
            .contains("The team is away for a while.")
    );
    worker.post_form("/staff/away", &[("away", "0")]).await;
    assert!(app.browser.get_text("/").await.contains("offline now"));
}

#[tokio::test]
async fn the_typical_first_response_time_is_the_median_of_the_last_30_days() {
    let app = TestApp::spawn().await;
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    for minutes in [10, 30, 100] {
        let (_, id) = start(&app, "other", "question", "en").await;
        app.clock.advance(Duration::minutes(minutes));
        worker
            .post_form(
                &format!("/staff/conversations/{id}/reply"),
                &[("message", "answer")],
            )
            .await;
    }
    let home = app.browser.get_text("/").await;
    assert!(
        home.contains("We usually send a first answer within 30 minutes."),
        "{home}"
    );
    app.clock.advance(Duration::days(31));
    assert!(
        !app.browser.get_text("/").await.contains("usually send"),
        "old answers still counted"
    );
}

#[tokio::test]
async fn bad_working_hours_are_refused_with_the_reason_and_the_input_kept() {
    let app = TestApp::spawn().await;
    let (sup, _) = app.signed_in("sveta", Role::Supervisor).await;
    for (field, value, expected) in [
        ("timezone", "Mars/Olympus", "Unknown time zone"),
        ("mon", "9 to 5", "HH:MM-HH:MM"),
        ("mon", "18:00-09:00", "must be after"),
        ("holidays", "next friday", "2026-01-07"),
    ] {
        let mut form = vec![
            ("timezone", "Europe/Berlin"),
            ("mon", "09:00-17:00"),
            ("holidays", ""),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let response = sup.post_form("/staff/availability", &form).await;
        assert_eq!(response.status(), 422, "{field}={value}");
        let page = response.text().await.unwrap();
        assert!(page.contains(expected), "{field}: {page}");
        assert!(page.contains(value), "input not kept");
    }
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    assert_eq!(worker.get("/staff/availability").await.status(), 403);
    assert_eq!(
        worker
            .post_form("/staff/availability", &[("timezone", "UTC")])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn supervisors_manage_canned_replies_and_workers_insert_them() {
    let app = TestApp::spawn().await;
    let (sup, _) = app.signed_in("sveta", Role::Supervisor).await;
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    assert_eq!(worker.get("/staff/canned").await.status(), 403);
    assert_eq!(
        worker
            .post_form(
                "/staff/canned",
                &[("title", "x"), ("body", "y"), ("lang", "en")]
            )
            .await
            .status(),
        403
    );
    let bad = sup
        .post_form(
            "/staff/canned",
            &[
                ("title", ""),
                ("body", "Hello from {worker}"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text().await.unwrap().contains("Hello from {worker}"),
        "typed text not kept"
    );
    let created = sup
        .post_form(
            "/staff/canned",
            &[
                ("title", "Greeting"),
                ("body", "Hello, this is {worker} from {org}."),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(created.headers()["location"], "/staff/canned?done=canned");
    sup.post_form(
        "/staff/canned",
        &[
            ("title", "Привет"),
            ("body", "Здравствуйте!"),
            ("lang", "ru"),
        ],
    )
    .await;
    let list = sup.get_text("/staff/canned").await;
    assert!(list.contains("Greeting") && list.contains("Привет"));

    let (_, id) = start(&app, "other", "hi", "en").await;
    let page = worker.get_text(&format!("/staff/conversations/{id}")).await;
    assert!(
        page.contains("Greeting") && !page.contains("Привет"),
        "only replies in the conversation's language"
    );
    let start_at = page.find("?canned=").unwrap() + "?canned=".len();
    let canned_id = &page[start_at..start_at + 36];
    let filled = worker
        .get_text(&format!("/staff/conversations/{id}?canned={canned_id}"))
        .await;
    assert!(
        filled.contains("Hello, this is anna from Netreach."),
        "{filled}"
    );

    let edited = sup
        .post_form(
            &format!("/staff/canned/{canned_id}"),
            &[("title", "Greeting v2"), ("body", "Hi!"), ("lang", "en")],
        )
        .await;
    assert_eq!(edited.status(), 303);
    assert!(
        sup.get_text(&format!("/staff/canned/{canned_id}"))
            .await
            .contains("Greeting v2")
    );
    assert_eq!(
        sup.post_form(&format!("/staff/canned/{canned_id}/delete"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        sup.get(&format!("/staff/canned/{canned_id}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn staff_tag_conversations_and_filter_the_inbox_by_tag() {
    let app = TestApp::spawn().await;
    let (worker, _) = app.signed_in("anna", Role::Worker).await;
    let (_, tagged) = start(&app, "substances", "about mixing", "en").await;
    let (_, other) = start(&app, "legal", "about police", "en").await;
    assert_eq!(
        worker
            .post_form(
                &format!("/staff/conversations/{tagged}/tags"),
                &[("tag", "Follow Up")]
            )
            .await
            .status(),
        303
    );
    let bad = worker
        .post_form(
            &format!("/staff/conversations/{tagged}/tags"),
            &[("tag", "lives at 5 Main St!")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("1 to 32 letters"));
    let page = worker
        .get_text(&format!("/staff/conversations/{tagged}"))
        .await;
    assert!(page.contains("#follow-up"));
    let inbox = worker.get_text("/staff/inbox?tag=follow-up").await;
    assert!(inbox.contains(&tagged) && !inbox.contains(&other));
    assert!(
        worker
            .get_text("/staff/inbox")
            .await
            .contains("#follow-up (1)")
    );
    worker
        .post_form(
            &format!("/staff/conversations/{tagged}/tags/remove"),
            &[("tag", "follow-up")],
        )
        .await;
    assert!(
        !worker
            .get_text("/staff/inbox?tag=follow-up")
            .await
            .contains(&tagged)
    );
    let _ = input_value;
}

#[tokio::test]
async fn team_services_ask_the_policy_whoever_calls_them() {
    use netreach_app::policy::{Denied, Staff};
    use netreach_app::team::{self, CannedDraft, TeamError};
    let app = TestApp::spawn().await;
    let worker = Staff::without_key(
        app.create_user("anna", Role::Worker, "anna long password 1")
            .await,
    );
    let supervisor = Staff::without_key(
        app.create_user("sveta", Role::Supervisor, "sveta long password 1")
            .await,
    );
    let draft = CannedDraft {
        title: "Naloxone",
        body: "Where to get naloxone",
        lang: "en",
        tags: "",
        status: "",
    };
    let forbidden =
        |r: Result<(), TeamError>| matches!(r, Err(TeamError::Denied(Denied::Forbidden)));
    // Called without the route's guard in front, the services still refuse a worker.
    let state = &app.state;
    assert!(forbidden(team::schedule(state, &worker).await.map(|_| ())));
    let form = team::schedule(state, &supervisor).await.unwrap();
    assert!(forbidden(team::save_schedule(state, &worker, &form).await));
    assert!(forbidden(
        team::canned_replies(state, &worker, None).await.map(|_| ())
    ));
    assert!(forbidden(
        team::save_canned_reply(state, &worker, None, draft)
            .await
            .map(|_| ())
    ));
    // A supervisor may; the worker may still not delete what exists.
    let id = team::save_canned_reply(state, &supervisor, None, draft)
        .await
        .unwrap();
    assert!(forbidden(
        team::delete_canned_reply(state, &worker, id).await
    ));
    let page = team::canned_replies(state, &supervisor, Some(id))
        .await
        .unwrap();
    assert_eq!(page.replies.len(), 1);
    assert_eq!(page.editing.map(|r| r.title), Some("Naloxone".into()));
    // The away switch and the dashboard are for anyone on duty.
    team::set_away(state, &worker, true).await.unwrap();
    let summary = netreach_app::dashboard::summary(state, &worker)
        .await
        .unwrap();
    assert!(summary.away);
    assert!(!summary.manages_team);
    assert!(!summary.reads_inbox);
    assert!(
        netreach_app::dashboard::summary(state, &supervisor)
            .await
            .unwrap()
            .manages_team
    );
}
