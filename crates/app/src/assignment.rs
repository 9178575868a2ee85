//! Auto-assignment (setting `conversations.auto_assign`, off by default): a new conversation
//! goes to the next member, round-robin, among those who hold the inbox key and are on shift
//! (the team's working hours, outside their own quiet hours); an urgent one goes to the on-call
//! members first, at any time. Caseload caps hold. The choice itself is one store transaction
//! under the cursor row's lock ([`netreach_store::ConversationStore::assign_next`]), so
//! concurrent starts on several nodes take turns fairly.

use crate::availability;
use crate::notify::{self, Audience, Event};
use crate::state::AppState;
use netreach_core::UserId;
use netreach_core::notification::QuietHours;
use netreach_store::{Conversation, StoreError};

/// A member who could be given a conversation: their id, whether they are on call and, at
/// `minute` of the team's day, whether they are in their quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub user: UserId,
    pub on_call: bool,
    pub quiet: bool,
}

/// Who may be given a conversation: for an urgent one the on-call members first (any time);
/// then, when the team is on shift, everyone not in their quiet hours. Each list is tried in
/// turn until one of its members is free.
pub fn rounds(candidates: &[Candidate], urgent: bool, on_shift: bool) -> Vec<Vec<UserId>> {
    let mut out = Vec::new();
    if urgent {
        let on_call: Vec<UserId> = candidates
            .iter()
            .filter(|c| c.on_call)
            .map(|c| c.user)
            .collect();
        if !on_call.is_empty() {
            out.push(on_call);
        }
    }
    if on_shift {
        let on_duty: Vec<UserId> = candidates
            .iter()
            .filter(|c| !c.quiet)
            .map(|c| c.user)
            .collect();
        if !on_duty.is_empty() {
            out.push(on_duty);
        }
    }
    out
}

/// Gives a new conversation to the next member (see the module), tells them, and returns who;
/// `None` when nobody was free (it stays in the shared inbox).
pub async fn assign_new(state: &AppState, c: &Conversation) -> Result<Option<UserId>, StoreError> {
    let (on_shift, minute) = availability::shift_now(state).await?;
    let mut candidates = Vec::new();
    for user in state.store.list_users().await? {
        if !user.is_active() || state.store.inbox_grant(user.id).await?.is_none() {
            continue;
        }
        let profile = state.store.notification_profile(user.id).await?;
        candidates.push(Candidate {
            user: user.id,
            on_call: profile.as_ref().is_some_and(|p| p.on_call),
            quiet: profile
                .as_ref()
                .and_then(|p| QuietHours::parse(&p.quiet_hours).ok().flatten())
                .is_some_and(|q| q.contains(minute)),
        });
    }
    let cap = u64::from(state.settings.conversations.caseload_cap);
    for round in rounds(&candidates, c.urgent, on_shift) {
        if let Some(user) = state.store.assign_next(c.id, &round, cap).await? {
            tracing::info!(conversation_id = %c.id, user_id = %user, "conversation auto-assigned");
            notify::emit_logged(
                state,
                &[Event::Assigned],
                &notify::conversation_path(c.id),
                &Audience::Only(vec![user]),
                None,
            )
            .await;
            return Ok(Some(user));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(on_call: bool, quiet: bool) -> Candidate {
        Candidate {
            user: UserId::new_random(),
            on_call,
            quiet,
        }
    }

    #[test]
    fn urgent_conversations_go_to_the_on_call_first_then_to_whoever_is_on_shift() {
        let (on_call, quiet, plain) = (
            member(true, true),
            member(false, true),
            member(false, false),
        );
        let all = [on_call, quiet, plain];
        assert_eq!(
            rounds(&all, true, true),
            [vec![on_call.user], vec![plain.user]]
        );
        assert_eq!(rounds(&all, true, false), [vec![on_call.user]]);
        assert_eq!(rounds(&all, false, true), [vec![plain.user]]);
        assert!(rounds(&all, false, false).is_empty(), "off shift: nobody");
        assert!(rounds(&[quiet], true, true).is_empty());
    }
}
