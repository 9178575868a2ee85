use crate::input_value;
use netreach_core::Role;
use netreach_testkit::TestApp;
use time::Duration;

#[tokio::test]
async fn staff_sign_in_sets_a_strict_cookie_and_opens_the_console() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let page = app.browser.get_text("/staff/login").await;
    assert!(page.contains("<form method=\"post\" action=\"/staff/login\""));
    let response = app.browser.login("anna", "anna-long-password").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/staff/");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("nr_staff=nr_"), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/staff"] {
        assert!(
            cookie.contains(attribute),
            "cookie lacks {attribute}: {cookie}"
        );
    }
    assert!(
        !cookie.contains("Secure"),
        "Secure is only set when configured"
    );
    let console = app.browser.get("/staff/").await;
    assert_eq!(console.status(), 200);
    assert!(console.text().await.unwrap().contains("anna"));
}

#[tokio::test]
async fn cookies_are_secure_when_configured() {
    let db = netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.secure_cookies = true).await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let response = app.browser.login("anna", "anna-long-password").await;
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );
}

#[tokio::test]
async fn wrong_password_says_so_and_keeps_the_username() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    let response = app.browser.login("anna", "not-the-password").await;
    assert_eq!(response.status(), 422);
    assert!(response.headers().get("set-cookie").is_none());
    let page = response.text().await.unwrap();
    assert!(page.contains("Wrong username or password."), "{page}");
    assert_eq!(input_value(&page, "username").as_deref(), Some("anna"));
    // An unknown username gets exactly the same answer.
    let unknown = app
        .browser
        .login("nobody", "not-the-password")
        .await
        .text()
        .await
        .unwrap();
    assert!(unknown.contains("Wrong username or password."));
    // ... in Russian too.
    let ru = app.new_browser();
    ru.get("/staff/login?lang=ru").await;
    let page = ru
        .login("anna", "nope-nope-nope")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Неверное имя пользователя или пароль."),
        "{page}"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let (_admin, admin) = app.signed_in("root", Role::Admin).await;
    let (worker_browser, worker) = app.signed_in("vera", Role::Worker).await;
    let admin = netreach_app::policy::Staff::without_key(admin);
    netreach_app::accounts::set_disabled(&app.state, &admin, worker.id, true)
        .await
        .unwrap();
    // The open session ended at once.
    assert_eq!(worker_browser.get("/staff/").await.status(), 303);
    let page = app
        .new_browser()
        .login("vera", "vera-long-password-123")
        .await;
    assert_eq!(page.status(), 422);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("This account is disabled.")
    );
    // A wrong password does not reveal that the account is disabled.
    let wrong = app
        .new_browser()
        .login("vera", "wrong-password-x")
        .await
        .text()
        .await
        .unwrap();
    assert!(wrong.contains("Wrong username or password."));
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    for _ in 0..5 {
        app.browser.login("anna", "guess-guess-guess").await;
    }
    let locked = app.browser.login("anna", "anna-long-password").await;
    assert_eq!(locked.status(), 422);
    let page = locked.text().await.unwrap();
    assert!(
        page.contains("Too many wrong passwords for this account. Try again in 1 minute."),
        "{page}"
    );
    // Another browser (another person, another IP: it makes no difference) is locked out too.
    let other = app.new_browser().login("anna", "anna-long-password").await;
    assert_eq!(other.status(), 422);
    app.clock.advance(Duration::seconds(31));
    assert_eq!(
        app.browser
            .login("anna", "anna-long-password")
            .await
            .status(),
        303
    );
    let user = app
        .state
        .store
        .user_by_username(&netreach_core::Username::parse("anna").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((user.failed_logins, user.locked_until), (0, None));
}

#[tokio::test]
async fn a_parallel_burst_of_wrong_passwords_meets_the_lock_like_a_sequential_one() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    app.create_user("boris", Role::Worker, "boris-long-password")
        .await;
    let client = reqwest::Client::new();
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..30 {
        let request = client
            .post(app.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": "anna", "password": format!("guess-{i}-guess")}));
        burst.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses: Vec<u16> = burst.join_all().await;
    let judged = statuses.iter().filter(|s| **s == 401).count();
    let locked = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(judged + locked, 30, "{statuses:?}");
    assert!(
        judged <= netreach_core::throttle::FREE_FAILURES as usize,
        "only the free attempts may reach the password check: {statuses:?}"
    );
    // The lock is per account: a colleague signs in meanwhile.
    let other = client
        .post(app.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"username": "boris", "password": "boris-long-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("anna", Role::Worker).await;
    let response = browser.post_form("/staff/logout", &[]).await;
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        browser.get("/staff/").await.headers()["location"],
        "/staff/login"
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_user() {
    let app = TestApp::spawn().await;
    let (phone, _) = app.signed_in("anna", Role::Worker).await;
    let laptop = app.new_browser();
    assert_eq!(
        laptop
            .login("anna", "anna-long-password-123")
            .await
            .status(),
        303
    );
    assert!(laptop.get_text("/staff/").await.contains("2 devices"));
    let response = laptop.post_form("/staff/logout-everywhere", &[]).await;
    assert_eq!(
        response.headers()["location"],
        "/staff/login?done=everywhere"
    );
    assert_eq!(phone.get("/staff/").await.status(), 303);
    assert_eq!(laptop.get("/staff/").await.status(), 303);
    assert!(
        laptop
            .get_text("/staff/login?done=everywhere")
            .await
            .contains("signed out on all devices")
    );
}

#[tokio::test]
async fn sessions_expire_after_idle_time_and_after_the_maximum_age() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("anna", Role::Worker).await;
    app.clock.advance(Duration::minutes(119));
    assert_eq!(
        browser.get("/staff/").await.status(),
        200,
        "activity keeps the session"
    );
    app.clock.advance(Duration::minutes(119));
    assert_eq!(browser.get("/staff/").await.status(), 200);
    app.clock.advance(Duration::minutes(121));
    assert_eq!(
        browser.get("/staff/").await.status(),
        303,
        "idle session survived"
    );

    let (busy, _) = app.signed_in("boris", Role::Worker).await;
    for _ in 0..13 {
        app.clock.advance(Duration::minutes(59));
        busy.get("/staff/").await;
    }
    assert_eq!(
        busy.get("/staff/").await.status(),
        303,
        "session outlived its 12 hours"
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_everywhere() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("anna", Role::Worker).await;
    let wrong = browser
        .post_form(
            "/staff/account/password",
            &[
                ("current", "wrong"),
                ("password", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("The current password is wrong.")
    );
    let mismatch = browser
        .post_form(
            "/staff/account/password",
            &[
                ("current", "anna-long-password-123"),
                ("password", "a brand new password"),
                ("confirm", "another new password"),
            ],
        )
        .await;
    assert!(mismatch.text().await.unwrap().contains("are not the same"));
    let short = browser
        .post_form(
            "/staff/account/password",
            &[
                ("current", "anna-long-password-123"),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("at least 12 characters")
    );
    let ok = browser
        .post_form(
            "/staff/account/password",
            &[
                ("current", "anna-long-password-123"),
                ("password", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(ok.headers()["location"], "/staff/login?done=password");
    assert_eq!(browser.get("/staff/").await.status(), 303);
    assert_eq!(
        browser
            .login("anna", "anna-long-password-123")
            .await
            .status(),
        422
    );
    assert_eq!(
        browser.login("anna", "a brand new password").await.status(),
        303
    );
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    let link = netreach_app::accounts::new_setup_link(&app.state)
        .await
        .unwrap()
        .unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    assert_eq!(
        app.browser.get("/staff/setup?token=wrong").await.status(),
        404
    );
    let form = app.browser.get_text(&link).await;
    assert!(form.contains("Create the first admin account"));
    let mismatch = app
        .browser
        .post_form(
            "/staff/setup",
            &[
                ("token", &token),
                ("username", "director"),
                ("password", "first admin password"),
                ("confirm", "something else entirely"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    let page = mismatch.text().await.unwrap();
    assert_eq!(input_value(&page, "username").as_deref(), Some("director"));
    let done = app
        .browser
        .post_form(
            "/staff/setup",
            &[
                ("token", &token),
                ("username", "director"),
                ("password", "first admin password"),
                ("confirm", "first admin password"),
            ],
        )
        .await;
    assert_eq!(done.status(), 200);
    let recovery = done.text().await.unwrap();
    assert!(recovery.contains("Your recovery key"), "{recovery}");
    // A numbered list of words, each whole on its line (never split across lines).
    let list = recovery
        .split("<ol class=\"recovery-words\" id=\"recovery-words\">")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("the recovery key as a numbered list");
    let words: Vec<&str> = list
        .split("<li>")
        .skip(1)
        .map(|item| item.split("</li>").next().unwrap().trim())
        .collect();
    assert_eq!(words.len(), 24, "{list}");
    assert!(words.iter().all(|w| !w.is_empty() && !w.contains(' ')));
    assert!(recovery.contains("24 words"), "{recovery}");
    let phrase = words.join(" ");
    // The recovery phrase opens the inbox key that was created for this first admin.
    netreach_app::keys::recover_inbox(&app.state, &phrase)
        .await
        .unwrap();
    // "I have written it down" is recorded only with the token of the page that showed the key.
    let written_token = input_value(&recovery, "token").expect("the written-down form");
    assert_eq!(
        app.browser
            .post_form(
                "/staff/setup/written",
                &[("token", "forged"), ("written", "1")]
            )
            .await
            .status(),
        404
    );
    assert_eq!(
        app.state
            .store
            .milestone(netreach_store::Milestone::RecoveryKeyConfirmed)
            .await
            .unwrap(),
        None
    );
    let written = app
        .browser
        .post_form(
            "/staff/setup/written",
            &[("token", &written_token), ("written", "1")],
        )
        .await;
    assert_eq!(written.status(), 303);
    assert!(
        app.state
            .store
            .milestone(netreach_store::Milestone::RecoveryKeyConfirmed)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        app.browser.get(&link).await.status(),
        404,
        "setup link reusable"
    );
    assert_eq!(
        app.browser
            .login("director", "first admin password")
            .await
            .status(),
        303
    );
    assert!(
        app.browser
            .get_text("/staff/users")
            .await
            .contains("director")
    );
    assert!(
        netreach_app::accounts::new_setup_link(&app.state)
            .await
            .unwrap()
            .is_none()
    );
}
