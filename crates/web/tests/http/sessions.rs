use crate::conversations::{as_client, staff_token, start};
use netreach_core::{AuditAction, Role};
use netreach_testkit::TestApp;

fn session_ids(page: &str) -> Vec<String> {
    page.split("/staff/account/sessions/")
        .skip(1)
        .map(|rest| rest.split('/').next().unwrap().to_owned())
        .collect()
}

/// The id of the listed session that is not this device.
fn other_session(page: &str) -> String {
    page.split("<tr><td>")
        .skip(1)
        .find(|row| !row.contains("(this device)") && row.contains("/staff/account/sessions/"))
        .map(|row| session_ids(row).remove(0))
        .unwrap()
}

#[tokio::test]
async fn a_member_sees_their_sessions_and_signs_out_one_device() {
    let app = TestApp::spawn().await;
    let (laptop, _) = app.signed_in("anna", Role::Worker).await;
    let phone = app.new_browser();
    assert_eq!(
        phone.login("anna", "anna-long-password-123").await.status(),
        303,
        "a second device"
    );
    let page = laptop.get_text("/staff/account").await;
    let ids = session_ids(&page);
    assert_eq!(ids.len(), 2, "{page}");
    assert_eq!(page.matches("(this device)").count(), 1, "{page}");
    let phone_id = &other_session(&page);
    let ended = laptop
        .post_form(&format!("/staff/account/sessions/{phone_id}/end"), &[])
        .await;
    assert_eq!(
        ended.headers()["location"],
        "/staff/account?done=session-ended"
    );
    assert_eq!(
        phone.get("/staff/").await.headers()["location"],
        "/staff/login"
    );
    assert_eq!(
        laptop.get("/staff/").await.status(),
        200,
        "this device stays"
    );
    // Signing out this very device goes back to the sign-in page.
    let own = session_ids(&laptop.get_text("/staff/account").await);
    assert_eq!(own.len(), 1);
    let out = laptop
        .post_form(&format!("/staff/account/sessions/{}/end", own[0]), &[])
        .await;
    assert_eq!(out.headers()["location"], "/staff/login");
    assert_eq!(
        laptop.get("/staff/").await.headers()["location"],
        "/staff/login"
    );
}

#[tokio::test]
async fn an_admin_signs_a_member_out_everywhere_and_a_role_change_does_too() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("ada", Role::Admin).await;
    let (worker, wim) = app.signed_in("wim", Role::Worker).await;
    let token = {
        let body: serde_json::Value = reqwest::Client::new()
            .post(app.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": "wim", "password": "wim-long-password-123"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["token"].as_str().unwrap().to_owned()
    };
    let revoked = admin
        .post_form(&format!("/staff/users/{}/revoke", wim.id), &[])
        .await;
    assert_eq!(
        revoked.headers()["location"],
        "/staff/users?done=user-revoked"
    );
    assert_eq!(
        worker.get("/staff/").await.headers()["location"],
        "/staff/login"
    );
    let me = reqwest::Client::new()
        .get(app.url("/api/v1/staff/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "the API token ended too");
    assert_eq!(
        worker.login("wim", "wim-long-password-123").await.status(),
        303
    );
    admin
        .post_form(
            &format!("/staff/users/{}/role", wim.id),
            &[("role", "supervisor")],
        )
        .await;
    assert_eq!(
        worker.get("/staff/").await.headers()["location"],
        "/staff/login",
        "a role change signs the member out"
    );
}

#[tokio::test]
async fn the_panic_lock_ends_every_session_and_token_and_drops_keys_held_in_memory() {
    let app = TestApp::spawn().await;
    let (sveta, _) = app.signed_in("sveta", Role::Supervisor).await;
    let (admin, _) = app.signed_in("ada", Role::Admin).await;
    let token = staff_token(&app, "wim", Role::Worker).await;
    // A client's key held in this node's memory after an API call with the codename.
    let (codename, _) = start(&app, "other", "hello", "en").await;
    as_client(
        &app,
        reqwest::Method::GET,
        "/api/v1/conversations/me",
        &codename,
    )
    .send()
    .await
    .unwrap();
    assert!(app.state.codenames.keys_held() > 0);

    let page = sveta.get_text("/staff/account").await;
    assert!(page.contains("Pull the panic lock"), "{page}");
    let unconfirmed = sveta.post_form("/staff/panic", &[]).await;
    assert_eq!(unconfirmed.status(), 422);
    assert!(unconfirmed.text().await.unwrap().contains("Tick the box"));
    assert_eq!(
        admin.get("/staff/").await.status(),
        200,
        "nothing happened yet"
    );

    let pulled = sveta.post_form("/staff/panic", &[("confirm", "yes")]).await;
    assert_eq!(pulled.headers()["location"], "/staff/login?done=panic");
    for browser in [&sveta, &admin] {
        assert_eq!(
            browser.get("/staff/").await.headers()["location"],
            "/staff/login"
        );
    }
    let me = reqwest::Client::new()
        .get(app.url("/api/v1/staff/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
    assert_eq!(app.state.codenames.keys_held(), 0, "client keys dropped");
    let notice = sveta.get_text("/staff/login?done=panic").await;
    assert!(notice.contains("Panic lock done"), "{notice}");
    // Another node notices on its next reload and drops its keys too (simulated: this node
    // forgets that it saw the lock and holds a key again).
    as_client(
        &app,
        reqwest::Method::GET,
        "/api/v1/conversations/me",
        &codename,
    )
    .send()
    .await
    .unwrap();
    assert!(app.state.codenames.keys_held() > 0);
    *app.state.panic_seen.lock().unwrap() = None;
    netreach_app::jobs::reload(&app.state).await;
    assert_eq!(app.state.codenames.keys_held(), 0);
    // Recorded, and everyone signs in again with their password.
    let last = app
        .state
        .store
        .audit_entries(&netreach_store::AuditFilter {
            action: Some(AuditAction::PanicLock),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].entry.actor, "sveta");
    assert_eq!(
        sveta
            .login("sveta", "sveta-long-password-123")
            .await
            .status(),
        303
    );
}
