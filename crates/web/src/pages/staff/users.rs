//! Staff account administration (admins only).

use super::Done;
use crate::accounts::{self, AccountError};
use crate::auth::{AdminRole, RequireRole};
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{Lang, Role, UserId};
use netreach_store::StaffUser;
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
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage<'a> {
    chrome: Chrome<'a>,
    users: Vec<UserRow>,
    roles: Vec<(Role, String)>,
    notice: Option<String>,
    error: Option<String>,
    /// What the admin typed into the create form, kept on error.
    form_username: String,
    form_role: Role,
}

async fn page<'a>(
    state: &'a AppState,
    lang: Lang,
    actor: &StaffUser,
    notice_id: Option<&str>,
    error_id: Option<&str>,
    form_username: String,
    form_role: Role,
) -> Result<UsersPage<'a>, PageError> {
    let chrome = Chrome::new(state, lang, "users-title", "/staff/users", Some(actor));
    let mut users = Vec::new();
    for u in state.store.list_users().await? {
        let has_access = state.store.inbox_grant(u.id).await?.is_some();
        users.push(UserRow {
            id: u.id.to_string(),
            username: u.username.to_string(),
            role: u.role,
            role_label: chrome.t.get(&format!("role-{}", u.role)),
            active: u.is_active(),
            is_self: u.id == actor.id,
            created: u.created_at.date().to_string(),
            has_access,
        });
    }
    let roles = Role::ALL
        .iter()
        .map(|r| (*r, chrome.t.get(&format!("role-{r}"))))
        .collect();
    Ok(UsersPage {
        notice: notice_id.map(|id| chrome.t.get(id)),
        error: error_id.map(|id| chrome.t.get(id)),
        chrome,
        users,
        roles,
        form_username,
        form_role,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<AdminRole>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let page = page(
        &state,
        lang,
        &session.user,
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
    RequireRole(session, _): RequireRole<AdminRole>,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    let role: Option<Role> = form.role.parse().ok();
    let result = match role {
        Some(role) => {
            let inbox = session.inbox_key();
            accounts::create_user(&state, &form.username, role, form.password, inbox.as_ref()).await
        }
        None => {
            let page = page(
                &state,
                lang,
                &session.user,
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
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(e) => {
            let role = role.unwrap_or(Role::Worker);
            let page = page(
                &state,
                lang,
                &session.user,
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
    actor: &StaffUser,
    result: Result<(), AccountError>,
    done: &str,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/users?done={done}")).into_response()),
        Err(AccountError::NoSuchUser) => Err(PageError::NotFound),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(e) => {
            let page = page(
                state,
                lang,
                actor,
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
    RequireRole(session, _): RequireRole<AdminRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let result = accounts::set_disabled(&state, &session.user, user_id(&id)?, true).await;
    act(&state, lang, &session.user, result, "disabled").await
}

pub async fn enable(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<AdminRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let result = accounts::set_disabled(&state, &session.user, user_id(&id)?, false).await;
    act(&state, lang, &session.user, result, "enabled").await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<AdminRole>,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let id = user_id(&id)?;
    let Ok(role) = form.role.parse::<Role>() else {
        let page = page(
            &state,
            lang,
            &session.user,
            None,
            Some("error-role"),
            String::new(),
            Role::Worker,
        )
        .await?;
        return Ok(render_invalid(&page));
    };
    let result = accounts::set_role(&state, &session.user, id, role).await;
    act(&state, lang, &session.user, result, "role").await
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
    RequireRole(session, _): RequireRole<AdminRole>,
    Path(id): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    let id = user_id(&id)?;
    let result = if id == session.user.id {
        Err(AccountError::OwnAccount)
    } else {
        let inbox = session.inbox_key();
        accounts::set_password(&state, id, form.password, &form.confirm, inbox.as_ref()).await
    };
    act(&state, lang, &session.user, result, "reset").await
}

/// Grants a member access to conversations with the signed-in admin's inbox key.
pub async fn grant(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<AdminRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = user_id(&id)?;
    let Some(target) = state.store.user_by_id(id).await?.filter(|u| u.is_active()) else {
        return Err(PageError::NotFound);
    };
    let result = match session.inbox_key() {
        Some(inbox) => accounts::grant_access(&state, &inbox, &target).await,
        None => Err(AccountError::NoInboxAccess),
    };
    act(&state, lang, &session.user, result, "granted").await
}
