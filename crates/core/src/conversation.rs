//! Conversation rules: topics, the status machine, message text limits and retention.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Duration, OffsetDateTime};

/// What a client's question is about. The first is an emergency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Overdose,
    Injection,
    Substances,
    Checking,
    Infections,
    MentalHealth,
    Legal,
    Supplies,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 9] = [
        Topic::Overdose,
        Topic::Injection,
        Topic::Substances,
        Topic::Checking,
        Topic::Infections,
        Topic::MentalHealth,
        Topic::Legal,
        Topic::Supplies,
        Topic::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Overdose => "overdose",
            Topic::Injection => "injection",
            Topic::Substances => "substances",
            Topic::Checking => "checking",
            Topic::Infections => "infections",
            Topic::MentalHealth => "mental_health",
            Topic::Legal => "legal",
            Topic::Supplies => "supplies",
            Topic::Other => "other",
        }
    }

    /// Conversations on this topic are flagged urgent and show first aid at once.
    pub fn is_emergency(self) -> bool {
        self == Topic::Overdose
    }
}

impl FromStr for Topic {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Topic::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownValue(s.chars().take(40).collect()))
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

/// Where a conversation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// No staff reply yet.
    New,
    /// The client wrote last, after a staff reply.
    Open,
    /// Staff replied; the client has not answered yet.
    WaitingForClient,
    Solved,
    Archived,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Open,
        Status::WaitingForClient,
        Status::Solved,
        Status::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::WaitingForClient => "waiting_for_client",
            Status::Solved => "solved",
            Status::Archived => "archived",
        }
    }

    /// The status after the client writes: a solved conversation reopens; a new one stays new.
    pub fn after_client_message(self) -> Status {
        match self {
            Status::New => Status::New,
            _ => Status::Open,
        }
    }

    /// The status after a staff reply: waiting for the client.
    pub fn after_staff_reply(self) -> Status {
        Status::WaitingForClient
    }

    /// Whether staff may set this status by hand (new is only ever the starting state).
    pub fn settable_by_staff(self) -> bool {
        self != Status::New
    }
}

impl FromStr for Status {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownValue(s.chars().take(40).collect()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Client,
    Staff,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Client => "client",
            Author::Staff => "staff",
        }
    }
}

impl FromStr for Author {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "client" => Ok(Author::Client),
            "staff" => Ok(Author::Staff),
            _ => Err(UnknownValue(s.into())),
        }
    }
}

/// The text of a message: not blank, at most the configured number of characters.
#[derive(Clone, PartialEq, Eq)]
pub struct MessageText(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MessageError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is longer than {max} characters")]
    TooLong { max: usize },
}

impl MessageText {
    pub fn parse(input: &str, max_chars: usize) -> Result<MessageText, MessageError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(MessageError::Empty);
        }
        if text.chars().count() > max_chars {
            return Err(MessageError::TooLong { max: max_chars });
        }
        Ok(MessageText(text.replace("\r\n", "\n")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MessageText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageText({} chars)", self.0.chars().count())
    }
}

/// How long conversations are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Days after being solved (or archived).
    pub solved_days: i64,
    /// Days without any activity, for conversations that were never solved.
    pub idle_days: i64,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            solved_days: 30,
            idle_days: 90,
        }
    }
}

impl RetentionPolicy {
    /// When a conversation is due for deletion.
    pub fn due_at(
        &self,
        status: Status,
        last_activity_at: OffsetDateTime,
        closed_at: Option<OffsetDateTime>,
    ) -> OffsetDateTime {
        let idle_due = last_activity_at + Duration::days(self.idle_days);
        match (status, closed_at) {
            (Status::Solved | Status::Archived, Some(closed)) => {
                (closed.max(last_activity_at) + Duration::days(self.solved_days)).min(idle_due)
            }
            _ => idle_due,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::from_unix;

    #[test]
    fn topics_and_statuses_round_trip_through_text() {
        for topic in Topic::ALL {
            assert_eq!(topic.as_str().parse::<Topic>(), Ok(topic));
        }
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        }
        assert!("drugs".parse::<Topic>().is_err());
        assert!(Topic::Overdose.is_emergency());
        assert!(!Topic::Legal.is_emergency());
    }

    #[test]
    fn status_machine() {
        assert_eq!(Status::New.after_client_message(), Status::New);
        assert_eq!(
            Status::WaitingForClient.after_client_message(),
            Status::Open
        );
        assert_eq!(Status::Solved.after_client_message(), Status::Open);
        assert_eq!(Status::New.after_staff_reply(), Status::WaitingForClient);
        assert_eq!(Status::Open.after_staff_reply(), Status::WaitingForClient);
        assert!(!Status::New.settable_by_staff());
        assert!(Status::Solved.settable_by_staff());
    }

    #[test]
    fn message_text_limits() {
        assert_eq!(MessageText::parse("   \n ", 10), Err(MessageError::Empty));
        assert_eq!(
            MessageText::parse("ёёёёёёёёёёё", 10),
            Err(MessageError::TooLong { max: 10 })
        );
        assert_eq!(
            MessageText::parse("  привет\r\n ", 10).unwrap().as_str(),
            "привет"
        );
        assert_eq!(
            format!("{:?}", MessageText::parse("secret", 10).unwrap()),
            "MessageText(6 chars)"
        );
    }

    #[test]
    fn retention_deletes_solved_after_30_days_and_idle_after_90() {
        let policy = RetentionPolicy::default();
        let t = from_unix(1_780_000_000);
        assert_eq!(policy.due_at(Status::Open, t, None), t + Duration::days(90));
        assert_eq!(
            policy.due_at(Status::Solved, t, Some(t + Duration::days(2))),
            t + Duration::days(32)
        );
        assert_eq!(
            policy.due_at(Status::Archived, t, Some(t)),
            t + Duration::days(30)
        );
        assert_eq!(
            policy.due_at(Status::Solved, t, None),
            t + Duration::days(90)
        );
    }
}
