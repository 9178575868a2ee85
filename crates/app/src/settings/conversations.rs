//! The `[conversations]`, `[attachments]` and `[session]` sections.

use serde::{Deserialize, Serialize};

/// Photos and voice messages clients add to their conversation: limits on what is accepted.
/// Every image is decoded and re-encoded, every voice message re-muxed, before it is sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentSettings {
    /// Largest photo accepted, in bytes, as uploaded.
    pub max_image_bytes: usize,
    /// Largest voice message accepted, in bytes (OGG/Opus).
    pub max_voice_bytes: usize,
    /// Largest image accepted, in pixels (width times height); bounds the memory decoding takes.
    pub max_pixels: u64,
    /// Longer sides are scaled down to this many pixels before the image is stored.
    pub max_side: u32,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        AttachmentSettings {
            max_image_bytes: 10 * 1024 * 1024,
            max_voice_bytes: 5 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 2560,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversationSettings {
    /// Longest message accepted, in characters.
    pub max_message_chars: usize,
    /// Messages a client may send in one conversation per hour (a flood costs the inbox, the
    /// disk and every reader of the thread).
    pub client_messages_per_hour: u32,
    /// A client's browser session ends this many minutes after it started, whatever the activity.
    pub client_session_minutes: u32,
    /// Solved (or archived) conversations are deleted this many days after they were closed.
    pub solved_retention_days: u32,
    /// Conversations without any activity are deleted after this many days.
    pub idle_retention_days: u32,
    /// Codename look-ups allowed per minute across all app nodes (guessing budget).
    pub codename_attempts_per_minute: u32,
    /// New conversations allowed per minute across all app nodes (flood budget).
    pub starts_per_minute: u32,
    /// Most open conversations one worker may have assigned; 0 means no cap.
    pub caseload_cap: u32,
    /// New conversations go round-robin to the members on shift who hold the inbox key (urgent
    /// ones to the on-call members first), within `caseload_cap`. Off by default.
    pub auto_assign: bool,
    /// First-response target for urgent conversations, in working minutes (counted only within
    /// the working hours, when they are set). Past it the assignee (or the team) is told; past
    /// twice it, the supervisors.
    pub target_minutes_urgent: u32,
    /// First-response target for other conversations, in working minutes.
    pub target_minutes: u32,
    /// The emergency number shown with first aid (for the region the organisation serves), and
    /// wherever the content pack writes `{{emergency_number}}`.
    pub emergency_number: String,
    /// A crisis (suicide prevention) line for the region, filled in where the pack writes
    /// `{{crisis_line}}`; none: the text tells the reader to ask in the anonymous chat.
    pub crisis_line: Option<String>,
    /// Where to get naloxone or opioid agonist treatment locally (a phone number or a short
    /// place), filled in where the pack writes `{{naloxone_contact}}`; none: ask in the chat.
    pub naloxone_contact: Option<String>,
}

impl Default for ConversationSettings {
    fn default() -> Self {
        ConversationSettings {
            max_message_chars: 5000,
            client_messages_per_hour: 60,
            client_session_minutes: 120,
            solved_retention_days: 30,
            idle_retention_days: 90,
            codename_attempts_per_minute: 120,
            starts_per_minute: 60,
            caseload_cap: 0,
            auto_assign: false,
            target_minutes_urgent: 5,
            target_minutes: 120,
            emergency_number: "112".into(),
            crisis_line: None,
            naloxone_contact: None,
        }
    }
}

impl ConversationSettings {
    pub fn retention(&self) -> netreach_core::RetentionPolicy {
        netreach_core::RetentionPolicy {
            solved_days: i64::from(self.solved_retention_days),
            idle_days: i64::from(self.idle_retention_days),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// A staff session ends after this many minutes without a request.
    pub idle_minutes: u32,
    /// ... and after this many hours in any case.
    pub max_hours: u32,
    /// Who must sign in with a second factor (TOTP): `none`, `admins` or `everyone`. A member
    /// who must and has not enrolled yet is sent to enrolment after the password and can do
    /// nothing else until enrolled.
    pub require_totp: RequireTotp,
}

/// Who must use two-factor sign-in (`session.require_totp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequireTotp {
    /// Nobody must; anyone may enrol.
    #[default]
    None,
    /// Admins must.
    Admins,
    /// Every staff member must.
    Everyone,
}

impl RequireTotp {
    /// Whether a member of `role` must have two-factor sign-in.
    pub fn applies_to(self, role: netreach_core::Role) -> bool {
        match self {
            RequireTotp::None => false,
            RequireTotp::Admins => role == netreach_core::Role::Admin,
            RequireTotp::Everyone => true,
        }
    }
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 120,
            max_hours: 12,
            require_totp: RequireTotp::None,
        }
    }
}
