//! Rules of the public question-and-answer archive: an entry is drafted from a solved
//! conversation whose client consented, edited while it is a draft, published by someone other
//! than its last writer, and withdrawn from the site later if need be.

use crate::conversation::Status;
use crate::ids::UserId;
use crate::transition::{Refused, text_enum};

text_enum! {
    /// Where an archive entry stands.
    QaStatus {
        Draft => "draft",
        Published => "published",
        /// Taken off the site; kept so nodes notice and drop it from their index.
        Withdrawn => "withdrawn",
    }
}

impl QaStatus {
    /// Every entry starts as a draft.
    pub const START: QaStatus = QaStatus::Draft;

    /// Only drafts are edited; a published entry is withdrawn and written again instead.
    pub fn edit(self) -> Result<QaStatus, Refused> {
        match self {
            QaStatus::Draft => Ok(QaStatus::Draft),
            other => Err(Refused::new("edit", other)),
        }
    }

    pub fn publish(self) -> Result<QaStatus, Refused> {
        match self {
            QaStatus::Draft => Ok(QaStatus::Published),
            other => Err(Refused::new("publish", other)),
        }
    }

    pub fn withdraw(self) -> Result<QaStatus, Refused> {
        match self {
            QaStatus::Published => Ok(QaStatus::Withdrawn),
            other => Err(Refused::new("withdraw", other)),
        }
    }

    /// Whether the entry is on the public site.
    pub fn is_public(self) -> bool {
        self == QaStatus::Published
    }
}

/// Only a conversation that is over (solved or archived) becomes an entry.
pub fn may_draft_from(conversation: Status) -> bool {
    matches!(conversation, Status::Solved | Status::Archived)
}

/// The last writer of an entry cannot review it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the last writer of an entry cannot review it")]
pub struct OwnEntry;

/// A reviewer must be someone other than the entry's last writer.
pub fn review(last_writer: Option<UserId>, reviewer: UserId) -> Result<(), OwnEntry> {
    if last_writer == Some(reviewer) {
        Err(OwnEntry)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_keep_their_stored_words() {
        let words: Vec<_> = QaStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["draft", "published", "withdrawn"]);
        for status in QaStatus::ALL {
            assert_eq!(status.as_str().parse::<QaStatus>(), Ok(*status));
        }
        assert!("deleted".parse::<QaStatus>().is_err());
    }

    #[test]
    fn only_drafts_are_edited() {
        assert_eq!(QaStatus::Draft.edit(), Ok(QaStatus::Draft));
        for from in [QaStatus::Published, QaStatus::Withdrawn] {
            assert_eq!(from.edit(), Err(Refused::new("edit", from)));
        }
    }

    #[test]
    fn only_drafts_are_published() {
        assert_eq!(QaStatus::Draft.publish(), Ok(QaStatus::Published));
        for from in [QaStatus::Published, QaStatus::Withdrawn] {
            assert_eq!(from.publish(), Err(Refused::new("publish", from)));
        }
    }

    #[test]
    fn only_published_entries_are_withdrawn() {
        assert_eq!(QaStatus::Published.withdraw(), Ok(QaStatus::Withdrawn));
        for from in [QaStatus::Draft, QaStatus::Withdrawn] {
            assert_eq!(from.withdraw(), Err(Refused::new("withdraw", from)));
        }
        assert!(QaStatus::Published.is_public());
        assert!(!QaStatus::Withdrawn.is_public());
    }

    #[test]
    fn entries_are_drafted_from_solved_or_archived_conversations_only() {
        assert!(may_draft_from(Status::Solved));
        assert!(may_draft_from(Status::Archived));
        for status in [Status::New, Status::Open, Status::WaitingForClient] {
            assert!(!may_draft_from(status));
        }
    }

    #[test]
    fn the_last_writer_cannot_review_their_entry() {
        let (writer, reviewer) = (UserId::new_random(), UserId::new_random());
        assert_eq!(review(Some(writer), reviewer), Ok(()));
        assert_eq!(review(None, reviewer), Ok(()));
        assert_eq!(review(Some(writer), writer), Err(OwnEntry));
    }
}
