//! Two-factor sign-in in the console: a member's own enrolment (QR code rendered on the server
//! as inline SVG, the secret as text, a first code, ten recovery codes shown once), turning it
//! off, and an admin's reset of someone else's.

use super::Done;
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::two_factor::{self, Enrolment, TwoFactorError};
use netreach_core::{Lang, UserId};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "staff/two_factor.html")]
struct TwoFactorPage<'a> {
    chrome: Chrome<'a>,
    enabled: bool,
    required: bool,
    must_enrol: bool,
    recovery_left: String,
    enrolment: Option<Enrolment>,
    notice: Option<String>,
    error: Option<String>,
    /// What was typed into the confirm form, kept on error.
    code: String,
}

#[derive(Template)]
#[template(path = "staff/recovery_codes.html")]
struct RecoveryCodesPage<'a> {
    chrome: Chrome<'a>,
    codes: Vec<String>,
}

async fn page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    notice: Option<&str>,
    error: Option<&str>,
    code: String,
) -> Result<TwoFactorPage<'a>, PageError> {
    let staff = session.staff();
    let status = two_factor::status(state, &staff).await?;
    let enrolment = two_factor::waiting(state, &staff).await?;
    let chrome = Chrome::new(
        state,
        lang,
        "totp-title",
        "/staff/account/totp",
        Some(&session),
    );
    Ok(TwoFactorPage {
        recovery_left: chrome.t.count(
            "totp-recovery-left",
            "count",
            i64::try_from(status.recovery_codes_left).unwrap_or(0),
        ),
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        enabled: status.enabled,
        required: status.required,
        must_enrol: staff.must_enrol(),
        enrolment,
        code,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let page = page(
        &state,
        lang,
        &session,
        done.message_id(),
        None,
        String::new(),
    )
    .await?;
    Ok(render(&page))
}

pub async fn start(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
) -> Result<Response, PageError> {
    match two_factor::start(&state, &session.staff()).await {
        Ok(_) => Ok(Redirect::to("/staff/account/totp").into_response()),
        Err(e @ TwoFactorError::AlreadyEnabled) => {
            let page = page(
                &state,
                lang,
                &session,
                None,
                Some(e.message_id()),
                String::new(),
            );
            Ok(render_invalid(&page.await?))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    code: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    match two_factor::confirm(&state, &session.staff(), &form.code).await {
        Ok(codes) => {
            let chrome = Chrome::new(
                &state,
                lang,
                "totp-recovery-title",
                "/staff/account/totp",
                Some(&session),
            );
            Ok(render(&RecoveryCodesPage { chrome, codes }))
        }
        Err(
            e @ (TwoFactorError::WrongCode
            | TwoFactorError::NotStarted
            | TwoFactorError::AlreadyEnabled),
        ) => {
            let page = page(
                &state,
                lang,
                &session,
                None,
                Some(e.message_id()),
                form.code,
            );
            Ok(render_invalid(&page.await?))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn disable(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<DisableForm>,
) -> Result<Response, PageError> {
    match two_factor::disable(&state, &session.staff(), form.password, &form.code).await {
        Ok(()) => Ok(Redirect::to("/staff/account/totp?done=totp-off").into_response()),
        Err(
            e @ (TwoFactorError::WrongCode
            | TwoFactorError::WrongPassword
            | TwoFactorError::NotEnabled
            | TwoFactorError::Required),
        ) => {
            // The password is never sent back; the code is kept.
            let page = page(
                &state,
                lang,
                &session,
                None,
                Some(e.message_id()),
                form.code,
            );
            Ok(render_invalid(&page.await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// An admin removes another member's two-factor sign-in.
pub async fn reset(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: UserId = id.parse().map_err(|_| PageError::NotFound)?;
    match two_factor::reset(&state, &session.staff(), id).await {
        Ok(()) => Ok(Redirect::to("/staff/users?done=totp-reset").into_response()),
        Err(TwoFactorError::NotEnabled) => {
            Ok(Redirect::to("/staff/users?done=totp-none").into_response())
        }
        Err(TwoFactorError::OwnAccount) => Err(PageError::Forbidden),
        Err(e) => Err(e.into()),
    }
}
