//! Drug alerts over the JSON API.

use super::ErrorBody;
use crate::alerts::{self as service, AlertError, NewAlert, ReportInput};
use crate::auth::ApiStaff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use netreach_core::{AlertId, AlertReportId, AlertStatus, Severity};
use netreach_store::AlertRecord;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

impl From<AlertError> for ApiError {
    fn from(e: AlertError) -> Self {
        let (status, code) = match &e {
            AlertError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            AlertError::Region => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_region"),
            AlertError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AlertError::WrongState => (StatusCode::CONFLICT, "wrong_state"),
            AlertError::NotReady => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
            AlertError::Busy => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            AlertError::Denied(denied) => return (*denied).into(),
            AlertError::Store(inner) => return ApiError::store(inner),
        };
        ApiError::new(status, code, e.message_id())
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportRequest {
    sold_as: String,
    #[serde(default)]
    appearance: String,
    /// A region, no finer than a city.
    region: String,
    what_happened: String,
    #[serde(default)]
    test_result: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportAccepted {
    #[schema(value_type = String)]
    report_id: AlertReportId,
}

/// Report a dangerous batch anonymously (no account; nothing identifying is kept).
#[utoipa::path(post, path = "/api/v1/alerts/reports", tag = "alerts", request_body = ReportRequest,
    responses((status = 202, body = ReportAccepted), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    Json(req): Json<ReportRequest>,
) -> Result<(StatusCode, Json<ReportAccepted>), ApiError> {
    let report_id = service::report(
        &state,
        ReportInput {
            sold_as: req.sold_as,
            appearance: req.appearance,
            region: req.region,
            what_happened: req.what_happened,
            test_result: req.test_result,
        },
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(ReportAccepted { report_id })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TitleBody {
    title: String,
    body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Texts {
    en: TitleBody,
    ru: TitleBody,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateAlert {
    #[serde(default)]
    report_id: Option<String>,
    /// info, warning or danger
    severity: String,
    #[serde(default)]
    regions: Vec<String>,
    /// Substance slugs.
    #[serde(default)]
    substances: Vec<String>,
    text: Texts,
    /// RFC 3339; required, in the future.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    expires_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    #[schema(value_type = String)]
    id: AlertId,
}

/// Draft an alert (status `reported`) in English and Russian.
#[utoipa::path(post, path = "/api/v1/staff/alerts", tag = "alerts", security(("bearer" = [])), request_body = CreateAlert,
    responses((status = 201, body = Created), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    staff: ApiStaff,
    Json(req): Json<CreateAlert>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let severity: Severity = req
        .severity
        .parse()
        .map_err(|_| AlertError::Invalid("severity"))?;
    let report_id = req
        .report_id
        .filter(|r| !r.is_empty())
        .map(|r| r.parse::<AlertReportId>())
        .transpose()
        .map_err(|_| AlertError::Invalid("report_id"))?;
    let id = service::create(
        &state,
        &staff.staff(),
        NewAlert {
            report_id,
            severity,
            regions: req.regions,
            substances: req.substances,
            title_en: req.text.en.title,
            body_en: req.text.en.body,
            title_ru: req.text.ru.title,
            body_ru: req.text.ru.body,
            expires_at: req.expires_at,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// reported, verified, published or withdrawn
    status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertView {
    #[schema(value_type = String)]
    id: AlertId,
    #[schema(value_type = Option<String>)]
    report_id: Option<AlertReportId>,
    #[schema(value_type = String)]
    severity: Severity,
    #[schema(value_type = String)]
    status: AlertStatus,
    regions: Vec<String>,
    substances: Vec<String>,
    title_en: String,
    title_ru: String,
    expires_at: String,
}

fn list(field: &str) -> Vec<String> {
    field
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn view(a: AlertRecord) -> AlertView {
    AlertView {
        id: a.id,
        report_id: a.report_id,
        severity: a.severity,
        status: a.status,
        regions: list(&a.regions),
        substances: list(&a.substances),
        title_en: a.title_en,
        title_ru: a.title_ru,
        expires_at: a
            .expires_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertList {
    items: Vec<AlertView>,
}

/// Alerts, newest first.
#[utoipa::path(get, path = "/api/v1/staff/alerts", tag = "alerts", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = AlertList), (status = 401, body = ErrorBody)))]
pub async fn index(
    State(state): State<AppState>,
    staff: ApiStaff,
    Query(p): Query<ListParams>,
) -> Result<Json<AlertList>, ApiError> {
    let status = p
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(str::parse::<AlertStatus>)
        .transpose()
        .map_err(|_| AlertError::Invalid("status"))?;
    let items = service::list(&state, &staff.staff(), status).await?;
    Ok(Json(AlertList {
        items: items.into_iter().map(view).collect(),
    }))
}

/// An alert's id from the path; text that is no id names no alert.
fn alert_id(text: &str) -> Result<AlertId, AlertError> {
    text.parse().map_err(|_| AlertError::NotFound)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Verified {
    /// Whether the alert is now verified (one supervisor, or a second staff member).
    verified: bool,
}

/// Verify an alert.
#[utoipa::path(post, path = "/api/v1/staff/alerts/{id}/verify", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Verified), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<Verified>, ApiError> {
    Ok(Json(Verified {
        verified: service::verify(&state, &staff.staff(), alert_id(&id)?).await?,
    }))
}

/// Publish a verified alert (public page, home page, Atom feeds).
#[utoipa::path(post, path = "/api/v1/staff/alerts/{id}/publish", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::publish(&state, &staff.staff(), alert_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraw an alert.
#[utoipa::path(post, path = "/api/v1/staff/alerts/{id}/withdraw", tag = "alerts", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    staff: ApiStaff,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    service::withdraw(&state, &staff.staff(), alert_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    #[schema(value_type = String)]
    id: AlertReportId,
    created_at: String,
    region: String,
    /// The report's text looked like it carries contact details: never publish it as is.
    flagged: bool,
    /// `null` when the caller has no access to the inbox key.
    sold_as: Option<String>,
    appearance: Option<String>,
    what_happened: Option<String>,
    test_result: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportList {
    items: Vec<ReportView>,
}

/// The anonymous reports, newest first, opened for callers with inbox access.
#[utoipa::path(get, path = "/api/v1/staff/alerts/reports", tag = "alerts", security(("bearer" = [])),
    responses((status = 200, body = ReportList), (status = 401, body = ErrorBody)))]
pub async fn reports(
    State(state): State<AppState>,
    staff: ApiStaff,
) -> Result<Json<ReportList>, ApiError> {
    let items = service::reports(&state, &staff.staff())
        .await?
        .into_iter()
        .map(|r| ReportView {
            id: r.id,
            created_at: r
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            region: r.region,
            flagged: r.flagged,
            sold_as: r.content.as_ref().map(|c| c.sold_as.clone()),
            appearance: r.content.as_ref().map(|c| c.appearance.clone()),
            what_happened: r.content.as_ref().map(|c| c.what_happened.clone()),
            test_result: r.content.as_ref().and_then(|c| c.test_result.clone()),
        })
        .collect();
    Ok(Json(ReportList { items }))
}
