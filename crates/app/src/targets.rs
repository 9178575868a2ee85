//! First-response targets: how long a conversation has waited for its first answer, counted in
//! working minutes (only within the working hours, when they are set, and never on holidays),
//! against a target per urgency (`conversations.target_minutes_urgent` / `target_minutes`).
//!
//! [`check`] (a background job) tells the assignee, or the team when nobody is assigned, once a
//! conversation passes its target, and the supervisors once it passes twice its target. Each step
//! is raised once with a compare-and-set in the store, so several nodes tell once. Everything is
//! computed from metadata (creation and first-response times): no content is read.

use crate::availability;
use crate::conversations::ConversationError;
use crate::notify::{self, Audience, Event};
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::UserId;
use netreach_core::availability::Schedule;
use netreach_core::response_report::{self, FirstResponse, WeekLine};
use netreach_core::{Role, Status};
use netreach_store::{Conversation, FirstResponseRecord, InboxFilter, StoreError};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// How long a conversation without a first answer has waited, and whether that is past its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// Working minutes since the client wrote first.
    pub minutes: i64,
    /// The target for its urgency, in working minutes.
    pub target: i64,
}

impl Waiting {
    pub fn breached(&self) -> bool {
        self.minutes >= self.target
    }
}

/// The working-time clock: the team's schedule in its time zone.
#[derive(Debug, Clone)]
pub struct TargetClock {
    schedule: Schedule,
    timezone: Option<String>,
    target_urgent: i64,
    target: i64,
}

/// The clock for this installation's schedule and targets.
pub async fn clock(state: &AppState) -> Result<TargetClock, StoreError> {
    let record = state.store.availability().await?;
    let schedule = record
        .as_ref()
        .and_then(availability::schedule)
        .unwrap_or_default();
    let c = &state.settings.conversations;
    Ok(TargetClock {
        schedule,
        timezone: record.map(|r| r.timezone),
        target_urgent: i64::from(c.target_minutes_urgent),
        target: i64::from(c.target_minutes),
    })
}

impl TargetClock {
    fn local(&self, at: OffsetDateTime) -> (Date, u16) {
        self.timezone
            .as_deref()
            .and_then(|tz| availability::local_now(tz, at))
            .unwrap_or_else(|| (at.date(), (at.hour() as u16) * 60 + at.minute() as u16))
    }

    /// The working minutes from `c`'s start to `at`, and its target.
    fn measured(&self, c: &Conversation, at: OffsetDateTime) -> Waiting {
        Waiting {
            minutes: self
                .schedule
                .working_minutes(self.local(c.created_at), self.local(at)),
            target: if c.urgent {
                self.target_urgent
            } else {
                self.target
            },
        }
    }

    /// The team's calendar day of `at`.
    pub fn day(&self, at: OffsetDateTime) -> Date {
        self.local(at).0
    }

    /// How long `c` has waited for its first answer; `None` once answered or closed.
    pub fn waiting(&self, c: &Conversation, now: OffsetDateTime) -> Option<Waiting> {
        if c.first_response_at.is_some() || !matches!(c.status, Status::New | Status::Open) {
            return None;
        }
        Some(self.measured(c, now))
    }
}

/// Most conversations one run looks at (the oldest waiting are looked at first by the inbox's
/// own order of urgency and activity; a backlog beyond this is a backlog the team can see).
const BATCH: u32 = 500;

/// One run of the target job: tells of the conversations that passed their target (level 1: the
/// assignee, or everyone who chose the event when nobody is assigned) or twice their target
/// (level 2: the supervisors). Returns how many steps were raised.
pub async fn check(state: &AppState) -> Result<usize, StoreError> {
    let waiting = state
        .store
        .list_conversations(&InboxFilter {
            status: Some(Status::New),
            limit: BATCH,
            ..InboxFilter::default()
        })
        .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let clock = clock(state).await?;
    let now = state.clock.now();
    let mut raised = 0;
    for c in &waiting {
        let Some(w) = clock.waiting(c, now) else {
            continue;
        };
        let path = notify::conversation_path(c.id);
        if w.minutes >= w.target && state.store.raise_target_breach(c.id, 1, now).await? {
            raised += 1;
            let audience = match c.assigned_to {
                Some(user) => Audience::Only(vec![user]),
                None => Audience::Everyone,
            };
            tracing::warn!(conversation_id = %c.id, minutes = w.minutes, "response target passed");
            notify::emit_logged(state, &[Event::TargetBreached], &path, &audience, None).await;
        }
        if w.minutes >= 2 * w.target && state.store.raise_target_breach(c.id, 2, now).await? {
            raised += 1;
            tracing::warn!(conversation_id = %c.id, minutes = w.minutes, "response target escalated");
            notify::emit_logged(
                state,
                &[Event::TargetBreached],
                &path,
                &Audience::AtLeast(Role::Supervisor),
                None,
            )
            .await;
        }
    }
    Ok(raised)
}

/// Keeps the first answer to `c` for the weekly report (once per conversation): who sent it,
/// the working time the client had waited and the target. Called right after the answer.
pub async fn record_first_response(
    state: &AppState,
    c: &Conversation,
    responder: UserId,
) -> Result<(), StoreError> {
    let Some(answered_at) = c.first_response_at else {
        return Ok(());
    };
    let measured = clock(state).await?.measured(c, answered_at);
    state
        .store
        .record_first_response(&FirstResponseRecord {
            conversation_id: c.id,
            responder: Some(responder),
            answered_at,
            working_seconds: measured.minutes * 60,
            target_seconds: measured.target * 60,
        })
        .await?;
    Ok(())
}

/// How many weeks the report shows.
pub const REPORT_WEEKS: i64 = 8;

/// The weekly first-response report: per week (newest first) and per worker, the share answered
/// within target and the median and 90th percentile first response, in working time; weeks are
/// the team's calendar weeks. Supervisors only.
pub async fn weekly_report(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<WeekLine<String>>, ConversationError> {
    staff.may(Action::ReadResponseReport)?;
    let now = state.clock.now();
    let clock = clock(state).await?;
    let since = now - Duration::weeks(REPORT_WEEKS);
    let names: HashMap<UserId, String> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.username.to_string()))
        .collect();
    let records: Vec<FirstResponse<String>> = state
        .store
        .first_responses(since)
        .await?
        .into_iter()
        .map(|r| FirstResponse {
            // An account that is gone still counts, without a name.
            responder: r
                .responder
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            day: clock.day(r.answered_at),
            working_seconds: r.working_seconds,
            target_seconds: r.target_seconds,
        })
        .collect();
    Ok(response_report::weekly(&records))
}
