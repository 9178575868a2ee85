use crate::{admin, input_value};
use netreach_core::Role;
use netreach_testkit::TestApp;

#[tokio::test]
async fn an_admin_creates_disables_and_reenables_staff_accounts_in_the_console() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let created = admin
        .post_form(
            "/staff/users",
            &[
                ("username", "Nadia"),
                ("role", "supervisor"),
                ("password", "nadia long password"),
            ],
        )
        .await;
    assert_eq!(created.headers()["location"], "/staff/users?done=created");
    let list = admin.get_text("/staff/users?done=created").await;
    assert!(list.contains("The account was created."));
    assert!(list.contains("<td>nadia</td>"));
    let nadia = app.new_browser();
    assert_eq!(
        nadia.login("nadia", "nadia long password").await.status(),
        303
    );

    let user = app
        .state
        .store
        .user_by_username(&netreach_core::Username::parse("nadia").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, Role::Supervisor);
    let disabled = admin
        .post_form(&format!("/staff/users/{}/disable", user.id), &[])
        .await;
    assert_eq!(disabled.headers()["location"], "/staff/users?done=disabled");
    assert_eq!(
        nadia.get("/staff/").await.status(),
        303,
        "disabled user still signed in"
    );
    assert!(admin.get_text("/staff/users").await.contains("disabled"));
    assert_eq!(
        nadia.login("nadia", "nadia long password").await.status(),
        422
    );

    admin
        .post_form(&format!("/staff/users/{}/enable", user.id), &[])
        .await;
    assert_eq!(
        nadia.login("nadia", "nadia long password").await.status(),
        303
    );

    let role = admin
        .post_form(
            &format!("/staff/users/{}/role", user.id),
            &[("role", "worker")],
        )
        .await;
    assert_eq!(role.headers()["location"], "/staff/users?done=role");
    let reset = admin
        .post_form(
            &format!("/staff/users/{}/password", user.id),
            &[
                ("password", "reset by the admin"),
                ("confirm", "reset by the admin"),
            ],
        )
        .await;
    assert_eq!(reset.headers()["location"], "/staff/users?done=reset");
    assert_eq!(
        nadia.get("/staff/").await.status(),
        303,
        "reset must end sessions"
    );
    assert_eq!(
        nadia.login("nadia", "reset by the admin").await.status(),
        303
    );
    let user = app.state.store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(user.role, Role::Worker);
}

#[tokio::test]
async fn bad_new_accounts_are_refused_with_the_reason_and_the_input_kept() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let cases = [
        (
            ("ab", "worker", "long enough password"),
            "at least 3 characters",
        ),
        (
            ("anna k", "worker", "long enough password"),
            "may only use a–z",
        ),
        (("anna", "worker", "short"), "at least 12 characters"),
        (
            ("anna", "overlord", "long enough password"),
            "Choose a role",
        ),
        (("root", "worker", "long enough password"), "already taken"),
    ];
    for ((username, role, password), expected) in cases {
        let response = admin
            .post_form(
                "/staff/users",
                &[
                    ("username", username),
                    ("role", role),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "{username}");
        let page = response.text().await.unwrap();
        assert!(page.contains(expected), "{username}: expected {expected:?}");
        assert!(
            page.contains(&format!(
                "id=\"new-username\" name=\"username\" value=\"{username}\""
            )),
            "{username}: the typed name is kept in the form"
        );
    }
    assert_eq!(app.state.store.count_users().await.unwrap(), 1);
}

#[tokio::test]
async fn admins_cannot_disable_or_demote_themselves() {
    let app = TestApp::spawn().await;
    let (browser, me) = app.signed_in("root", Role::Admin).await;
    let response = browser
        .post_form(&format!("/staff/users/{}/disable", me.id), &[])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("You cannot do this to your own account.")
    );
    let response = browser
        .post_form(
            &format!("/staff/users/{}/role", me.id),
            &[("role", "worker")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        app.state
            .store
            .user_by_id(me.id)
            .await
            .unwrap()
            .unwrap()
            .is_active()
    );
    let missing = browser
        .post_form(&format!("/staff/users/{}/disable", uuid_like()), &[])
        .await;
    assert_eq!(missing.status(), 404);
    let garbage = browser
        .post_form("/staff/users/not-an-id/disable", &[])
        .await;
    assert_eq!(garbage.status(), 404);
}

fn uuid_like() -> String {
    netreach_core::UserId::new_random().to_string()
}

#[tokio::test]
async fn workers_and_supervisors_get_a_403_page_on_every_admin_route() {
    let app = TestApp::spawn().await;
    let (_, target) = app.signed_in("target", Role::Worker).await;
    for role in [Role::Worker, Role::Supervisor] {
        let (browser, _) = app.signed_in(&format!("user-{role}"), role).await;
        let get = browser.get("/staff/users").await;
        assert_eq!(get.status(), 403, "{role} GET /staff/users");
        let page = get.text().await.unwrap();
        assert!(page.contains("Not allowed"), "{page}");
        for action in ["disable", "enable", "role", "password", "grant"] {
            let path = format!("/staff/users/{}/{action}", target.id);
            let response = browser
                .post_form(
                    &path,
                    &[("role", "admin"), ("password", "x"), ("confirm", "x")],
                )
                .await;
            assert_eq!(response.status(), 403, "{role} POST {path}");
        }
        let create = browser
            .post_form(
                "/staff/users",
                &[
                    ("username", "sneaky"),
                    ("role", "admin"),
                    ("password", "sneaky long password"),
                ],
            )
            .await;
        assert_eq!(create.status(), 403);
        // Their own pages work.
        for path in ["/staff/", "/staff/account", "/staff/tokens", "/staff/inbox"] {
            assert_eq!(browser.get(path).await.status(), 200, "{role} {path}");
        }
        // The admin link is not shown to them.
        assert!(!browser.get_text("/staff/").await.contains("/staff/users"));
    }
    assert!(
        app.state
            .store
            .user_by_id(target.id)
            .await
            .unwrap()
            .unwrap()
            .is_active()
    );
    assert_eq!(app.state.store.count_users().await.unwrap(), 3);
}

#[tokio::test]
async fn every_console_route_sends_strangers_to_the_sign_in_page() {
    let app = TestApp::spawn().await;
    let id = uuid_like();
    let stranger = app.new_browser();
    for path in [
        "/staff/",
        "/staff/account",
        "/staff/tokens",
        "/staff/users",
        "/staff/inbox",
        &format!("/staff/conversations/{id}"),
    ] {
        let response = stranger.get(path).await;
        assert_eq!(response.status(), 303, "GET {path}");
        assert_eq!(response.headers()["location"], "/staff/login");
    }
    let posts = [
        "/staff/logout".to_owned(),
        "/staff/logout-everywhere".into(),
        "/staff/account/password".into(),
        "/staff/tokens".into(),
        format!("/staff/tokens/{id}/revoke"),
        "/staff/users".into(),
        format!("/staff/users/{id}/disable"),
        format!("/staff/users/{id}/enable"),
        format!("/staff/users/{id}/role"),
        format!("/staff/users/{id}/password"),
        format!("/staff/users/{id}/grant"),
        format!("/staff/conversations/{id}/reply"),
        format!("/staff/conversations/{id}/note"),
        format!("/staff/conversations/{id}/assign"),
        format!("/staff/conversations/{id}/status"),
    ];
    for path in posts {
        let response = stranger.post_form(&path, &[]).await;
        assert_eq!(response.status(), 303, "POST {path}");
    }
}

#[tokio::test]
async fn staff_create_list_and_revoke_api_tokens_in_the_console() {
    let app = TestApp::spawn().await;
    let (browser, user) = app.signed_in("anna", Role::Worker).await;
    assert!(
        browser
            .get_text("/staff/tokens")
            .await
            .contains("You have no API tokens.")
    );
    let bad = browser
        .post_form("/staff/tokens", &[("name", ""), ("days", "90")])
        .await;
    assert_eq!(bad.status(), 422);
    let bad = browser
        .post_form("/staff/tokens", &[("name", "report script"), ("days", "7")])
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        input_value(&bad.text().await.unwrap(), "name").as_deref(),
        Some("report script")
    );
    let page = browser
        .post_form(
            "/staff/tokens",
            &[("name", "report script"), ("days", "90")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("It will not be shown again."));
    let start = page.find("<code class=\"secret\">").unwrap() + "<code class=\"secret\">".len();
    let secret = &page[start..start + page[start..].find('<').unwrap()];
    assert!(secret.starts_with("nr_"));
    let me = reqwest::Client::new()
        .get(app.url("/api/v1/staff/me"))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let list = browser.get_text("/staff/tokens").await;
    assert!(list.contains("report script"));
    assert!(!list.contains(secret), "the secret is shown only once");
    let tokens = app.state.store.list_api_tokens(user.id).await.unwrap();
    assert_eq!(
        tokens[0].expires_at,
        Some(netreach_core::Clock::now(&*app.clock) + time::Duration::days(90))
    );
    let revoke = browser
        .post_form(&format!("/staff/tokens/{}/revoke", tokens[0].id), &[])
        .await;
    assert_eq!(revoke.headers()["location"], "/staff/tokens?done=revoked");
    let me = reqwest::Client::new()
        .get(app.url("/api/v1/staff/me"))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
}

#[tokio::test]
async fn account_services_ask_the_policy_whoever_calls_them() {
    use netreach_app::accounts::{self, AccountError, TokenError};
    use netreach_app::policy::{Denied, Staff};
    let app = TestApp::spawn().await;
    let admin = app
        .create_user("root", Role::Admin, "root long password 1")
        .await;
    let worker = app
        .create_user("anna", Role::Worker, "anna long password 1")
        .await;
    let supervisor = app
        .create_user("sveta", Role::Supervisor, "sveta long password 1")
        .await;
    let forbidden =
        |r: Result<_, AccountError>| matches!(r, Err(AccountError::Denied(Denied::Forbidden)));
    // Called without the route's guard in front, the services still refuse.
    for caller in [&worker, &supervisor] {
        let staff = Staff::without_key(caller.clone());
        let state = &app.state;
        assert!(forbidden(
            accounts::users_page(state, &staff).await.map(|_| ())
        ));
        assert!(forbidden(
            accounts::create_user(state, &staff, "mallory", Role::Admin, "x".repeat(20))
                .await
                .map(|_| ())
        ));
        assert!(forbidden(
            accounts::set_disabled(state, &staff, admin.id, true).await
        ));
        assert!(forbidden(
            accounts::set_role(state, &staff, caller.id, Role::Admin).await
        ));
        let password = "taken over 12345".to_owned();
        assert!(forbidden(
            accounts::reset_password(state, &staff, admin.id, password.clone(), &password).await
        ));
        assert!(forbidden(
            accounts::invite(state, &staff, "mallory", Role::Admin)
                .await
                .map(|_| ())
        ));
        assert!(forbidden(
            accounts::invites(state, &staff).await.map(|_| ())
        ));
        assert!(forbidden(
            accounts::withdraw_invite(state, &staff, uuid::Uuid::nil()).await
        ));
        // Their own tokens are theirs to see.
        assert!(accounts::own_tokens(state, &staff).await.is_ok());
    }
    // An admin without the inbox key manages accounts but cannot hand out the key.
    let admin_staff = Staff::without_key(admin.clone());
    assert_eq!(
        accounts::users_page(&app.state, &admin_staff)
            .await
            .unwrap()
            .len(),
        3
    );
    let refused = accounts::grant_access(&app.state, &admin_staff, worker.id).await;
    assert!(
        matches!(refused, Err(AccountError::Denied(Denied::NoInboxKey))),
        "{refused:?}"
    );
    assert_eq!(refused.unwrap_err().message_id(), "error-no-inbox-access");
    // Resetting one's own password is refused in the service, not only on the page.
    let password = "my new password 123".to_owned();
    assert!(matches!(
        accounts::reset_password(
            &app.state,
            &admin_staff,
            admin.id,
            password.clone(),
            &password
        )
        .await,
        Err(AccountError::OwnAccount)
    ));
    // Someone else's token is not found, whoever asks.
    let (record, _) = accounts::issue_api_token(&app.state, &worker, "laptop", None, None)
        .await
        .unwrap();
    assert!(matches!(
        accounts::revoke_own_token(&app.state, &admin_staff, record.id).await,
        Err(TokenError::NoSuchToken)
    ));
    // Nothing changed.
    let users = app.state.store.list_users().await.unwrap();
    assert_eq!(users.len(), 3);
    assert!(users.iter().all(|u| u.is_active()));
    let worker_now = users.iter().find(|u| u.id == worker.id).unwrap();
    assert_eq!(worker_now.role, Role::Worker);
    assert_eq!(
        app.state
            .store
            .list_api_tokens(worker.id)
            .await
            .unwrap()
            .len(),
        1
    );
}
