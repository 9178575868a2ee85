//! A member's console notices and their notification settings: a table of events by transports,
//! their own e-mail address, quiet hours and the on-call switch.

use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::notify::{self, Event, NotifyError, Preferences, Transport};
use netreach_core::Lang;
use serde::Deserialize;

struct NoticeRow {
    label: String,
    path: String,
    at: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "staff/notifications.html")]
struct NoticesPage<'a> {
    chrome: Chrome<'a>,
    notices: Vec<NoticeRow>,
}

/// `GET /staff/notifications`: the member's notices, unread first.
pub async fn list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let notices = notify::notices(&state, &session.staff()).await?;
    let chrome = Chrome::new(
        &state,
        lang,
        "notify-title",
        "/staff/notifications",
        Some(&session),
    );
    let notices = notices
        .into_iter()
        .map(|n| NoticeRow {
            label: chrome.t.get(&format!("notify-event-{}", n.event.as_str())),
            path: n.console_path,
            at: n
                .created_at
                .format(&time::macros::format_description!(
                    "[year]-[month]-[day] [hour]:[minute] UTC"
                ))
                .unwrap_or_default(),
            unread: n.read_at.is_none(),
        })
        .collect();
    Ok(render(&NoticesPage { chrome, notices }))
}

/// `GET /staff/notifications/count`: `{"unread": n}`, for the console script.
pub async fn count(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<axum::Json<serde_json::Value>, PageError> {
    let unread = notify::unread(&state, &session.staff()).await?;
    Ok(axum::Json(serde_json::json!({ "unread": unread })))
}

/// The console's one script (shortcuts, the unread count kept fresh).
pub const SCRIPT: &str = include_str!("../../../assets/console.js");

/// `GET /staff/console.js`.
pub async fn script() -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/javascript; charset=utf-8",
        )],
        SCRIPT,
    )
}

/// `POST /staff/notifications/read`: marks every notice read.
pub async fn read_all(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Redirect, PageError> {
    notify::mark_read(&state, &session.staff(), None).await?;
    Ok(Redirect::to("/staff/notifications"))
}

struct TransportColumn {
    label: String,
    available: bool,
}

struct Cell {
    value: String,
    transport_label: String,
    checked: bool,
}

struct Row {
    label: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "staff/notification_settings.html")]
struct SettingsPage<'a> {
    chrome: Chrome<'a>,
    notice: Option<String>,
    error: Option<String>,
    transports: Vec<TransportColumn>,
    rows: Vec<Row>,
    email: String,
    quiet_hours: String,
    on_call: bool,
    telegram: TelegramBox,
    push: PushBox,
}

/// The member's browsers for Web Push.
#[derive(Debug, Default)]
struct PushBox {
    /// The key browsers subscribe with, when Web Push is set up.
    key: Option<String>,
    /// Each subscribed browser: its id and how it is described.
    devices: Vec<(String, String)>,
}

/// What the page shows beyond the member's choices.
#[derive(Debug)]
struct Extras {
    available: notify::Available,
    telegram: TelegramBox,
    push: PushBox,
}

/// The member's own Telegram account for notifications.
#[derive(Debug, Default)]
struct TelegramBox {
    /// The organisation's bot is connected.
    available: bool,
    linked: bool,
    /// A fresh one-time code and the bot's username, right after asking for one.
    code: Option<(String, String)>,
}

/// What the page needs beyond the member's choices: which transports work, the Telegram link
/// and the browsers subscribed to Web Push.
async fn extras(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    code: Option<(String, String)>,
) -> Result<Extras, PageError> {
    let staff = session.staff();
    let available = notify::available(state).await?;
    let linked = if available.telegram {
        netreach_app::telegram::linked(state, &staff)
            .await
            .map_err(telegram_failure)?
    } else {
        false
    };
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let devices = notify::push::devices(state, &staff)
        .await?
        .into_iter()
        .map(|d| {
            let since = d
                .since
                .format(&time::macros::format_description!("[year]-[month]-[day]"))
                .unwrap_or_default();
            (
                d.id.to_string(),
                t.with2("notify-push-device", "service", &d.service, "since", &since),
            )
        })
        .collect();
    Ok(Extras {
        available,
        telegram: TelegramBox {
            available: available.telegram,
            linked,
            code,
        },
        push: PushBox {
            key: notify::push::public_key(state, &staff).await?,
            devices,
        },
    })
}

fn telegram_failure(e: netreach_app::telegram::BotError) -> PageError {
    use netreach_app::telegram::BotError;
    match e {
        BotError::Denied(d) => d.into(),
        BotError::Store(e) => e.into(),
        // No bot to link to (it was disconnected meanwhile): the page no longer offers it.
        _ => PageError::NotFound,
    }
}

fn settings_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    prefs: &Preferences,
    (notice, error): (Option<&str>, Option<&str>),
    extras: Extras,
) -> SettingsPage<'a> {
    let Extras {
        available,
        telegram,
        push,
    } = extras;
    let chrome = Chrome::new(
        state,
        lang,
        "notify-settings-title",
        "/staff/account/notifications",
        Some(session),
    );
    let transports: Vec<TransportColumn> = Transport::ALL
        .iter()
        .map(|t| TransportColumn {
            label: chrome.t.get(&format!("notify-transport-{}", t.as_str())),
            available: match t {
                Transport::Console => true,
                Transport::Email => available.email,
                Transport::Telegram => available.telegram,
                Transport::Push => available.push,
            },
        })
        .collect();
    let rows = Event::ALL
        .iter()
        .map(|event| {
            let chosen = prefs
                .events
                .iter()
                .find(|(e, _)| e == event)
                .map(|(_, t)| t.as_slice())
                .unwrap_or_default();
            Row {
                label: chrome.t.get(&format!("notify-event-{}", event.as_str())),
                cells: Transport::ALL
                    .iter()
                    .zip(&transports)
                    .map(|(t, column)| Cell {
                        value: format!("{}.{}", event.as_str(), t.as_str()),
                        transport_label: column.label.clone(),
                        checked: chosen.contains(t),
                    })
                    .collect(),
            }
        })
        .collect();
    SettingsPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        transports,
        rows,
        email: prefs.email.clone().unwrap_or_default(),
        quiet_hours: prefs.quiet_hours.clone(),
        on_call: prefs.on_call,
        telegram,
        push,
        chrome,
    }
}

#[derive(Debug, Deserialize)]
pub struct Saved {
    saved: Option<String>,
    removed: Option<String>,
}

/// `GET /staff/account/notifications`: the settings table.
pub async fn settings(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(saved): Query<Saved>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let prefs = notify::preferences(&state, &session.staff()).await?;
    let notice = match (saved.saved.is_some(), saved.removed.is_some()) {
        (_, true) => Some("notify-push-removed"),
        (true, false) => Some("notify-saved"),
        (false, false) => None,
    };
    let extras = extras(&state, lang, &session, None).await?;
    Ok(render(&settings_page(
        &state,
        lang,
        &session,
        &prefs,
        (notice, None),
        extras,
    )))
}

/// `POST /staff/account/telegram/link`: a one-time code to send the organisation's bot.
pub async fn link_telegram(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let code = netreach_app::telegram::start_link(&state, &session.staff())
        .await
        .map_err(telegram_failure)?;
    let prefs = notify::preferences(&state, &session.staff()).await?;
    let extras = extras(&state, lang, &session, Some(code)).await?;
    Ok(render(&settings_page(
        &state,
        lang,
        &session,
        &prefs,
        (None, None),
        extras,
    )))
}

/// `POST /staff/account/telegram/unlink`: stops notifications to the linked account.
pub async fn unlink_telegram(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Redirect, PageError> {
    netreach_app::telegram::unlink(&state, &session.staff())
        .await
        .map_err(telegram_failure)?;
    Ok(Redirect::to("/staff/account/notifications?saved=1"))
}

/// The form's fields as posted: repeated `choice=<event>.<transport>`, `email`, `quiet_hours`,
/// `on_call`. Unknown choices are ignored.
fn preferences_from(fields: &[(String, String)]) -> Preferences {
    let mut prefs = Preferences {
        events: Event::ALL.iter().map(|e| (*e, Vec::new())).collect(),
        ..Preferences::default()
    };
    for (name, value) in fields {
        match name.as_str() {
            "choice" => {
                let Some((event, transport)) = value.split_once('.') else {
                    continue;
                };
                let (Ok(event), Ok(transport)) =
                    (event.parse::<Event>(), transport.parse::<Transport>())
                else {
                    continue;
                };
                if let Some((_, chosen)) = prefs.events.iter_mut().find(|(e, _)| *e == event)
                    && !chosen.contains(&transport)
                {
                    chosen.push(transport);
                }
            }
            "email" => prefs.email = Some(value.clone()),
            "quiet_hours" => prefs.quiet_hours = value.clone(),
            "on_call" => prefs.on_call = value == "yes",
            _ => {}
        }
    }
    prefs
}

/// `POST /staff/account/notifications`: saves the table; invalid input comes back as typed.
pub async fn save(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let prefs = preferences_from(&fields);
    match notify::set_preferences(&state, &session.staff(), prefs.clone()).await {
        Ok(()) => Ok(Redirect::to("/staff/account/notifications?saved=1").into_response()),
        Err(e @ (NotifyError::BadEmail | NotifyError::BadQuietHours)) => {
            let extras = extras(&state, lang, &session, None).await?;
            Ok(render_invalid(&settings_page(
                &state,
                lang,
                &session,
                &prefs,
                (None, Some(e.message_id())),
                extras,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/account/push` (from the console script, with the browser's subscription as
/// JSON): `201 {"id"}`, or the error page in the member's language (409 push not set up, 422 a
/// subscription this server cannot use).
pub async fn subscribe(
    State(state): State<AppState>,
    session: StaffSession,
    axum::Json(subscription): axum::Json<notify::push::NewSubscription>,
) -> Result<Response, PageError> {
    match notify::push::subscribe(&state, &session.staff(), subscription).await {
        Ok(id) => Ok((
            axum::http::StatusCode::CREATED,
            axum::Json(serde_json::json!({ "id": id })),
        )
            .into_response()),
        Err(e @ (NotifyError::PushOff | NotifyError::BadSubscription)) => {
            let status = match e {
                NotifyError::PushOff => axum::http::StatusCode::CONFLICT,
                _ => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            };
            let mut response = status.into_response();
            response.extensions_mut().insert(crate::error::ErrorInfo {
                code: "invalid_subscription",
                message_id: e.message_id(),
            });
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/account/push/{id}/remove`: one browser stops getting notifications.
pub async fn unsubscribe(
    State(state): State<AppState>,
    session: StaffSession,
    axum::extract::Path(id): axum::extract::Path<uuid::Uuid>,
) -> Result<Redirect, PageError> {
    notify::push::unsubscribe(&state, &session.staff(), id).await?;
    Ok(Redirect::to("/staff/account/notifications?removed=1"))
}

/// The service worker that shows a push: registered by the console script, scoped to the
/// console.
pub const PUSH_WORKER: &str = include_str!("../../../assets/push-worker.js");

/// `GET /staff/push-worker.js`.
pub async fn push_worker() -> impl IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "no-cache"),
        ],
        PUSH_WORKER,
    )
}
