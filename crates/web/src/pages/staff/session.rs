//! Signing in and out, and the first-run setup page.

use super::Done;
use crate::accounts::{self, AccountError, LoginError, SignedIn};
use crate::auth::{
    PENDING_COOKIE, StaffSession, clear_session_cookie, pending_cookie, session_cookie,
};
use crate::error::PageError;
use crate::middleware::cookie;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::operations;
use netreach_core::Lang;
use netreach_crypto::SecretToken;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage<'a> {
    chrome: Chrome<'a>,
    username: String,
    error: Option<String>,
    notice: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(done): Query<Done>,
) -> Response {
    let chrome = Chrome::new(&state, lang, "login-title", "/staff/login", None);
    let notice = done.message_id().map(|id| chrome.t.get(id));
    render(&LoginPage {
        chrome,
        username: String::new(),
        error: None,
        notice,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// The sign-in's second step: the code from the authenticator app, or a recovery code.
#[derive(Template)]
#[template(path = "staff/login_code.html")]
struct CodePage<'a> {
    chrome: Chrome<'a>,
    code: String,
    error: Option<String>,
}

fn with_cookie(mut response: Response, value: &str) -> Response {
    if let Ok(value) = value.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The message for a refused sign-in (password or code step).
fn login_error(chrome: &Chrome<'_>, e: &LoginError) -> String {
    match e {
        LoginError::Locked { minutes } => {
            let wait = chrome.t.count("duration-minutes", "count", *minutes);
            chrome.t.with("login-error-locked", "wait", &wait)
        }
        LoginError::Disabled => chrome.t.get("login-error-disabled"),
        LoginError::CodeRequired | LoginError::WrongCode => chrome.t.get("login-error-code"),
        LoginError::Expired => chrome.t.get("login-error-expired"),
        LoginError::Invalid | LoginError::Store(_) => chrome.t.get("login-error-invalid"),
    }
}

pub async fn login(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, "login-title", "/staff/login", None);
    let error = match accounts::sign_in(&state, &form.username, form.password).await {
        // A member who must still enrol is sent on to enrolment by the guard.
        Ok(SignedIn::Session(token)) => {
            let response = Redirect::to("/staff/").into_response();
            return Ok(with_cookie(response, &session_cookie(&state, &token)));
        }
        Ok(SignedIn::NeedsCode(pending)) => {
            let chrome = Chrome::new(&state, lang, "login-code-title", "/staff/login", None);
            let page = render(&CodePage {
                chrome,
                code: String::new(),
                error: None,
            });
            return Ok(with_cookie(page, &pending_cookie(&state, Some(&pending))));
        }
        Err(LoginError::Store(e)) => return Err(e.into()),
        Err(e) => login_error(&chrome, &e),
    };
    Ok(render_invalid(&LoginPage {
        chrome,
        username: form.username,
        error: Some(error),
        notice: None,
    }))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn login_code(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, PageError> {
    let pending = cookie(&headers, PENDING_COOKIE)
        .map(|value| SecretToken::from_presented(&value))
        .unwrap_or_else(|| SecretToken::from_presented(""));
    match accounts::complete_sign_in(&state, &pending, &form.code).await {
        Ok(token) => {
            let response = Redirect::to("/staff/").into_response();
            let response = with_cookie(response, &pending_cookie(&state, None));
            Ok(with_cookie(response, &session_cookie(&state, &token)))
        }
        Err(LoginError::Store(e)) => Err(e.into()),
        // Start again from the password.
        Err(e @ LoginError::Expired) => {
            let chrome = Chrome::new(&state, lang, "login-title", "/staff/login", None);
            let page = render_invalid(&LoginPage {
                error: Some(login_error(&chrome, &e)),
                chrome,
                username: String::new(),
                notice: None,
            });
            Ok(with_cookie(page, &pending_cookie(&state, None)))
        }
        Err(e) => {
            let chrome = Chrome::new(&state, lang, "login-code-title", "/staff/login", None);
            Ok(render_invalid(&CodePage {
                error: Some(login_error(&chrome, &e)),
                chrome,
                code: form.code,
            }))
        }
    }
}

fn signed_out(state: &AppState, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    if let Ok(value) = clear_session_cookie(state).parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

pub async fn logout(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Response, PageError> {
    accounts::end_session(&state, &session.staff(), &session.session_hash).await?;
    Ok(signed_out(&state, "/staff/login"))
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Response, PageError> {
    accounts::end_all_sessions(&state, &session.staff()).await?;
    Ok(signed_out(&state, "/staff/login?done=everywhere"))
}

#[derive(Template)]
#[template(path = "staff/setup.html")]
struct SetupPage<'a> {
    chrome: Chrome<'a>,
    token: String,
    username: String,
    error: Option<String>,
}

/// Shown once, right after setup: the recovery phrase that also opens the inbox key.
#[derive(Template)]
#[template(path = "staff/recovery.html")]
struct RecoveryPage<'a> {
    chrome: Chrome<'a>,
    words: Vec<String>,
    words_label: String,
    written_token: Option<String>,
}

#[derive(Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    token: String,
}

pub async fn setup_form(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(query): Query<SetupQuery>,
) -> Result<Response, PageError> {
    if !accounts::setup_link_valid(&state, &query.token).await? {
        return Err(PageError::NotFound);
    }
    let chrome = Chrome::new(&state, lang, "setup-title", "/staff/setup", None);
    Ok(render(&SetupPage {
        chrome,
        token: query.token,
        username: "admin".into(),
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct WrittenForm {
    #[serde(default)]
    token: String,
}

/// "I have written it down" under the recovery key: recorded for the first-run checklist, then
/// on to signing in.
pub async fn recovery_written(
    State(state): State<AppState>,
    Form(form): Form<WrittenForm>,
) -> Result<Response, PageError> {
    if !operations::confirm_written_with_token(&state, &form.token).await? {
        return Err(PageError::NotFound);
    }
    Ok(Redirect::to("/staff/login?done=setup").into_response())
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn setup(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Form(form): Form<SetupForm>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, "setup-title", "/staff/setup", None);
    match accounts::complete_setup(
        &state,
        &form.token,
        &form.username,
        form.password,
        &form.confirm,
    )
    .await
    {
        Ok(Some((user, phrase))) => {
            tracing::info!(user_id = %user.id, "first admin created through the setup link");
            let chrome = Chrome::new(&state, lang, "recovery-title", "/staff/setup", None);
            let words: Vec<String> = phrase.split_whitespace().map(str::to_owned).collect();
            Ok(render(&RecoveryPage {
                words_label: chrome
                    .t
                    .count("recovery-key-words", "count", words.len() as i64),
                written_token: operations::recovery_written_token(&state).await?,
                words,
                chrome,
            }))
        }
        Ok(None) => Err(PageError::NotFound),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(e) => Ok(render_invalid(&SetupPage {
            error: Some(chrome.t.get(e.message_id())),
            chrome,
            token: form.token,
            username: form.username,
        })),
    }
}
