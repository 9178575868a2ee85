//! Login throttling per account (never per IP: behind Tor everyone shares one address).
//!
//! The first few wrong passwords are free; after that each further failure locks the account for
//! a doubling period, capped, so guessing is slow while a person who mistyped is barely delayed.

use time::{Duration, OffsetDateTime};

/// Failures allowed before any lock.
pub const FREE_FAILURES: u32 = 5;
const FIRST_LOCK: Duration = Duration::seconds(30);
const MAX_LOCK: Duration = Duration::minutes(15);

/// How long the account stays locked after its `failures`-th consecutive failure.
pub fn lock_after(failures: u32) -> Option<Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10);
    let lock = FIRST_LOCK * 2i32.pow(doublings);
    Some(lock.min(MAX_LOCK))
}

/// The moment until which an account is locked after `failures` consecutive failures at `now`.
pub fn locked_until(failures: u32, now: OffsetDateTime) -> Option<OffsetDateTime> {
    lock_after(failures).map(|lock| now + lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_failures_are_free_then_locks_double_up_to_a_cap() {
        assert_eq!(lock_after(1), None);
        assert_eq!(lock_after(4), None);
        assert_eq!(lock_after(5), Some(Duration::seconds(30)));
        assert_eq!(lock_after(6), Some(Duration::seconds(60)));
        assert_eq!(lock_after(7), Some(Duration::seconds(120)));
        assert_eq!(lock_after(50), Some(Duration::minutes(15)));
    }
}
