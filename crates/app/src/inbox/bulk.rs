//! Bulk actions on a selection in the inbox: each conversation goes through the same service
//! (and policy) as alone.

use super::{Assignee, add_tag, assign, set_status, tag};
use crate::conversations::ConversationError;
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::{ConversationId, Status};

/// What to do to each conversation of a selection in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bulk {
    /// Claim each (assign to oneself).
    Claim,
    /// Add this tag to each.
    Tag(String),
    /// Set each to this status.
    Status(Status),
}

/// How a bulk action went: done, and refused one by one (a caseload cap, a conversation
/// someone else holds, one deleted meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BulkOutcome {
    pub done: usize,
    pub refused: usize,
}

/// Most conversations one bulk action touches (an inbox page holds 50).
pub const BULK_MAX: usize = 100;

/// Applies one action to a selection: each conversation goes through the same service (and
/// policy) as alone, so a bulk action can do nothing one could not do one by one.
pub async fn bulk(
    state: &AppState,
    staff: &Staff,
    ids: &[ConversationId],
    what: &Bulk,
) -> Result<BulkOutcome, ConversationError> {
    staff.may(Action::BulkConversations)?;
    if let Bulk::Tag(typed) = what
        && tag(typed).is_none()
    {
        return Err(ConversationError::BadTag);
    }
    if let Bulk::Status(status) = what
        && !status.settable_by_staff()
    {
        return Err(ConversationError::BadStatus);
    }
    let mut outcome = BulkOutcome::default();
    for id in ids.iter().take(BULK_MAX) {
        let result = match what {
            Bulk::Claim => assign(state, staff, *id, Assignee::Me, None)
                .await
                .map(|_| ()),
            Bulk::Tag(typed) => add_tag(state, staff, *id, typed).await,
            Bulk::Status(status) => set_status(state, staff, *id, *status, None)
                .await
                .map(|_| ()),
        };
        match result {
            Ok(()) => outcome.done += 1,
            Err(ConversationError::Denied(d)) if outcome.done == 0 => return Err(d.into()),
            Err(ConversationError::Store(e)) => return Err(e.into()),
            Err(_) => outcome.refused += 1,
        }
    }
    tracing::info!(user_id = %staff.user.id, done = outcome.done, refused = outcome.refused, "bulk action");
    Ok(outcome)
}
