//! Two-factor sign-in (TOTP) through the surface: console enrolment and sign-in, the API's fixed
//! interface, one use per code, the ±1 step window, the account lock, the admins' requirement,
//! turning it off and an admin's reset. Codes come from the test's `FixedClock`.

use crate::input_value;
use netreach_app::settings::RequireTotp;
use netreach_core::clock::to_unix;
use netreach_core::{Clock, Role};
use netreach_crypto::TotpSecret;
use netreach_testkit::{Browser, TestApp, TestBackend, TestDb, captured_logs};
use serde_json::{Value, json};
use time::Duration;

/// The code the member's app would show at the test clock's time, moved by `steps` steps.
fn code(app: &TestApp, secret: &TotpSecret, steps: i64) -> String {
    let at = to_unix(app.clock.now()) + steps * 30;
    secret.code_at(u64::try_from(at).unwrap())
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let to = html[from..].find(end)?;
    Some(&html[from..from + to])
}

/// Enrols the browser's member in the console; returns their secret and recovery codes.
async fn enrol(browser: &Browser) -> (TotpSecret, Vec<String>, String) {
    let started = browser.post_form("/staff/account/totp/start", &[]).await;
    assert_eq!(started.status(), 303);
    let page = browser.get_text("/staff/account/totp").await;
    let base32 = between(&page, "<code class=\"secret\" id=\"totp-secret\">", "<")
        .expect("the secret as text")
        .to_owned();
    let secret = TotpSecret::from_base32(&base32).unwrap();
    (secret, Vec::new(), page)
}

async fn confirm(app: &TestApp, browser: &Browser, secret: &TotpSecret) -> Vec<String> {
    let done = browser
        .post_form(
            "/staff/account/totp/confirm",
            &[("code", &code(app, secret, 0))],
        )
        .await;
    assert_eq!(done.status(), 200);
    assert_eq!(
        crate::audit::last(app).await.1,
        netreach_core::AuditAction::TwoFactorEnabled
    );
    let page = done.text().await.unwrap();
    let list = between(
        &page,
        "<ul class=\"recovery-codes\" id=\"recovery-codes\">",
        "</ul>",
    )
    .expect("the recovery codes");
    list.split("<code>")
        .skip(1)
        .filter_map(|c| c.split("</code>").next())
        .map(str::to_owned)
        .collect()
}

async fn api_token(
    app: &TestApp,
    username: &str,
    password: &str,
    totp: Option<&str>,
) -> reqwest::Response {
    let mut body = json!({"username": username, "password": password});
    if let Some(totp) = totp {
        body["totp"] = json!(totp);
    }
    reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn error_code(response: reqwest::Response) -> String {
    let body: Value = response.json().await.unwrap();
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn totp_enrolment_shows_an_inline_svg_and_the_secret_then_ten_recovery_codes_once() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("anna", Role::Worker).await;
    let account = browser.get_text("/staff/account").await;
    assert!(account.contains("href=\"/staff/account/totp\""));
    let off = browser.get_text("/staff/account/totp").await;
    assert!(
        off.contains("action=\"/staff/account/totp/start\""),
        "{off}"
    );

    let (secret, _, page) = enrol(&browser).await;
    assert!(
        page.contains("<div class=\"qr\" id=\"totp-qr\"><svg"),
        "inline svg"
    );
    assert!(
        !page.contains("<img") && !page.contains("data:"),
        "no image, no data URL"
    );
    // No script but the console's own.
    assert!(
        !page
            .replace("<script src=\"/staff/console.js\" defer></script>", "")
            .contains("<script")
    );

    // A wrong first code: the page again with the error and what was typed.
    let wrong = browser
        .post_form("/staff/account/totp/confirm", &[("code", "000000x")])
        .await;
    assert_eq!(wrong.status(), 422);
    let wrong = wrong.text().await.unwrap();
    assert!(wrong.contains("That code is wrong."), "{wrong}");
    assert_eq!(input_value(&wrong, "code").as_deref(), Some("000000x"));
    assert!(
        wrong.contains(&secret.base32()),
        "the same enrolment is shown again"
    );

    let codes = confirm(&app, &browser, &secret).await;
    assert_eq!(codes.len(), 10);
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10);
    // Shown once: the page now says it is on, with the count, and no code.
    let on = browser.get_text("/staff/account/totp").await;
    assert!(on.contains("Two-factor sign-in is on."), "{on}");
    assert!(on.contains("10 recovery codes left."), "{on}");
    for c in &codes {
        assert!(!on.contains(c.as_str()));
    }
    // Neither the secret nor a recovery code lies readable in the database or the logs.
    let raw = app.db.raw_contents().await;
    let logs = captured_logs();
    for needle in codes
        .iter()
        .map(String::as_str)
        .chain([secret.base32().as_str()])
    {
        assert!(!raw.contains(needle), "{needle} stored readable");
        assert!(!logs.contains(needle), "{needle} logged");
        assert!(
            !raw.contains(&needle.replace('-', "")),
            "{needle} stored readable"
        );
    }
}

#[tokio::test]
async fn totp_sign_in_asks_for_the_code_second_and_takes_each_code_once() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        let (browser, _) = app.signed_in("boris", Role::Supervisor).await;
        let (secret, _, _) = enrol(&browser).await;
        let recovery = confirm(&app, &browser, &secret).await;
        let password = "boris-long-password-123";

        // A wrong password says nothing about the second factor.
        let other = app.new_browser();
        let wrong = other.login("boris", "not-the-password").await;
        assert_eq!(wrong.status(), 422, "{backend:?}");
        let wrong = wrong.text().await.unwrap();
        assert!(wrong.contains("Wrong username or password."));
        assert!(!wrong.contains("name=\"code\""));

        // The right password: the code step, and no session yet.
        let step = other.login("boris", password).await;
        assert_eq!(step.status(), 200, "{backend:?}");
        let cookies: Vec<_> = step
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert!(
            cookies.iter().all(|c| !c.starts_with("nr_staff=")),
            "{cookies:?}"
        );
        let pending = cookies
            .iter()
            .find(|c| c.starts_with("nr_signin=nr_"))
            .expect("pending sign-in cookie");
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/staff/login"] {
            assert!(pending.contains(attribute), "{pending}");
        }
        assert!(
            step.text()
                .await
                .unwrap()
                .contains("action=\"/staff/login/code\"")
        );
        assert_eq!(
            other.get("/staff/").await.status(),
            303,
            "not signed in yet"
        );

        // The code of this step: the confirming code already took it.
        let replay = other
            .post_form("/staff/login/code", &[("code", &code(&app, &secret, 0))])
            .await;
        assert_eq!(replay.status(), 422, "{backend:?}");
        let replay = replay.text().await.unwrap();
        assert!(replay.contains("wrong or was used already"), "{replay}");

        app.clock.advance(Duration::seconds(30));
        let fresh = code(&app, &secret, 0);
        let signed_in = other
            .post_form("/staff/login/code", &[("code", &fresh)])
            .await;
        assert_eq!(signed_in.status(), 303, "{backend:?}");
        assert_eq!(signed_in.headers()["location"], "/staff/");
        assert_eq!(other.get("/staff/").await.status(), 200);
        // The pending sign-in is gone: the same cookie and a new code open nothing.
        let again = other
            .post_form("/staff/login/code", &[("code", &fresh)])
            .await;
        assert_eq!(again.status(), 422);
        assert!(again.text().await.unwrap().contains("start again"));

        // A third browser, same step: the code was used.
        let third = app.new_browser();
        assert_eq!(third.login("boris", password).await.status(), 200);
        let used = third
            .post_form("/staff/login/code", &[("code", &fresh)])
            .await;
        assert_eq!(used.status(), 422, "{backend:?}");
        // A recovery code works, typed loosely, once.
        let typed = recovery[0].to_uppercase().replace('-', " ");
        let by_recovery = third
            .post_form("/staff/login/code", &[("code", &typed)])
            .await;
        assert_eq!(by_recovery.status(), 303, "{backend:?}");
        let fourth = app.new_browser();
        assert_eq!(fourth.login("boris", password).await.status(), 200);
        let reused = fourth
            .post_form("/staff/login/code", &[("code", &recovery[0])])
            .await;
        assert_eq!(reused.status(), 422, "{backend:?}");
    }
}

#[tokio::test]
async fn totp_pending_sign_in_expires_after_five_minutes() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("vera", Role::Worker).await;
    let (secret, _, _) = enrol(&browser).await;
    confirm(&app, &browser, &secret).await;
    let other = app.new_browser();
    assert_eq!(
        other.login("vera", "vera-long-password-123").await.status(),
        200
    );
    app.clock.advance(Duration::minutes(6));
    let late = other
        .post_form("/staff/login/code", &[("code", &code(&app, &secret, 0))])
        .await;
    assert_eq!(late.status(), 422);
    let late = late.text().await.unwrap();
    assert!(late.contains("The sign-in took too long."), "{late}");
    assert!(late.contains("action=\"/staff/login\""));
}

#[tokio::test]
async fn totp_api_enrolment_then_the_token_needs_a_code_or_a_recovery_code() {
    for backend in TestBackend::all() {
        let app = TestApp::spawn_on(TestDb::new(backend).await, |_| {}).await;
        app.create_user("galina", Role::Worker, "galina-long-password")
            .await;
        let body: Value = api_token(&app, "galina", "galina-long-password", None)
            .await
            .json()
            .await
            .unwrap();
        let token = body["token"].as_str().unwrap().to_owned();
        let client = reqwest::Client::new();
        let started = client
            .post(app.url("/api/v1/staff/me/totp"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(started.status(), 200, "{backend:?}");
        let started: Value = started.json().await.unwrap();
        let base32 = started["secret"].as_str().unwrap();
        let url = started["otpauth_url"].as_str().unwrap();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains(&format!("secret={base32}")), "{url}");
        let secret = TotpSecret::from_base32(base32).unwrap();
        // Not active yet: the password alone still gives a token.
        assert_eq!(
            api_token(&app, "galina", "galina-long-password", None)
                .await
                .status(),
            200
        );

        let wrong = client
            .post(app.url("/api/v1/staff/me/totp/confirm"))
            .bearer_auth(&token)
            .json(&json!({"code": "123"}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 422);
        assert_eq!(error_code(wrong).await, "totp_invalid");
        let confirmed = client
            .post(app.url("/api/v1/staff/me/totp/confirm"))
            .bearer_auth(&token)
            .json(&json!({"code": code(&app, &secret, 0)}))
            .send()
            .await
            .unwrap();
        assert_eq!(confirmed.status(), 200, "{backend:?}");
        let confirmed: Value = confirmed.json().await.unwrap();
        let recovery: Vec<String> = confirmed["recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(recovery.len(), 10);
        // Restarting while on is refused.
        let restart = client
            .post(app.url("/api/v1/staff/me/totp"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(restart.status(), 409);
        assert_eq!(error_code(restart).await, "totp_enabled");

        let missing = api_token(&app, "galina", "galina-long-password", None).await;
        assert_eq!(missing.status(), 401, "{backend:?}");
        assert_eq!(error_code(missing).await, "totp_required");
        let wrong = api_token(&app, "galina", "galina-long-password", Some("000000")).await;
        assert_eq!(wrong.status(), 401);
        assert_eq!(error_code(wrong).await, "totp_invalid");
        // A wrong password with a right code is still a wrong password.
        app.clock.advance(Duration::seconds(30));
        let now = code(&app, &secret, 0);
        let bad_password = api_token(&app, "galina", "not-the-password", Some(&now)).await;
        assert_eq!(error_code(bad_password).await, "invalid_credentials");
        let ok = api_token(&app, "galina", "galina-long-password", Some(&now)).await;
        assert_eq!(ok.status(), 200, "{backend:?}");
        let replay = api_token(&app, "galina", "galina-long-password", Some(&now)).await;
        assert_eq!(replay.status(), 401, "a code works once");
        let by_recovery =
            api_token(&app, "galina", "galina-long-password", Some(&recovery[3])).await;
        assert_eq!(by_recovery.status(), 200);
        let reused = api_token(&app, "galina", "galina-long-password", Some(&recovery[3])).await;
        assert_eq!(reused.status(), 401);
    }
}

#[tokio::test]
async fn totp_codes_count_only_within_one_step_either_side() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("dina", Role::Worker).await;
    let (secret, _, _) = enrol(&browser).await;
    confirm(&app, &browser, &secret).await;
    let password = "dina-long-password-123";
    app.clock.advance(Duration::minutes(10));
    for steps in [-2, 2] {
        let far = api_token(&app, "dina", password, Some(&code(&app, &secret, steps))).await;
        assert_eq!(far.status(), 401, "{steps} steps away");
    }
    // One step behind (a slow phone) and then one ahead (a fast one) both pass, in order.
    let behind = api_token(&app, "dina", password, Some(&code(&app, &secret, -1))).await;
    assert_eq!(behind.status(), 200);
    let ahead = api_token(&app, "dina", password, Some(&code(&app, &secret, 1))).await;
    assert_eq!(ahead.status(), 200);
    // The current step is now older than the last one taken.
    let now = api_token(&app, "dina", password, Some(&code(&app, &secret, 0))).await;
    assert_eq!(now.status(), 401);
}

#[tokio::test]
async fn totp_wrong_codes_count_toward_the_account_lock() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("egor", Role::Worker).await;
    let (secret, _, _) = enrol(&browser).await;
    confirm(&app, &browser, &secret).await;
    let password = "egor-long-password-123";
    app.clock.advance(Duration::seconds(30));
    for _ in 0..5 {
        let wrong = api_token(&app, "egor", password, Some("000000")).await;
        assert_eq!(wrong.status(), 401);
    }
    // Locked now, even with the right password and code.
    let locked = api_token(&app, "egor", password, Some(&code(&app, &secret, 0))).await;
    assert_eq!(locked.status(), 429);
    assert_eq!(error_code(locked).await, "account_locked");
    // The console's code step meets the same lock.
    let other = app.new_browser();
    let step = other.login("egor", password).await;
    assert_eq!(step.status(), 422);
    assert!(step.text().await.unwrap().contains("Try again in"));
    // After the lock, the right code signs in and clears the count.
    app.clock.advance(Duration::minutes(1));
    let ok = api_token(&app, "egor", password, Some(&code(&app, &secret, 0))).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn totp_required_for_admins_sends_them_to_enrolment_and_nothing_else() {
    let db = TestDb::new(TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.session.require_totp = RequireTotp::Admins).await;
    let (admin, _) = app.signed_in("root", Role::Admin).await;
    let (worker, _) = app.signed_in("fedor", Role::Worker).await;
    assert_eq!(
        worker.get("/staff/").await.status(),
        200,
        "workers are not covered"
    );
    for path in ["/staff/", "/staff/users", "/staff/account", "/staff/tokens"] {
        let sent = admin.get(path).await;
        assert_eq!(sent.status(), 303, "{path}");
        assert_eq!(sent.headers()["location"], "/staff/account/totp", "{path}");
    }
    let refused = admin
        .post_form(
            "/staff/users",
            &[("username", "x1234"), ("role", "worker"), ("password", "p")],
        )
        .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(refused.headers()["location"], "/staff/account/totp");
    let page = admin.get_text("/staff/account/totp").await;
    assert!(
        page.contains("Your organisation requires two-factor sign-in."),
        "{page}"
    );

    // Over the API: only enrolment is open.
    let token: Value = api_token(&app, "root", "root-long-password-123", None)
        .await
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let client = reqwest::Client::new();
    let me = client
        .get(app.url("/api/v1/staff/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 403);
    assert_eq!(error_code(me).await, "totp_enrolment_required");

    let (secret, _, _) = enrol(&admin).await;
    confirm(&app, &admin, &secret).await;
    assert_eq!(
        admin.get("/staff/users").await.status(),
        200,
        "enrolled: open again"
    );
    let on = admin.get_text("/staff/account/totp").await;
    assert!(on.contains("cannot be turned off"), "{on}");
    let off = admin
        .post_form(
            "/staff/account/totp/disable",
            &[
                ("password", "root-long-password-123"),
                ("code", &code(&app, &secret, 1)),
            ],
        )
        .await;
    assert_eq!(off.status(), 422);
}

#[tokio::test]
async fn totp_is_turned_off_with_password_and_code_and_reset_by_an_admin() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("root", Role::Admin).await;
    let (member, user) = app.signed_in("gleb", Role::Worker).await;
    let (secret, _, _) = enrol(&member).await;
    confirm(&app, &member, &secret).await;
    app.clock.advance(Duration::seconds(30));

    let wrong = member
        .post_form(
            "/staff/account/totp/disable",
            &[
                ("password", "not-the-password"),
                ("code", &code(&app, &secret, 0)),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let wrong = wrong.text().await.unwrap();
    assert!(
        wrong.contains("The current password is wrong") || wrong.contains("current password"),
        "{wrong}"
    );
    assert_eq!(
        input_value(&wrong, "code").as_deref(),
        Some(code(&app, &secret, 0).as_str())
    );
    assert!(!wrong.contains("not-the-password"));
    let off = member
        .post_form(
            "/staff/account/totp/disable",
            &[
                ("password", "gleb-long-password-123"),
                ("code", &code(&app, &secret, 0)),
            ],
        )
        .await;
    assert_eq!(off.status(), 303);
    assert_eq!(
        crate::audit::last(&app).await.1,
        netreach_core::AuditAction::TwoFactorDisabled
    );
    assert_eq!(
        api_token(&app, "gleb", "gleb-long-password-123", None)
            .await
            .status(),
        200,
        "the password alone signs in again"
    );

    // On again; the admin resets it; the password alone works again.
    let (secret, _, _) = enrol(&member).await;
    app.clock.advance(Duration::seconds(30));
    confirm(&app, &member, &secret).await;
    assert_eq!(
        api_token(&app, "gleb", "gleb-long-password-123", None)
            .await
            .status(),
        401
    );
    let users = admin.get_text("/staff/users").await;
    assert!(users.contains(&format!("/staff/users/{}/totp/reset", user.id)));
    let reset = admin
        .post_form(&format!("/staff/users/{}/totp/reset", user.id), &[])
        .await;
    assert_eq!(reset.status(), 303);
    assert_eq!(reset.headers()["location"], "/staff/users?done=totp-reset");
    assert_eq!(
        crate::audit::last(&app).await.1,
        netreach_core::AuditAction::TwoFactorReset
    );
    assert_eq!(
        api_token(&app, "gleb", "gleb-long-password-123", None)
            .await
            .status(),
        200
    );
    // The operator's reset (`netreach admin reset-totp`) does the same without the policy.
    let (secret, _, _) = enrol(&member).await;
    app.clock.advance(Duration::seconds(30));
    confirm(&app, &member, &secret).await;
    assert_eq!(
        api_token(&app, "gleb", "gleb-long-password-123", None)
            .await
            .status(),
        401
    );
    assert!(
        netreach_app::two_factor::reset_as_operator(&app.state, user.id)
            .await
            .unwrap()
    );
    assert!(
        !netreach_app::two_factor::reset_as_operator(&app.state, user.id)
            .await
            .unwrap()
    );
    assert_eq!(
        api_token(&app, "gleb", "gleb-long-password-123", None)
            .await
            .status(),
        200
    );
    // A worker may not reset anyone's.
    let refused = member
        .post_form(&format!("/staff/users/{}/totp/reset", user.id), &[])
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn totp_pages_read_in_russian() {
    let app = TestApp::spawn().await;
    let (browser, _) = app.signed_in("irina", Role::Worker).await;
    let (secret, _, _) = enrol(&browser).await;
    let page = browser.get_text("/staff/account/totp?lang=ru").await;
    assert!(page.contains("Отсканируйте этот QR-код"), "{page}");
    let codes = browser
        .post_form(
            "/staff/account/totp/confirm",
            &[("code", &code(&app, &secret, 0))],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(codes.contains("Ваши резервные коды"), "{codes}");
}

/// Generated from the router: with `session.require_totp = "everyone"`, an admin who has not
/// enrolled is refused every staff route but enrolment and signing out, on pages and the API.
#[tokio::test]
async fn totp_a_member_who_must_enrol_may_use_no_staff_route_but_enrolment() {
    use netreach_app::policy::{Need, need, open_before_enrolment};
    let db = TestDb::new(TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.session.require_totp = RequireTotp::Everyone).await;
    let (browser, _) = app.signed_in("root", Role::Admin).await;
    let token: Value = api_token(&app, "root", "root-long-password-123", None)
        .await
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let (_, rules) = netreach_web::router_with_rules(app.state.clone());
    let mut walked = 0;
    for rule in &rules {
        let Some(action) = rule.action else { continue };
        let staff_route = matches!(need(action), Need::Staff(_) | Need::Inbox(_));
        // Signing out would end the walk; enrolment is tested above.
        if !staff_route || open_before_enrolment(action) {
            continue;
        }
        walked += 1;
        let path = rule
            .path
            .replace("{id}", "00000000-0000-4000-8000-000000000000");
        let api = rule.path.starts_with("/api/");
        let method = reqwest::Method::from_bytes(rule.method.as_str().as_bytes()).unwrap();
        let mut request = browser
            .client
            .request(method, app.url(&path))
            .header("origin", app.url(""))
            .header("sec-fetch-site", "same-origin");
        if api {
            request = request.header("authorization", &bearer);
        }
        let response = request.send().await.unwrap();
        let what = format!("{} {} ({action:?})", rule.method, rule.path);
        if api {
            assert_eq!(response.status(), 403, "{what}");
            assert_eq!(
                error_code(response).await,
                "totp_enrolment_required",
                "{what}"
            );
        } else {
            assert_eq!(response.status(), 303, "{what}");
            assert_eq!(
                response.headers()["location"],
                "/staff/account/totp",
                "{what}"
            );
        }
    }
    assert!(walked > 60, "only {walked} staff routes walked");
    // What stays open: the set-up itself, over both surfaces.
    assert_eq!(browser.get("/staff/account/totp").await.status(), 200);
    let started = reqwest::Client::new()
        .post(app.url("/api/v1/staff/me/totp"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 200);
}
