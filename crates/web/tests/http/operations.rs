//! The admin dashboard's first-run checklist: what it flags, in both languages, and confirming
//! the recovery key from it.

use netreach_core::{AuditAction, Clock, Role};
use netreach_store::Milestone;
use netreach_testkit::{TestApp, TestDb};
use time::Duration;

/// The `data-check` ids of the checklist on a dashboard page.
fn checks(page: &str) -> Vec<String> {
    page.split("data-check=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_admin_dashboard_lists_what_would_hurt_and_each_item_goes_when_fixed() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("anna", Role::Admin).await;
    app.inbox_key().await;
    let page = admin.get_text("/staff/").await;
    assert!(page.contains("Before you rely on this server"), "{page}");
    let found = checks(&page);
    for expected in [
        "check-public-url",
        "check-emergency-number",
        "check-one-admin",
        "check-no-backup",
        "check-recovery-key",
    ] {
        assert!(
            found.iter().any(|c| c == expected),
            "{expected} not in {found:?}"
        );
    }
    assert!(page.contains("(112)"), "the default number is named");

    // A second admin, a recent backup and the confirmed recovery key clear their items.
    app.create_user("boris", Role::Admin, "boris-long-password-123")
        .await;
    app.state
        .store
        .set_milestone(Milestone::Backup, app.clock.now() - Duration::days(10))
        .await
        .unwrap();
    let page = admin.get_text("/staff/").await;
    let found = checks(&page);
    assert!(!found.iter().any(|c| c == "check-one-admin"), "{found:?}");
    assert!(found.iter().any(|c| c == "check-old-backup"), "{found:?}");
    assert!(page.contains("10 days old"), "{page}");
    app.state
        .store
        .set_milestone(Milestone::Backup, app.clock.now())
        .await
        .unwrap();
    let confirmed = admin.post_form("/staff/checklist/recovery-key", &[]).await;
    assert_eq!(confirmed.status(), 303);
    assert_eq!(
        crate::audit::last(&app).await,
        (
            "anna".to_owned(),
            AuditAction::RecoveryKeyConfirmed,
            String::new()
        )
    );
    let page = admin.get_text("/staff/?done=recovery-key").await;
    assert!(page.contains("the recovery key is written down"), "{page}");
    let found = checks(&page);
    assert_eq!(
        found,
        ["check-public-url", "check-emergency-number"],
        "only the settings remain"
    );

    // Russian, with its plural forms.
    app.state
        .store
        .set_milestone(Milestone::Backup, app.clock.now() + Duration::days(1))
        .await
        .unwrap();
    app.clock.advance(Duration::days(22));
    // (The sessions ended meanwhile: a new admin signs in.)
    let (admin, _) = app.signed_in("rita", Role::Admin).await;
    let page = admin.get_text("/staff/?lang=ru").await;
    assert!(
        page.contains("Прежде чем полагаться на этот сервер"),
        "{page}"
    );
    assert!(page.contains("Последней резервной копии 21 день"), "{page}");

    // Workers and supervisors see no checklist and cannot confirm the key.
    let (worker, _) = app.signed_in("vera", Role::Supervisor).await;
    let page = worker.get_text("/staff/").await;
    assert!(
        checks(&page).is_empty() && !page.contains("checklist"),
        "{page}"
    );
    assert_eq!(
        worker
            .post_form("/staff/checklist/recovery-key", &[])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn settings_that_are_right_for_production_leave_only_the_database_checks() {
    let db = TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| {
        s.public_url =
            Some("http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion".into());
        s.secure_cookies = false;
        s.conversations.emergency_number = "103".into();
        // A staff-chat bot whose API does not answer.
        s.notify.telegram_bot_token = Some("123:token".to_owned().into());
        s.notify.telegram_chat_id = Some("-100".into());
        s.notify.telegram_api_base = "http://127.0.0.1:9".into();
        // An SMTP server that does not answer.
        s.email.smtp_url = Some("smtp://127.0.0.1:9".to_owned().into());
        s.email.from = Some("netreach@example.org".into());
    })
    .await;
    let (admin, _) = app.signed_in("anna", Role::Admin).await;
    let page = admin.get_text("/staff/").await;
    let found = checks(&page);
    assert!(
        found.iter().any(|c| c == "check-secure-cookies"),
        "{found:?}"
    );
    assert!(found.iter().any(|c| c == "check-unreachable"), "{found:?}");
    assert!(page.contains("notify.telegram_bot_token"), "{page}");
    assert!(page.contains("email.smtp_url"), "{page}");
    assert!(!page.contains("123:token"), "the token is never shown");
    assert!(
        !found
            .iter()
            .any(|c| c == "check-public-url" || c == "check-emergency-number")
    );
}

#[tokio::test]
async fn an_smtp_server_that_answers_is_not_flagged() {
    let smtp = netreach_testkit::FakeSmtp::start().await;
    let db = TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let url = smtp.url.clone();
    let app = TestApp::spawn_on(db, move |s| {
        s.email.smtp_url = Some(url.into());
        s.email.from = Some("netreach@example.org".into());
    })
    .await;
    let (admin, _) = app.signed_in("anna", Role::Admin).await;
    let page = admin.get_text("/staff/").await;
    assert!(!page.contains("email.smtp_url"), "{page}");
    assert!(
        checks(&page).iter().any(|c| c == "check-one-admin"),
        "the list is there"
    );
}
