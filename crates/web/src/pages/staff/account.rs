//! A staff member's own account: password, sessions, API tokens.

use super::Done;
use crate::accounts::{self, AccountError, TokenError};
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{Lang, TokenId};
use netreach_store::ApiTokenRecord;
use serde::Deserialize;

/// One of the member's own sessions, formatted for display.
struct SessionRow {
    id: String,
    started: String,
    last_seen: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "staff/account.html")]
struct AccountPage<'a> {
    chrome: Chrome<'a>,
    notice: Option<String>,
    error: Option<String>,
    sessions: Vec<SessionRow>,
    /// Supervisors and admins see the panic lock.
    may_panic: bool,
    panic_error: Option<String>,
}

pub(super) fn minute(at: time::OffsetDateTime) -> String {
    at.format(&time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

async fn account_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    notice: Option<&str>,
    error: Option<&str>,
    panic_error: Option<&str>,
) -> Result<AccountPage<'a>, PageError> {
    let chrome = Chrome::new(
        state,
        lang,
        "account-title",
        "/staff/account",
        Some(&session),
    );
    let staff = session.staff();
    let sessions =
        match netreach_app::sessions::own_sessions(state, &staff, &session.session_hash).await {
            Ok(sessions) => sessions,
            Err(AccountError::Store(e)) => return Err(e.into()),
            Err(e) => return Err(PageError::Internal(e.to_string())),
        };
    Ok(AccountPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        panic_error: panic_error.map(|id| chrome.t.get(id)),
        chrome,
        sessions: sessions
            .into_iter()
            .map(|s| SessionRow {
                id: s.id,
                started: minute(s.created_at),
                last_seen: minute(s.last_seen_at),
                current: s.current,
            })
            .collect(),
        may_panic: staff.may(netreach_app::policy::Action::PanicLock).is_ok(),
    })
}

pub async fn account(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let page = account_page(&state, lang, &session, done.message_id(), None, None).await?;
    Ok(render(&page))
}

/// "Sign out this device" for one of the member's own sessions.
pub async fn end_session(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    match netreach_app::sessions::end_own_session(
        &state,
        &session.staff(),
        &id,
        &session.session_hash,
    )
    .await
    {
        Ok(netreach_app::sessions::Ended::This) => Ok(Redirect::to("/staff/login").into_response()),
        Ok(_) => Ok(Redirect::to("/staff/account?done=session-ended").into_response()),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(e) => Err(PageError::Internal(e.to_string())),
    }
}

#[derive(Deserialize)]
pub struct PanicForm {
    #[serde(default)]
    confirm: String,
}

/// The panic lock: every staff session and API token ends, on every node.
pub async fn panic_lock(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<PanicForm>,
) -> Result<Response, PageError> {
    if form.confirm != "yes" {
        let page = account_page(
            &state,
            lang,
            &session,
            None,
            None,
            Some("error-panic-confirm"),
        )
        .await?;
        return Ok(render_invalid(&page));
    }
    match netreach_app::sessions::panic_lock(&state, &session.staff()).await {
        Ok(_) => Ok(Redirect::to("/staff/login?done=panic").into_response()),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(AccountError::Denied(denied)) => Err(denied.into()),
        Err(e) => Err(PageError::Internal(e.to_string())),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    match accounts::change_own_password(
        &state,
        &session.staff(),
        form.current,
        form.password,
        &form.confirm,
    )
    .await
    {
        // Changing the password ends every session, this one included: sign in again.
        Ok(()) => Ok(Redirect::to("/staff/login?done=password").into_response()),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(AccountError::Denied(denied)) => Err(denied.into()),
        Err(e) => {
            let page =
                account_page(&state, lang, &session, None, Some(e.message_id()), None).await?;
            Ok(render_invalid(&page))
        }
    }
}

/// One row of the token list, formatted for display.
struct TokenRow {
    id: String,
    name: String,
    created: String,
    last_used: String,
    expires: String,
}

#[derive(Template)]
#[template(path = "staff/tokens.html")]
struct TokensPage<'a> {
    chrome: Chrome<'a>,
    tokens: Vec<TokenRow>,
    notice: Option<String>,
    error: Option<String>,
    new_token: Option<String>,
    name: String,
}

/// A failure of the token service that is not about what was typed.
fn token_failure(e: TokenError) -> PageError {
    match e {
        TokenError::Denied(denied) => denied.into(),
        TokenError::NoSuchToken => PageError::NotFound,
        TokenError::Store(e) => e.into(),
        other => PageError::Internal(other.to_string()),
    }
}

fn day(at: time::OffsetDateTime) -> String {
    at.date().to_string()
}

fn token_rows(chrome: &Chrome<'_>, tokens: Vec<ApiTokenRecord>) -> Vec<TokenRow> {
    let never = chrome.t.get("tokens-never");
    tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            created: day(t.created_at),
            last_used: t.last_used_at.map(day).unwrap_or_else(|| never.clone()),
            expires: t.expires_at.map(day).unwrap_or_else(|| never.clone()),
        })
        .collect()
}

pub async fn tokens(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(
        &state,
        lang,
        "tokens-title",
        "/staff/tokens",
        Some(&session),
    );
    let tokens = accounts::own_tokens(&state, &session.staff())
        .await
        .map_err(token_failure)?;
    let tokens = token_rows(&chrome, tokens);
    let notice = done.message_id().map(|id| chrome.t.get(id));
    Ok(render(&TokensPage {
        chrome,
        tokens,
        notice,
        error: None,
        new_token: None,
        name: String::new(),
    }))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(
        &state,
        lang,
        "tokens-title",
        "/staff/tokens",
        Some(&session),
    );
    let staff = session.staff();
    let name = form.name.trim().to_owned();
    // Only the lifetimes the form offers, spelt as it spells them.
    let days = accounts::TOKEN_LIFETIME_DAYS
        .into_iter()
        .find(|d| d.to_string() == form.days);
    let (error, new_token) = match accounts::issue_own_token(&state, &staff, &name, days).await {
        Ok(secret) => (None, Some(secret.expose().to_owned())),
        Err(e @ (TokenError::Name | TokenError::Lifetime)) => {
            (Some(chrome.t.get(e.message_id())), None)
        }
        Err(e) => return Err(token_failure(e)),
    };
    let tokens = accounts::own_tokens(&state, &staff)
        .await
        .map_err(token_failure)?;
    let tokens = token_rows(&chrome, tokens);
    let page = TokensPage {
        chrome,
        tokens,
        notice: None,
        name: if error.is_some() { name } else { String::new() },
        error,
        new_token,
    };
    Ok(if page.error.is_some() {
        render_invalid(&page)
    } else {
        render(&page)
    })
}

pub async fn revoke_token(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: TokenId = id.parse().map_err(|_| PageError::NotFound)?;
    accounts::revoke_own_token(&state, &session.staff(), id)
        .await
        .map_err(token_failure)?;
    Ok(Redirect::to("/staff/tokens?done=revoked").into_response())
}
