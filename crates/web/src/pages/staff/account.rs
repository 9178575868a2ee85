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

#[derive(Template)]
#[template(path = "staff/account.html")]
struct AccountPage<'a> {
    chrome: Chrome<'a>,
    notice: Option<String>,
    error: Option<String>,
}

pub async fn account(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Response {
    let chrome = Chrome::new(
        &state,
        lang,
        "account-title",
        "/staff/account",
        Some(&session.user),
    );
    let notice = done.message_id().map(|id| chrome.t.get(id));
    render(&AccountPage {
        chrome,
        notice,
        error: None,
    })
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
            let chrome = Chrome::new(
                &state,
                lang,
                "account-title",
                "/staff/account",
                Some(&session.user),
            );
            Ok(render_invalid(&AccountPage {
                error: Some(chrome.t.get(e.message_id())),
                chrome,
                notice: None,
            }))
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
        Some(&session.user),
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
        Some(&session.user),
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
