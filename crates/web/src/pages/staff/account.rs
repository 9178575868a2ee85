//! A staff member's own account: password, sessions, API tokens.

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
use netreach_core::{Lang, TokenId};
use netreach_store::ApiTokenRecord;
use serde::Deserialize;
use time::Duration;

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
        &session.user,
        form.current,
        form.password,
        &form.confirm,
    )
    .await
    {
        // Changing the password ends every session, this one included: sign in again.
        Ok(()) => Ok(Redirect::to("/staff/login?done=password").into_response()),
        Err(AccountError::Store(e)) => Err(e.into()),
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
    let tokens = token_rows(&chrome, state.store.list_api_tokens(session.user.id).await?);
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
    let name = form.name.trim().to_owned();
    let days: Option<i64> = match form.days.as_str() {
        "30" => Some(30),
        "90" => Some(90),
        "365" => Some(365),
        _ => None,
    };
    let (error, new_token) = match days {
        _ if name.is_empty() || name.chars().count() > 64 => {
            (Some(chrome.t.get("tokens-error-name")), None)
        }
        None => (Some(chrome.t.get("tokens-error-days")), None),
        Some(days) => {
            let (_, secret) = accounts::issue_api_token(
                &state,
                &session.user,
                &name,
                Some(Duration::days(days)),
                session.inbox_key().as_ref(),
            )
            .await?;
            (None, Some(secret.expose().to_owned()))
        }
    };
    let tokens = token_rows(&chrome, state.store.list_api_tokens(session.user.id).await?);
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
    if !state.store.revoke_api_token(session.user.id, id).await? {
        return Err(PageError::NotFound);
    }
    tracing::info!(user_id = %session.user.id, token_id = %id, "api token revoked");
    Ok(Redirect::to("/staff/tokens?done=revoked").into_response())
}
