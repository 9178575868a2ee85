//! Forum-watch rules: the kinds of source, where a match of the watch queue stands, and how long
//! a failing source waits before it is tried again.
//!
//! ```text
//! open --claim--> claimed --answer--> answered
//!   \               |  \--report--> reported
//!    \--dismiss-----+--dismiss--> dismissed
//! ```
//! A match can also be answered, reported or dismissed straight from `open`.

use crate::transition::text_enum;
use time::Duration;

text_enum! {
    /// What a watched source serves.
    SourceKind {
        /// An Atom or RSS feed.
        Feed => "feed",
        /// An HTML thread or board page, read with CSS selectors.
        Html => "html",
        /// Pages a worker pasted or uploaded (no address is fetched).
        Paste => "paste",
    }
}

text_enum! {
    /// Where a match of the watch queue stands.
    MatchStatus {
        Open => "open",
        Claimed => "claimed",
        Dismissed => "dismissed",
        Answered => "answered",
        Reported => "reported",
    }
}

impl MatchStatus {
    /// Still waiting for someone to act on it.
    pub fn is_pending(self) -> bool {
        matches!(self, MatchStatus::Open | MatchStatus::Claimed)
    }
}

/// The longest a failing source waits between tries.
pub const MAX_BACKOFF: Duration = Duration::hours(6);

/// When to try a source again after `failures` failures in a row (0: it worked): the source's
/// interval, doubled for each failure, never more than [`MAX_BACKOFF`] (nor less than the
/// interval).
pub fn retry_after(interval: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return interval;
    }
    let factor = 1i64 << failures.min(16);
    let backoff = interval.saturating_mul(i32::try_from(factor).unwrap_or(i32::MAX));
    backoff.min(MAX_BACKOFF).max(interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_source_backs_off_exponentially_up_to_a_ceiling() {
        let interval = Duration::minutes(10);
        assert_eq!(retry_after(interval, 0), interval);
        assert_eq!(retry_after(interval, 1), Duration::minutes(20));
        assert_eq!(retry_after(interval, 3), Duration::minutes(80));
        assert_eq!(retry_after(interval, 30), MAX_BACKOFF);
        // An interval longer than the ceiling is never shortened by failing.
        assert_eq!(retry_after(Duration::hours(12), 2), Duration::hours(12));
    }

    #[test]
    fn only_open_and_claimed_matches_wait() {
        assert!(MatchStatus::Open.is_pending());
        assert!(MatchStatus::Claimed.is_pending());
        assert!(!MatchStatus::Dismissed.is_pending());
    }
}
