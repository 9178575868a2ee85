//! The audit log: an append-only record of what staff did (sign-ins, opening a conversation,
//! claiming, assigning, status changes, notes, publishing, approving, verifying, exports and
//! backups, account, role, key-grant and settings changes, the panic lock), with the actor, the
//! time, the kind and the id acted on. It never holds content or anything about a client. Admins
//! read and export it; lines are deleted after `audit.retention_days` (365 by default).
//!
//! Recording is part of the action it records but never undoes it: if the line cannot be written
//! (the database just failed), the error is logged and the action stands.

use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_core::AuditAction;
use netreach_store::{AuditEntry, AuditFilter, NewAuditEntry, StaffUser, StoreError};
use time::Duration;

/// Lines one page of the log shows.
pub const PAGE: u32 = 100;
/// Lines one CSV export holds at most.
pub const EXPORT_MAX: u32 = 100_000;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("not an action the log records")]
    UnknownAction,
    #[error("not a position in the log")]
    BadCursor,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AuditError {
    pub fn message_id(&self) -> &'static str {
        match self {
            AuditError::UnknownAction => "error-audit-action",
            AuditError::BadCursor => "error-body-400",
            AuditError::Denied(_) => "error-body-403",
            AuditError::Store(_) => "error-body-500",
        }
    }
}

async fn append(state: &AppState, entry: NewAuditEntry) {
    let action = entry.action;
    if let Err(e) = state.store.append_audit(entry).await {
        tracing::error!(%action, error = %e, "an audit line could not be written");
    }
}

/// Records what a staff member did to `target` (an id, or "" when there is none).
pub async fn record(
    state: &AppState,
    actor: &StaffUser,
    action: AuditAction,
    target: impl ToString,
) {
    append(
        state,
        NewAuditEntry {
            at: state.clock.now(),
            actor_id: Some(actor.id),
            actor: actor.username.to_string(),
            action,
            target: target.to_string(),
        },
    )
    .await;
}

/// Records what the machine's operator did through the command line.
pub async fn record_operator(state: &AppState, action: AuditAction, target: impl ToString) {
    append(
        state,
        NewAuditEntry {
            at: state.clock.now(),
            actor_id: None,
            actor: "operator".into(),
            action,
            target: target.to_string(),
        },
    )
    .await;
}

/// Which lines an admin asks for: an action name, a username, and the position to continue from.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub cursor: Option<String>,
}

impl Query {
    fn filter(&self, limit: u32) -> Result<AuditFilter, AuditError> {
        let action = match self.action.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(name.parse().map_err(|_| AuditError::UnknownAction)?),
        };
        let before_id = match self.cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(c.parse::<i64>().map_err(|_| AuditError::BadCursor)?),
        };
        Ok(AuditFilter {
            action,
            actor: self
                .actor
                .as_deref()
                .map(|a| a.trim().to_lowercase())
                .filter(|a| !a.is_empty()),
            before_id,
            limit,
        })
    }
}

/// One page of the log, newest first, and where the next one starts.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// A page of the log, for an admin.
pub async fn read(state: &AppState, staff: &Staff, query: &Query) -> Result<Page, AuditError> {
    staff.may(Action::ReadAudit)?;
    let filter = query.filter(PAGE + 1)?;
    let mut items = state.store.audit_entries(&filter).await?;
    let next_cursor = if items.len() > PAGE as usize {
        items.truncate(PAGE as usize);
        items.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

/// The matching lines as CSV, for an admin; the export is itself recorded.
pub async fn export_csv(
    state: &AppState,
    staff: &Staff,
    query: &Query,
) -> Result<String, AuditError> {
    staff.may(Action::ReadAudit)?;
    let filter = query.filter(EXPORT_MAX)?;
    let items = state.store.audit_entries(&filter).await?;
    let mut out = String::from("at,actor,action,target\n");
    for e in &items {
        let at = e
            .entry
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        // Usernames, action names and ids hold no comma, quote or formula character.
        out.push_str(&format!(
            "{at},{},{},{}\n",
            e.entry.actor, e.entry.action, e.entry.target
        ));
    }
    record(state, &staff.user, AuditAction::Exported, "audit-log").await;
    Ok(out)
}

/// Deletes the lines older than the retention; returns how many.
pub async fn purge(state: &AppState) -> Result<u64, StoreError> {
    let days = i64::from(state.settings.audit.retention_days);
    state
        .store
        .purge_audit(state.clock.now() - Duration::days(days))
        .await
}
