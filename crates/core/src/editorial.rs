//! Rules of the editorial workflow over the content pack's files: which paths are pack files,
//! and the life of a file edited in the console:
//!
//! ```text
//! (any) --save--> draft --submit--> in_review --publish--> published
//!                   ^                   |
//!                   +----send back------+
//! (anything not archived) --archive--> archived
//! ```
//!
//! A file that was never edited in the console has no state of its own: it is published as
//! imported.

use crate::ids::UserId;
use crate::transition::{Refused, text_enum};
use std::fmt;
use std::str::FromStr;

text_enum! {
    /// Where a file under the editorial workflow stands.
    ContentState {
        Draft => "draft",
        InReview => "in_review",
        Published => "published",
        Archived => "archived",
    }
}

impl ContentState {
    /// A file never edited in the console stands here.
    pub const UNEDITED: ContentState = ContentState::Published;

    /// Every save makes a new revision, a draft, whatever the file was.
    pub fn save(self) -> ContentState {
        ContentState::Draft
    }

    /// The writer asks for review.
    pub fn submit(self) -> Result<ContentState, Refused> {
        match self {
            ContentState::Draft => Ok(ContentState::InReview),
            other => Err(Refused::new("submit", other)),
        }
    }

    /// The reviewer asks for changes.
    pub fn send_back(self) -> Result<ContentState, Refused> {
        match self {
            ContentState::InReview => Ok(ContentState::Draft),
            other => Err(Refused::new("send back", other)),
        }
    }

    pub fn publish(self) -> Result<ContentState, Refused> {
        match self {
            ContentState::InReview => Ok(ContentState::Published),
            other => Err(Refused::new("publish", other)),
        }
    }

    /// The file leaves the published pack.
    pub fn archive(self) -> Result<ContentState, Refused> {
        match self {
            ContentState::Archived => Err(Refused::new("archive", self)),
            _ => Ok(ContentState::Archived),
        }
    }

    /// Whether a revision is being worked on, so the editor opens it rather than the live text.
    pub fn is_being_edited(self) -> bool {
        matches!(self, ContentState::Draft | ContentState::InReview)
    }
}

/// The path of a file the content pack reads: `kb/<slug>.<lang>.md`, `substances/<slug>.toml`,
/// `services/<slug>.toml` or `combinations/<name>.toml`, where a slug is 1 to 80 characters of
/// `a-z 0-9 -`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentPath(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a pack file path")]
pub struct NotAPackPath;

impl ContentPath {
    pub fn parse(path: &str) -> Result<ContentPath, NotAPackPath> {
        let slug_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 80
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        let valid = match path.split_once('/') {
            Some(("kb", rest)) => rest
                .strip_suffix(".en.md")
                .or_else(|| rest.strip_suffix(".ru.md"))
                .is_some_and(slug_ok),
            Some(("substances" | "services" | "combinations", rest)) => {
                rest.strip_suffix(".toml").is_some_and(slug_ok)
            }
            _ => false,
        };
        if valid {
            Ok(ContentPath(path.to_owned()))
        } else {
            Err(NotAPackPath)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ContentPath {
    type Err = NotAPackPath;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ContentPath::parse(s)
    }
}

impl fmt::Display for ContentPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ContentPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Whether `user` wrote any revision after the published one (`versions` pairs each revision's
/// number with its writer): such a person may not review what would go live.
pub fn wrote_unpublished(
    published_version: Option<i64>,
    versions: impl IntoIterator<Item = (i64, Option<UserId>)>,
    user: UserId,
) -> bool {
    let since = published_version.unwrap_or(0);
    versions
        .into_iter()
        .any(|(version, writer)| version > since && writer == Some(user))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContentState::*;

    #[test]
    fn states_keep_their_stored_words() {
        let words: Vec<_> = ContentState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["draft", "in_review", "published", "archived"]);
        for state in ContentState::ALL {
            assert_eq!(state.as_str().parse::<ContentState>(), Ok(*state));
        }
        assert!("review".parse::<ContentState>().is_err());
    }

    #[test]
    fn every_save_is_a_draft() {
        for from in ContentState::ALL {
            assert_eq!(from.save(), Draft);
        }
    }

    #[test]
    fn only_a_draft_is_submitted() {
        assert_eq!(Draft.submit(), Ok(InReview));
        for from in [InReview, Published, Archived] {
            assert_eq!(from.submit(), Err(Refused::new("submit", from)));
        }
    }

    #[test]
    fn only_a_file_in_review_is_sent_back_or_published() {
        assert_eq!(InReview.send_back(), Ok(Draft));
        assert_eq!(InReview.publish(), Ok(Published));
        for from in [Draft, Published, Archived] {
            assert_eq!(from.send_back(), Err(Refused::new("send back", from)));
            assert_eq!(from.publish(), Err(Refused::new("publish", from)));
        }
    }

    #[test]
    fn anything_but_an_archived_file_is_archived() {
        for from in [Draft, InReview, Published] {
            assert_eq!(from.archive(), Ok(Archived));
        }
        assert_eq!(Archived.archive(), Err(Refused::new("archive", Archived)));
        assert_eq!(ContentState::UNEDITED.archive(), Ok(Archived));
    }

    #[test]
    fn drafts_and_files_in_review_are_being_edited() {
        assert!(Draft.is_being_edited());
        assert!(InReview.is_being_edited());
        assert!(!Published.is_being_edited());
        assert!(!Archived.is_being_edited());
    }

    #[test]
    fn pack_paths_are_the_files_the_pack_reads() {
        for ok in [
            "kb/naloxone.en.md",
            "kb/naloxone.ru.md",
            "substances/mdma.toml",
            "services/clinic-1.toml",
            "combinations/classes.toml",
        ] {
            assert_eq!(ContentPath::parse(ok).map(|p| p.to_string()), Ok(ok.into()));
        }
        for bad in [
            "",
            "kb/naloxone.md",
            "kb/naloxone.de.md",
            "kb/../etc.en.md",
            "kb/Naloxone.en.md",
            "substances/.toml",
            "other/x.toml",
            "substances/a/b.toml",
            &format!("kb/{}.en.md", "a".repeat(81)),
        ] {
            assert_eq!(ContentPath::parse(bad), Err(NotAPackPath), "{bad}");
        }
    }

    #[test]
    fn a_writer_of_an_unpublished_revision_cannot_review_it() {
        let (writer, reviewer) = (UserId::new_random(), UserId::new_random());
        let revisions = [(3, Some(reviewer)), (2, Some(writer)), (1, None)];
        assert!(wrote_unpublished(Some(1), revisions, writer));
        assert!(wrote_unpublished(Some(1), revisions, reviewer));
        assert!(!wrote_unpublished(Some(2), revisions, writer));
        assert!(wrote_unpublished(None, [(1, Some(writer))], writer));
        assert!(!wrote_unpublished(None, [(1, Some(writer))], reviewer));
    }
}
