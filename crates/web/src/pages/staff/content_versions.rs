//! The versions of the whole published pack: every import, publication, archive and restore
//! keeps the pack it replaced, and a supervisor can bring one back for every node.

use super::Done;
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::published::{self as service, ContentError};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_app::policy::Action;
use netreach_core::Lang;
use netreach_store::PackChange;
use serde::Deserialize;

struct Row {
    version: i64,
    made: String,
    replaced: Option<String>,
    how: String,
    files: i64,
}

#[derive(Template)]
#[template(path = "staff/content_versions.html")]
struct VersionsPage<'a> {
    chrome: Chrome<'a>,
    rows: Vec<Row>,
    may_restore: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionsQuery {
    done: Option<String>,
}

fn date(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&format).unwrap_or_default()
}

async fn page(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(
        state,
        lang,
        "content-versions-title",
        "/staff/content/versions",
        Some(&session),
    );
    let staff = session.staff();
    let rows = service::versions(state, &staff)
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?
        .into_iter()
        .map(|v| Row {
            version: v.version,
            made: if v.version == 0 {
                String::new()
            } else {
                date(v.made_at)
            },
            replaced: v.replaced_at.map(date),
            how: match v.how {
                _ if v.version == 0 => chrome.t.get("content-versions-how-bundled"),
                PackChange::Restore(from) => {
                    chrome
                        .t
                        .with("content-versions-how-restore", "version", &from.to_string())
                }
                other => chrome
                    .t
                    .get(&format!("content-versions-how-{}", other.to_text())),
            },
            files: v.files,
        })
        .collect();
    let page = VersionsPage {
        may_restore: staff.may(Action::RestoreContent).is_ok(),
        chrome,
        rows,
        notice,
        error: error.clone(),
    };
    Ok(if error.is_some() {
        render_invalid(&page)
    } else {
        render(&page)
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(query): Query<VersionsQuery>,
) -> Result<Response, PageError> {
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let notice = Done { done: query.done }.message_id().map(|id| t.get(id));
    page(&state, lang, &session, notice, None).await
}

#[derive(Debug, Deserialize)]
pub struct RestoreForm {
    #[serde(default)]
    version: String,
}

pub async fn restore(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<RestoreForm>,
) -> Result<Response, PageError> {
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let Ok(version) = form.version.trim().parse::<i64>() else {
        let error = t.with("content-versions-no-such", "version", form.version.trim());
        return page(&state, lang, &session, None, Some(error)).await;
    };
    match service::restore(&state, &session.staff(), version).await {
        Ok(_) => Ok(Redirect::to("/staff/content/versions?done=content-restored").into_response()),
        Err(ContentError::Denied(_)) => Err(PageError::Forbidden),
        Err(
            e
            @ (ContentError::NoSuchVersion(_) | ContentError::InUse(_) | ContentError::Invalid(_)),
        ) => {
            let error = t.with(e.message_id(), "version", &version.to_string());
            page(&state, lang, &session, None, Some(error)).await
        }
        Err(e) => Err(PageError::Internal(e.to_string())),
    }
}
