//! Drug alerts in the console: reports received, alerts drafted, verified, published and
//! withdrawn (the same service as the API).

use super::Done;
use crate::alerts::{self as service, AlertError, NewAlert, OpenedReport};
use crate::auth::StaffSession;
use crate::error::PageError;
use crate::pages::{Chrome, render, render_invalid};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use netreach_core::{AlertId, AlertReportId, AlertStatus, Lang, Severity};
use netreach_store::AlertRecord;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct AlertForm {
    #[serde(default)]
    report_id: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    regions: String,
    #[serde(default)]
    substances: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    title_ru: String,
    #[serde(default)]
    body_ru: String,
    /// `YYYY-MM-DD`: the alert expires at the end of that day (UTC).
    #[serde(default)]
    expires: String,
}

/// One text of an alert as it will be published.
struct Shown {
    lang: &'static str,
    heading: String,
    title: String,
    body_html: String,
}

/// An alert as verifiers see it: everything that will be published, in both languages, and
/// how far verification has come.
struct AlertCard {
    alert: AlertRecord,
    severity: String,
    texts: [Shown; 2],
    regions: String,
    substances: Vec<(String, String)>,
    /// "1 of 2 verifications ..." while it is being verified.
    verifications: Option<String>,
    verified_by_me: bool,
}

fn card(
    state: &AppState,
    chrome: &Chrome<'_>,
    me: netreach_core::UserId,
    r: service::Reviewed,
) -> AlertCard {
    let a = &r.record;
    let shown = |lang: Lang, heading: &str, title: &str, body: &str| Shown {
        lang: lang.code(),
        heading: chrome.t.get(heading),
        title: title.to_owned(),
        body_html: service::body_html(state, body, lang),
    };
    let (done, needed) = r.verifications();
    AlertCard {
        severity: chrome.t.get(&format!("alerts-severity-{}", a.severity)),
        texts: [
            shown(Lang::En, "alerts-text-en", &a.title_en, &a.body_en),
            shown(Lang::Ru, "alerts-text-ru", &a.title_ru, &a.body_ru),
        ],
        regions: a.regions.replace(',', ", "),
        substances: service::substances(state, a, chrome.lang),
        verifications: (a.status == AlertStatus::Reported).then(|| {
            chrome.t.with2(
                "alerts-verifications",
                "count",
                &done.to_string(),
                "needed",
                &needed.to_string(),
            )
        }),
        verified_by_me: r.verifiers.contains(&me),
        alert: r.record,
    }
}

#[derive(Template)]
#[template(path = "staff/alerts.html")]
struct AlertsPage<'a> {
    chrome: Chrome<'a>,
    alerts: Vec<AlertCard>,
    reports: Vec<OpenedReport>,
    form: AlertForm,
    notice: Option<String>,
    error: Option<String>,
}

async fn page<'a>(
    state: &'a AppState,
    lang: Lang,
    session: &StaffSession,
    form: AlertForm,
    notice: Option<&str>,
    error: Option<&str>,
) -> Result<AlertsPage<'a>, PageError> {
    let chrome = Chrome::new(
        state,
        lang,
        "alerts-console-title",
        "/staff/alerts",
        Some(&session),
    );
    let alerts = match service::list_for_review(state, &session.staff(), None).await {
        Ok(alerts) => alerts
            .into_iter()
            .map(|r| card(state, &chrome, session.user.id, r))
            .collect(),
        Err(AlertError::Denied(d)) => return Err(d.into()),
        Err(e) => return Err(PageError::Internal(e.to_string())),
    };
    let reports = service::reports(state, &session.staff())
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(AlertsPage {
        notice: notice.map(|id| chrome.t.get(id)),
        error: error.map(|id| chrome.t.get(id)),
        chrome,
        alerts,
        reports,
        form,
    })
}

pub async fn index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(
            &state,
            lang,
            &session,
            AlertForm::default(),
            done.message_id(),
            None,
        )
        .await?,
    ))
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

pub async fn create(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Form(form): Form<AlertForm>,
) -> Result<Response, PageError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let expires = time::Date::parse(form.expires.trim(), &format)
        .ok()
        .and_then(|d| d.with_hms(23, 59, 59).ok())
        .map(|dt| dt.assume_utc());
    let severity = form.severity.parse::<Severity>();
    let report_id = Some(form.report_id.trim())
        .filter(|r| !r.is_empty())
        .map(str::parse::<AlertReportId>)
        .transpose();
    let result = match (expires, severity, report_id) {
        (None, _, _) => Err(AlertError::Invalid("expires_at")),
        (_, Err(_), _) => Err(AlertError::Invalid("severity")),
        (_, _, Err(_)) => Err(AlertError::Invalid("report_id")),
        (Some(expires_at), Ok(severity), Ok(report_id)) => {
            service::create(
                &state,
                &session.staff(),
                NewAlert {
                    report_id,
                    severity,
                    regions: split(&form.regions),
                    substances: split(&form.substances),
                    title_en: form.title_en.clone(),
                    body_en: form.body_en.clone(),
                    title_ru: form.title_ru.clone(),
                    body_ru: form.body_ru.clone(),
                    expires_at,
                },
            )
            .await
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to("/staff/alerts?done=alert-saved").into_response()),
        Err(AlertError::Store(e)) => Err(e.into()),
        Err(AlertError::Denied(d)) => Err(d.into()),
        Err(e) => {
            let id = match e {
                AlertError::Invalid(_) => "error-alert-form",
                other => other.message_id(),
            };
            Ok(render_invalid(
                &page(&state, lang, &session, form, None, Some(id)).await?,
            ))
        }
    }
}

pub async fn verify(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: AlertId = id.parse().map_err(|_| PageError::NotFound)?;
    let result = service::verify(&state, &session.staff(), id)
        .await
        .map(|_| ());
    after_step(&state, lang, &session, "verify", result).await
}

pub async fn publish(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: AlertId = id.parse().map_err(|_| PageError::NotFound)?;
    let result = service::publish(&state, &session.staff(), id).await;
    after_step(&state, lang, &session, "publish", result).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: AlertId = id.parse().map_err(|_| PageError::NotFound)?;
    let result = service::withdraw(&state, &session.staff(), id).await;
    after_step(&state, lang, &session, "withdraw", result).await
}

/// Back to the list after a step, or the list with the reason the step was refused.
async fn after_step(
    state: &AppState,
    lang: Lang,
    session: &StaffSession,
    action: &str,
    result: Result<(), AlertError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/staff/alerts?done=alert-{action}")).into_response()),
        Err(AlertError::NotFound) => Err(PageError::NotFound),
        Err(AlertError::Store(e)) => Err(e.into()),
        Err(AlertError::Denied(d)) => Err(d.into()),
        Err(e) => Ok(render_invalid(
            &page(
                state,
                lang,
                session,
                AlertForm::default(),
                None,
                Some(e.message_id()),
            )
            .await?,
        )),
    }
}
