//! Staff account administration (admins only; the accounts service asks the policy).

use super::Done;
use crate::accounts::{self, AccountError};
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::policy::Staff;
use netreach_core::{Lang, Role, UserId};
use serde::Deserialize;

struct UserRow {
    id: String,
    username: String,
    role: Role,
    role_label: String,
    active: bool,
    is_self: bool,
    created: String,
    has_access: bool,
    totp: bool,
}

#[derive(Template)]
#[template(path = "staff/users.html")]
pub(super) struct UsersPage<'a> {
    chrome: Chrome<'a>,
    users: Vec<UserRow>,
    roles: Vec<(Role, String)>,
    notice: Option<String>,
    error: Option<String>,
    /// What the admin typed into the create form, kept on error.
    form_username: String,
    form_role: Role,
    /// Pending invitations.
    pub(super) invites: Vec<InviteRow>,
    /// A link just made, shown this once.
    pub(super) invite_link: Option<String>,
    /// What the admin typed into the invitation form, kept on error.
    pub(super) invite_username: String,
    pub(super) invite_role: Role,
}

pub(super) struct InviteRow {
    id: String,
    username: String,
    role_label: String,
    expires: String,
}

pub(super) async fn page<'a>(
    state: &'a AppState,
    lang: Lang,
    staff: &Staff,
    notice_id: Option<&str>,
    error_id: Option<&str>,
    form_username: String,
    form_role: Role,
) -> Result<UsersPage<'a>, PageError> {
    let summaries = accounts::users_page(state, staff).await?;
    let chrome = Chrome::new(
        state,
        lang,
        "users-title",
        "/staff/users",
        Some(&staff.user),
    );
    let users = summaries
        .into_iter()
        .map(|s| UserRow {
            id: s.user.id.to_string(),
            username: s.user.username.to_string(),
            role: s.user.role,
            role_label: chrome.t.get(&format!("role-{}", s.user.role)),
            active: s.user.is_active(),
            is_self: s.user.id == staff.user.id,
            created: s.user.created_at.date().to_string(),
            has_access: s.has_access,
            totp: s.user.totp_enabled,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| (*r, chrome.t.get(&format!("role-{r}"))))
        .collect();
    let invites = accounts::invites(state, staff)
        .await?
        .into_iter()
        .map(|i| InviteRow {
            id: i.id.to_string(),
            username: i.username.to_string(),
            role_label: chrome.t.get(&format!("role-{}", i.role)),
            expires: super::account::minute(i.expires_at),
        })
        .collect();
    Ok(UsersPage {
        notice: notice_id.map(|id| chrome.t.get(id)),
        error: error_id.map(|id| chrome.t.get(id)),
        chrome,
        users,
        roles,
        form_username,
        form_role,
        invites,
        invite_link: None,
        invite_username: String::new(),
        invite_role: Role::Worker,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let page = page(
        &state,
        lang,
        &session.staff(),
        done.message_id(),
        None,
        String::new(),
        Role::Worker,
    )
    .await?;
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let role: Option<Role> = form.role.parse().ok();
    let result = match role {
        Some(role) => {
            accounts::create_user(&state, &staff, &form.username, role, form.password).await
        }
        None => {
            let page = page(
                &state,
                lang,
                &staff,
                None,
                Some("error-role"),
                form.username,
                Role::Worker,
            )
            .await?;
            return Ok(render_invalid(&page));
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to("/staff/users?done=created").into_response()),
        Err(e @ (AccountError::Store(_) | AccountError::Denied(_))) => Err(e.into()),
        Err(e) => {
            let role = role.unwrap_or(Role::Worker);
            let page = page(
                &state,
                lang,
                &staff,
                None,
                Some(e.message_id()),
                form.username,
                role,
            )
            .await?;
            Ok(render_invalid(&page))
        }
    }
}

fn user_id(raw: &str) -> Result<UserId, PageError> {
    raw.parse().map_err(|_| PageError::NotFound)
}

/// Runs an admin action on another account and redirects back with a confirmation, or shows
/// the list again with the reason it was refused.
async fn act(
    state: &AppState,
    lang: Lang,
    staff: &Staff,
    result: Result<(), AccountError>,
    done: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/users?done={done}")).into_response()),
        Err(e @ (AccountError::NoSuchUser | AccountError::Store(_) | AccountError::Denied(_))) => {
            Err(e.into())
        }
        Err(e) => {
            let page = page(
                state,
                lang,
                staff,
                None,
                Some(e.message_id()),
                String::new(),
                Role::Worker,
            )
            .await?;
            Ok(render_invalid(&page))
        }
    }
}

pub async fn disable(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let result = accounts::set_disabled(&state, &staff, user_id(&id)?, true).await;
    act(&state, lang, &staff, result, "disabled").await
}

/// Signs a member out everywhere: every session and API token of theirs ends.
pub async fn revoke(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let result = netreach_app::sessions::revoke_user_access(&state, &staff, user_id(&id)?)
        .await
        .map(|_| ());
    act(&state, lang, &staff, result, "user-revoked").await
}

pub async fn enable(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let result = accounts::set_disabled(&state, &staff, user_id(&id)?, false).await;
    act(&state, lang, &staff, result, "enabled").await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let id = user_id(&id)?;
    let Ok(role) = form.role.parse::<Role>() else {
        let page = page(
            &state,
            lang,
            &staff,
            None,
            Some("error-role"),
            String::new(),
            Role::Worker,
        )
        .await?;
        return Ok(render_invalid(&page));
    };
    let result = accounts::set_role(&state, &staff, id, role).await;
    act(&state, lang, &staff, result, "role").await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let result =
        accounts::reset_password(&state, &staff, user_id(&id)?, form.password, &form.confirm).await;
    act(&state, lang, &staff, result, "reset").await
}

/// Grants a member access to conversations with the signed-in admin's inbox key.
pub async fn grant(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let result = accounts::grant_access(&state, &staff, user_id(&id)?).await;
    act(&state, lang, &staff, result, "granted").await
}
