//! Publishing rules: the kinds of venues and where the organisation stands on permission to post
//! there, the second-person approval of a post's version, what must hold before a post goes out,
//! and the life of a publication-log entry, which is also a queued Telegram send:
//!
//! ```text
//! scheduled --claim--> sending --sent--> live
//!     ^                   |  \--fail--> failed
//!     +------retry--------+
//! scheduled --cancel--> deleted          (staff record live / removed / deleted by hand)
//! ```

use crate::ids::UserId;
use crate::transition::{Refused, text_enum};

text_enum! {
    /// What kind of place a venue is.
    VenueKind {
        DarknetForum => "darknet_forum",
        ClearnetForum => "clearnet_forum",
        TelegramChannel => "telegram_channel",
        TelegramGroup => "telegram_group",
        Other => "other",
    }
}

impl VenueKind {
    /// Telegram venues can have a chat and a bot token, and so send by themselves.
    pub fn is_telegram(self) -> bool {
        matches!(self, VenueKind::TelegramChannel | VenueKind::TelegramGroup)
    }
}

text_enum! {
    /// Whether the venue's owners allowed the organisation to post there.
    Permission {
        NotAsked => "not_asked",
        Asked => "asked",
        Granted => "granted",
        Refused => "refused",
    }
}

impl Permission {
    pub fn is_granted(self) -> bool {
        self == Permission::Granted
    }
}

text_enum! {
    /// Where an entry of the publication log stands.
    PublicationStatus {
        /// Queued for the sender, due at its next attempt.
        Scheduled => "scheduled",
        /// Claimed by a sender until its lease runs out.
        Sending => "sending",
        Live => "live",
        /// The sender gave up; the error is kept.
        Failed => "failed",
        /// Taken down by the venue.
        Removed => "removed",
        /// Taken down by staff, or a queued send cancelled.
        Deleted => "deleted",
    }
}

impl PublicationStatus {
    /// The statuses a sender may claim: due sends, and claims whose lease ran out.
    pub const CLAIMABLE: [PublicationStatus; 2] =
        [PublicationStatus::Scheduled, PublicationStatus::Sending];

    /// A new entry: queued for the sender, or a post made by hand, which is live at once.
    pub fn start(queued: bool) -> PublicationStatus {
        if queued {
            PublicationStatus::Scheduled
        } else {
            PublicationStatus::Live
        }
    }

    /// Whether staff may set this status by hand (the others belong to the sender).
    pub fn recordable_by_staff(self) -> bool {
        matches!(
            self,
            PublicationStatus::Live | PublicationStatus::Removed | PublicationStatus::Deleted
        )
    }

    /// A sender takes a due send, or one whose earlier claim was never finished.
    pub fn claim(self) -> Result<PublicationStatus, Refused> {
        match self {
            PublicationStatus::Scheduled | PublicationStatus::Sending => {
                Ok(PublicationStatus::Sending)
            }
            other => Err(Refused::new("claim", other)),
        }
    }

    /// The venue took the message.
    pub fn sent(self) -> Result<PublicationStatus, Refused> {
        self.finish("send", PublicationStatus::Live)
    }

    /// A temporary failure: queued again for a later attempt.
    pub fn retry(self) -> Result<PublicationStatus, Refused> {
        self.finish("retry", PublicationStatus::Scheduled)
    }

    /// Refused by the venue, or out of attempts.
    pub fn fail(self) -> Result<PublicationStatus, Refused> {
        self.finish("fail", PublicationStatus::Failed)
    }

    fn finish(
        self,
        action: &'static str,
        to: PublicationStatus,
    ) -> Result<PublicationStatus, Refused> {
        match self {
            PublicationStatus::Sending => Ok(to),
            other => Err(Refused::new(action, other)),
        }
    }

    /// A send that has not gone out is cancelled (its alert was withdrawn).
    pub fn cancel(self) -> Result<PublicationStatus, Refused> {
        match self {
            PublicationStatus::Scheduled => Ok(PublicationStatus::Deleted),
            other => Err(Refused::new("cancel", other)),
        }
    }

    /// What staff record after the fact: one of the statuses they may set, or the status as it
    /// is. A queued send cannot be marked live by hand (deleting it cancels it).
    pub fn record(self, to: PublicationStatus) -> Result<PublicationStatus, Refused> {
        let allowed = to.recordable_by_staff() || to == self;
        if !allowed || (self == PublicationStatus::Scheduled && to == PublicationStatus::Live) {
            return Err(Refused::new("record", self));
        }
        Ok(to)
    }
}

/// Why a version cannot be approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalRefused {
    #[error("the version is already approved or is not the current one")]
    NotPending,
    #[error("the last editor of a version cannot approve it")]
    OwnVersion,
}

/// A post's current version, as far as approval goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentVersion {
    pub version: i64,
    pub edited_by: Option<UserId>,
    pub approved: bool,
}

impl CurrentVersion {
    /// A second staff member approves the current version, once; an edit makes a new version
    /// that needs a new approval.
    pub fn approve(self, requested: i64, approver: UserId) -> Result<(), ApprovalRefused> {
        if requested != self.version || self.approved {
            return Err(ApprovalRefused::NotPending);
        }
        if self.edited_by == Some(approver) {
            return Err(ApprovalRefused::OwnVersion);
        }
        Ok(())
    }
}

/// Why a post cannot go on a venue yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublishRefused {
    #[error("this venue needs a second staff member's approval of the current version")]
    ApprovalRequired,
    #[error("the organisation has no granted permission to post there")]
    PermissionNotGranted,
}

/// Before a post goes on a venue: its current version is approved when the venue asks for
/// approval, and permission is granted or the worker saw the warning and went ahead.
pub fn may_publish(
    needs_approval: bool,
    current_approved: bool,
    permission: Permission,
    acknowledged: bool,
) -> Result<(), PublishRefused> {
    if needs_approval && !current_approved {
        return Err(PublishRefused::ApprovalRequired);
    }
    if !permission.is_granted() && !acknowledged {
        return Err(PublishRefused::PermissionNotGranted);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use PublicationStatus::*;

    #[test]
    fn kinds_permissions_and_statuses_keep_their_stored_words() {
        let words: Vec<_> = VenueKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            words,
            [
                "darknet_forum",
                "clearnet_forum",
                "telegram_channel",
                "telegram_group",
                "other"
            ]
        );
        let words: Vec<_> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(words, ["not_asked", "asked", "granted", "refused"]);
        let words: Vec<_> = PublicationStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            words,
            [
                "scheduled",
                "sending",
                "live",
                "failed",
                "removed",
                "deleted"
            ]
        );
        for status in PublicationStatus::ALL {
            assert_eq!(status.as_str().parse::<PublicationStatus>(), Ok(*status));
        }
        assert!("telegram".parse::<VenueKind>().is_err());
    }

    #[test]
    fn only_telegram_venues_are_telegram() {
        assert!(VenueKind::TelegramChannel.is_telegram());
        assert!(VenueKind::TelegramGroup.is_telegram());
        assert!(!VenueKind::DarknetForum.is_telegram());
        assert!(!VenueKind::Other.is_telegram());
        assert!(Permission::Granted.is_granted());
        assert!(!Permission::Asked.is_granted());
    }

    #[test]
    fn a_queued_entry_starts_scheduled_and_a_hand_made_one_live() {
        assert_eq!(PublicationStatus::start(true), Scheduled);
        assert_eq!(PublicationStatus::start(false), Live);
    }

    #[test]
    fn a_sender_claims_scheduled_sends_and_expired_claims_only() {
        assert_eq!(Scheduled.claim(), Ok(Sending));
        assert_eq!(Sending.claim(), Ok(Sending));
        for from in [Live, Failed, Removed, Deleted] {
            assert_eq!(from.claim(), Err(Refused::new("claim", from)));
        }
        assert_eq!(PublicationStatus::CLAIMABLE, [Scheduled, Sending]);
    }

    #[test]
    fn only_a_claimed_send_is_finished() {
        assert_eq!(Sending.sent(), Ok(Live));
        assert_eq!(Sending.retry(), Ok(Scheduled));
        assert_eq!(Sending.fail(), Ok(Failed));
        for from in [Scheduled, Live, Failed, Removed, Deleted] {
            assert!(from.sent().is_err());
            assert!(from.retry().is_err());
            assert!(from.fail().is_err());
        }
    }

    #[test]
    fn only_a_scheduled_send_is_cancelled() {
        assert_eq!(Scheduled.cancel(), Ok(Deleted));
        for from in [Sending, Live, Failed, Removed, Deleted] {
            assert_eq!(from.cancel(), Err(Refused::new("cancel", from)));
        }
    }

    #[test]
    fn staff_record_live_removed_or_deleted_or_leave_the_status_as_it_is() {
        for from in PublicationStatus::ALL.iter().copied() {
            for to in [Removed, Deleted] {
                assert_eq!(from.record(to), Ok(to));
            }
            assert_eq!(from.record(from), Ok(from));
        }
        for from in [Sending, Live, Failed, Removed, Deleted] {
            assert_eq!(from.record(Live), Ok(Live));
        }
    }

    #[test]
    fn staff_cannot_mark_a_queued_send_live_or_set_the_senders_statuses() {
        assert_eq!(
            Scheduled.record(Live),
            Err(Refused::new("record", Scheduled))
        );
        for from in [Live, Failed, Removed, Deleted] {
            for to in [Scheduled, Sending] {
                assert!(from.record(to).is_err());
            }
        }
        assert!(Live.record(Failed).is_err());
        assert!(Scheduled.record(Sending).is_err());
        assert!(Sending.record(Scheduled).is_err());
    }

    fn current(edited_by: UserId, approved: bool) -> CurrentVersion {
        CurrentVersion {
            version: 3,
            edited_by: Some(edited_by),
            approved,
        }
    }

    #[test]
    fn a_second_person_approves_the_current_version_once() {
        let (writer, approver) = (UserId::new_random(), UserId::new_random());
        assert_eq!(current(writer, false).approve(3, approver), Ok(()));
        assert_eq!(
            current(writer, true).approve(3, approver),
            Err(ApprovalRefused::NotPending)
        );
        assert_eq!(
            current(writer, false).approve(2, approver),
            Err(ApprovalRefused::NotPending)
        );
        assert_eq!(
            current(writer, false).approve(3, writer),
            Err(ApprovalRefused::OwnVersion)
        );
        let imported = CurrentVersion {
            edited_by: None,
            ..current(writer, false)
        };
        assert_eq!(imported.approve(3, writer), Ok(()));
    }

    #[test]
    fn a_post_needs_approval_where_asked_and_granted_or_acknowledged_permission() {
        use Permission::*;
        assert_eq!(may_publish(true, true, Granted, false), Ok(()));
        assert_eq!(may_publish(false, false, Granted, false), Ok(()));
        assert_eq!(
            may_publish(true, false, Granted, true),
            Err(PublishRefused::ApprovalRequired)
        );
        for permission in [NotAsked, Asked, Refused] {
            assert_eq!(
                may_publish(false, false, permission, false),
                Err(PublishRefused::PermissionNotGranted)
            );
            assert_eq!(may_publish(false, false, permission, true), Ok(()));
        }
    }
}
