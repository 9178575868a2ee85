//! The venue register in the console: the forums and channels posts go to, their rules and
//! permission, and the bot token of a Telegram venue.

use super::Done;
use super::publishing::{date, failed, page_id, shown};
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::publishing::{self as service, PublishError, VenueInput};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{Lang, Permission, VenueKind};
use netreach_store::VenueRecord;
use serde::Deserialize;

// --- venues ---

#[derive(Debug, Default, Deserialize)]
pub struct VenueForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    markup: String,
    #[serde(default)]
    rules: String,
    #[serde(default)]
    permission: String,
    /// `YYYY-MM-DD`
    #[serde(default)]
    permission_date: String,
    #[serde(default)]
    permission_contact: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    needs_approval: Option<String>,
    #[serde(default)]
    char_limit: String,
    #[serde(default)]
    telegram_chat: String,
    #[serde(default)]
    push_alerts: Option<String>,
}

impl VenueForm {
    fn blank() -> VenueForm {
        VenueForm {
            kind: "darknet_forum".into(),
            lang: "ru".into(),
            markup: "bbcode".into(),
            permission: "not_asked".into(),
            needs_approval: Some("on".into()),
            ..Default::default()
        }
    }

    fn of(v: &VenueRecord) -> VenueForm {
        VenueForm {
            name: v.name.clone(),
            kind: v.kind.to_string(),
            address: v.address.clone(),
            lang: v.lang.code().to_owned(),
            markup: v.markup.clone(),
            rules: v.rules.clone(),
            permission: v.permission.to_string(),
            permission_date: date(v.permission_at),
            permission_contact: v.permission_contact.clone(),
            notes: v.notes.clone(),
            needs_approval: v.needs_approval.then(|| "on".into()),
            char_limit: v.char_limit.map(|l| l.to_string()).unwrap_or_default(),
            telegram_chat: v.telegram_chat.clone().unwrap_or_default(),
            push_alerts: v.push_alerts.then(|| "on".into()),
        }
    }

    fn input(&self) -> Result<VenueInput, PublishError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let permission_at = match self.permission_date.trim() {
            "" => None,
            raw => Some(
                time::Date::parse(raw, &format)
                    .map_err(|_| PublishError::Invalid("permission_at"))?
                    .midnight()
                    .assume_utc(),
            ),
        };
        let char_limit = match self.char_limit.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .map_err(|_| PublishError::Invalid("char_limit"))?,
            ),
        };
        Ok(VenueInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            address: self.address.clone(),
            lang: self.lang.clone(),
            markup: self.markup.clone(),
            rules: self.rules.clone(),
            permission: self.permission.clone(),
            permission_at,
            permission_contact: self.permission_contact.clone(),
            notes: self.notes.clone(),
            needs_approval: self.needs_approval.is_some(),
            char_limit,
            telegram_chat: Some(self.telegram_chat.clone()),
            push_alerts: self.push_alerts.is_some(),
        })
    }
}

#[derive(Template)]
#[template(path = "staff/venues.html")]
struct VenuesPage<'a> {
    chrome: Chrome<'a>,
    venues: Vec<VenueRecord>,
    /// The venue being edited, if any (else the form registers a new one).
    editing: Option<VenueRecord>,
    form: VenueForm,
    kinds: &'static [VenueKind],
    permissions: &'static [Permission],
    markups: Vec<&'static str>,
    supervisor: bool,
    notice: Option<String>,
    error: Option<String>,
}

async fn venues_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    editing: Option<VenueRecord>,
    form: VenueForm,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<VenuesPage<'a>, PageError> {
    let path = match &editing {
        Some(v) => format!("/staff/venues/{}", v.id),
        None => "/staff/venues".to_owned(),
    };
    let chrome = Chrome::new(state, lang, "venues-title", &path, Some(&session));
    Ok(VenuesPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        venues: service::venues(state, &session.staff())
            .await
            .map_err(failed)?,
        editing,
        form,
        kinds: VenueKind::ALL,
        permissions: Permission::ALL,
        markups: netreach_channels::Markup::ALL
            .iter()
            .map(|m| m.as_str())
            .collect(),
        supervisor: session.user.role.includes(netreach_core::Role::Supervisor),
    })
}

pub async fn venues(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let page = venues_page(
        &state,
        lang,
        &session,
        None,
        VenueForm::blank(),
        done.message_id(),
        None,
    );
    Ok(render(&page.await?))
}

pub async fn venue(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let id = page_id(&id)?;
    let venue = service::venue(&state, &session.staff(), id)
        .await
        .map_err(|_| PageError::NotFound)?;
    let form = VenueForm::of(&venue);
    let page = venues_page(
        &state,
        lang,
        &session,
        Some(venue),
        form,
        done.message_id(),
        None,
    );
    Ok(render(&page.await?))
}

pub async fn create_venue(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<VenueForm>,
) -> Result<Response, PageError> {
    let result = match form.input() {
        Ok(input) => service::create_venue(&state, &session.staff(), input)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/staff/venues?done=venue-saved").into_response()),
        Err(e) => {
            let id = shown(e)?;
            let page = venues_page(&state, lang, &session, None, form, None, Some(id));
            Ok(render_invalid(&page.await?))
        }
    }
}

pub async fn update_venue(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<VenueForm>,
) -> Result<Response, PageError> {
    let id = page_id(&id)?;
    let venue = service::venue(&state, &session.staff(), id)
        .await
        .map_err(|_| PageError::NotFound)?;
    let result = match form.input() {
        Ok(input) => service::update_venue(&state, &session.staff(), id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/venues/{id}?done=venue-saved")).into_response()),
        Err(e) => {
            let message = shown(e)?;
            let page = venues_page(
                &state,
                lang,
                &session,
                Some(venue),
                form,
                None,
                Some(message),
            );
            Ok(render_invalid(&page.await?))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

pub async fn set_token(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let id = page_id(&id)?;
    match service::set_bot_token(&state, &session.staff(), id, &form.token).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/venues/{id}?done=token-saved")).into_response()),
        Err(e) => {
            let message = shown(e)?;
            let venue = service::venue(&state, &session.staff(), id)
                .await
                .map_err(|_| PageError::NotFound)?;
            let form = VenueForm::of(&venue);
            // The token typed is never sent back into the page.
            let page = venues_page(
                &state,
                lang,
                &session,
                Some(venue),
                form,
                None,
                Some(message),
            );
            Ok(render_invalid(&page.await?))
        }
    }
}
