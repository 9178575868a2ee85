//! Public drug-alert pages: the list, one alert, the Atom feed per language, and the anonymous
//! report form (no JavaScript).

use super::{Chrome, render, render_invalid};
use crate::alerts::{self as service, AlertError, ReportInput};
use crate::error::PageError;
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use netreach_app::policy::Action;
use netreach_core::{AlertId, Lang, Severity};
use netreach_store::AlertRecord;
use serde::Deserialize;

pub fn routes(state: AppState) -> Routes {
    Routes::new()
        .get("/alerts", Action::ReadPublic, index)
        .get("/alerts.atom", Action::ReadPublic, atom)
        .get("/alerts/report", Action::ReadPublic, report_form)
        .post("/alerts/report", Action::ReportDrug, report)
        .get("/alerts/{id}", Action::ReadPublic, show)
        .wrap(|router| {
            router.layer(axum::middleware::from_fn_with_state(
                state,
                crate::middleware::csrf,
            ))
        })
}

/// An alert as shown in one language.
pub struct AlertItem {
    pub id: AlertId,
    pub severity: Severity,
    pub title: String,
    /// Rendered and sanitised like an article.
    pub body_html: String,
    /// (slug, name) of the substances the alert is about.
    pub substances: Vec<(String, String)>,
    pub regions: String,
    pub expires: String,
    pub active: bool,
}

pub fn item(state: &AppState, a: &AlertRecord, lang: Lang) -> AlertItem {
    let (title, body) = match lang {
        Lang::En => (a.title_en.clone(), a.body_en.clone()),
        Lang::Ru => (a.title_ru.clone(), a.body_ru.clone()),
    };
    AlertItem {
        id: a.id,
        severity: a.severity,
        title,
        body_html: service::body_html(state, &body, lang),
        substances: service::substances(state, a, lang),
        regions: a.regions.replace(',', ", "),
        expires: a.expires_at.date().to_string(),
        active: service::is_active(state, a),
    }
}

#[derive(Template)]
#[template(path = "alerts/index.html")]
struct IndexPage<'a> {
    chrome: Chrome<'a>,
    active: Vec<AlertItem>,
    expired: Vec<AlertItem>,
}

async fn index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, "alerts-title", "/alerts", None);
    let published = service::published(&state)
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
    let (active, expired): (Vec<_>, Vec<_>) = published
        .iter()
        .map(|a| item(&state, a, lang))
        .partition(|a| a.active);
    Ok(render(&IndexPage {
        chrome,
        active,
        expired,
    }))
}

#[derive(Template)]
#[template(path = "alerts/show.html")]
struct ShowPage<'a> {
    chrome: Chrome<'a>,
    alert: AlertItem,
}

async fn show(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let alert_id: AlertId = id.parse().map_err(|_| PageError::NotFound)?;
    let record = match service::public_alert(&state, alert_id).await {
        Ok(record) => record,
        Err(AlertError::Store(e)) => return Err(e.into()),
        Err(_) => return Err(PageError::NotFound),
    };
    let mut chrome = Chrome::new(&state, lang, "alerts-title", &format!("/alerts/{id}"), None);
    let alert = item(&state, &record, lang);
    chrome.title = alert.title.clone();
    Ok(render(&ShowPage { chrome, alert }))
}

/// Escaped for XML 1.0, which has no place for control characters (older alerts may hold some).
fn xml(text: &str) -> String {
    netreach_app::input::without_controls(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    lang: Option<String>,
}

/// The Atom feed of published alerts in one language; expired ones stay, marked as expired.
async fn atom(
    State(state): State<AppState>,
    Extension(ui_lang): Extension<Lang>,
    Query(q): Query<FeedQuery>,
) -> Result<Response, PageError> {
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or(ui_lang);
    let published = service::published(&state)
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?;
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let base = state.settings.public_url.clone().unwrap_or_default();
    let base = base.trim_end_matches('/');
    let rfc = |at: time::OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let updated = published
        .iter()
        .filter_map(|a| a.published_at)
        .max()
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!(
        "<title>{}</title>\n",
        xml(&format!(
            "{} · {}",
            t.get("alerts-title"),
            state.settings.org_name
        ))
    ));
    out.push_str(&format!("<id>urn:netreach:alerts:{}</id>\n", lang.code()));
    out.push_str(&format!("<updated>{}</updated>\n", rfc(updated)));
    out.push_str(&format!(
        "<link rel=\"alternate\" href=\"{}\"/>\n",
        xml(&format!("{base}/alerts?lang={}", lang.code()))
    ));
    for a in &published {
        let i = item(&state, a, lang);
        let title = if i.active {
            i.title.clone()
        } else {
            format!("[{}] {}", t.get("alerts-expired-mark"), i.title)
        };
        out.push_str("<entry>\n");
        out.push_str(&format!("<id>urn:uuid:{}</id>\n", i.id));
        out.push_str(&format!("<title>{}</title>\n", xml(&title)));
        out.push_str(&format!(
            "<updated>{}</updated>\n",
            rfc(a.published_at.unwrap_or(a.created_at))
        ));
        out.push_str(&format!(
            "<link rel=\"alternate\" href=\"{}\"/>\n",
            xml(&format!("{base}/alerts/{}?lang={}", i.id, lang.code()))
        ));
        out.push_str("<author><name>");
        out.push_str(&xml(&state.settings.org_name));
        out.push_str("</name></author>\n");
        out.push_str(&format!(
            "<content type=\"html\">{}</content>\n",
            xml(&i.body_html)
        ));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        out,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "alerts/report.html")]
struct ReportPage<'a> {
    chrome: Chrome<'a>,
    form: ReportInput,
    regions: &'a [String],
    error: Option<String>,
    done: bool,
}

async fn report_form(State(state): State<AppState>, Extension(lang): Extension<Lang>) -> Response {
    let chrome = Chrome::new(&state, lang, "alerts-report-title", "/alerts/report", None);
    render(&ReportPage {
        chrome,
        form: ReportInput::default(),
        regions: &state.settings.alerts.regions,
        error: None,
        done: false,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    sold_as: String,
    #[serde(default)]
    appearance: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    what_happened: String,
    #[serde(default)]
    test_result: String,
    #[serde(default)]
    website: String,
}

async fn report(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Form(form): Form<ReportForm>,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(&state, lang, "alerts-report-title", "/alerts/report", None);
    let input = ReportInput {
        sold_as: form.sold_as,
        appearance: form.appearance,
        region: form.region,
        what_happened: form.what_happened,
        test_result: Some(form.test_result).filter(|t| !t.trim().is_empty()),
    };
    if !form.website.is_empty() {
        // The honeypot was filled: answer like a success, store nothing.
        return Ok(render(&ReportPage {
            chrome,
            form: ReportInput::default(),
            regions: &state.settings.alerts.regions,
            error: None,
            done: true,
        }));
    }
    match service::report(&state, input.clone()).await {
        Ok(_) => Ok(render(&ReportPage {
            chrome,
            form: ReportInput::default(),
            regions: &state.settings.alerts.regions,
            error: None,
            done: true,
        })),
        Err(AlertError::Store(e)) => Err(e.into()),
        Err(e) => {
            let error = Some(chrome.t.get(e.message_id()));
            Ok(render_invalid(&ReportPage {
                chrome,
                form: input,
                regions: &state.settings.alerts.regions,
                error,
                done: false,
            }))
        }
    }
}
