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

fn failure(e: NotifyError) -> PageError {
    match e {
        NotifyError::Denied(d) => d.into(),
        NotifyError::Store(e) => e.into(),
        other => PageError::Internal(other.to_string()),
    }
}

/// `GET /staff/notifications`: the member's notices, unread first.
pub async fn list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let notices = notify::notices(&state, &session.staff())
        .await
        .map_err(failure)?;
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
    notify::mark_read(&state, &session.staff(), None)
        .await
        .map_err(failure)?;
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

/// What the page needs beyond the member's choices: which transports work, and their link.
async fn telegram_box(
    state: &AppState,
    session: &StaffSession,
    code: Option<(String, String)>,
) -> Result<(notify::Available, TelegramBox), PageError> {
    let available = notify::available(state).await?;
    let linked = if available.telegram {
        netreach_app::telegram::linked(state, &session.staff())
            .await
            .map_err(telegram_failure)?
    } else {
        false
    };
    Ok((
        available,
        TelegramBox {
            available: available.telegram,
            linked,
            code,
        },
    ))
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

#[allow(clippy::too_many_arguments)]
fn settings_page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    prefs: &Preferences,
    notice: Option<&str>,
    error: Option<&str>,
    available: notify::Available,
    telegram: TelegramBox,
) -> SettingsPage<'a> {
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
        chrome,
    }
}

#[derive(Debug, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// `GET /staff/account/notifications`: the settings table.
pub async fn settings(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(saved): Query<Saved>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let prefs = notify::preferences(&state, &session.staff())
        .await
        .map_err(failure)?;
    let notice = saved.saved.is_some().then_some("notify-saved");
    let (available, telegram) = telegram_box(&state, &session, None).await?;
    Ok(render(&settings_page(
        &state, lang, &session, &prefs, notice, None, available, telegram,
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
    let prefs = notify::preferences(&state, &session.staff())
        .await
        .map_err(failure)?;
    let (available, telegram) = telegram_box(&state, &session, Some(code)).await?;
    Ok(render(&settings_page(
        &state, lang, &session, &prefs, None, None, available, telegram,
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
            let (available, telegram) = telegram_box(&state, &session, None).await?;
            Ok(render_invalid(&settings_page(
                &state,
                lang,
                &session,
                &prefs,
                None,
                Some(e.message_id()),
                available,
                telegram,
            )))
        }
        Err(e) => Err(failure(e)),
    }
}
