//! Team settings in the console: working hours and the away switch, canned replies (the team
//! service asks the policy).

use super::Done;
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::team::{self, CannedDraft, CannedReplies, ScheduleForm, TeamError};
use netreach_core::{CannedId, Lang, Status};
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

    fn schedule(&self) -> ScheduleForm {
        ScheduleForm {
            timezone: self.timezone.clone(),
            days: self.days(),
            holidays: self.holidays.clone(),
            away: self.away == "1",
        }
    }
}

fn availability_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    form: ScheduleForm,
    notice: Option<&str>,
    error: Option<&str>,
) -> AvailabilityPage<'a> {
    let chrome = Chrome::new(
        state,
        lang,
        "availability-title",
        "/staff/availability",
        Some(&session),
    );
    let days = DAY_IDS
        .iter()
        .zip(form.days)
        .map(|(id, value)| (chrome.t.get(id), value))
        .collect();
    AvailabilityPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        timezone: form.timezone,
        days,
        holidays: form.holidays,
        away: form.away,
    }
}

pub async fn availability_form(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let form = team::schedule(&state, &session.staff()).await?;
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
    session: StaffSession,
    Form(form): Form<AvailabilityForm>,
) -> Result<Response, PageError> {
    let form = form.schedule();
    match team::save_schedule(&state, &session.staff(), &form).await {
        Ok(()) => Ok(Redirect::to("/staff/availability?done=saved").into_response()),
        Err(TeamError::Schedule(e)) => Ok(render_invalid(&availability_page(
            &state,
            lang,
            &session,
            form,
            None,
            Some(e.message_id()),
        ))),
        Err(e) => Err(e.into()),
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
    team::set_away(&state, &session.staff(), form.away == "1").await?;
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
    /// The macro part: tags (space-separated) and the status it sets ("" for none).
    tags: String,
    form_status: String,
    /// The statuses a macro can set: value and label.
    statuses: Vec<(&'static str, String)>,
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
    #[serde(default)]
    tags: String,
    #[serde(default)]
    status: String,
}

impl CannedForm {
    fn draft(&self) -> CannedDraft<'_> {
        CannedDraft {
            title: &self.title,
            body: &self.body,
            lang: &self.lang,
            tags: &self.tags,
            status: &self.status,
        }
    }
}

/// The canned replies page; the form shows what was typed (`form`), else the reply being edited.
async fn canned_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    editing: Option<CannedId>,
    form: Option<CannedForm>,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<CannedPage<'a>, PageError> {
    let CannedReplies { replies, editing } =
        team::canned_replies(state, &session.staff(), editing).await?;
    let chrome = Chrome::new(state, lang, "canned-title", "/staff/canned", Some(&session));
    let (title, body, form_lang, tags, form_status) = match (form, &editing) {
        (Some(f), _) => (
            f.title,
            f.body,
            Lang::parse(&f.lang).unwrap_or(lang),
            f.tags,
            f.status,
        ),
        (None, Some(r)) => (
            r.title.clone(),
            r.body.clone(),
            r.lang,
            r.tags.join(" "),
            r.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        ),
        (None, None) => (
            String::new(),
            String::new(),
            lang,
            String::new(),
            String::new(),
        ),
    };
    let statuses = Status::ALL
        .iter()
        .filter(|s| s.settable_by_staff())
        .map(|s| {
            (
                s.as_str(),
                chrome.t.get(&format!("staff-status-{}", s.as_str())),
            )
        })
        .collect();
    Ok(CannedPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        replies,
        editing: editing.map(|r| r.id.to_string()),
        title,
        body,
        form_lang,
        tags,
        form_status,
        statuses,
    })
}

pub async fn canned_list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    Ok(render(
        &canned_page(&state, lang, &session, None, None, done.message_id(), None).await?,
    ))
}

pub async fn canned_edit(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: CannedId = id.parse().map_err(|_| PageError::NotFound)?;
    Ok(render(
        &canned_page(&state, lang, &session, Some(id), None, None, None).await?,
    ))
}

/// Saves a new reply (`id` is `None`) or an existing one, or shows the form again with the
/// reason it was refused.
async fn save(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    id: Option<CannedId>,
    form: CannedForm,
) -> Result<Response, PageError> {
    match team::save_canned_reply(state, &session.staff(), id, form.draft()).await {
        Ok(_) => Ok(Redirect::to("/staff/canned?done=canned").into_response()),
        Err(
            e @ (TeamError::CannedTitle
            | TeamError::CannedBody
            | TeamError::CannedLang
            | TeamError::CannedTags
            | TeamError::CannedStatus),
        ) => {
            let page = canned_page(
                state,
                lang,
                session,
                id,
                Some(form),
                None,
                Some(e.message_id()),
            )
            .await?;
            Ok(render_invalid(&page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn canned_create(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<CannedForm>,
) -> Result<Response, PageError> {
    save(&state, lang, &session, None, form).await
}

pub async fn canned_update(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
    Form(form): Form<CannedForm>,
) -> Result<Response, PageError> {
    let id: CannedId = id.parse().map_err(|_| PageError::NotFound)?;
    save(&state, lang, &session, Some(id), form).await
}

pub async fn canned_delete(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: CannedId = id.parse().map_err(|_| PageError::NotFound)?;
    team::delete_canned_reply(&state, &session.staff(), id).await?;
    Ok(Redirect::to("/staff/canned?done=canned-deleted").into_response())
}
