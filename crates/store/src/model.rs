//! The records the store speaks, in domain types. Hashes are plain strings here: the store never
//! sees a secret, and does not depend on the crypto crate.

use netreach_core::notification::{Event as NotifyEvent, Transport};
use netreach_core::{
    AlertId, AlertReportId, AlertStatus, AttachmentId, Author, CannedId, ContentPath, ContentState,
    ConversationId, Lang, MessageId, Permission, PostId, PublicationId, PublicationStatus, QaId,
    QaStatus, Role, Severity, Status, TokenId, Topic, UserId, Username, VenueId, VenueKind,
};
use time::OffsetDateTime;

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub id: UserId,
    pub username: Username,
    pub role: Role,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
    pub password_changed_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
    pub failed_logins: u32,
    pub locked_until: Option<OffsetDateTime>,
    /// The member's own keypair; `None` for accounts made before keys existed.
    pub keys: Option<StaffKeys>,
    /// Whether a confirmed TOTP secret guards the sign-in (migration 0017).
    pub totp_enabled: bool,
}

impl StaffUser {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// What is needed to create a staff account.
#[derive(Debug, Clone)]
pub struct NewStaffUser {
    pub id: UserId,
    pub username: Username,
    pub role: Role,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
    pub keys: Option<StaffKeys>,
}

/// An invitation for a new staff member: the username and role an admin chose; the member picks
/// their own password through the link. Only the keyed hash of the link's token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteRecord {
    pub id: uuid::Uuid,
    pub token_hash: String,
    pub username: Username,
    pub role: Role,
    pub invited_by: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A staff sign-in session; only the keyed hash of its cookie is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// The inbox secret wrapped under the cookie; `None` without inbox access.
    pub wrapped_inbox_key: Option<Vec<u8>>,
}

/// A member's TOTP secret as stored: encrypted under a key derived from the server secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpRecord {
    pub secret: Vec<u8>,
    pub created_at: OffsetDateTime,
    /// `None` while enrolment waits for its first code.
    pub confirmed_at: Option<OffsetDateTime>,
    /// The last 30-second step whose code was accepted.
    pub last_step: Option<i64>,
}

/// A console sign-in whose password was right and that waits for its second factor; only the
/// keyed hash of its cookie is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignin {
    pub token_hash: String,
    pub user_id: UserId,
    pub expires_at: OffsetDateTime,
    /// The inbox secret wrapped under the pending cookie; `None` without inbox access.
    pub wrapped_inbox_key: Option<Vec<u8>>,
}

/// A staff API token; only the keyed hash of the secret is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
    /// The inbox secret wrapped under the token; `None` without inbox access.
    pub wrapped_inbox_key: Option<Vec<u8>>,
}

/// A staff member's keypair as stored: the public half, and the secret wrapped under a key
/// derived from their password with `key_salt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffKeys {
    pub public_key: Vec<u8>,
    pub wrapped_secret_key: Vec<u8>,
    pub key_salt: Vec<u8>,
}

/// Install-wide values: the codename salt and the inbox public key (once created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallKeys {
    pub codename_salt: Vec<u8>,
    pub inbox_public_key: Option<Vec<u8>>,
    pub inbox_recovery_wrapped: Option<Vec<u8>>,
}

/// A sealed text as stored: ciphertext, its data key sealed to the inbox, and for web clients
/// to the client too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRecord {
    pub body: Vec<u8>,
    pub key_inbox: Vec<u8>,
    pub key_client: Option<Vec<u8>>,
}

/// What a stored message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// Part of the thread both sides see.
    Message,
    /// An internal staff note, never shown to the client.
    Note,
    /// The client's intake answers (JSON), sealed like a message.
    Intake,
    /// The client's optional comment with a rating.
    Feedback,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Message => "message",
            MessageKind::Note => "note",
            MessageKind::Intake => "intake",
            MessageKind::Feedback => "feedback",
        }
    }

    pub fn parse(value: &str) -> Option<MessageKind> {
        [
            MessageKind::Message,
            MessageKind::Note,
            MessageKind::Intake,
            MessageKind::Feedback,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }

    /// Whether the client may see this kind.
    pub fn client_visible(self) -> bool {
        matches!(self, MessageKind::Message | MessageKind::Intake)
    }
}

/// What an attachment is: a photo (re-encoded image) or a voice message (OGG/Opus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Image,
    Voice,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Image => "image",
            AttachmentKind::Voice => "voice",
        }
    }

    pub fn parse(value: &str) -> Option<AttachmentKind> {
        [AttachmentKind::Image, AttachmentKind::Voice]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// A new attachment: its bytes sealed like a message body, and the thread message that shows it.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub id: AttachmentId,
    pub message_id: MessageId,
    pub kind: AttachmentKind,
    pub media_type: String,
    /// Size of the processed (stored) bytes before sealing.
    pub size: i64,
    pub created_at: OffsetDateTime,
    pub sealed: SealedRecord,
}

/// What the thread shows of an attachment, without its sealed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: AttachmentId,
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub kind: AttachmentKind,
    pub media_type: String,
    pub size: i64,
    pub created_at: OffsetDateTime,
}

/// An attachment with its sealed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAttachment {
    pub info: AttachmentInfo,
    pub sealed: SealedRecord,
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub id: MessageId,
    pub kind: MessageKind,
    pub author: Author,
    pub staff_id: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub sealed: SealedRecord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: MessageId,
    pub seq: i64,
    pub kind: MessageKind,
    pub author: Author,
    pub staff_id: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub sealed: SealedRecord,
    /// For a staff reply in a Telegram conversation: `sent` or `failed`; '' otherwise.
    pub delivery: String,
}

/// A conversation's metadata (no content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: ConversationId,
    pub channel: String,
    pub topic: Topic,
    pub lang: Lang,
    pub status: Status,
    pub urgent: bool,
    pub assigned_to: Option<UserId>,
    pub client_public_key: Option<Vec<u8>>,
    pub created_at: OffsetDateTime,
    pub last_activity_at: OffsetDateTime,
    pub last_client_at: Option<OffsetDateTime>,
    pub first_response_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub message_count: i64,
    pub version: i64,
    pub rating: Option<u8>,
    /// Put aside until then (a follow-up, migration 0025); due once past.
    pub follow_up_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct NewConversation {
    pub id: ConversationId,
    /// Derived from the codename; `None` for channels without one.
    pub lookup_id: Option<String>,
    pub channel: String,
    pub topic: Topic,
    pub lang: Lang,
    pub urgent: bool,
    pub client_public_key: Option<Vec<u8>>,
    pub created_at: OffsetDateTime,
}

/// Who a conversation is assigned to, as an inbox filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssignedFilter {
    #[default]
    All,
    Mine(UserId),
    Unassigned,
}

/// A staff member's saved inbox view (migration 0026): a name and the inbox's query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    pub id: uuid::Uuid,
    pub user_id: UserId,
    pub name: String,
    pub query: String,
    pub created_at: OffsetDateTime,
}

/// A first answer as the weekly report keeps it (migration 0027): metadata only, kept after its
/// conversation is deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstResponseRecord {
    pub conversation_id: ConversationId,
    /// Who sent it; `None` once their account is gone.
    pub responder: Option<UserId>,
    pub answered_at: OffsetDateTime,
    /// The working time the client had waited, and the target it was measured against.
    pub working_seconds: i64,
    pub target_seconds: i64,
}

/// Which conversations the inbox shows by their follow-up (migration 0025), judged at
/// [`InboxFilter::now`] (without it, every conversation is shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FollowUpFilter {
    /// Every conversation, put aside or not.
    #[default]
    All,
    /// The inbox as workers see it: those put aside until later are left out.
    NotPending,
    /// Only those put aside until later.
    Pending,
    /// Only those whose follow-up came due (the time came or the client wrote).
    Due,
}

/// Position in the inbox order (urgent first, then newest activity), for keyset paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxCursor {
    pub urgent: bool,
    pub last_activity_at: i64,
    pub id: String,
}

#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub status: Option<Status>,
    pub urgent_only: bool,
    pub assigned: AssignedFilter,
    pub topic: Option<Topic>,
    pub lang: Option<Lang>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    pub after: Option<InboxCursor>,
    pub limit: u32,
    /// Urgent first, then the oldest activity first (the longest-waiting client at the top);
    /// otherwise the newest activity first. The cursor continues in the same order.
    pub oldest_first: bool,
    pub follow_ups: FollowUpFilter,
    /// The time `follow_ups` is judged at.
    pub now: Option<OffsetDateTime>,
}

/// A change staff make to a conversation. `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ConversationUpdate {
    pub status: Option<Status>,
    pub assigned_to: Option<Option<UserId>>,
    pub rating: Option<u8>,
    /// Sets (`Some(Some(at))`) or clears (`Some(None)`) the follow-up.
    pub follow_up_at: Option<Option<OffsetDateTime>>,
}

/// The result of a change guarded by the conversation's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guarded<T> {
    Done(T),
    /// Someone else changed the conversation since the expected version.
    Conflict,
    Missing,
}

/// A client's signed-in browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSessionRecord {
    pub token_hash: String,
    pub conversation_id: ConversationId,
    pub wrapped_client_key: Vec<u8>,
    pub expires_at: OffsetDateTime,
}

/// The team's schedule as stored (parsed by `netreach_core::availability`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityRecord {
    /// IANA time zone name, e.g. `Europe/Moscow`.
    pub timezone: String,
    /// Seven `HH:MM-HH:MM` or empty entries, Monday first, separated by `;`.
    pub hours: String,
    /// `YYYY-MM-DD` dates separated by spaces.
    pub holidays: String,
    pub away: bool,
    pub updated_at: OffsetDateTime,
}

/// A prepared answer staff insert into replies; `{worker}` and `{org}` are filled in. With tags
/// or a status it is also a macro (migration 0026): applying it sends the reply, adds the tags
/// and sets the status in one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedReply {
    pub id: CannedId,
    pub lang: Lang,
    pub title: String,
    pub body: String,
    pub updated_at: OffsetDateTime,
    pub tags: Vec<String>,
    pub status: Option<netreach_core::Status>,
}

impl CannedReply {
    /// Whether applying it does more than send the reply.
    pub fn is_macro(&self) -> bool {
        !self.tags.is_empty() || self.status.is_some()
    }
}

/// An anonymous drug-alert report: the region stays plaintext (for staff triage, no finer than
/// a city), the rest is sealed to the inbox. `flagged` when the text looked like contact details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertReportRecord {
    pub id: AlertReportId,
    pub created_at: OffsetDateTime,
    pub region: String,
    pub body: Vec<u8>,
    pub key_inbox: Vec<u8>,
    pub flagged: bool,
}

/// A drug alert. Lists (regions, substances) are stored comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRecord {
    pub id: AlertId,
    pub report_id: Option<AlertReportId>,
    pub severity: Severity,
    pub regions: String,
    pub substances: String,
    pub title_en: String,
    pub body_en: String,
    pub title_ru: String,
    pub body_ru: String,
    pub status: AlertStatus,
    pub expires_at: OffsetDateTime,
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub verified_at: Option<OffsetDateTime>,
    pub published_at: Option<OffsetDateTime>,
    pub withdrawn_at: Option<OffsetDateTime>,
}

/// A place the organisation publishes to: a forum, a Telegram channel or group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueRecord {
    pub id: VenueId,
    pub name: String,
    pub kind: VenueKind,
    pub address: String,
    pub lang: Lang,
    /// bbcode, markdown, telegram_html, plain (the channels crate's `Markup`, which the store
    /// does not depend on).
    pub markup: String,
    pub rules: String,
    pub permission: Permission,
    pub permission_at: Option<OffsetDateTime>,
    pub permission_contact: String,
    pub notes: String,
    pub needs_approval: bool,
    pub char_limit: Option<i64>,
    /// `@channel` or a numeric chat id, for sending through the Bot API.
    pub telegram_chat: Option<String>,
    /// Whether a bot token is stored (the token itself is only read by [`crate::PublishingStore::venue_bot_token`]).
    pub has_bot_token: bool,
    pub push_alerts: bool,
    pub last_sent_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A post as it stands now (its latest version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRecord {
    pub id: PostId,
    pub title: String,
    pub body: String,
    pub version: i64,
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One saved version of a post, with its approval if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostVersionRecord {
    pub post_id: PostId,
    pub version: i64,
    pub title: String,
    pub body: String,
    pub edited_by: Option<UserId>,
    pub edited_at: OffsetDateTime,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<OffsetDateTime>,
}

/// One entry of the publication log: a post version (or an alert) put on a venue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationRecord {
    pub id: PublicationId,
    pub venue_id: VenueId,
    pub post_id: Option<PostId>,
    pub post_version: Option<i64>,
    pub alert_id: Option<AlertId>,
    /// The text as rendered for the venue.
    pub body: String,
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub status: PublicationStatus,
    pub url: String,
    pub followup: String,
    pub attempts: i64,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub last_error: String,
    pub published_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

/// Which log entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicationFilter {
    pub venue_id: Option<VenueId>,
    pub post_id: Option<PostId>,
    pub status: Option<PublicationStatus>,
    pub limit: u32,
}

/// How one attempt to send a queued publication ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent {
        url: String,
    },
    /// Try again at this time (rate limit or a temporary failure).
    Retry {
        at: OffsetDateTime,
        error: String,
    },
    Failed {
        error: String,
    },
}

impl SendOutcome {
    /// Where the claimed (`sending`) entry goes: the step `netreach_core::publishing` allows.
    pub fn status(&self) -> PublicationStatus {
        let claimed = PublicationStatus::Sending;
        let step = match self {
            SendOutcome::Sent { .. } => claimed.sent(),
            SendOutcome::Retry { .. } => claimed.retry(),
            SendOutcome::Failed { .. } => claimed.fail(),
        };
        // Every outcome is a step from `sending`; the fallback is never taken.
        step.unwrap_or(PublicationStatus::Failed)
    }
}

/// An entry of the public question-and-answer archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaRecord {
    pub id: QaId,
    /// The conversation it was written from, until it is published (then `None`).
    pub conversation_id: Option<ConversationId>,
    pub lang: Lang,
    pub topic: Topic,
    pub question: String,
    pub answer: String,
    pub status: QaStatus,
    /// The last person who wrote or edited it.
    pub written_by: Option<UserId>,
    pub written_at: OffsetDateTime,
    pub reviewed_by: Option<UserId>,
    pub published_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    /// A draft's question and answer, sealed to the inbox key (then `question` and `answer` are
    /// empty in the database); `None` once published.
    pub draft: Option<SealedRecord>,
    /// A draft's keyed hash of the conversation it came from; `None` once published.
    pub source: Option<String>,
}

/// What made a version of the published pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackChange {
    /// `netreach content import` (or the demo's first load).
    Import,
    /// A revision published in the console.
    Publish,
    /// A file archived in the console.
    Archive,
    /// An earlier version brought back.
    Restore(i64),
}

impl PackChange {
    /// The word stored in the database: `import`, `publish`, `archive`, `restore:<version>`.
    pub fn to_text(self) -> String {
        match self {
            PackChange::Import => "import".into(),
            PackChange::Publish => "publish".into(),
            PackChange::Archive => "archive".into(),
            PackChange::Restore(v) => format!("restore:{v}"),
        }
    }

    pub fn parse(text: &str) -> Option<PackChange> {
        match text {
            "import" => Some(PackChange::Import),
            "publish" => Some(PackChange::Publish),
            "archive" => Some(PackChange::Archive),
            other => other
                .strip_prefix("restore:")
                .and_then(|v| v.parse().ok())
                .map(PackChange::Restore),
        }
    }
}

/// One version of the published pack: an earlier one kept, or the one in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackVersion {
    pub version: i64,
    pub made_at: OffsetDateTime,
    /// `None` for the pack in use.
    pub replaced_at: Option<OffsetDateTime>,
    pub how: PackChange,
    pub files: i64,
}

/// A pack file under the editorial workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentItem {
    pub path: ContentPath,
    pub state: ContentState,
    pub head_version: i64,
    /// The revision the public pack carries, if any.
    pub published_version: Option<i64>,
    pub updated_at: OffsetDateTime,
}

/// One saved version of a pack file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentRevision {
    pub path: ContentPath,
    pub version: i64,
    pub body: String,
    /// `None` for the text as it was imported.
    pub edited_by: Option<UserId>,
    pub edited_at: OffsetDateTime,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<OffsetDateTime>,
}

/// A staff notification waiting in the outbox: the kind of event and a console path, never
/// anything about the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedNotification {
    pub id: uuid::Uuid,
    /// e.g. `urgent_conversation`.
    pub event: String,
    /// Where it goes, e.g. `webhook` or `telegram`: one row per transport, so a retry repeats
    /// only the one that failed.
    pub transport: String,
    pub console_path: String,
    /// The staff member it is for; `None` for the team's webhook and chat. Their address is
    /// looked up when it is sent, never copied here.
    pub recipient: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: OffsetDateTime,
    pub attempts: u32,
}

/// What a staff member chose to be told about, and how they are reached (migration 0021).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationProfile {
    pub user_id: UserId,
    /// The member's own address for e-mail notifications.
    pub email: Option<String>,
    /// `HH:MM-HH:MM` in the organisation's time zone, or empty.
    pub quiet_hours: String,
    pub on_call: bool,
    /// Every (event, transport) pair chosen.
    pub choices: Vec<(NotifyEvent, Transport)>,
    pub updated_at: OffsetDateTime,
}

/// A notice in the console for one staff member: the kind of event and where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffNotice {
    pub id: uuid::Uuid,
    pub user_id: UserId,
    pub event: NotifyEvent,
    pub console_path: String,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

/// What staff search found among the team's own records: ids and titles (or names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffItems {
    pub canned: Vec<(netreach_core::CannedId, String)>,
    pub posts: Vec<(netreach_core::PostId, String)>,
    pub venues: Vec<(netreach_core::VenueId, String)>,
}

/// One line of the audit log as written: who did what, on which id. `actor_id` is `None` for the
/// machine's operator (the CLI) and for a failed sign-in with an unknown username.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at: OffsetDateTime,
    pub actor_id: Option<UserId>,
    /// The actor's username at the time (kept if the account is later renamed or removed).
    pub actor: String,
    pub action: netreach_core::AuditAction,
    /// The id acted on (a conversation, post, alert, user ...), or empty.
    pub target: String,
}

/// One line of the audit log as read, with its position for paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub entry: NewAuditEntry,
}

/// Which audit lines to read: newest first, before a position, optionally one action or actor.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<netreach_core::AuditAction>,
    pub actor: Option<String>,
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Something an operator does to keep a server safe, remembered with its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// `netreach backup` wrote a backup.
    Backup,
    /// An admin confirmed the recovery key is written down.
    RecoveryKeyConfirmed,
}

impl Milestone {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Milestone::Backup => "backup",
            Milestone::RecoveryKeyConfirmed => "recovery_key",
        }
    }
}

/// What a database holds, counted for backups and restores (never anything about a client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Inventory {
    pub staff: i64,
    pub conversations: i64,
    pub messages: i64,
    /// The version of the published content pack (0: the bundled pack).
    pub content_version: i64,
    /// The newest migration applied.
    pub schema_version: i64,
}
