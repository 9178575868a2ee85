//! Invitations: an admin invites a new member, who opens the one-time link and chooses their own
//! password; the link works once and for three days, can be withdrawn, and only admins make one.

use crate::admin;
use netreach_core::{Role, Username};
use netreach_testkit::TestApp;

/// The invitation link on the users page, as the admin copies it.
fn link_in(html: &str) -> String {
    let marker = "id=\"invite-link\" class=\"link\" value=\"";
    let start = html.find(marker).expect("the link is shown") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end]
        .replace("&#x3d;", "=")
        .replace("&amp;", "&")
}

async fn invite(
    admin: &netreach_testkit::Browser,
    username: &str,
    role: &str,
) -> reqwest::Response {
    admin
        .post_form(
            "/staff/users/invite",
            &[("username", username), ("role", role)],
        )
        .await
}

#[tokio::test]
async fn an_invited_member_chooses_their_own_password_and_the_link_works_once() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let made = invite(&admin, "Vera", "supervisor").await;
    assert_eq!(made.status(), 200);
    let page = made.text().await.unwrap();
    assert!(page.contains("The invitation was made."));
    let link = link_in(&page);
    assert!(link.starts_with("/staff/invite?token=nr_"), "{link}");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    assert!(
        !admin.get_text("/staff/users").await.contains(&token),
        "the link is shown only once"
    );
    assert!(
        admin
            .get_text("/staff/users")
            .await
            .contains("<td>vera</td>")
    );
    let raw = app.db.raw_contents().await;
    assert!(!raw.contains(&token), "only a hash of the token is stored");

    // The new member, in another browser, with Russian as their language.
    let vera = app.new_browser();
    let form = vera.get_text(&format!("{link}&lang=ru")).await;
    assert!(form.contains("Вас пригласили как vera"), "{form}");
    let mismatch = vera
        .post_form(
            "/staff/invite",
            &[
                ("token", &token),
                ("password", "vera chooses this one"),
                ("confirm", "vera chose another"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    assert!(
        mismatch.text().await.unwrap().contains("name=\"token\""),
        "the form again"
    );
    let weak = vera
        .post_form(
            "/staff/invite",
            &[
                ("token", &token),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status(), 422);
    let accepted = vera
        .post_form(
            "/staff/invite",
            &[
                ("token", &token),
                ("password", "vera chooses this one"),
                ("confirm", "vera chooses this one"),
            ],
        )
        .await;
    assert_eq!(
        accepted.headers()["location"],
        "/staff/login?done=invite-accepted"
    );
    assert!(
        vera.get_text("/staff/login?done=invite-accepted")
            .await
            .contains("Ваша учётная запись готова")
    );
    assert_eq!(
        vera.login("vera", "vera chooses this one").await.status(),
        303
    );
    let user = app
        .state
        .store
        .user_by_username(&Username::parse("vera").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, Role::Supervisor);
    assert!(
        app.state
            .store
            .inbox_grant(user.id)
            .await
            .unwrap()
            .is_none(),
        "conversations wait for an admin's grant"
    );
    let users = admin.get_text("/staff/users").await;
    assert!(
        users.contains(&format!("/staff/users/{}/grant", user.id)),
        "the admin can grant access now"
    );

    // Used: the link works no more.
    let again = app.new_browser().get(&link).await;
    assert_eq!(again.status(), 404);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("This invitation link does not work")
    );
    let reused = app
        .new_browser()
        .post_form(
            "/staff/invite",
            &[
                ("token", &token),
                ("password", "someone else now"),
                ("confirm", "someone else now"),
            ],
        )
        .await;
    assert_eq!(reused.status(), 404);
    assert_eq!(
        app.new_browser()
            .login("vera", "someone else now")
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn invitations_are_refused_for_taken_names_withdrawn_expire_and_are_for_admins_only() {
    let app = TestApp::spawn().await;
    let admin = admin(&app).await;
    let taken = invite(&admin, "root", "worker").await;
    assert_eq!(taken.status(), 422);
    let page = taken.text().await.unwrap();
    assert!(page.contains("This username is already taken."));
    assert!(
        page.contains("id=\"invite-username\" name=\"username\" value=\"root\""),
        "kept"
    );
    let no_role = invite(&admin, "mila", "overlord").await;
    assert_eq!(no_role.status(), 422);
    assert!(no_role.text().await.unwrap().contains("Choose a role"));
    let bad = invite(&admin, "x", "worker").await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("at least 3 characters"));

    let first = link_in(&invite(&admin, "lena", "worker").await.text().await.unwrap());
    let twice = invite(&admin, "lena", "worker").await;
    assert_eq!(twice.status(), 422, "one pending invitation per name");
    let now = netreach_core::Clock::now(&*app.clock);
    let pending = app.state.store.list_invites(now).await.unwrap();
    assert_eq!(pending.len(), 1);
    let withdrawn = admin
        .post_form(
            &format!("/staff/users/invites/{}/withdraw", pending[0].id),
            &[],
        )
        .await;
    assert_eq!(
        withdrawn.headers()["location"],
        "/staff/users?done=invite-withdrawn"
    );
    assert_eq!(app.new_browser().get(&first).await.status(), 404);

    let second = link_in(&invite(&admin, "lena", "worker").await.text().await.unwrap());
    assert_eq!(app.new_browser().get(&second).await.status(), 200);
    app.clock.advance(time::Duration::days(3));
    assert_eq!(
        app.new_browser().get(&second).await.status(),
        404,
        "expired"
    );

    let (supervisor, _) = app.signed_in("sam", Role::Supervisor).await;
    assert_eq!(invite(&supervisor, "mila", "worker").await.status(), 403);
}
