//! Server-rendered pages: the public site ([`public`]) and the staff console ([`staff`]).
//! Templates are askama files under `templates/`; every string comes from Fluent via `t`.

pub mod alerts;
pub mod client;
pub mod content;
pub mod linkify;
pub mod public;
pub mod qa;
pub mod services;
pub mod staff;

use crate::state::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use netreach_core::Lang;
use netreach_i18n::Tr;
use netreach_store::StaffUser;

/// What every page's frame needs: translator, title, language switch, the signed-in user.
#[derive(Debug)]
pub struct Chrome<'a> {
    pub t: Tr<'a>,
    pub lang: Lang,
    pub org_name: &'a str,
    pub title: String,
    /// The current path with `?lang=` set to the other language.
    pub other_lang_url: String,
    pub staff: Option<StaffNav>,
    /// A public page (not the console): it carries the quick-exit link.
    pub public: bool,
    /// Where the quick-exit link goes (`quick_exit_url`).
    pub quick_exit_url: &'a str,
    /// The emergency number as configured, and as a `tel:` target (digits, `+`, `*`, `#`).
    pub emergency_number: &'a str,
    pub emergency_tel: String,
}

/// The characters of a phone number a `tel:` link may carry.
pub fn tel(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
        .collect()
}

/// The console navigation for the signed-in user.
#[derive(Debug)]
pub struct StaffNav {
    pub username: String,
    pub is_admin: bool,
    /// Console notices not read yet, shown in the navigation and the page title.
    pub unread: u64,
}

/// Whoever the console navigation is drawn for: a signed-in session (with its unread count) or
/// just an account.
pub trait NavUser {
    fn nav(&self) -> StaffNav;
}

impl NavUser for StaffUser {
    fn nav(&self) -> StaffNav {
        StaffNav {
            username: self.username.to_string(),
            is_admin: self.role.includes(netreach_core::Role::Admin),
            unread: 0,
        }
    }
}

impl NavUser for crate::auth::StaffSession {
    fn nav(&self) -> StaffNav {
        StaffNav {
            unread: self.unread,
            ..self.user.nav()
        }
    }
}

impl<T: NavUser + ?Sized> NavUser for &T {
    fn nav(&self) -> StaffNav {
        (**self).nav()
    }
}

impl<'a> Chrome<'a> {
    pub fn new(
        state: &'a AppState,
        lang: Lang,
        title_id: &str,
        path: &str,
        staff: Option<&dyn NavUser>,
    ) -> Chrome<'a> {
        let t = Tr::new(&state.i18n, lang);
        Chrome {
            t,
            lang,
            org_name: &state.settings.org_name,
            title: t.get(title_id),
            other_lang_url: format!("{path}?lang={}", lang.other().code()),
            staff: staff.map(NavUser::nav),
            public: !path.starts_with("/staff"),
            quick_exit_url: &state.settings.quick_exit_url,
            emergency_number: &state.settings.conversations.emergency_number,
            emergency_tel: tel(&state.settings.conversations.emergency_number),
        }
    }
}

/// Renders a template to an HTML response; a template error is a 500 with its cause logged.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => crate::error::internal(format!("template: {e}")),
    }
}

/// Renders a form page again after invalid input, with a 422 status and everything typed kept.
pub fn render_invalid(template: &impl Template) -> Response {
    let mut response = render(template);
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub chrome: Chrome<'a>,
    pub message: String,
    pub request_id: &'a str,
    pub show_request_id: bool,
}
