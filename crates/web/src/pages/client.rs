//! The anonymous client's pages: asking (`/ask`), the codename shown once with its confirmation,
//! and the thread (`/c`): reply, mark solved, rate, delete now, leave. No JavaScript; every form
//! is POST + redirect, and bad input comes back with everything typed kept.

use super::{Chrome, render, render_invalid};
use crate::conversations::{
    self as service, ClientAccess, ConversationError, Entry, IntakeAnswers, NewRequest,
};
use crate::error::PageError;
use crate::middleware::cookie;
use crate::routes::Routes;
use crate::state::AppState;
use crate::upload::WithFile;
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::attachments;
use netreach_app::policy::Action;
use netreach_core::{Author, Lang, Status, Topic};
use netreach_crypto::{Codename, SecretToken};
use netreach_store::AttachmentKind;
use netreach_store::MessageKind;
use serde::Deserialize;

/// The client's session cookie: scoped to `/c`, `HttpOnly`, `SameSite=Strict`, fixed lifetime.
pub const CLIENT_COOKIE: &str = "nr_client";

/// The client's own pages. Without a live client session the guard lets the request through and
/// the page answers 401 "your session ended" with what the person typed, so nothing is lost.
pub fn routes(state: AppState) -> Routes {
    // The forms that take a photo: their bodies are limited by the attachment limits instead
    // (`upload::body_limit`), not by the extractors' default.
    let uploads = Routes::new()
        .post("/ask", Action::StartConversation, ask)
        .post("/c/reply", Action::ClientWrite, reply)
        .wrap(|router| router.layer(axum::extract::DefaultBodyLimit::disable()));
    Routes::new()
        .get("/ask", Action::ReadPublic, ask_form)
        .merge(uploads)
        .post("/ask/confirm", Action::StartConversation, confirm)
        .get("/c", Action::EnterConversation, thread)
        .post("/c", Action::EnterConversation, enter)
        .get("/c/attachments/{id}", Action::ClientRead, attachment)
        .post("/c/solve", Action::ClientWrite, solve)
        .post("/c/rate", Action::ClientWrite, rate)
        .post("/c/qa", Action::ClientWrite, qa_consent)
        .post("/c/delete", Action::ClientDelete, delete)
        .post("/c/leave", Action::EnterConversation, leave)
        .wrap(|router| {
            router.layer(axum::middleware::from_fn_with_state(
                state,
                crate::middleware::csrf,
            ))
        })
}

struct TopicOption {
    value: &'static str,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "client/ask.html")]
struct AskPage<'a> {
    chrome: Chrome<'a>,
    topics: Vec<TopicOption>,
    form: AskForm,
    error: Option<String>,
    max_chars: usize,
    /// An emergency question came back with an error: first aid is shown first regardless.
    emergency: bool,
    /// The largest photo accepted, in whole megabytes.
    max_photo_mb: i64,
}

#[derive(Debug, Default, Deserialize)]
pub struct AskForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    substances: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    happening: String,
    #[serde(default)]
    lang: String,
    /// The honeypot: hidden from people, filled by bots.
    #[serde(default)]
    website: String,
}

fn ask_page<'a>(
    state: &'a AppState,
    lang: Lang,
    form: AskForm,
    error: Option<&str>,
) -> AskPage<'a> {
    let chrome = Chrome::new(state, lang, "ask-title", "/ask", None);
    let topics = Topic::ALL
        .iter()
        .map(|t| TopicOption {
            value: t.as_str(),
            label: chrome.t.get(&format!("topic-{}", t.as_str())),
            checked: form.topic == t.as_str(),
        })
        .collect();
    AskPage {
        emergency: error.is_some() && form.topic == Topic::Overdose.as_str(),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        topics,
        form,
        max_chars: state.settings.conversations.max_message_chars,
        max_photo_mb: photo_mb(state),
    }
}

/// The largest photo accepted, in whole megabytes (at least 1), for the forms' hints.
fn photo_mb(state: &AppState) -> i64 {
    i64::try_from(state.settings.attachments.max_image_bytes / (1024 * 1024))
        .unwrap_or(i64::MAX)
        .max(1)
}

async fn ask_form(State(state): State<AppState>, Extension(lang): Extension<Lang>) -> Response {
    let form = AskForm {
        lang: lang.code().into(),
        ..AskForm::default()
    };
    render(&ask_page(&state, lang, form, None))
}

#[derive(Template)]
#[template(path = "client/codename.html")]
struct CodenamePage<'a> {
    chrome: Chrome<'a>,
    codename: String,
    /// 1-based position of the word to re-type.
    position: usize,
    emergency: bool,
    error: Option<String>,
}

fn codename_page<'a>(
    state: &'a AppState,
    lang: Lang,
    codename: &Codename,
    position: usize,
    emergency: bool,
    error: Option<&str>,
) -> CodenamePage<'a> {
    let chrome = Chrome::new(state, lang, "codename-title", "/ask", None);
    CodenamePage {
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        codename: codename.expose().to_owned(),
        position,
        emergency,
    }
}

fn client_cookie(state: &AppState, token: &SecretToken) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    // A session cookie (gone when the browser closes, which matters on a shared computer); the
    // server ends the session after `client_session_minutes` whatever the browser keeps.
    format!(
        "{CLIENT_COOKIE}={}; Path=/c; HttpOnly; SameSite=Strict{secure}",
        token.expose()
    )
}

fn clear_client_cookie(state: &AppState) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{CLIENT_COOKIE}=; Path=/c; Max-Age=0; HttpOnly; SameSite=Strict{secure}")
}

fn with_cookie(mut response: Response, value: &str) -> Response {
    if let Ok(value) = value.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Which word the client must re-type: a different one each time, never the first.
fn confirm_position() -> usize {
    2 + (rand_index() % (netreach_crypto::codename::WORDS - 1))
}

fn rand_index() -> usize {
    uuid::Uuid::new_v4().as_bytes()[0] as usize
}

async fn ask(
    State(state): State<AppState>,
    Extension(ui_lang): Extension<Lang>,
    WithFile { form, file }: WithFile<AskForm>,
) -> Result<Response, PageError> {
    if !form.website.is_empty() {
        // A bot filled the hidden field: answer like a success, store nothing.
        let chrome = Chrome::new(&state, ui_lang, "ask-title", "/ask", None);
        return Ok(render(&ThanksPage { chrome }));
    }
    let Ok(topic) = form.topic.parse::<Topic>() else {
        return Ok(render_invalid(&ask_page(
            &state,
            ui_lang,
            form,
            Some("error-topic"),
        )));
    };
    let lang = Lang::parse(&form.lang).unwrap_or(ui_lang);
    let request = NewRequest {
        topic,
        lang,
        message: form.message.clone(),
        intake: IntakeAnswers {
            substances: form.substances.clone(),
            amount: form.amount.clone(),
            when: form.when.clone(),
            happening: form.happening.clone(),
        },
        channel: "web",
    };
    let started = match attachments::start_with_photo(&state, request, file).await {
        Ok(started) => started,
        Err(e) => {
            let e = match e.into_store_error() {
                Ok(store) => return Err(store.into()),
                Err(e) => e,
            };
            return Ok(render_invalid(&ask_page(
                &state,
                ui_lang,
                form,
                Some(e.message_id()),
            )));
        }
    };
    let access = ClientAccess::new(started.conversation.clone(), started.secret.clone());
    let token = service::start_client_session(&state, &access).await?;
    let page = codename_page(
        &state,
        ui_lang,
        &started.codename,
        confirm_position(),
        topic.is_emergency(),
        None,
    );
    Ok(with_cookie(render(&page), &client_cookie(&state, &token)))
}

#[derive(Template)]
#[template(path = "client/thanks.html")]
struct ThanksPage<'a> {
    chrome: Chrome<'a>,
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    codename: String,
    #[serde(default)]
    position: usize,
    #[serde(default)]
    word: String,
    #[serde(default)]
    emergency: String,
}

async fn confirm(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    let Ok(codename) = Codename::parse(&form.codename) else {
        return Ok(Redirect::to("/c").into_response());
    };
    let words = codename.words();
    let position = form.position.clamp(1, words.len());
    let typed = form.word.trim().to_lowercase().replace('ё', "е");
    if words.get(position - 1).is_some_and(|w| *w == typed) {
        return Ok(Redirect::to("/c").into_response());
    }
    let page = codename_page(
        &state,
        lang,
        &codename,
        position,
        form.emergency == "1",
        Some("error-confirm-word"),
    );
    Ok(render_invalid(&page))
}

#[derive(Template)]
#[template(path = "client/enter.html")]
struct EnterPage<'a> {
    chrome: Chrome<'a>,
    codename: String,
    error: Option<String>,
    /// A message typed after the session ended, shown so it is not lost.
    unsent: String,
}

struct ThreadItem {
    mine: bool,
    /// Photos and voice messages: (id, whether it is an image).
    attachments: Vec<(String, bool)>,
    body: String,
    /// The body as HTML: escaped, and for the team's replies with its links made clickable.
    body_html: String,
    at: String,
}

/// The article an urgent (overdose) thread suggests first.
const OVERDOSE_ARTICLE: &str = "overdose-response";

#[derive(Template)]
#[template(path = "client/thread.html")]
struct ThreadPage<'a> {
    chrome: Chrome<'a>,
    solved: bool,
    items: Vec<ThreadItem>,
    intake: Option<IntakeAnswers>,
    message: String,
    error: Option<String>,
    rated: bool,
    max_chars: usize,
    /// Articles and substances matching the question ("while you wait").
    suggestions: Vec<(String, String)>,
    /// When the team is offline: when it will answer.
    offline: Option<String>,
    /// The client agreed to an anonymised public Q&A entry.
    qa_consent: bool,
    /// An urgent conversation: first aid stays first on the page.
    urgent: bool,
    /// Where the question stands, in plain words (received, a worker is on it, answered).
    state_label: String,
    /// Someone on the team has answered (solving and rating make sense only then).
    answered: bool,
    /// The largest photo accepted, in whole megabytes.
    max_photo_mb: i64,
}

/// The client's view of where their question stands: the Fluent id of "received", "a worker is
/// on it" or "answered". No worker is named.
fn state_of(status: Status, assigned: bool, staff_wrote_last: bool) -> &'static str {
    match status {
        Status::Solved | Status::Archived => "status-solved",
        _ if staff_wrote_last => "thread-state-answered",
        _ if assigned => "thread-state-on-it",
        _ => "thread-state-received",
    }
}

fn at(t: time::OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute())
}

fn items_first_question(items: &[ThreadItem]) -> String {
    items
        .iter()
        .find(|i| i.mine)
        .map(|i| i.body.clone())
        .unwrap_or_default()
}

/// The client's session on the `/c` pages, if the `nr_client` cookie names a live one (the guard
/// has usually opened it already).
#[derive(Debug)]
pub struct ClientSession(pub Option<ClientAccess>);

impl FromRequestParts<AppState> for ClientSession {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        if let Some(access) = crate::routes::taken::<ClientAccess>(parts) {
            return Ok(ClientSession(Some(access)));
        }
        Ok(ClientSession(client_session(state, &parts.headers).await?))
    }
}

/// Opens the conversation of the client session the `nr_client` cookie names.
pub async fn client_session(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Option<ClientAccess>, PageError> {
    let Some(value) = cookie(headers, CLIENT_COOKIE) else {
        return Ok(None);
    };
    Ok(service::resume_client_session(state, &SecretToken::from_presented(&value)).await?)
}

async fn thread_page(
    state: &AppState,
    lang: Lang,
    access: &ClientAccess,
    message: String,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let entries: Vec<Entry> = service::client_thread(state, access).await?;
    let chrome = Chrome::new(state, lang, "thread-title", "/c", None);
    let intake = entries.iter().find_map(|e| e.intake.clone());
    let items: Vec<ThreadItem> = entries
        .into_iter()
        .filter(|e| e.kind == MessageKind::Message)
        .map(|e| {
            let mine = e.author == Author::Client;
            let body = e.body.unwrap_or_default();
            ThreadItem {
                attachments: e
                    .attachments
                    .iter()
                    .map(|a| (a.id.to_string(), a.kind == AttachmentKind::Image))
                    .collect(),
                mine,
                body_html: if mine {
                    crate::pages::linkify::escape(&body)
                } else {
                    crate::pages::linkify::linkify(&body)
                },
                body,
                at: at(e.at),
            }
        })
        .collect();
    let status = access.conversation.status;
    let urgent = access.conversation.urgent;
    let answered = items.iter().any(|i| !i.mine);
    let staff_wrote_last = items.last().is_some_and(|i| !i.mine);
    let state_label = chrome.t.get(state_of(
        status,
        access.conversation.assigned_to.is_some(),
        staff_wrote_last,
    ));
    // "While you wait": matched in memory against the first question; never stored or logged.
    // An urgent question gets the overdose response first.
    let suggestions = if matches!(status, Status::New) {
        let first = items_first_question(&items);
        let lang = access.conversation.lang;
        let mut found = state
            .content
            .index()
            .search(&first, lang, 10)
            .into_iter()
            .filter(|h| h.lang == lang)
            .filter(|h| !(urgent && h.slug == OVERDOSE_ARTICLE))
            .take(if urgent { 2 } else { 3 })
            .map(|h| (crate::pages::content::hit_url(&h), h.title))
            .collect::<Vec<_>>();
        if urgent && let Some(article) = state.content.pack().article(OVERDOSE_ARTICLE, lang) {
            found.insert(
                0,
                (
                    format!("/kb/{OVERDOSE_ARTICLE}?lang={}", lang.code()),
                    article.title.clone(),
                ),
            );
        }
        found
    } else {
        Vec::new()
    };
    let team = crate::availability::team_status(state).await?;
    let offline = match team.availability {
        Some(
            netreach_core::availability::Availability::Offline { .. }
            | netreach_core::availability::Availability::Away,
        ) => Some(match team.back_at {
            Some(when) => chrome.t.with("home-back-at", "when", &when),
            None => chrome.t.get("home-away"),
        }),
        _ => None,
    };
    let qa_consent = match crate::qa::has_consent(state, access.conversation.id).await {
        Ok(consent) => consent,
        Err(e) => return Err(PageError::Internal(e.to_string())),
    };
    let page = ThreadPage {
        urgent,
        state_label,
        answered,
        qa_consent,
        suggestions,
        offline,
        solved: matches!(status, Status::Solved | Status::Archived),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        items,
        intake,
        message,
        rated: access.conversation.rating.is_some(),
        max_chars: state.settings.conversations.max_message_chars,
        max_photo_mb: photo_mb(state),
    };
    Ok(if page.error.is_some() {
        render_invalid(&page)
    } else {
        render(&page)
    })
}

async fn thread(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: axum::http::HeaderMap,
    ClientSession(access): ClientSession,
) -> Result<Response, PageError> {
    match access {
        Some(access) => thread_page(&state, lang, &access, String::new(), None).await,
        // The browser still holds a session the server has ended: say so, and show nothing of
        // the conversation.
        None if crate::middleware::cookie(&headers, CLIENT_COOKIE).is_some() => Ok(with_cookie(
            session_ended(&state, lang, String::new()),
            &clear_client_cookie(&state),
        )),
        None => {
            let chrome = Chrome::new(&state, lang, "enter-title", "/c", None);
            Ok(render(&EnterPage {
                chrome,
                codename: String::new(),
                error: None,
                unsent: String::new(),
            }))
        }
    }
}

#[derive(Deserialize)]
pub struct EnterForm {
    #[serde(default)]
    codename: String,
}

/// The cookie that counts codename attempts from one browser (per-session guessing budget).
const ATTEMPTS_COOKIE: &str = "nr_try";

async fn enter(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: axum::http::HeaderMap,
    Form(form): Form<EnterForm>,
) -> Result<Response, PageError> {
    let (attempts_id, new_cookie) = match cookie(&headers, ATTEMPTS_COOKIE) {
        Some(id) if id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()) => (id, None),
        _ => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            let secure = if state.settings.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let cookie =
                format!("{ATTEMPTS_COOKIE}={id}; Path=/c; HttpOnly; SameSite=Strict{secure}");
            (id, Some(cookie))
        }
    };
    let result = if state.codenames.charge_session(&attempts_id) {
        service::open(&state, &form.codename).await
    } else {
        Err(ConversationError::Busy)
    };
    let response = enter_result(&state, lang, form, result).await?;
    Ok(match new_cookie {
        Some(cookie) => with_cookie(response, &cookie),
        None => response,
    })
}

async fn enter_result(
    state: &AppState,
    lang: Lang,
    form: EnterForm,
    result: Result<ClientAccess, ConversationError>,
) -> Result<Response, PageError> {
    let state = state.clone();
    match result {
        Ok(access) => {
            let token = service::start_client_session(&state, &access).await?;
            Ok(with_cookie(
                Redirect::to("/c").into_response(),
                &client_cookie(&state, &token),
            ))
        }
        Err(ConversationError::Store(e)) => Err(e.into()),
        Err(e) => {
            let chrome = Chrome::new(&state, lang, "enter-title", "/c", None);
            let status = if matches!(e, ConversationError::Busy) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut response = render(&EnterPage {
                error: Some(chrome.t.get(e.message_id())),
                chrome,
                codename: form.codename,
                unsent: String::new(),
            });
            *response.status_mut() = status;
            Ok(response)
        }
    }
}

/// The session expired or never existed: back to the codename form, with a word about why.
fn session_ended(state: &AppState, lang: Lang, unsent: String) -> Response {
    let chrome = Chrome::new(state, lang, "enter-title", "/c", None);
    let mut response = render(&EnterPage {
        error: Some(chrome.t.get("error-session-ended")),
        chrome,
        codename: String::new(),
        unsent,
    });
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    message: String,
}

async fn reply(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ClientSession(access): ClientSession,
    WithFile { form, file }: WithFile<ReplyForm>,
) -> Result<Response, PageError> {
    let Some(access) = access else {
        return Ok(session_ended(&state, lang, form.message));
    };
    match attachments::client_reply(&state, &access, &form.message, file).await {
        Ok(()) => Ok(Redirect::to("/c").into_response()),
        Err(e) => match e.into_store_error() {
            Ok(store) => Err(store.into()),
            Err(e) => thread_page(&state, lang, &access, form.message, Some(e.message_id())).await,
        },
    }
}

/// One of the client's own photos or voice messages, opened with their session's key.
async fn attachment(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ClientSession(access): ClientSession,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, PageError> {
    let Some(access) = access else {
        return Ok(session_ended(&state, lang, String::new()));
    };
    let id = id.parse().map_err(|_| PageError::NotFound)?;
    match attachments::client_open(&state, &access, id).await {
        Ok(opened) => Ok(crate::upload::serve(opened)),
        Err(e) => match e.into_store_error() {
            Ok(store) => Err(store.into()),
            Err(_) => Err(PageError::NotFound),
        },
    }
}

async fn solve(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ClientSession(access): ClientSession,
) -> Result<Response, PageError> {
    let Some(access) = access else {
        return Ok(session_ended(&state, lang, String::new()));
    };
    match service::client_solve(&state, &access).await {
        Ok(()) => Ok(Redirect::to("/c").into_response()),
        Err(ConversationError::Store(e)) => Err(e.into()),
        Err(e) => thread_page(&state, lang, &access, String::new(), Some(e.message_id())).await,
    }
}

#[derive(Deserialize)]
pub struct RateForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn rate(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ClientSession(access): ClientSession,
    Form(form): Form<RateForm>,
) -> Result<Response, PageError> {
    let Some(access) = access else {
        return Ok(session_ended(&state, lang, String::new()));
    };
    let Some(rating) = form
        .rating
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=5).contains(r))
    else {
        return thread_page(&state, lang, &access, String::new(), Some("error-rating")).await;
    };
    match service::client_rate(&state, &access, rating, &form.comment).await {
        Ok(()) => Ok(Redirect::to("/c").into_response()),
        Err(ConversationError::Store(e)) => Err(e.into()),
        Err(e) => thread_page(&state, lang, &access, String::new(), Some(e.message_id())).await,
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "client/deleted.html")]
struct DeletedPage<'a> {
    chrome: Chrome<'a>,
}

async fn delete(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ClientSession(access): ClientSession,
    Form(form): Form<DeleteForm>,
) -> Result<Response, PageError> {
    let Some(access) = access else {
        return Ok(session_ended(&state, lang, String::new()));
    };
    if form.confirm != "yes" {
        return thread_page(
            &state,
            lang,
            &access,
            String::new(),
            Some("error-delete-confirm"),
        )
        .await;
    }
    service::client_delete(&state, &access).await?;
    let chrome = Chrome::new(&state, lang, "deleted-title", "/c", None);
    Ok(with_cookie(
        render(&DeletedPage { chrome }),
        &clear_client_cookie(&state),
    ))
}

async fn leave(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    if let Some(value) = cookie(&headers, CLIENT_COOKIE) {
        service::end_client_session(&state, &SecretToken::from_presented(&value)).await?;
    }
    Ok(with_cookie(
        Redirect::to("/").into_response(),
        &clear_client_cookie(&state),
    ))
}

#[derive(Deserialize)]
pub struct QaConsentForm {
    #[serde(default)]
    consent: String,
}

async fn qa_consent(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    ClientSession(access): ClientSession,
    Form(form): Form<QaConsentForm>,
) -> Result<Response, PageError> {
    let Some(access) = access else {
        return Ok(session_ended(&state, lang, String::new()));
    };
    match crate::qa::set_consent(&state, access.conversation.id, form.consent == "yes").await {
        Ok(()) => Ok(Redirect::to("/c").into_response()),
        Err(crate::qa::QaError::Store(e)) => Err(e.into()),
        Err(e) => thread_page(&state, lang, &access, String::new(), Some(e.message_id())).await,
    }
}
