use crate::conversations::{staff_token, start};
use netreach_core::{AuditAction, Role};
use netreach_store::AuditFilter;
use netreach_testkit::TestApp;
use serde_json::{Value, json};

/// Every line of the log, oldest first, as (actor, action, target).
pub(crate) async fn last(app: &TestApp) -> (String, AuditAction, String) {
    lines(app).await.pop().unwrap()
}

async fn lines(app: &TestApp) -> Vec<(String, AuditAction, String)> {
    let mut all: Vec<_> = app
        .state
        .store
        .audit_entries(&AuditFilter {
            limit: 10_000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.entry.actor, e.entry.action, e.entry.target))
        .collect();
    all.reverse();
    all
}

/// Runs `step` and checks that it wrote exactly one line, by `actor`, of `action`, on `target`.
async fn one_line<F: std::future::Future<Output = ()>>(
    app: &TestApp,
    actor: &str,
    action: AuditAction,
    target: &str,
    step: F,
) {
    let before = lines(app).await.len();
    step.await;
    let after = lines(app).await;
    assert_eq!(after.len(), before + 1, "{action}: {:?}", &after[before..]);
    assert_eq!(
        after[before],
        (actor.to_owned(), action, target.to_owned()),
        "{action}"
    );
}

#[tokio::test]
async fn each_staff_action_writes_exactly_one_audit_line_and_only_admins_read_them() {
    let app = TestApp::spawn().await;
    let admin = staff_token(&app, "ada", Role::Admin).await;
    let sveta = staff_token(&app, "sveta", Role::Supervisor).await;
    let worker = staff_token(&app, "wim", Role::Worker).await;
    let (_, id) = start(&app, "other", "Is it safe?", "en").await;
    let http = reqwest::Client::new();
    let api = |method: reqwest::Method, path: &str, token: &str| {
        http.request(method, app.url(path)).bearer_auth(token)
    };
    let post = |path: &str, token: &str, body: Value| {
        let request = api(reqwest::Method::POST, path, token).json(&body);
        async move {
            let status = request.send().await.unwrap().status();
            assert!(status.is_success(), "{status}");
        }
    };

    one_line(&app, "wim", AuditAction::SignIn, "", async {
        let r = http
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"username": "wim", "password": "wim-long-password-123"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    })
    .await;
    one_line(&app, "wim", AuditAction::SignInFailed, "", async {
        let r = http
            .post(app.url("/api/v1/auth/token"))
            .json(&json!({"username": "wim", "password": "not-the-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    })
    .await;
    // An unknown username is not a staff action and fills nothing.
    let before = lines(&app).await.len();
    http.post(app.url("/api/v1/auth/token"))
        .json(&json!({"username": "nobody", "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(lines(&app).await.len(), before);

    let conversation = format!("/api/v1/staff/conversations/{id}");
    one_line(&app, "wim", AuditAction::ConversationOpened, &id, async {
        let r = api(reqwest::Method::GET, &conversation, &worker)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    })
    .await;
    one_line(
        &app,
        "wim",
        AuditAction::ConversationClaimed,
        &id,
        post(
            &format!("{conversation}/assign"),
            &worker,
            json!({"user_id": "me"}),
        ),
    )
    .await;
    one_line(
        &app,
        "wim",
        AuditAction::NoteAdded,
        &id,
        post(
            &format!("{conversation}/notes"),
            &worker,
            json!({"message": "call back"}),
        ),
    )
    .await;
    one_line(
        &app,
        "wim",
        AuditAction::ConversationStatus,
        &id,
        post(
            &format!("{conversation}/status"),
            &worker,
            json!({"status": "open"}),
        ),
    )
    .await;
    one_line(
        &app,
        "sveta",
        AuditAction::ConversationAssigned,
        &id,
        post(
            &format!("{conversation}/assign"),
            &sveta,
            json!({"user_id": null}),
        ),
    )
    .await;
    one_line(
        &app,
        "wim",
        AuditAction::Exported,
        "publication-log",
        async {
            let r = api(
                reqwest::Method::GET,
                "/api/v1/staff/publications.csv",
                &worker,
            )
            .send()
            .await
            .unwrap();
            assert_eq!(r.status(), 200);
        },
    )
    .await;

    // Reading the log: admins only, and reading writes nothing.
    let denied = api(reqwest::Method::GET, "/api/v1/staff/audit", &sveta)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let before = lines(&app).await.len();
    let page: Value = api(
        reqwest::Method::GET,
        "/api/v1/staff/audit?action=conversation_opened",
        &admin,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(lines(&app).await.len(), before);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["actor"], "wim");
    assert_eq!(items[0]["action"], "conversation_opened");
    assert_eq!(items[0]["target"], id.as_str());
    assert!(items[0]["at"].as_str().unwrap().contains('T'));
    assert!(page["next_cursor"].is_null());
    let bad = api(
        reqwest::Method::GET,
        "/api/v1/staff/audit?action=nonsense",
        &admin,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status(), 422);
    // No line carries anything a client wrote.
    let all = format!("{:?}", lines(&app).await);
    assert!(
        !all.contains("Is it safe") && !all.contains("call back"),
        "{all}"
    );
}

#[tokio::test]
async fn account_changes_are_audited_and_the_console_page_filters_and_exports() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("ada", Role::Admin).await;
    let created = admin
        .post_form(
            "/staff/users",
            &[
                ("username", "newbie"),
                ("role", "worker"),
                ("password", "newbie-long-password"),
            ],
        )
        .await;
    assert!(created.status().is_redirection() || created.status().is_success());
    let newbie = app
        .state
        .store
        .user_by_username(&netreach_core::Username::parse("newbie").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    assert_eq!(
        last(&app).await,
        ("ada".into(), AuditAction::UserCreated, newbie.clone())
    );
    for (path, form, action) in [
        (
            format!("/staff/users/{newbie}/role"),
            vec![("role", "supervisor")],
            AuditAction::RoleChanged,
        ),
        (
            format!("/staff/users/{newbie}/disable"),
            vec![],
            AuditAction::UserDisabled,
        ),
        (
            format!("/staff/users/{newbie}/enable"),
            vec![],
            AuditAction::UserEnabled,
        ),
    ] {
        let before = lines(&app).await.len();
        admin.post_form(&path, &form).await;
        let after = lines(&app).await;
        assert_eq!(after.len(), before + 1, "{path}");
        assert_eq!(
            after[before],
            ("ada".into(), action, newbie.clone()),
            "{path}"
        );
    }
    let page = admin.get_text("/staff/audit?action=role_changed").await;
    assert!(
        page.contains("Changed a role") && page.contains(&newbie),
        "{page}"
    );
    assert!(
        !page.contains("Created a staff account</td>"),
        "filtered: {page}"
    );
    let ru = admin.get_text("/staff/audit?lang=ru").await;
    assert!(ru.contains("Журнал действий"), "{ru}");
    let csv = admin.get("/staff/audit.csv?actor=ada").await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("at,actor,action,target\n"), "{csv}");
    assert!(
        csv.contains(&format!(",ada,role_changed,{newbie}")),
        "{csv}"
    );
    assert_eq!(
        last(&app).await,
        ("ada".into(), AuditAction::Exported, "audit-log".into()),
        "the export is itself recorded"
    );
}

#[tokio::test]
async fn alert_venue_grant_reset_and_own_account_actions_each_write_one_line() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("ada", Role::Admin).await;
    let sveta = staff_token(&app, "sveta", Role::Supervisor).await;
    let http = reqwest::Client::new();
    let call = |path: &str, body: Value| {
        http.post(app.url(path))
            .bearer_auth(&sveta)
            .json(&body)
            .send()
    };
    // An alert from draft to withdrawal.
    let body = json!({"severity": "danger", "regions": ["Narva"], "substances": ["heroin"],
        "text": {"en": {"title": "Strong batch", "body": "Start low."},
                 "ru": {"title": "Сильная партия", "body": "Начинайте с малого."}},
        "expires_at": "2026-03-09T09:00:00Z"});
    let created = call("/api/v1/staff/alerts", body).await.unwrap();
    assert_eq!(created.status(), 201);
    let alert = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (step, action) in [
        ("verify", AuditAction::AlertVerified),
        ("publish", AuditAction::AlertPublished),
        ("withdraw", AuditAction::AlertWithdrawn),
    ] {
        one_line(&app, "sveta", action, &alert, async {
            let r = call(&format!("/api/v1/staff/alerts/{alert}/{step}"), json!({}))
                .await
                .unwrap();
            assert!(r.status().is_success(), "{step}: {}", r.status());
        })
        .await;
    }
    // A venue registered: a settings change.
    let before = lines(&app).await.len();
    let venue = call(
        "/api/v1/staff/venues",
        json!({"name": "Forum", "kind": "darknet_forum", "address": "http://forumabcdef.onion/b",
               "lang": "ru", "markup": "bbcode", "permission": "not_asked"}),
    )
    .await
    .unwrap();
    assert_eq!(venue.status(), 201);
    let after = lines(&app).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after[before].1, AuditAction::SettingsChanged);
    // An admin resets a password and grants inbox access.
    let wim = app
        .create_user_without_access("wim", Role::Worker, "wim-long-password-123")
        .await;
    let wim_id = wim.id.to_string();
    one_line(
        &app,
        "ada",
        AuditAction::InboxAccessGranted,
        &wim_id,
        async {
            admin
                .post_form(&format!("/staff/users/{wim_id}/grant"), &[])
                .await;
        },
    )
    .await;
    one_line(&app, "ada", AuditAction::PasswordReset, &wim_id, async {
        admin
            .post_form(
                &format!("/staff/users/{wim_id}/password"),
                &[
                    ("password", "a fresh long passphrase here"),
                    ("confirm", "a fresh long passphrase here"),
                ],
            )
            .await;
    })
    .await;
    one_line(&app, "ada", AuditAction::SessionsRevoked, &wim_id, async {
        admin
            .post_form(&format!("/staff/users/{wim_id}/revoke"), &[])
            .await;
    })
    .await;
    // The admin's own account: signing out everywhere.
    let ada = app
        .state
        .store
        .user_by_username(&netreach_core::Username::parse("ada").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    one_line(&app, "ada", AuditAction::SignOutEverywhere, &ada, async {
        admin.post_form("/staff/logout-everywhere", &[]).await;
    })
    .await;
    // And changing one's own password.
    let again = app.new_browser();
    assert_eq!(
        again.login("ada", "ada-long-password-123").await.status(),
        303
    );
    one_line(&app, "ada", AuditAction::PasswordChanged, &ada, async {
        again
            .post_form(
                "/staff/account/password",
                &[
                    ("current", "ada-long-password-123"),
                    ("password", "another fresh long passphrase"),
                    ("confirm", "another fresh long passphrase"),
                ],
            )
            .await;
    })
    .await;
}
