//! The organisation's Telegram bot in the console (admins): connect it with the token from
//! BotFather, see how it receives updates and whether polling works, test it, disconnect it.

use super::Done;
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::telegram::{self, BotError, BotStatus};
use netreach_core::Lang;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "staff/telegram.html")]
struct BotPage<'a> {
    chrome: Chrome<'a>,
    bot: Option<BotStatus>,
    notice: Option<String>,
    error: Option<String>,
    webhook: bool,
}

fn when(at: time::OffsetDateTime) -> String {
    at.format(&time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

fn page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    bot: Option<BotStatus>,
    notice: Option<String>,
    error: Option<&str>,
) -> BotPage<'a> {
    let chrome = Chrome::new(
        state,
        lang,
        "telegram-bot-title",
        "/staff/telegram",
        Some(session),
    );
    BotPage {
        error: error.map(|id| chrome.t.get(id)),
        notice,
        bot,
        webhook: state.settings.telegram.webhook_url.is_some(),
        chrome,
    }
}

fn failure(e: BotError) -> Result<&'static str, PageError> {
    match e {
        BotError::Denied(d) => Err(d.into()),
        BotError::Store(e) => Err(e.into()),
        other => Ok(other.message_id()),
    }
}

async fn current(state: &AppState, session: &StaffSession) -> Result<Option<BotStatus>, PageError> {
    match telegram::status(state, &session.staff()).await {
        Ok(bot) => Ok(bot),
        Err(e) => Err(failure(e).err().unwrap_or(PageError::NotFound)),
    }
}

/// `GET /staff/telegram`.
pub async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(done): Query<Done>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let bot = current(&state, &session).await?;
    let chrome_lang = lang;
    let notice = done
        .message_id()
        .map(|id| netreach_i18n::Tr::new(&state.i18n, chrome_lang).get(id));
    Ok(render(&page(&state, lang, &session, bot, notice, None)))
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    token: String,
}

/// `POST /staff/telegram`: connects (or replaces) the bot after Telegram confirmed the token.
pub async fn connect(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    match telegram::connect(&state, &session.staff(), &form.token).await {
        Ok(_) => Ok(Redirect::to("/staff/telegram?done=bot-connected").into_response()),
        Err(e) => {
            let message = failure(e)?;
            let bot = current(&state, &session).await?;
            Ok(render_invalid(&page(
                &state,
                lang,
                &session,
                bot,
                None,
                Some(message),
            )))
        }
    }
}

/// `POST /staff/telegram/test`: asks Telegram whether the stored token still works.
pub async fn test(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
) -> Result<Response, PageError> {
    let outcome = telegram::test_connection(&state, &session.staff()).await;
    let bot = current(&state, &session).await?;
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    Ok(match outcome {
        Ok(username) => render(&page(
            &state,
            lang,
            &session,
            bot,
            Some(t.with("telegram-bot-test-ok", "username", &username)),
            None,
        )),
        Err(e) => {
            let message = failure(e)?;
            render_invalid(&page(&state, lang, &session, bot, None, Some(message)))
        }
    })
}

/// `POST /staff/telegram/disconnect`.
pub async fn disconnect(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Response, PageError> {
    match telegram::disconnect(&state, &session.staff()).await {
        Ok(_) => Ok(Redirect::to("/staff/telegram?done=bot-disconnected").into_response()),
        Err(e) => Err(failure(e).err().unwrap_or(PageError::NotFound)),
    }
}

/// Dates for the template.
impl BotPage<'_> {
    fn connected_at(&self) -> String {
        self.bot
            .as_ref()
            .map(|b| when(b.connected_at))
            .unwrap_or_default()
    }

    fn last_update(&self) -> String {
        self.bot
            .as_ref()
            .and_then(|b| b.last_update_at)
            .map(when)
            .unwrap_or_else(|| "—".into())
    }
}
