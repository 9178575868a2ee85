//! Typed ids, so a user id can never be passed where a token id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// A staff account.
    UserId
);
typed_id!(
    /// A staff API token (the id, never the secret).
    TokenId
);
typed_id!(
    /// A client conversation.
    ConversationId
);
typed_id!(
    /// One message in a conversation.
    MessageId
);
typed_id!(
    /// A photo or voice message attached to a conversation.
    AttachmentId
);
typed_id!(
    /// A canned reply.
    CannedId
);
typed_id!(
    /// An anonymous drug-alert report from the public.
    AlertReportId
);
typed_id!(
    /// A drug alert.
    AlertId
);
typed_id!(
    /// A place the organisation publishes to (a forum, a Telegram channel or group).
    VenueId
);
typed_id!(
    /// A post, across all its versions.
    PostId
);
typed_id!(
    /// A watched forum feed or page (forum watch).
    WatchSourceId
);
typed_id!(
    /// A forum post that matched the risk lexicon, in the watch queue.
    WatchMatchId
);
typed_id!(
    /// One entry of the publication log (which is also the Telegram send queue).
    PublicationId
);
typed_id!(
    /// An entry of the public question-and-answer archive.
    QaId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = UserId::new_random();
        let parsed: UserId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
        assert!("not-a-uuid".parse::<TokenId>().is_err());
        // The text is what the database and the JSON API have always carried.
        let alert = AlertId::new_random();
        assert_eq!(alert.to_string(), alert.as_uuid().hyphenated().to_string());
        assert!("a1".parse::<VenueId>().is_err());
    }
}
