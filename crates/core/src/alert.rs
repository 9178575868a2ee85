//! Drug-alert rules: how severe an alert is, its life (reported -> verified -> published, and
//! withdrawn from any of those), who completes a verification, and when a published alert is
//! active.

use crate::transition::{Refused, text_enum};
use time::OffsetDateTime;

text_enum! {
    /// How dangerous the batch is; also the alert's colour on the site.
    Severity {
        Info => "info",
        Warning => "warning",
        Danger => "danger",
    }
}

text_enum! {
    /// Where an alert stands.
    AlertStatus {
        /// Drafted by staff, not yet checked by a second pair of eyes.
        Reported => "reported",
        Verified => "verified",
        /// On the site, in the feeds, and queued for the Telegram venues that take alerts.
        Published => "published",
        Withdrawn => "withdrawn",
    }
}

impl AlertStatus {
    /// Every alert starts as a report staff drafted.
    pub const START: AlertStatus = AlertStatus::Reported;

    /// A verification is recorded only on a reported alert; it completes it (see
    /// [`verification_complete`]).
    pub fn verify(self) -> Result<AlertStatus, Refused> {
        match self {
            AlertStatus::Reported => Ok(AlertStatus::Verified),
            other => Err(Refused::new("verify", other)),
        }
    }

    /// Only a verified alert that has not expired goes public.
    pub fn publish(
        self,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<AlertStatus, Refused> {
        if expires_at <= now {
            return Err(Refused::new("publish", "expired"));
        }
        match self {
            AlertStatus::Verified => Ok(AlertStatus::Published),
            other => Err(Refused::new("publish", other)),
        }
    }

    /// An alert can be withdrawn at any point until it is.
    pub fn withdraw(self) -> Result<AlertStatus, Refused> {
        match self {
            AlertStatus::Withdrawn => Err(Refused::new("withdraw", self)),
            _ => Ok(AlertStatus::Withdrawn),
        }
    }

    /// Whether the public may see it (expired alerts stay visible, marked as expired).
    pub fn is_public(self) -> bool {
        self == AlertStatus::Published
    }
}

/// A verification is complete with one supervisor, or with two different staff members.
pub fn verification_complete(by_supervisor: bool, distinct_verifiers: u64) -> bool {
    by_supervisor || distinct_verifiers >= 2
}

/// Whether an alert is published and has not expired.
pub fn is_active(status: AlertStatus, expires_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    status.is_public() && expires_at > now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::from_unix;
    use time::Duration;

    fn now() -> OffsetDateTime {
        from_unix(1_780_000_000)
    }

    #[test]
    fn severities_and_statuses_keep_their_stored_words() {
        let words: Vec<_> = Severity::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["info", "warning", "danger"]);
        let words: Vec<_> = AlertStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["reported", "verified", "published", "withdrawn"]);
        for status in AlertStatus::ALL {
            assert_eq!(status.as_str().parse::<AlertStatus>(), Ok(*status));
            assert_eq!(
                serde_json::to_string(status).unwrap(),
                format!("\"{status}\"")
            );
        }
        assert!("Published".parse::<AlertStatus>().is_err());
        assert!("critical".parse::<Severity>().is_err());
    }

    #[test]
    fn only_a_reported_alert_can_be_verified() {
        assert_eq!(AlertStatus::Reported.verify(), Ok(AlertStatus::Verified));
        for from in [
            AlertStatus::Verified,
            AlertStatus::Published,
            AlertStatus::Withdrawn,
        ] {
            assert_eq!(from.verify(), Err(Refused::new("verify", from)));
        }
    }

    #[test]
    fn only_a_verified_alert_that_has_not_expired_can_be_published() {
        let later = now() + Duration::days(1);
        assert_eq!(
            AlertStatus::Verified.publish(later, now()),
            Ok(AlertStatus::Published)
        );
        for from in [
            AlertStatus::Reported,
            AlertStatus::Published,
            AlertStatus::Withdrawn,
        ] {
            assert_eq!(
                from.publish(later, now()),
                Err(Refused::new("publish", from))
            );
        }
        assert_eq!(
            AlertStatus::Verified.publish(now(), now()),
            Err(Refused::new("publish", "expired"))
        );
    }

    #[test]
    fn any_alert_but_a_withdrawn_one_can_be_withdrawn() {
        for from in [
            AlertStatus::Reported,
            AlertStatus::Verified,
            AlertStatus::Published,
        ] {
            assert_eq!(from.withdraw(), Ok(AlertStatus::Withdrawn));
        }
        assert!(AlertStatus::Withdrawn.withdraw().is_err());
    }

    #[test]
    fn one_supervisor_or_two_staff_members_complete_a_verification() {
        assert!(verification_complete(true, 1));
        assert!(!verification_complete(false, 1));
        assert!(verification_complete(false, 2));
    }

    #[test]
    fn an_alert_is_active_while_published_and_before_it_expires() {
        let later = now() + Duration::hours(1);
        assert!(is_active(AlertStatus::Published, later, now()));
        assert!(!is_active(AlertStatus::Published, now(), now()));
        assert!(!is_active(AlertStatus::Verified, later, now()));
        assert!(!is_active(AlertStatus::Withdrawn, later, now()));
    }
}
