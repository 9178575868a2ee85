use crate::input_value;
use netreach_core::Role;
use netreach_testkit::{Browser, TestApp};
use time::Duration;

fn codename_on(page: &str) -> String {
    let start = page.find("<p class=\"codename\"").unwrap();
    let start = start + page[start..].find('>').unwrap() + 1;
    page[start..start + page[start..].find('<').unwrap()].to_owned()
}

fn position_on(page: &str) -> usize {
    input_value(page, "position").unwrap().parse().unwrap()
}

async fn ask(browser: &Browser, topic: &str, message: &str) -> reqwest::Response {
    browser
        .post_form(
            "/ask",
            &[
                ("topic", topic),
                ("message", message),
                ("lang", "en"),
                ("substances", "ketamine"),
                ("website", ""),
            ],
        )
        .await
}

/// Asks, confirms the codename and returns it.
pub async fn asked(app: &TestApp, browser: &Browser, message: &str) -> String {
    let response = ask(browser, "substances", message).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["nr_client=", "Path=/c", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    // A session cookie: closing the browser ends it on a shared computer; the server keeps
    // the two-hour limit.
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "{cookie}"
    );
    let page = response.text().await.unwrap();
    let codename = codename_on(&page);
    let position = position_on(&page);
    let word = codename
        .split(' ')
        .nth(position - 1)
        .unwrap()
        .to_uppercase();
    let confirmed = browser
        .post_form(
            "/ask/confirm",
            &[
                ("codename", &codename),
                ("position", &position.to_string()),
                ("word", &word),
            ],
        )
        .await;
    assert_eq!(confirmed.headers()["location"], "/c");
    let _ = app;
    codename
}

#[tokio::test]
async fn a_client_asks_without_javascript_and_lands_on_their_thread() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let form = app.browser.get_text("/ask").await;
    assert!(form.contains("name=\"topic\"") && form.contains("class=\"hp\""));
    assert!(!form.to_lowercase().contains("<script"));
    let codename = asked(&app, &app.browser, "Is it safe to mix these two?").await;
    assert_eq!(codename.split(' ').count(), 7);
    let thread = app.browser.get_text("/c").await;
    assert!(thread.contains("Is it safe to mix these two?"), "{thread}");
    assert!(
        thread.contains("ketamine"),
        "intake answers shown to their author"
    );
    assert!(thread.contains("received: the team can see it"));

    let reply = app
        .browser
        .post_form("/c/reply", &[("message", "Also: I weigh 60 kg")])
        .await;
    assert_eq!(reply.headers()["location"], "/c");
    assert!(
        app.browser
            .get_text("/c")
            .await
            .contains("Also: I weigh 60 kg")
    );
    let empty = app
        .browser
        .post_form("/c/reply", &[("message", "   ")])
        .await;
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains("Write a message first.")
    );
    let long = "a".repeat(5001);
    let too_long = app
        .browser
        .post_form("/c/reply", &[("message", &long)])
        .await;
    assert_eq!(too_long.status(), 422);
    let page = too_long.text().await.unwrap();
    assert!(
        page.contains("too long") && page.contains(&long),
        "typed text not kept"
    );
    let pasted = app
        .browser
        .post_form("/c/reply", &[("message", &codename)])
        .await;
    assert_eq!(pasted.status(), 422);
    assert!(
        pasted
            .text()
            .await
            .unwrap()
            .contains("looks like a codename")
    );

    assert_eq!(
        app.browser.post_form("/c/solve", &[]).await.headers()["location"],
        "/c"
    );
    assert!(app.browser.get_text("/c").await.contains("solved"));
    assert_eq!(
        app.browser
            .post_form("/c/rate", &[("rating", "9")])
            .await
            .status(),
        422
    );
    assert_eq!(
        app.browser
            .post_form("/c/rate", &[("rating", "5"), ("comment", "thanks a lot")])
            .await
            .status(),
        303
    );
    assert!(!app.browser.get_text("/c").await.contains("Rate the help"));

    let leave = app.browser.post_form("/c/leave", &[]).await;
    assert!(
        leave.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(
        app.browser
            .get_text("/c")
            .await
            .contains("Enter the seven words")
    );
}

#[tokio::test]
async fn the_codename_must_be_confirmed_and_brings_the_client_back() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let page = ask(&app.browser, "legal", "can they search my phone?")
        .await
        .text()
        .await
        .unwrap();
    let codename = codename_on(&page);
    let wrong = app
        .browser
        .post_form(
            "/ask/confirm",
            &[
                ("codename", &codename),
                ("position", &position_on(&page).to_string()),
                ("word", "nope"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let again = wrong.text().await.unwrap();
    assert!(
        again.contains("does not match") && again.contains(&codename),
        "codename must be shown again"
    );

    let other = app.new_browser();
    let typed = format!("  {} ", codename.to_uppercase().replace(' ', "  "));
    let enter = other.post_form("/c", &[("codename", &typed)]).await;
    assert_eq!(enter.headers()["location"], "/c");
    assert!(
        other
            .get_text("/c")
            .await
            .contains("can they search my phone?")
    );

    let stranger = app.new_browser();
    let mut words: Vec<&str> = codename.split(' ').collect();
    words.reverse();
    for attempt in [words.join(" "), "nothing like a codename".to_owned()] {
        let response = stranger.post_form("/c", &[("codename", &attempt)]).await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.unwrap();
        assert!(page.contains("No conversation was found for this codename."));
        assert_eq!(
            input_value(&page, "codename").as_deref(),
            Some(attempt.as_str()),
            "typed codename not kept"
        );
    }
}

#[tokio::test]
async fn an_overdose_question_shows_first_aid_at_once_and_is_urgent() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let page = ask(&app.browser, "overdose", "my friend is not waking up")
        .await
        .text()
        .await
        .unwrap();
    let main = &page[page.find("<main>").unwrap()..];
    let first_aid = main
        .find("Possible overdose: do this now")
        .expect("first aid shown");
    assert!(
        first_aid < main.find("Your codename").unwrap(),
        "first aid must come before anything else"
    );
    assert!(page.contains("Call an ambulance now: <a class=\"tel\" href=\"tel:112\">112</a>"));
    // The codename step keeps the first aid, and so does the thread after it.
    let codename = codename_on(&page);
    let position = position_on(&page);
    let word = codename.split(' ').nth(position - 1).unwrap().to_owned();
    let confirmed = app
        .browser
        .post_form(
            "/ask/confirm",
            &[
                ("codename", &codename),
                ("position", &position.to_string()),
                ("word", &word),
                ("emergency", "1"),
            ],
        )
        .await;
    assert_eq!(confirmed.headers()["location"], "/c");
    let thread = app.browser.get_text("/c").await;
    let main = &thread[thread.find("<main>").unwrap()..];
    let first_aid = main
        .find("Possible overdose: do this now")
        .expect("first aid kept on the urgent thread");
    assert!(
        first_aid < main.find("<h1>").unwrap(),
        "first aid comes first"
    );
    assert!(
        thread.contains("href=\"tel:112\""),
        "a tappable emergency number"
    );
    assert!(thread.contains("The team has been alerted"));
    assert!(!thread.contains("Come back later"));
    assert!(
        !thread.contains("action=\"/c/solve\"") && !thread.contains("action=\"/c/rate\""),
        "nothing to mark solved or rate before an answer"
    );
    assert!(thread.contains("received: the team can see it"));
    let overdose = thread.find("/kb/overdose-response?lang=en");
    assert!(
        overdose.is_some(),
        "the overdose response is suggested first"
    );
    let urgent = app
        .state
        .store
        .list_conversations(&netreach_store::InboxFilter {
            urgent_only: true,
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(urgent.len(), 1);
}

#[tokio::test]
async fn bad_questions_come_back_with_everything_typed() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let no_topic = app
        .browser
        .post_form(
            "/ask",
            &[("message", "hello there"), ("amount", "two pills")],
        )
        .await;
    assert_eq!(no_topic.status(), 422);
    let page = no_topic.text().await.unwrap();
    assert!(page.contains("Choose what your question is about."));
    assert!(
        page.contains("hello there")
            && input_value(&page, "amount").as_deref() == Some("two pills")
    );
    let empty = app
        .browser
        .post_form(
            "/ask",
            &[("topic", "other"), ("message", " "), ("when", "tonight")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    let page = empty.text().await.unwrap();
    assert!(page.contains("Write a message first.") && page.contains("value=\"other\" checked"));
    let ru = app.new_browser();
    ru.get("/ask?lang=ru").await;
    let page = ru
        .post_form("/ask", &[("message", "привет")])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Выберите, о чём ваш вопрос."), "{page}");
}

#[tokio::test]
async fn bots_that_fill_the_honeypot_get_nothing_stored() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let response = app
        .browser
        .post_form(
            "/ask",
            &[
                ("topic", "other"),
                ("message", "buy cheap stuff"),
                ("website", "http://spam.example"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("set-cookie").is_none());
    assert!(
        app.state
            .store
            .list_conversations(&netreach_store::InboxFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn client_sessions_end_after_two_hours_whatever_the_activity_and_keep_the_unsent_text() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    asked(&app, &app.browser, "first question").await;
    app.clock.advance(Duration::minutes(119));
    assert!(app.browser.get_text("/c").await.contains("first question"));
    app.clock.advance(Duration::minutes(2));
    let late = app
        .browser
        .post_form("/c/reply", &[("message", "typed after the session ended")])
        .await;
    assert_eq!(late.status(), 401);
    let page = late.text().await.unwrap();
    assert!(page.contains("Your session ended") && page.contains("typed after the session ended"));
}

#[tokio::test]
async fn deleting_needs_confirmation_and_really_deletes() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let codename = asked(&app, &app.browser, "please forget me").await;
    let unconfirmed = app.browser.post_form("/c/delete", &[]).await;
    assert_eq!(unconfirmed.status(), 422);
    let deleted = app
        .browser
        .post_form("/c/delete", &[("confirm", "yes")])
        .await;
    assert_eq!(deleted.status(), 200);
    assert!(deleted.text().await.unwrap().contains("were deleted"));
    let back = app
        .new_browser()
        .post_form("/c", &[("codename", &codename)])
        .await;
    assert_eq!(back.status(), 422);
    assert!(
        app.state
            .store
            .list_conversations(&netreach_store::InboxFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!app.db.raw_contents().await.contains("please forget me"));
}

#[tokio::test]
async fn guessing_codenames_is_throttled_per_browser_session_and_globally() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let codename = asked(&app, &app.browser, "mine").await;
    let guesser = app.new_browser();
    for _ in 0..10 {
        assert_eq!(
            guesser
                .post_form("/c", &[("codename", "wrong words are wrong words here")])
                .await
                .status(),
            422
        );
    }
    let blocked = guesser.post_form("/c", &[("codename", &codename)]).await;
    assert_eq!(
        blocked.status(),
        429,
        "the right codename after the budget is spent must still wait"
    );
    assert!(blocked.text().await.unwrap().contains("Too many attempts"));
    // Another browser is not affected by this one's budget.
    assert_eq!(
        app.new_browser()
            .post_form("/c", &[("codename", &codename)])
            .await
            .status(),
        303
    );

    let db = netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let tight = TestApp::spawn_on(db, |s| s.conversations.codename_attempts_per_minute = 3).await;
    tight
        .create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            tight
                .new_browser()
                .post_form("/c", &[("codename", "one two three four five six seven")])
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        statuses,
        vec![422, 422, 422, 429, 429],
        "the global budget holds across sessions"
    );
}

#[tokio::test]
async fn while_waiting_the_client_sees_matching_articles_and_the_question_is_not_logged() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let question = "my friend took heroin and is hardly breathing, should I use naloxone";
    let response = app
        .browser
        .post_form(
            "/ask",
            &[("topic", "overdose"), ("message", question), ("lang", "en")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let thread = app.browser.get_text("/c").await;
    assert!(thread.contains("While you wait, this may help"), "{thread}");
    assert!(
        thread.contains("/kb/naloxone?lang=en") || thread.contains("/substances/heroin?lang=en")
    );
    assert!(
        !netreach_testkit::captured_logs().contains("hardly breathing"),
        "the question reached the log"
    );
}

#[tokio::test]
async fn an_expired_client_session_shows_the_session_ended_page_and_no_message_text() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let canary = "expired-session canary 4417";
    asked(&app, &app.browser, canary).await;
    assert!(app.browser.get_text("/c").await.contains(canary));
    app.clock.advance(time::Duration::minutes(121));
    let thread = app.browser.get("/c").await;
    assert_eq!(thread.status(), 401);
    let page = thread.text().await.unwrap();
    assert!(page.contains("Your session ended"), "{page}");
    assert!(
        !page.contains(canary),
        "message text shown after the session ended"
    );
}

#[tokio::test]
async fn every_public_page_has_a_quick_exit_to_the_configured_neutral_site_without_script() {
    let app = TestApp::spawn_on(
        netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await,
        |s| s.quick_exit_url = "https://weather.example.org/".into(),
    )
    .await;
    for path in [
        "/",
        "/ask",
        "/kb",
        "/check",
        "/services",
        "/alerts",
        "/c",
        "/?lang=ru",
    ] {
        let page = app.browser.get_text(path).await;
        assert!(
            page.contains(
                "<a id=\"quick-exit\" class=\"quick-exit\" href=\"https://weather.example.org/\""
            ),
            "no quick exit on {path}"
        );
        assert!(!page.contains("<script"), "{path}");
    }
    let ru = app.browser.get_text("/?lang=ru").await;
    assert!(ru.contains("Быстро уйти"));
    assert!(
        ru.contains("<a href=\"/kb/overdose-response?lang=ru\"><strong>Передозировка? Что делать сейчас</strong></a>"),
        "one tap to the overdose response from home"
    );
    assert!(ru.contains("href=\"tel:112\""));
    let login = app.browser.get_text("/staff/login").await;
    assert!(
        !login.contains("quick-exit"),
        "the console has no quick exit"
    );
}

#[tokio::test]
async fn the_thread_says_in_plain_words_where_the_question_stands() {
    let app = TestApp::spawn().await;
    let anna = app.staff("anna", Role::Worker).await;
    let browser = app.new_browser();
    asked(&app, &browser, "how do I test my pills").await;
    let page = browser.get_text("/c").await;
    assert!(page.contains("received: the team can see it"), "{page}");
    let id = app
        .state
        .store
        .list_conversations(&netreach_store::InboxFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()[0]
        .id;
    netreach_app::inbox::assign(
        &app.state,
        &anna,
        id,
        netreach_app::inbox::Assignee::Me,
        None,
    )
    .await
    .unwrap();
    let page = browser.get_text("/c").await;
    assert!(page.contains("a worker is on it"));
    assert!(!page.contains("anna"), "no worker names");
    netreach_app::inbox::reply(
        &app.state,
        &anna,
        id,
        "Here is how: /kb/overdose-response?lang=en. <script>x</script> javascript:alert(1)",
        None,
    )
    .await
    .unwrap();
    let page = browser.get_text("/c").await;
    assert!(page.contains("answered: the reply is below"));
    assert!(
        page.contains(
            "<a href=\"/kb/overdose-response?lang=en\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">"
        ),
        "site links in a reply are clickable"
    );
    assert!(!page.contains("<script") && page.contains("&lt;script&gt;"));
    assert!(!page.contains("href=\"javascript"));
    assert!(
        page.contains("action=\"/c/solve\""),
        "solving makes sense now"
    );
}
