//! The console's first page: how many conversations wait, how many are urgent, whether the team
//! is away, and what the signed-in member can do from here.

use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_core::Status;
use netreach_store::{InboxFilter, StoreError};

/// How many urgent conversations the dashboard looks at; beyond this the count stops growing,
/// which keeps the page's cost bounded.
const URGENT_SCAN: u32 = 200;

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the dashboard shows a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The member's live console sessions.
    pub sessions: u64,
    /// New and open conversations.
    pub waiting: u64,
    /// New and open conversations marked urgent (at most [`URGENT_SCAN`]).
    pub urgent: u64,
    /// Whether the away switch is on.
    pub away: bool,
    /// Whether the member's inbox key opens, so conversations can be read.
    pub reads_inbox: bool,
    /// Whether the member may set working hours and canned replies.
    pub manages_team: bool,
    /// For supervisors and admins: the work waiting for them.
    pub waiting_for_you: Option<Queue>,
}

/// What waits for a supervisor's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Queue {
    /// Content revisions sent for review.
    pub reviews: u64,
    /// Drafted alerts not yet verified.
    pub verifications: u64,
    /// Q&A drafts waiting to be published.
    pub qa_drafts: u64,
    /// Posts whose current version waits for a second person's approval.
    pub approvals: u64,
}

impl Queue {
    pub fn is_empty(&self) -> bool {
        self.reviews == 0 && self.verifications == 0 && self.qa_drafts == 0 && self.approvals == 0
    }
}

async fn queue(state: &AppState) -> Result<Queue, StoreError> {
    Ok(Queue {
        reviews: state
            .store
            .content_items()
            .await?
            .iter()
            .filter(|i| i.state == netreach_core::ContentState::InReview)
            .count() as u64,
        verifications: state
            .store
            .alerts(Some(netreach_core::AlertStatus::Reported))
            .await?
            .len() as u64,
        qa_drafts: state
            .store
            .qa_entries(Some(netreach_core::QaStatus::Draft), None)
            .await?
            .len() as u64,
        approvals: state.store.posts_awaiting_approval().await?,
    })
}

/// The dashboard of the signed-in member.
pub async fn summary(state: &AppState, staff: &Staff) -> Result<Summary, DashboardError> {
    staff.may(Action::ViewDashboard)?;
    let waiting_status = |s: &Status| matches!(s, Status::New | Status::Open);
    let sessions = state
        .store
        .count_user_sessions(staff.user.id, state.clock.now())
        .await?;
    let waiting = state
        .store
        .status_counts()
        .await?
        .into_iter()
        .filter(|(s, _)| waiting_status(s))
        .map(|(_, n)| n)
        .sum();
    let urgent_filter = InboxFilter {
        urgent_only: true,
        limit: URGENT_SCAN,
        ..Default::default()
    };
    let urgent = state
        .store
        .list_conversations(&urgent_filter)
        .await?
        .iter()
        .filter(|c| waiting_status(&c.status))
        .count() as u64;
    let away = state.store.availability().await?.is_some_and(|a| a.away);
    Ok(Summary {
        sessions,
        waiting,
        urgent,
        away,
        reads_inbox: staff.inbox_key().is_some(),
        manages_team: staff.may(Action::ManageTeam).is_ok(),
        waiting_for_you: if staff.may(Action::ReviewContent).is_ok() {
            Some(queue(state).await?)
        } else {
            None
        },
    })
}
