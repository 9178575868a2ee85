//! Forum watch in the console: the watch queue with highlighted snippets (claim, dismiss with a
//! reason, answer in the composer, turn into an alert report, paste a saved page) and the lexicon
//! with a test box; the sources are in `watch_sources`. Every action is one call to the same
//! service as the API.

use crate::auth::StaffSession;
use crate::error::ErrorInfo;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use crate::watch::{self as service, PastedPage, QueueItem, QueueQuery, TestedText, WatchError};
use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::policy::Action;
use netreach_channels::watch::lexicon::SIGNALS;
use netreach_core::watch::MatchStatus;
use netreach_core::{Lang, WatchMatchId};
use netreach_store::WatchSourceRecord;
use serde::Deserialize;

/// A failure shown inline (its message) or as an error page.
pub(super) fn shown(e: WatchError) -> Result<&'static str, PageError> {
    match e {
        WatchError::Denied(d) => Err(d.into()),
        WatchError::NotFound => Err(PageError::NotFound),
        WatchError::Store(e) => Err(e.into()),
        other => Ok(other.message_id()),
    }
}

pub(super) fn id<T: std::str::FromStr>(text: &str) -> Result<T, PageError> {
    text.parse().map_err(|_| PageError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    status: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    posts: Option<usize>,
    #[serde(default)]
    matches: Option<usize>,
    #[serde(default)]
    error: String,
}

impl QueueParams {
    pub(super) fn notice(&self, chrome: &Chrome<'_>) -> Option<String> {
        match self.done.as_str() {
            "fetched" => Some(chrome.t.with2(
                "watch-flash-fetched",
                "posts",
                &self.posts.unwrap_or(0).to_string(),
                "matches",
                &self.matches.unwrap_or(0).to_string(),
            )),
            "saved" => Some(chrome.t.get("watch-flash-saved")),
            "done" => Some(chrome.t.get("watch-flash-done")),
            _ => None,
        }
    }

    pub(super) fn error(&self, chrome: &Chrome<'_>) -> Option<String> {
        // Only known message ids: the query is typed by anyone.
        let known = [
            "watch-error-conflict",
            "watch-error-busy",
            "watch-error-fetch",
            "watch-error-extract",
            "watch-error-reason",
            "watch-error-invalid",
            "error-invalid-region",
            "error-alert-region",
        ];
        known
            .iter()
            .find(|k| **k == self.error)
            .map(|k| chrome.t.get(k))
    }
}

/// The snippet of a match in pieces, each marked or not.
pub struct Card {
    item: QueueItem,
    pieces: Vec<(bool, String)>,
    handle: String,
    title: String,
    signals: Vec<String>,
    mine: bool,
}

#[derive(Template)]
#[template(path = "staff/watch.html")]
struct QueuePage<'a> {
    chrome: Chrome<'a>,
    cards: Vec<Card>,
    status: String,
    next: Option<String>,
    sources: Vec<WatchSourceRecord>,
    /// The paste-or-upload form, filled in again after an error.
    saved: PasteForm,
    /// The largest upload, said in the form ("4 MiB").
    upload_limit: String,
    notice: Option<String>,
    error: Option<String>,
}

fn signal_label(chrome: &Chrome<'_>, state: &AppState, signal: &str) -> String {
    match signal.strip_prefix("substance:") {
        Some(slug) => state
            .content
            .pack()
            .substance(slug)
            .map_or_else(|| slug.to_owned(), |s| s.name(chrome.lang).to_owned()),
        None => chrome.t.get(&format!("watch-signal-{signal}")),
    }
}

pub async fn queue(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    Ok(render(&queue_page(&state, lang, &session, &params).await?))
}

async fn queue_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    params: &QueueParams,
) -> Result<QueuePage<'a>, PageError> {
    let chrome = Chrome::new(
        state,
        lang,
        "watch-title",
        "/staff/watch",
        Some(&session.user),
    );
    let staff = session.staff();
    let status = params.status.parse::<MatchStatus>().ok();
    let page = service::queue(
        state,
        &staff,
        QueueQuery {
            status,
            source_id: None,
            cursor: Some(params.cursor.clone()).filter(|c| !c.is_empty()),
            limit: Some(30),
        },
    )
    .await
    .map_err(|e| shown(e).err().unwrap_or(PageError::NotFound))?;
    let sources = service::sources(state, &staff)
        .await
        .map_err(|e| shown(e).err().unwrap_or(PageError::Forbidden))?;
    let cards = page
        .items
        .into_iter()
        .map(|item| {
            let content = item.content.clone().unwrap_or_default();
            Card {
                pieces: content
                    .pieces()
                    .into_iter()
                    .map(|(m, s)| (m, s.to_owned()))
                    .collect(),
                handle: content.handle.clone(),
                title: content.title.clone(),
                signals: item
                    .record
                    .signals
                    .iter()
                    .map(|s| signal_label(&chrome, state, s))
                    .collect(),
                mine: item.record.claimed_by == Some(session.user.id),
                item,
            }
        })
        .collect();
    Ok(QueuePage {
        notice: params.notice(&chrome),
        error: params.error(&chrome),
        chrome,
        cards,
        status: status.map(|s| s.to_string()).unwrap_or_default(),
        next: page.next_cursor,
        sources,
        saved: PasteForm::default(),
        upload_limit: mebibytes(state.settings.watch.max_upload_bytes),
    })
}

/// A size in MiB for people ("4 MiB", "0.5 MiB").
fn mebibytes(bytes: usize) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    let text = format!("{mib:.1}");
    format!("{} MiB", text.strip_suffix(".0").unwrap_or(&text))
}

fn back(error: Option<&str>) -> Response {
    match error {
        None => Redirect::to("/staff/watch?done=done").into_response(),
        Some(id) => Redirect::to(&format!("/staff/watch?error={id}")).into_response(),
    }
}

fn outcome(result: Result<(), WatchError>) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(back(None)),
        Err(e) => Ok(back(Some(shown(e)?))),
    }
}

pub async fn claim(
    State(state): State<AppState>,
    session: StaffSession,
    Path(match_id): Path<String>,
) -> Result<Response, PageError> {
    outcome(service::claim(&state, &session.staff(), id::<WatchMatchId>(&match_id)?).await)
}

#[derive(Debug, Default, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn dismiss(
    State(state): State<AppState>,
    session: StaffSession,
    Path(match_id): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, PageError> {
    outcome(service::dismiss(&state, &session.staff(), id(&match_id)?, &form.reason).await)
}

pub async fn answer(
    State(state): State<AppState>,
    session: StaffSession,
    Path(match_id): Path<String>,
) -> Result<Response, PageError> {
    match service::answer(&state, &session.staff(), id(&match_id)?).await {
        Ok(post) => Ok(Redirect::to(&format!("/staff/posts/{post}")).into_response()),
        Err(e) => Ok(back(Some(shown(e)?))),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RegionForm {
    #[serde(default)]
    region: String,
}

pub async fn report(
    State(state): State<AppState>,
    session: StaffSession,
    Path(match_id): Path<String>,
    Form(form): Form<RegionForm>,
) -> Result<Response, PageError> {
    match service::report(&state, &session.staff(), id(&match_id)?, &form.region).await {
        Ok(_) => Ok(Redirect::to("/staff/alerts").into_response()),
        Err(e) => Ok(back(Some(shown(e)?))),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasteForm {
    #[serde(default)]
    source_id: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    content: String,
}

fn fetched(report: &service::FetchReport) -> Response {
    Redirect::to(&format!(
        "/staff/watch?done=fetched&posts={}&matches={}",
        report.posts, report.new_matches
    ))
    .into_response()
}

pub async fn paste(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<PasteForm>,
) -> Result<Response, PageError> {
    let page = PastedPage {
        content: form.content,
        url: form.url,
    };
    match service::paste(&state, &session.staff(), id(&form.source_id)?, page).await {
        Ok(r) => Ok(fetched(&r)),
        Err(e) => Ok(back(Some(shown(e)?))),
    }
}

/// A multipart body that could not be read: cut off at the route's limit (413, saying the file
/// is too large) or malformed (400).
fn unreadable(e: &MultipartError) -> Response {
    let mut response = e.status().into_response();
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        response.extensions_mut().insert(ErrorInfo {
            code: "payload_too_large",
            message_id: "watch-error-upload-size",
        });
    }
    response
}

/// The queue's paste-or-upload form: a saved page's file when one was chosen, else the pasted
/// text. A refusal comes back on the queue page with what was typed.
pub async fn upload(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let read = crate::saved_page::read(&mut multipart, state.settings.watch.max_upload_bytes).await;
    let (form, file) = match read {
        Ok(read) => (
            PasteForm {
                source_id: read.source_id,
                url: read.url,
                content: read.content,
            },
            read.file,
        ),
        Err(e) => return Ok(unreadable(&e)),
    };
    let source_id = id(&form.source_id)?;
    let staff = session.staff();
    let result = match file {
        Some(mut page) => {
            page.url = form.url.clone();
            service::upload(&state, &staff, source_id, page).await
        }
        None => {
            let page = PastedPage {
                content: form.content.clone(),
                url: form.url.clone(),
            };
            service::paste(&state, &staff, source_id, page).await
        }
    };
    match result {
        Ok(r) => Ok(fetched(&r)),
        Err(e) => {
            let message = shown(e)?;
            let mut page = queue_page(&state, lang, &session, &QueueParams::default()).await?;
            page.error = Some(page.chrome.t.get(message));
            page.saved = form;
            Ok(render_invalid(&page))
        }
    }
}

// --- lexicon ---

/// A sample as the test box shows it: the text in marked and unmarked pieces, the signals'
/// labels, and whether such a post would join the queue.
type Tested = (Vec<(bool, String)>, Vec<String>, bool);

#[derive(Template)]
#[template(path = "staff/watch_lexicon.html")]
struct LexiconPage<'a> {
    chrome: Chrome<'a>,
    entries: Vec<service::LexiconEntry>,
    signals: &'static [&'static str],
    can_manage: bool,
    sample: String,
    tested: Option<Tested>,
    notice: Option<String>,
    error: Option<String>,
}

async fn lexicon_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
) -> Result<LexiconPage<'a>, PageError> {
    let chrome = Chrome::new(
        state,
        lang,
        "watch-lexicon-title",
        "/staff/watch/lexicon",
        Some(&session.user),
    );
    let staff = session.staff();
    let entries = service::lexicon(state, &staff)
        .await
        .map_err(|e| shown(e).err().unwrap_or(PageError::Forbidden))?;
    Ok(LexiconPage {
        entries,
        signals: SIGNALS,
        can_manage: staff.may(Action::ManageWatch).is_ok(),
        sample: String::new(),
        tested: None,
        notice: None,
        error: None,
        chrome,
    })
}

pub async fn lexicon(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    let mut page = lexicon_page(&state, lang, &session).await?;
    page.notice = params.notice(&page.chrome);
    page.error = match params.error.as_str() {
        "watch-error-phrase" => Some(page.chrome.t.get("watch-error-phrase")),
        _ => params.error(&page.chrome),
    };
    Ok(render(&page))
}

#[derive(Debug, Default, Deserialize)]
pub struct TermForm {
    #[serde(default)]
    signal: String,
    #[serde(default)]
    phrase: String,
}

pub async fn add_term(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<TermForm>,
) -> Result<Response, PageError> {
    lexicon_outcome(service::add_term(&state, &session.staff(), &form.signal, &form.phrase).await)
}

pub async fn remove_term(
    State(state): State<AppState>,
    session: StaffSession,
    Form(form): Form<TermForm>,
) -> Result<Response, PageError> {
    lexicon_outcome(
        service::remove_term(&state, &session.staff(), &form.signal, &form.phrase).await,
    )
}

fn lexicon_outcome(result: Result<(), WatchError>) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to("/staff/watch/lexicon?done=saved").into_response()),
        Err(e) => {
            Ok(Redirect::to(&format!("/staff/watch/lexicon?error={}", shown(e)?)).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SampleForm {
    #[serde(default)]
    text: String,
}

/// Cuts a text at the hits into marked and unmarked pieces.
fn marked(tested: &TestedText) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    for hit in &tested.hits {
        if hit.start < at {
            continue;
        }
        out.push((false, tested.text[at..hit.start].to_owned()));
        out.push((true, tested.text[hit.start..hit.end].to_owned()));
        at = hit.end;
    }
    out.push((false, tested.text[at..].to_owned()));
    out
}

pub async fn test_text(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<SampleForm>,
) -> Result<Response, PageError> {
    let mut page = lexicon_page(&state, lang, &session).await?;
    match service::test_text(&state, &session.staff(), &form.text).await {
        Ok(tested) => {
            let labels = tested
                .signals
                .iter()
                .map(|s| signal_label(&page.chrome, &state, s))
                .collect();
            page.tested = Some((marked(&tested), labels, tested.queued));
            page.sample = tested.text;
            Ok(render(&page))
        }
        Err(e) => {
            page.error = Some(page.chrome.t.get(shown(e)?));
            page.sample = form.text;
            Ok(render_invalid(&page))
        }
    }
}
