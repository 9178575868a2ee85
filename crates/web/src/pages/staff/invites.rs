//! Invitations in the console: an admin invites a new member from the users page (the link is
//! shown once, and pending invitations can be withdrawn); the new member opens the link and
//! chooses their own password. Every action is one call to the accounts service.

use super::users::{UsersPage, page};
use crate::accounts::{self, AccountError};
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{Lang, Role};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
}

/// Makes an invitation and shows the users page with its link, this once (the link is never put
/// in a URL or stored readable).
pub async fn create(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    let staff = session.staff();
    let role = form.role.parse::<Role>().ok();
    let refused = match role {
        None => "error-role",
        Some(role) => match accounts::invite(&state, &staff, &form.username, role).await {
            Ok((_, link)) => {
                let mut shown = page(
                    &state,
                    lang,
                    &staff,
                    Some("flash-invite-made"),
                    None,
                    String::new(),
                    Role::Worker,
                )
                .await?;
                shown.invite_link = Some(link);
                return Ok(render(&shown));
            }
            Err(e @ (AccountError::Store(_) | AccountError::Denied(_))) => return Err(e.into()),
            Err(e) => e.message_id(),
        },
    };
    let mut shown: UsersPage<'_> = page(
        &state,
        lang,
        &staff,
        None,
        Some(refused),
        String::new(),
        Role::Worker,
    )
    .await?;
    shown.invite_username = form.username;
    shown.invite_role = role.unwrap_or(Role::Worker);
    Ok(render_invalid(&shown))
}

/// Withdraws a pending invitation.
pub async fn withdraw(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id.parse().map_err(|_| PageError::NotFound)?;
    accounts::withdraw_invite(&state, &session.staff(), id).await?;
    Ok(Redirect::to("/staff/users?done=invite-withdrawn").into_response())
}

#[derive(Template)]
#[template(path = "staff/invite.html")]
struct InvitePage<'a> {
    chrome: Chrome<'a>,
    token: String,
    /// The invitation, while its link is good; `None` shows why the link does not work.
    invite: Option<(String, String)>,
    error: Option<String>,
}

impl<'a> InvitePage<'a> {
    fn new(
        state: &'a AppState,
        lang: Lang,
        token: String,
        invite: Option<accounts::Invite>,
    ) -> Self {
        let chrome = Chrome::new(state, lang, "invite-title", "/staff/invite", None);
        InvitePage {
            invite: invite.map(|i| {
                (
                    i.username.to_string(),
                    chrome.t.get(&format!("role-{}", i.role)),
                )
            }),
            chrome,
            token,
            error: None,
        }
    }
}

/// A page for a link that does not work (used, withdrawn or expired), with a 404 status.
fn gone(page: &InvitePage<'_>) -> Response {
    let mut response = render(page);
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

#[derive(Deserialize)]
pub struct InviteQuery {
    #[serde(default)]
    token: String,
}

/// The invitation link: the username and role chosen by the admin, and the password form.
pub async fn accept_form(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(query): Query<InviteQuery>,
) -> Result<Response, PageError> {
    let invite = accounts::invited(&state, &query.token).await?;
    let missing = invite.is_none();
    let page = InvitePage::new(&state, lang, query.token, invite);
    if missing {
        return Ok(gone(&page));
    }
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Makes the account, then on to signing in; a refused password is said on the same page.
pub async fn accept(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, PageError> {
    match accounts::accept_invite(&state, &form.token, form.password, &form.confirm).await {
        Ok(Some(_)) => Ok(Redirect::to("/staff/login?done=invite-accepted").into_response()),
        Ok(None) => Ok(gone(&InvitePage::new(&state, lang, form.token, None))),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(e) => {
            let invite = accounts::invited(&state, &form.token).await?;
            let mut page = InvitePage::new(&state, lang, form.token, invite);
            page.error = Some(page.chrome.t.get(e.message_id()));
            Ok(render_invalid(&page))
        }
    }
}
