//! Team settings in the console: working hours and the away switch, canned replies.

use super::Done;
use crate::auth::{RequireRole, StaffSession, SupervisorRole};
use crate::availability::{self, ScheduleError};
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::availability::Schedule;
use netreach_core::{CannedId, Lang};
use netreach_store::CannedReply;
use serde::Deserialize;

const DAY_IDS: [&str; 7] = [
    "day-mon", "day-tue", "day-wed", "day-thu", "day-fri", "day-sat", "day-sun",
];

#[derive(Template)]
#[template(path = "staff/availability.html")]
struct AvailabilityPage<'a> {
    chrome: Chrome<'a>,
    timezone: String,
    days: Vec<(String, String)>,
    holidays: String,
    away: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AvailabilityForm {
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    mon: String,
    #[serde(default)]
    tue: String,
    #[serde(default)]
    wed: String,
    #[serde(default)]
    thu: String,
    #[serde(default)]
    fri: String,
    #[serde(default)]
    sat: String,
    #[serde(default)]
    sun: String,
    #[serde(default)]
    holidays: String,
    #[serde(default)]
    away: String,
}

impl AvailabilityForm {
    fn days(&self) -> [String; 7] {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
        .map(|d| d.trim().to_owned())
    }
}

fn availability_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    form: AvailabilityForm,
    notice: Option<&str>,
    error: Option<&str>,
) -> AvailabilityPage<'a> {
    let chrome = Chrome::new(
        state,
        lang,
        "availability-title",
        "/staff/availability",
        Some(&session.user),
    );
    let days = DAY_IDS
        .iter()
        .zip(form.days())
        .map(|(id, value)| (chrome.t.get(id), value))
        .collect();
    AvailabilityPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        timezone: form.timezone,
        days,
        holidays: form.holidays,
        away: form.away == "1",
    }
}

pub async fn availability_form(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<SupervisorRole>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let form = match state.store.availability().await? {
        Some(record) => {
            let days = Schedule::days_from_text(&record.hours).unwrap_or_default();
            let text = |i: usize| days[i].map(|h| h.to_string()).unwrap_or_default();
            AvailabilityForm {
                timezone: record.timezone,
                mon: text(0),
                tue: text(1),
                wed: text(2),
                thu: text(3),
                fri: text(4),
                sat: text(5),
                sun: text(6),
                holidays: record.holidays.replace(' ', "\n"),
                away: if record.away {
                    "1".into()
                } else {
                    String::new()
                },
            }
        }
        None => AvailabilityForm {
            timezone: "Europe/Moscow".into(),
            ..AvailabilityForm::default()
        },
    };
    Ok(render(&availability_page(
        &state,
        lang,
        &session,
        form,
        done.message_id(),
        None,
    )))
}

pub async fn save_availability(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<SupervisorRole>,
    Form(form): Form<AvailabilityForm>,
) -> Result<Response, PageError> {
    match availability::validate(
        &form.timezone,
        &form.days(),
        &form.holidays,
        form.away == "1",
        state.clock.now(),
    ) {
        Ok(record) => {
            state.store.put_availability(record).await?;
            Ok(Redirect::to("/staff/availability?done=saved").into_response())
        }
        Err(e) => {
            let id: &'static str = ScheduleError::message_id(&e);
            Ok(render_invalid(&availability_page(
                &state,
                lang,
                &session,
                form,
                None,
                Some(id),
            )))
        }
    }
}

#[derive(Deserialize)]
pub struct AwayForm {
    #[serde(default)]
    away: String,
}

/// The manual away switch, for any staff member on duty.
pub async fn set_away(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<AwayForm>,
) -> Result<Response, PageError> {
    let away = form.away == "1";
    if !state.store.set_away(away, state.clock.now()).await? {
        // No schedule yet: store one with no hours, only the switch.
        let record =
            availability::validate("UTC", &Default::default(), "", away, state.clock.now())
                .map_err(|e| PageError::Internal(e.to_string()))?;
        state.store.put_availability(record).await?;
    }
    tracing::info!(user_id = %session.user.id, away, "away switch changed");
    Ok(Redirect::to("/staff/?done=away").into_response())
}

#[derive(Template)]
#[template(path = "staff/canned.html")]
struct CannedPage<'a> {
    chrome: Chrome<'a>,
    replies: Vec<CannedReply>,
    editing: Option<String>,
    title: String,
    body: String,
    form_lang: Lang,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    lang: String,
}

async fn canned_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    editing: Option<CannedReply>,
    form: Option<CannedForm>,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<CannedPage<'a>, PageError> {
    let chrome = Chrome::new(
        state,
        lang,
        "canned-title",
        "/staff/canned",
        Some(&session.user),
    );
    let replies = state.store.canned_replies(None).await?;
    let (title, body, form_lang) = match (form, &editing) {
        (Some(f), _) => (f.title, f.body, Lang::parse(&f.lang).unwrap_or(lang)),
        (None, Some(r)) => (r.title.clone(), r.body.clone(), r.lang),
        (None, None) => (String::new(), String::new(), lang),
    };
    Ok(CannedPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        replies,
        editing: editing.map(|r| r.id.to_string()),
        title,
        body,
        form_lang,
    })
}

pub async fn canned_list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<SupervisorRole>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    Ok(render(
        &canned_page(&state, lang, &session, None, None, done.message_id(), None).await?,
    ))
}

pub async fn canned_edit(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<SupervisorRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: CannedId = id.parse().map_err(|_| PageError::NotFound)?;
    let reply = state
        .store
        .canned_reply(id)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok(render(
        &canned_page(&state, lang, &session, Some(reply), None, None, None).await?,
    ))
}

async fn save(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: CannedId,
    existing: Option<CannedReply>,
    form: CannedForm,
) -> Result<Response, PageError> {
    let title = form.title.trim().to_owned();
    let body = form.body.trim().to_owned();
    let reply_lang = Lang::parse(&form.lang);
    let error = if title.is_empty() || title.chars().count() > 100 {
        Some("error-canned-title")
    } else if body.is_empty()
        || body.chars().count() > state.settings.conversations.max_message_chars
    {
        Some("error-canned-body")
    } else if reply_lang.is_none() {
        Some("error-canned-lang")
    } else {
        None
    };
    if let Some(error) = error {
        let page = canned_page(
            state,
            lang,
            session,
            existing,
            Some(form),
            None,
            Some(error),
        )
        .await?;
        return Ok(render_invalid(&page));
    }
    state
        .store
        .put_canned_reply(CannedReply {
            id,
            lang: reply_lang.unwrap_or(lang),
            title,
            body,
            updated_at: state.clock.now(),
        })
        .await?;
    Ok(Redirect::to("/staff/canned?done=canned").into_response())
}

pub async fn canned_create(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<SupervisorRole>,
    Form(form): Form<CannedForm>,
) -> Result<Response, PageError> {
    save(&state, lang, &session, CannedId::new_random(), None, form).await
}

pub async fn canned_update(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    RequireRole(session, _): RequireRole<SupervisorRole>,
    Path(id): Path<String>,
    Form(form): Form<CannedForm>,
) -> Result<Response, PageError> {
    let id: CannedId = id.parse().map_err(|_| PageError::NotFound)?;
    let existing = state
        .store
        .canned_reply(id)
        .await?
        .ok_or(PageError::NotFound)?;
    save(&state, lang, &session, id, Some(existing), form).await
}

pub async fn canned_delete(
    State(state): State<AppState>,
    RequireRole(_session, _): RequireRole<SupervisorRole>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: CannedId = id.parse().map_err(|_| PageError::NotFound)?;
    if !state.store.delete_canned_reply(id).await? {
        return Err(PageError::NotFound);
    }
    Ok(Redirect::to("/staff/canned?done=canned-deleted").into_response())
}
