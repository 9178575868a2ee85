//! Follow-ups: a worker puts a conversation aside until a date and time ("follow up on") or for
//! a number of days ("in 3 days"). Until then it is left out of the inbox; at that time it comes
//! back, marked, and it comes back earlier if the client writes (the store moves the time to the
//! client's message). A staff reply to a conversation whose follow-up came due ends the follow-up.

use time::{Duration, OffsetDateTime};

/// The longest a conversation can be put aside.
pub const MAX_DAYS: i64 = 365;

/// When to follow up, as a worker asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// At this moment.
    At(OffsetDateTime),
    /// This many whole days from now.
    InDays(i64),
}

/// Why a follow-up time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FollowUpError {
    #[error("the follow-up time is not in the future")]
    NotFuture,
    #[error("the follow-up time is more than {MAX_DAYS} days away")]
    TooFar,
    #[error("retention deletes the conversation before the follow-up time")]
    AfterDeletion,
}

/// The moment a follow-up comes due: in the future, at most [`MAX_DAYS`] away, and before
/// retention deletes the conversation (`deletion_due`), so a follow-up never promises a return
/// that cannot happen.
pub fn due_at(
    when: When,
    now: OffsetDateTime,
    deletion_due: OffsetDateTime,
) -> Result<OffsetDateTime, FollowUpError> {
    let at = match when {
        When::At(at) => at,
        When::InDays(days) if days < 1 => return Err(FollowUpError::NotFuture),
        When::InDays(days) if days > MAX_DAYS => return Err(FollowUpError::TooFar),
        When::InDays(days) => now + Duration::days(days),
    };
    if at <= now {
        return Err(FollowUpError::NotFuture);
    }
    if at > now + Duration::days(MAX_DAYS) {
        return Err(FollowUpError::TooFar);
    }
    if at >= deletion_due {
        return Err(FollowUpError::AfterDeletion);
    }
    Ok(at)
}

/// Where a conversation stands with its follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpState {
    /// No follow-up set.
    None,
    /// Put aside until then: out of the inbox.
    Pending(OffsetDateTime),
    /// Back in the inbox, marked, since then (the time came or the client wrote).
    Due(OffsetDateTime),
}

/// The state of a conversation whose follow-up is `follow_up_at`, seen at `now`.
pub fn state(follow_up_at: Option<OffsetDateTime>, now: OffsetDateTime) -> FollowUpState {
    match follow_up_at {
        None => FollowUpState::None,
        Some(at) if at > now => FollowUpState::Pending(at),
        Some(at) => FollowUpState::Due(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::from_unix;

    fn now() -> OffsetDateTime {
        from_unix(1_780_000_000)
    }

    #[test]
    fn in_days_counts_whole_days_from_now() {
        let far = now() + Duration::days(30);
        assert_eq!(
            due_at(When::InDays(3), now(), far),
            Ok(now() + Duration::days(3))
        );
    }

    #[test]
    fn a_follow_up_must_be_in_the_future_and_within_a_year() {
        let far = now() + Duration::days(400);
        assert_eq!(
            due_at(When::InDays(0), now(), far),
            Err(FollowUpError::NotFuture)
        );
        assert_eq!(
            due_at(When::At(now()), now(), far),
            Err(FollowUpError::NotFuture)
        );
        assert_eq!(
            due_at(When::At(now() - Duration::minutes(1)), now(), far),
            Err(FollowUpError::NotFuture)
        );
        assert_eq!(
            due_at(When::InDays(MAX_DAYS + 1), now(), far + Duration::days(400)),
            Err(FollowUpError::TooFar)
        );
        assert_eq!(
            due_at(When::At(now() + Duration::days(MAX_DAYS + 1)), now(), far),
            Err(FollowUpError::TooFar)
        );
    }

    #[test]
    fn a_follow_up_after_retention_deletes_the_conversation_is_refused() {
        let deletion = now() + Duration::days(30);
        assert_eq!(
            due_at(When::InDays(30), now(), deletion),
            Err(FollowUpError::AfterDeletion)
        );
        assert!(due_at(When::InDays(29), now(), deletion).is_ok());
    }

    #[test]
    fn a_follow_up_is_pending_until_its_time_then_due() {
        let at = now() + Duration::hours(1);
        assert_eq!(state(None, now()), FollowUpState::None);
        assert_eq!(state(Some(at), now()), FollowUpState::Pending(at));
        assert_eq!(state(Some(at), at), FollowUpState::Due(at));
    }
}
