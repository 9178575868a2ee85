//! Drug alerts as a service: anonymous reports (sealed to the inbox, contact details flagged for
//! staff), alerts written in both languages, verification by two staff members or one
//! supervisor, publication until an expiry date, withdrawal.

use crate::audit;
use crate::keys;
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::AuditAction;
use netreach_core::alert::{is_active as active_at, verification_complete};
use netreach_core::{AlertId, AlertReportId, AlertStatus, Role, Severity};
use netreach_crypto::Sealed;
use netreach_store::{AlertRecord, AlertReportRecord, StoreError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("a required field is empty or too long: {0}")]
    Invalid(&'static str),
    #[error("the region is not one of the organisation's regions")]
    Region,
    #[error("no such alert or report")]
    NotFound,
    #[error("the alert is not in a state that allows this")]
    WrongState,
    #[error("the inbox is not set up yet")]
    NotReady,
    #[error("too many reports right now")]
    Busy,
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AlertError {
    pub fn message_id(&self) -> &'static str {
        match self {
            AlertError::Invalid(_) => "error-alert-invalid",
            AlertError::Region => "error-alert-region",
            AlertError::NotFound => "error-body-404",
            AlertError::WrongState => "error-alert-state",
            AlertError::NotReady => "error-not-ready",
            AlertError::Busy => "error-body-429",
            AlertError::Denied(crate::policy::Denied::NoInboxKey) => "error-no-inbox-access",
            AlertError::Denied(_) => "error-body-403",
            AlertError::Store(_) => "error-body-500",
        }
    }
}

/// What a member of the public reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    pub sold_as: String,
    #[serde(default)]
    pub appearance: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub what_happened: String,
    #[serde(default)]
    pub test_result: Option<String>,
}

fn field(
    value: &str,
    max: usize,
    name: &'static str,
    required: bool,
) -> Result<String, AlertError> {
    crate::input::bounded(value, max, required).ok_or(AlertError::Invalid(name))
}

/// Whether free text looks like it carries contact details (an e-mail, a handle, a link, a
/// phone number): staff are warned before anything from it is used.
pub fn looks_like_contact(text: &str) -> bool {
    let lower = text.to_lowercase();
    let digits_run = lower
        .split(|c: char| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+')))
        .any(|run| run.chars().filter(char::is_ascii_digit).count() >= 7);
    digits_run
        || lower.contains("http")
        || lower.contains("t.me")
        || lower.contains("www.")
        || lower
            .split_whitespace()
            .any(|w| w.starts_with('@') && w.len() > 2)
        || (lower.contains('@') && lower.contains('.'))
}

/// Stores an anonymous report; returns its id. Nothing identifying is asked or kept.
pub async fn report(state: &AppState, input: ReportInput) -> Result<AlertReportId, AlertError> {
    let clean = ReportInput {
        sold_as: field(&input.sold_as, 100, "sold_as", true)?,
        appearance: field(&input.appearance, 300, "appearance", false)?,
        region: field(&input.region, 60, "region", true)?,
        what_happened: field(&input.what_happened, 2000, "what_happened", true)?,
        test_result: match input.test_result.as_deref() {
            Some(t) if !t.trim().is_empty() => Some(field(t, 300, "test_result", false)?),
            _ => None,
        },
    };
    let used = state
        .store
        .charge_budget(
            "alert-reports",
            state.clock.now(),
            time::Duration::minutes(1),
        )
        .await?;
    if used > u64::from(state.settings.alerts.reports_per_minute) {
        return Err(AlertError::Busy);
    }
    let regions = &state.settings.alerts.regions;
    // In the clear only as the configured name of a region the organisation listed; what a
    // reporter typed otherwise stays inside the sealed report.
    let listed_region = regions
        .iter()
        .find(|r| r.eq_ignore_ascii_case(&clean.region))
        .cloned();
    if !regions.is_empty() && listed_region.is_none() {
        return Err(AlertError::Region);
    }
    let inbox = match keys::inbox_public(state).await {
        Ok(Some(key)) => key,
        _ => return Err(AlertError::NotReady),
    };
    let flagged = [&clean.sold_as, &clean.appearance, &clean.what_happened]
        .iter()
        .any(|t| looks_like_contact(t))
        || clean.test_result.as_deref().is_some_and(looks_like_contact);
    let id = AlertReportId::new_random();
    let json = serde_json::to_string(&clean).unwrap_or_default();
    let sealed = Sealed::seal(&json, &format!("alert-report:{id}"), &inbox, None);
    state
        .store
        .create_alert_report(AlertReportRecord {
            id,
            created_at: state.clock.now(),
            region: listed_region.unwrap_or_default(),
            body: sealed.ciphertext,
            key_inbox: sealed.for_inbox,
            flagged,
        })
        .await?;
    tracing::info!(report_id = %id, flagged, "alert report received");
    crate::notify::emit_logged(
        state,
        &[crate::notify::Event::AlertReport],
        "/staff/alerts",
        &crate::notify::Audience::Everyone,
        None,
    )
    .await;
    Ok(id)
}

/// A report opened for staff with inbox access.
#[derive(Debug, Clone)]
pub struct OpenedReport {
    pub id: AlertReportId,
    pub created_at: OffsetDateTime,
    pub region: String,
    pub flagged: bool,
    pub content: Option<ReportInput>,
}

/// A published alert, for anyone; `NotFound` otherwise.
pub async fn public_alert(state: &AppState, id: AlertId) -> Result<AlertRecord, AlertError> {
    state
        .store
        .alert(id)
        .await?
        .filter(|a| a.status.is_public())
        .ok_or(AlertError::NotFound)
}

/// The alerts, newest first, optionally in one status.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    status: Option<AlertStatus>,
) -> Result<Vec<AlertRecord>, AlertError> {
    staff.may(Action::ListAlerts)?;
    Ok(state.store.alerts(status).await?)
}

/// The recent reports: their region and flag for any staff member, their content opened only
/// for one who holds the inbox key.
pub async fn reports(state: &AppState, staff: &Staff) -> Result<Vec<OpenedReport>, AlertError> {
    staff.may(Action::ListAlerts)?;
    let key = staff.inbox_key();
    let inbox = key.as_ref();
    Ok(state
        .store
        .alert_reports(200)
        .await?
        .into_iter()
        .map(|r| {
            let content = inbox.and_then(|k| {
                Sealed {
                    ciphertext: r.body.clone(),
                    for_inbox: r.key_inbox.clone(),
                    for_client: None,
                }
                .open_as_inbox(k, &format!("alert-report:{}", r.id))
                .ok()
                .and_then(|json| serde_json::from_str(&json).ok())
            });
            OpenedReport {
                id: r.id,
                created_at: r.created_at,
                region: content
                    .as_ref()
                    .map_or(r.region, |c: &ReportInput| c.region.clone()),
                flagged: r.flagged,
                content,
            }
        })
        .collect())
}

/// An alert as staff write it.
#[derive(Debug, Clone)]
pub struct NewAlert {
    pub report_id: Option<AlertReportId>,
    pub severity: Severity,
    pub regions: Vec<String>,
    pub substances: Vec<String>,
    pub title_en: String,
    pub body_en: String,
    pub title_ru: String,
    pub body_ru: String,
    pub expires_at: OffsetDateTime,
}

pub async fn create(state: &AppState, staff: &Staff, a: NewAlert) -> Result<AlertId, AlertError> {
    staff.may(Action::DraftAlert)?;
    let staff = &staff.user;
    let title_en = field(&a.title_en, 120, "text.en.title", true)?;
    let body_en = field(&a.body_en, 3000, "text.en.body", true)?;
    let title_ru = field(&a.title_ru, 120, "text.ru.title", true)?;
    let body_ru = field(&a.body_ru, 3000, "text.ru.body", true)?;
    if a.expires_at <= state.clock.now() {
        return Err(AlertError::Invalid("expires_at"));
    }
    let pack = state.content.pack();
    if a.substances.iter().any(|s| pack.substance(s).is_none()) {
        return Err(AlertError::Invalid("substances"));
    }
    if let Some(report) = a.report_id
        && !state.store.alert_report_exists(report).await?
    {
        return Err(AlertError::Invalid("report_id"));
    }
    let regions: Vec<String> = a
        .regions
        .iter()
        .map(|r| r.trim().replace(',', " "))
        .filter(|r| !r.is_empty())
        .collect();
    let allowed = &state.settings.alerts.regions;
    if !allowed.is_empty()
        && regions
            .iter()
            .any(|r| !allowed.iter().any(|a| a.eq_ignore_ascii_case(r)))
    {
        return Err(AlertError::Region);
    }
    let id = AlertId::new_random();
    state
        .store
        .create_alert(AlertRecord {
            id,
            report_id: a.report_id,
            severity: a.severity,
            regions: regions.join(","),
            substances: a.substances.join(","),
            title_en,
            body_en,
            title_ru,
            body_ru,
            status: AlertStatus::START,
            expires_at: a.expires_at,
            created_by: Some(staff.id),
            created_at: state.clock.now(),
            verified_at: None,
            published_at: None,
            withdrawn_at: None,
        })
        .await?;
    tracing::info!(alert_id = %id, user_id = %staff.id, "alert drafted");
    Ok(id)
}

/// Verification: one supervisor, or two different staff members.
pub async fn verify(state: &AppState, staff: &Staff, id: AlertId) -> Result<bool, AlertError> {
    staff.may(Action::VerifyAlert)?;
    let staff = &staff.user;
    let alert = state.store.alert(id).await?.ok_or(AlertError::NotFound)?;
    let verified = alert.status.verify().map_err(|_| AlertError::WrongState)?;
    let now = state.clock.now();
    let verifiers = state.store.verify_alert(id, staff.id, now).await?;
    let done = verification_complete(staff.role.includes(Role::Supervisor), verifiers);
    if done {
        state
            .store
            .set_alert_status(id, alert.status, verified, now)
            .await?;
    }
    tracing::info!(alert_id = %id, user_id = %staff.id, verified = done, "alert verification");
    audit::record(state, staff, AuditAction::AlertVerified, id).await;
    Ok(done)
}

pub async fn publish(state: &AppState, staff: &Staff, id: AlertId) -> Result<(), AlertError> {
    staff.may(Action::PublishAlert)?;
    let alert = state.store.alert(id).await?.ok_or(AlertError::NotFound)?;
    let now = state.clock.now();
    let published = alert
        .status
        .publish(alert.expires_at, now)
        .map_err(|_| AlertError::WrongState)?;
    if !state
        .store
        .set_alert_status(id, alert.status, published, now)
        .await?
    {
        return Err(AlertError::WrongState);
    }
    tracing::info!(alert_id = %id, "alert published");
    audit::record(state, &staff.user, AuditAction::AlertPublished, id).await;
    crate::publishing::queue_alert(state, &alert).await?;
    Ok(())
}

pub async fn withdraw(state: &AppState, staff: &Staff, id: AlertId) -> Result<(), AlertError> {
    staff.may(Action::WithdrawAlert)?;
    let alert = state.store.alert(id).await?.ok_or(AlertError::NotFound)?;
    let withdrawn = alert
        .status
        .withdraw()
        .map_err(|_| AlertError::WrongState)?;
    let now = state.clock.now();
    if !state
        .store
        .set_alert_status(id, alert.status, withdrawn, now)
        .await?
    {
        return Err(AlertError::WrongState);
    }
    let cancelled = state.store.cancel_alert_sends(id, now).await?;
    tracing::info!(alert_id = %id, cancelled, "alert withdrawn");
    audit::record(state, &staff.user, AuditAction::AlertWithdrawn, id).await;
    Ok(())
}

/// An alert's body (Markdown, written by staff) as the public pages show it: rendered and
/// sanitised like an article, placeholders filled. The same text goes to Telegram through
/// `channels::render` (`publishing::queue_alert`) and to the Atom feed.
pub fn body_html(state: &AppState, body: &str, lang: netreach_core::Lang) -> String {
    netreach_content::render::filled(body, state.content.fill(), lang)
}

/// An alert's substances (slugs in the record) with their names in the pack in use; a slug the
/// pack does not know keeps the slug as its name.
pub fn substances(
    state: &AppState,
    alert: &AlertRecord,
    lang: netreach_core::Lang,
) -> Vec<(String, String)> {
    let pack = state.content.pack();
    alert
        .substances
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|slug| {
            let name = pack
                .substance(slug)
                .map_or_else(|| slug.to_owned(), |s| s.name(lang).to_owned());
            (slug.to_owned(), name)
        })
        .collect()
}

/// An alert as staff review it before it goes out: the record, and for one still being
/// verified, who verified it so far.
#[derive(Debug, Clone)]
pub struct Reviewed {
    pub record: AlertRecord,
    pub verifiers: Vec<netreach_core::UserId>,
}

impl Reviewed {
    /// Verifications counted so far and needed in all ([`verification_complete`]: two people,
    /// or one supervisor).
    pub fn verifications(&self) -> (usize, usize) {
        (self.verifiers.len(), 2)
    }
}

/// [`list`] with the verifiers of each alert that is still being verified.
pub async fn list_for_review(
    state: &AppState,
    staff: &Staff,
    status: Option<AlertStatus>,
) -> Result<Vec<Reviewed>, AlertError> {
    let alerts = list(state, staff, status).await?;
    let mut out = Vec::with_capacity(alerts.len());
    for record in alerts {
        let verifiers = if record.status == AlertStatus::Reported {
            state.store.alert_verifiers(record.id).await?
        } else {
            Vec::new()
        };
        out.push(Reviewed { record, verifiers });
    }
    Ok(out)
}

/// Published alerts, newest first; the active ones have not expired.
pub async fn published(state: &AppState) -> Result<Vec<AlertRecord>, AlertError> {
    Ok(state.store.alerts(Some(AlertStatus::Published)).await?)
}

pub fn is_active(state: &AppState, a: &AlertRecord) -> bool {
    active_at(a.status, a.expires_at, state.clock.now())
}

/// Deletes reports older than the retention period (they are raw material, not a record).
pub async fn purge_reports(state: &AppState) -> Result<u64, StoreError> {
    let days = i64::from(state.settings.alerts.report_retention_days);
    state
        .store
        .purge_alert_reports(state.clock.now() - time::Duration::days(days))
        .await
}
