//! Forum-watch sources in the console: the list with each source's status, adding and editing
//! one ("test this source" shows what would be extracted), fetching now, the session cookie and
//! deletion. Every action is one call to the same service as the API.

use super::watch::{QueueParams, id, shown};
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use crate::watch::{self as service, Preview, SourceInput};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::policy::Action;
use netreach_channels::watch::Selectors;
use netreach_core::{Lang, WatchSourceId};
use netreach_store::{VenueRecord, WatchSourceRecord};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct SourceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    venue_id: String,
    #[serde(default)]
    interval: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    permalink: String,
    /// The checkbox: fetched on its schedule (else paused).
    #[serde(default)]
    enabled: Option<String>,
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl SourceForm {
    fn input(&self) -> Result<SourceInput, &'static str> {
        let interval = match self.interval.trim() {
            "" => None,
            n => Some(n.parse().map_err(|_| "watch-error-interval")?),
        };
        let venue_id = match self.venue_id.trim() {
            "" => None,
            v => Some(v.parse().map_err(|_| "watch-error-invalid")?),
        };
        Ok(SourceInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            url: self.url.clone(),
            selectors: some(&self.post).map(|post| Selectors {
                post,
                handle: some(&self.handle),
                text: some(&self.text),
                time: some(&self.time),
                permalink: some(&self.permalink),
            }),
            venue_id,
            interval_minutes: interval,
            enabled: self.enabled.is_some(),
        })
    }

    fn blank() -> SourceForm {
        SourceForm {
            kind: "feed".into(),
            enabled: Some("on".into()),
            ..SourceForm::default()
        }
    }

    fn of(source: &WatchSourceRecord) -> SourceForm {
        let selectors = service::selectors_of(source).unwrap_or_default();
        SourceForm {
            name: source.name.clone(),
            kind: source.kind.to_string(),
            url: source.url.clone(),
            venue_id: source.venue_id.map(|v| v.to_string()).unwrap_or_default(),
            interval: (source.interval_seconds / 60).to_string(),
            post: selectors.post,
            handle: selectors.handle.unwrap_or_default(),
            text: selectors.text.unwrap_or_default(),
            time: selectors.time.unwrap_or_default(),
            permalink: selectors.permalink.unwrap_or_default(),
            enabled: source.enabled.then(|| "on".into()),
        }
    }
}

#[derive(Template)]
#[template(path = "staff/watch_sources.html")]
struct SourcesPage<'a> {
    chrome: Chrome<'a>,
    sources: Vec<(WatchSourceRecord, &'static str)>,
    venues: Vec<VenueRecord>,
    can_manage: bool,
    form: SourceForm,
    /// The source whose form this is (else the form adds one).
    editing: Option<WatchSourceRecord>,
    previews: Option<Vec<Preview>>,
    notice: Option<String>,
    error: Option<String>,
}

async fn sources_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    form: SourceForm,
) -> Result<SourcesPage<'a>, PageError> {
    let chrome = Chrome::new(
        state,
        lang,
        "watch-sources-title",
        "/staff/watch/sources",
        Some(&session.user),
    );
    let staff = session.staff();
    let sources = service::sources(state, &staff)
        .await
        .map_err(|e| shown(e).err().unwrap_or(PageError::Forbidden))?;
    let venues = crate::publishing::venues(state, &staff)
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(SourcesPage {
        sources: sources
            .into_iter()
            .map(|s| {
                let status = crate::api::watch_status(&s);
                (s, status)
            })
            .collect(),
        venues,
        can_manage: staff.may(Action::ManageWatch).is_ok(),
        form,
        editing: None,
        previews: None,
        notice: None,
        error: None,
        chrome,
    })
}

pub async fn sources(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    let mut page = sources_page(&state, lang, &session, SourceForm::blank()).await?;
    page.notice = params.notice(&page.chrome);
    page.error = params.error(&page.chrome);
    Ok(render(&page))
}

pub async fn create_source(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<SourceForm>,
) -> Result<Response, PageError> {
    let result = match form.input() {
        Ok(input) => service::create_source(&state, &session.staff(), input)
            .await
            .map_err(shown),
        Err(id) => Err(Ok(id)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/staff/watch/sources?done=saved").into_response()),
        Err(shown) => {
            let id = shown?;
            let mut page = sources_page(&state, lang, &session, form).await?;
            page.error = Some(page.chrome.t.get(id));
            Ok(render_invalid(&page))
        }
    }
}

/// The sources page with one source's form filled in, to change it.
pub async fn edit_source(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(source_id): Path<String>,
) -> Result<Response, PageError> {
    let source = service::source(&state, &session.staff(), id(&source_id)?)
        .await
        .map_err(|e| shown(e).err().unwrap_or(PageError::NotFound))?;
    let mut page = sources_page(&state, lang, &session, SourceForm::of(&source)).await?;
    page.editing = Some(source);
    Ok(render(&page))
}

pub async fn update_source(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(source_id): Path<String>,
    Form(form): Form<SourceForm>,
) -> Result<Response, PageError> {
    let source_id: WatchSourceId = id(&source_id)?;
    let result = match form.input() {
        Ok(input) => service::update_source(&state, &session.staff(), source_id, input)
            .await
            .map_err(shown),
        Err(id) => Err(Ok(id)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/staff/watch/sources?done=saved").into_response()),
        Err(shown) => {
            let id = shown?;
            let mut page = sources_page(&state, lang, &session, form).await?;
            page.editing = service::source(&state, &session.staff(), source_id)
                .await
                .ok();
            page.error = Some(page.chrome.t.get(id));
            Ok(render_invalid(&page))
        }
    }
}

pub async fn test_source(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<SourceForm>,
) -> Result<Response, PageError> {
    let result = match form.input() {
        Ok(input) => service::test_source(&state, &session.staff(), input)
            .await
            .map_err(shown),
        Err(id) => Err(Ok(id)),
    };
    let mut page = sources_page(&state, lang, &session, SourceForm::default()).await?;
    page.form = form;
    match result {
        Ok(previews) => {
            page.previews = Some(previews);
            Ok(render(&page))
        }
        Err(shown) => {
            page.error = Some(page.chrome.t.get(shown?));
            Ok(render_invalid(&page))
        }
    }
}

pub async fn fetch_source(
    State(state): State<AppState>,
    session: StaffSession,
    Path(source_id): Path<String>,
) -> Result<Response, PageError> {
    match service::fetch_now(&state, &session.staff(), id::<WatchSourceId>(&source_id)?).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "/staff/watch/sources?done=fetched&posts={}&matches={}",
            r.posts, r.new_matches
        ))
        .into_response()),
        Err(e) => {
            Ok(Redirect::to(&format!("/staff/watch/sources?error={}", shown(e)?)).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CookieForm {
    #[serde(default)]
    cookie: String,
}

pub async fn set_cookie(
    State(state): State<AppState>,
    session: StaffSession,
    Path(source_id): Path<String>,
    Form(form): Form<CookieForm>,
) -> Result<Response, PageError> {
    match service::set_cookie(&state, &session.staff(), id(&source_id)?, &form.cookie).await {
        Ok(()) => Ok(Redirect::to("/staff/watch/sources?done=saved").into_response()),
        Err(e) => {
            Ok(Redirect::to(&format!("/staff/watch/sources?error={}", shown(e)?)).into_response())
        }
    }
}

pub async fn delete_source(
    State(state): State<AppState>,
    session: StaffSession,
    Path(source_id): Path<String>,
) -> Result<Response, PageError> {
    match service::delete_source(&state, &session.staff(), id(&source_id)?).await {
        Ok(()) => Ok(Redirect::to("/staff/watch/sources?done=done").into_response()),
        Err(e) => Err(shown(e).err().unwrap_or(PageError::NotFound)),
    }
}
