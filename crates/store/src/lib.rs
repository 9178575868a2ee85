//! Storage for Netreach: the [`Store`] trait, which speaks domain types only, and its
//! implementation on SQLite (the embedded default) and PostgreSQL (for several app nodes).
//!
//! Both backends share one implementation over sqlx's `Any` driver ([`sql`]), because their SQL
//! is the same almost everywhere; what truly differs (connection set-up, pragmas, migrations,
//! locking clauses) lives in [`backend`]. Each backend keeps its own `migrations/` folder with the
//! same migration names, and a schema-parity test keeps them in step.

pub mod backend;
mod drafts;
mod error;
mod model;
mod push;
mod sql;
mod telegram;
mod watch;

pub use backend::{Backend, BackendError, sqlite_path};
pub use drafts::{DraftStore, ReplyDraft};
pub use error::StoreError;
pub use model::{
    AlertRecord, AlertReportRecord, ApiTokenRecord, AssignedFilter, AttachmentInfo, AttachmentKind,
    AuditEntry, AuditFilter, AvailabilityRecord, CannedReply, ClientSessionRecord, ContentItem,
    ContentRevision, Conversation, ConversationUpdate, FirstResponseRecord, FollowUpFilter,
    Guarded, InboxCursor, InboxFilter, InstallKeys, Inventory, InviteRecord, MessageKind,
    Milestone, NewAttachment, NewAuditEntry, NewConversation, NewMessage, NewStaffUser,
    NotificationProfile, PackChange, PackVersion, PendingSignin, PostRecord, PostVersionRecord,
    PublicationFilter, PublicationRecord, QaRecord, QueuedNotification, SavedView, SealedRecord,
    SendOutcome, SessionRecord, StaffItems, StaffKeys, StaffNotice, StaffUser, StoredAttachment,
    StoredMessage, TotpRecord, VenueRecord,
};
pub use push::{PushStore, PushSubscriptionRecord};
pub use sql::{AppliedMigration, OpenError, SqlStore, bench};
pub use telegram::{PendingUpdate, TelegramBotRecord, TelegramChatRecord, TelegramStore};
pub use watch::{
    WatchFetchOutcome, WatchMatchFilter, WatchMatchRecord, WatchSourceRecord, WatchStore,
    WatchTermRecord,
};

/// How many earlier versions of the published pack the store keeps (about 0.5 MB each for the
/// bundled pack); older ones are deleted when a new version is made.
pub const KEPT_PACK_VERSIONS: i64 = 50;

use async_trait::async_trait;
use netreach_core::{
    AlertId, AlertReportId, AlertStatus, CannedId, ContentPath, ContentState, ConversationId, Lang,
    PostId, PublicationId, PublicationStatus, QaId, QaStatus, RetentionPolicy, Role, TokenId,
    UserId, Username, VenueId,
};
use time::OffsetDateTime;

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the application keeps. Implementations must be safe to share between requests and
/// between app nodes: all state lives in the database.
#[async_trait]
pub trait Store:
    AccountStore
    + ConversationStore
    + TeamStore
    + AlertStore
    + PublishingStore
    + QaStore
    + EditorialStore
    + NotificationStore
    + AuditStore
    + TwoFactorStore
    + OperationsStore
    + WatchStore
    + TelegramStore
    + PushStore
    + DraftStore
    + Send
    + Sync
    + std::fmt::Debug
{
    /// Which backend answers.
    fn backend(&self) -> Backend;
    /// Answers when the database does.
    async fn ping(&self) -> StoreResult<()>;
    /// Closes the connection pool, waiting for queries in flight.
    async fn close(&self);
}

/// What an operator needs to trust a server (migration 0019): when a backup was last written
/// and the recovery key confirmed, and what a database holds, for backups and restores.
#[async_trait]
pub trait OperationsStore: Send + Sync {
    /// Records that `milestone` happened at `at` (the latest time is kept).
    async fn set_milestone(&self, milestone: Milestone, at: OffsetDateTime) -> StoreResult<()>;
    /// When `milestone` last happened, if ever.
    async fn milestone(&self, milestone: Milestone) -> StoreResult<Option<OffsetDateTime>>;
    /// How much the database holds: staff, conversations, messages, the content version and
    /// the newest migration.
    async fn inventory(&self) -> StoreResult<Inventory>;
}

/// Two-factor sign-in: members' TOTP secrets (encrypted by the application), their recovery
/// codes (keyed hashes) and console sign-ins waiting for a code (migration 0017).
#[async_trait]
pub trait TwoFactorStore: Send + Sync {
    /// Starts (or restarts) enrolment with a new encrypted secret, not yet active. False, and
    /// nothing changed, when a confirmed secret is already in place.
    async fn start_totp(
        &self,
        user_id: UserId,
        secret: Vec<u8>,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// The member's TOTP secret, confirmed or waiting for its first code.
    async fn totp(&self, user_id: UserId) -> StoreResult<Option<TotpRecord>>;
    /// Activates a waiting secret with the step of its first code and replaces the recovery codes
    /// with `recovery_hashes`, in one transaction. False when there is nothing waiting.
    async fn confirm_totp(
        &self,
        user_id: UserId,
        step: i64,
        recovery_hashes: &[String],
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Takes the code of `step` for a confirmed secret, as a compare-and-set: true only if no
    /// code of this step or a later one was taken before, so each code signs in once.
    async fn use_totp_step(&self, user_id: UserId, step: i64) -> StoreResult<bool>;
    /// Takes a recovery code (deletes its hash); true if it was there.
    async fn use_recovery_code(&self, user_id: UserId, code_hash: &str) -> StoreResult<bool>;
    /// How many recovery codes are left.
    async fn count_recovery_codes(&self, user_id: UserId) -> StoreResult<u64>;
    /// Removes the secret and the recovery codes; false when there was no secret.
    async fn remove_totp(&self, user_id: UserId) -> StoreResult<bool>;
    async fn create_pending_signin(&self, pending: PendingSignin) -> StoreResult<()>;
    /// The live pending sign-in with this hash.
    async fn pending_signin(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<PendingSignin>>;
    /// Turns a live pending sign-in into `session` in one transaction (the pending row goes);
    /// false, and no session, when it was used or expired meanwhile.
    async fn promote_pending_signin(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        session: SessionRecord,
    ) -> StoreResult<bool>;
}

/// Staff accounts, sessions, API tokens and the first-run setup link.
#[async_trait]
pub trait AccountStore: Send + Sync {
    // --- staff accounts ---
    async fn create_user(&self, user: NewStaffUser) -> StoreResult<StaffUser>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<StaffUser>>;
    async fn user_by_username(&self, username: &Username) -> StoreResult<Option<StaffUser>>;
    async fn list_users(&self) -> StoreResult<Vec<StaffUser>>;
    async fn count_users(&self) -> StoreResult<u64>;
    /// Disables (with the time) or re-enables an account. Disabling also ends its sessions,
    /// revokes its API tokens and inbox grant, and withdraws the invitations it made. Returns
    /// false when there is no such user.
    async fn set_user_disabled(
        &self,
        id: UserId,
        disabled_at: Option<OffsetDateTime>,
    ) -> StoreResult<bool>;
    async fn set_user_role(&self, id: UserId, role: Role) -> StoreResult<bool>;
    /// Replaces the password hash, clears the login throttle and ends every session of the user.
    async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// A reset for someone who lost their password: new hash and key pair in one transaction;
    /// their sessions, API tokens and inbox grant end (the old key pair cannot be opened).
    async fn reset_credentials(
        &self,
        id: UserId,
        hash: &str,
        keys: StaffKeys,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// A password change by the member: new hash and re-wrapped key in one transaction; their
    /// sessions end, API tokens and inbox grant stay.
    async fn change_credentials(
        &self,
        id: UserId,
        hash: &str,
        keys: Option<StaffKeys>,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Charges one sign-in attempt before the password is checked, as a compare-and-set: the
    /// failure count goes from `seen_failures` to one more and the lock is set to `lock`, but only
    /// if the count is still `seen_failures` and the account is not locked at `now`. False means
    /// another attempt got there first (read the account again) or the account is locked. A
    /// successful sign-in then clears the charge; a parallel burst cannot skip the lock.
    async fn charge_login_attempt(
        &self,
        id: UserId,
        seen_failures: u32,
        lock: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Resets the failure count and any lock after a successful login.
    async fn clear_login_failures(&self, id: UserId) -> StoreResult<()>;

    // --- staff sessions ---
    async fn create_session(&self, session: SessionRecord) -> StoreResult<()>;
    /// The live session with this hash and its (enabled) user.
    async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(SessionRecord, StaffUser)>>;
    async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// "Log out everywhere": ends every session of the user; returns how many.
    async fn delete_user_sessions(&self, user_id: UserId) -> StoreResult<u64>;
    /// The user's live sessions, newest first.
    async fn user_sessions(
        &self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<SessionRecord>>;
    /// Ends one session of this user; false when it is not theirs or gone.
    async fn delete_user_session(&self, user_id: UserId, token_hash: &str) -> StoreResult<bool>;
    /// Deletes every API token of the user; returns how many.
    async fn delete_user_tokens(&self, user_id: UserId) -> StoreResult<u64>;
    /// The panic lock: deletes every staff session and API token and records the time every node
    /// watches, in one transaction; returns how many sessions and tokens went.
    async fn panic_lock(&self, at: OffsetDateTime) -> StoreResult<(u64, u64)>;
    /// When the last panic lock was pulled, if ever.
    async fn last_panic_lock(&self) -> StoreResult<Option<OffsetDateTime>>;
    async fn count_user_sessions(&self, user_id: UserId, now: OffsetDateTime) -> StoreResult<u64>;
    /// Deletes expired sessions, setup links and API tokens; returns how many rows went.
    async fn purge_expired(&self, now: OffsetDateTime) -> StoreResult<u64>;

    // --- API tokens ---
    async fn create_api_token(&self, token: ApiTokenRecord) -> StoreResult<()>;
    /// The live token with this hash and its (enabled) user; records its use.
    async fn use_api_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(ApiTokenRecord, StaffUser)>>;
    async fn list_api_tokens(&self, user_id: UserId) -> StoreResult<Vec<ApiTokenRecord>>;
    /// Revokes one of the user's own tokens; false when the user has no such token.
    async fn revoke_api_token(&self, user_id: UserId, id: TokenId) -> StoreResult<bool>;

    // --- first-run setup link ---
    /// Replaces any previous setup link with this one.
    async fn put_setup_token(
        &self,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn setup_token_valid(&self, token_hash: &str, now: OffsetDateTime) -> StoreResult<bool>;
    /// Creates the first admin if, and only if, the setup link is valid and no user exists yet;
    /// the link is consumed. All in one transaction, so two tabs cannot both succeed.
    async fn complete_setup(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        admin: NewStaffUser,
    ) -> StoreResult<Option<StaffUser>>;
    /// Stores an invitation; [`StoreError::UsernameTaken`] when one for that username is
    /// pending.
    async fn put_invite(&self, invite: &InviteRecord) -> StoreResult<()>;
    /// The unexpired invitation a link's token hash names.
    async fn invite(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<InviteRecord>>;
    /// The unexpired invitations, oldest first.
    async fn list_invites(&self, now: OffsetDateTime) -> StoreResult<Vec<InviteRecord>>;
    /// Withdraws an invitation; false when there was none.
    async fn delete_invite(&self, id: uuid::Uuid) -> StoreResult<bool>;
    /// Creates the invited account if, and only if, the invitation is still there and unexpired;
    /// the invitation is consumed in the same transaction, so a link works once.
    async fn accept_invite(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        user: NewStaffUser,
    ) -> StoreResult<Option<StaffUser>>;
}

/// Keys, conversations, messages and client sessions.
#[async_trait]
pub trait ConversationStore: Send + Sync {
    // --- keys ---
    /// The install-wide values, creating the row with `salt` on first use.
    async fn ensure_install(&self, salt: Vec<u8>) -> StoreResult<InstallKeys>;
    /// Records the inbox public key and its recovery-wrapped secret, once; false if one exists.
    async fn set_inbox_key(
        &self,
        public_key: Vec<u8>,
        recovery_wrapped: Vec<u8>,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn set_user_keys(&self, user_id: UserId, keys: StaffKeys) -> StoreResult<()>;
    async fn grant_inbox(
        &self,
        user_id: UserId,
        sealed: Vec<u8>,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    async fn inbox_grant(&self, user_id: UserId) -> StoreResult<Option<Vec<u8>>>;
    async fn revoke_inbox_grant(&self, user_id: UserId) -> StoreResult<()>;

    // --- conversations ---
    /// Creates a conversation with its first messages, in one transaction.
    async fn create_conversation(
        &self,
        conversation: NewConversation,
        first: Vec<NewMessage>,
    ) -> StoreResult<Conversation>;
    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>>;
    async fn conversation_by_lookup(&self, lookup_id: &str) -> StoreResult<Option<Conversation>>;
    /// The messages in order; internal notes and feedback only when `staff_view`.
    async fn messages(
        &self,
        id: ConversationId,
        staff_view: bool,
    ) -> StoreResult<Vec<StoredMessage>>;
    /// Adds a message. A thread message moves the status to `status_after` and the activity
    /// time; a staff message records the first response time. With `expected_version`, refuses
    /// if the conversation changed since.
    async fn add_message(
        &self,
        id: ConversationId,
        message: NewMessage,
        status_after: netreach_core::Status,
        expected_version: Option<i64>,
    ) -> StoreResult<Guarded<Conversation>>;
    /// Adds a client's attachment with the thread message that shows it (its caption), in one
    /// transaction; the message counts like [`ConversationStore::add_message`]'s.
    async fn add_attachment(
        &self,
        id: ConversationId,
        message: NewMessage,
        attachment: NewAttachment,
        status_after: netreach_core::Status,
    ) -> StoreResult<Guarded<Conversation>>;
    /// A conversation's attachments, oldest first, without their bytes.
    async fn attachments(&self, id: ConversationId) -> StoreResult<Vec<AttachmentInfo>>;
    /// One attachment of a conversation, with its sealed bytes.
    async fn attachment(
        &self,
        id: ConversationId,
        attachment: netreach_core::AttachmentId,
    ) -> StoreResult<Option<StoredAttachment>>;
    /// Applies a staff change guarded by the version the worker saw.
    async fn update_conversation(
        &self,
        id: ConversationId,
        expected_version: Option<i64>,
        update: ConversationUpdate,
        now: OffsetDateTime,
    ) -> StoreResult<Guarded<Conversation>>;
    /// The inbox: urgent first, newest activity first, keyset-paged.
    async fn list_conversations(&self, filter: &InboxFilter) -> StoreResult<Vec<Conversation>>;
    /// How many conversations each status has (for the filter counts).
    async fn status_counts(&self) -> StoreResult<Vec<(netreach_core::Status, u64)>>;
    /// Conversations assigned to the user that are not solved or archived.
    async fn open_caseload(&self, user_id: UserId) -> StoreResult<u64>;
    /// Deletes a conversation and everything in it; false if there was none.
    async fn delete_conversation(&self, id: ConversationId) -> StoreResult<bool>;
    /// Deletes conversations past the retention policy, at most `batch` idle ones and `batch`
    /// closed ones, and returns their ids (so what hangs off them outside the database's own
    /// links can go too); fewer than `batch` of each means none is left due. Safe to run on
    /// several nodes at once.
    async fn purge_conversations(
        &self,
        now: OffsetDateTime,
        policy: RetentionPolicy,
        batch: u32,
    ) -> StoreResult<Vec<ConversationId>>;

    // --- client sessions ---
    async fn create_client_session(&self, session: ClientSessionRecord) -> StoreResult<()>;
    async fn client_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<ClientSessionRecord>>;
    async fn delete_client_session(&self, token_hash: &str) -> StoreResult<()>;

    // --- tags ---
    async fn add_tag(&self, id: ConversationId, tag: &str) -> StoreResult<()>;
    async fn remove_tag(&self, id: ConversationId, tag: &str) -> StoreResult<()>;
    async fn tags(&self, id: ConversationId) -> StoreResult<Vec<String>>;
    /// Every tag in use, with how many conversations carry it.
    async fn all_tags(&self) -> StoreResult<Vec<(String, u64)>>;
    /// Seconds from start to first staff response, for conversations started since `since`.
    async fn first_response_seconds(&self, since: OffsetDateTime) -> StoreResult<Vec<i64>>;
    /// Keeps a first answer for the weekly report, once per conversation; false when one was
    /// kept already.
    async fn record_first_response(&self, record: &FirstResponseRecord) -> StoreResult<bool>;
    /// The first answers sent from `since` on, oldest first (the report; retention keeps them).
    async fn first_responses(&self, since: OffsetDateTime)
    -> StoreResult<Vec<FirstResponseRecord>>;
    /// The newest client message of each of these conversations (those that have one), for the
    /// inbox's preview line; still sealed.
    async fn last_client_messages(
        &self,
        ids: &[ConversationId],
    ) -> StoreResult<Vec<(ConversationId, StoredMessage)>>;
    /// Auto-assignment: gives the unassigned conversation `id` to the first of `candidates`
    /// after the one given the last conversation (round-robin, in the order of their ids) whose
    /// open caseload is below `cap` (0: no cap). One transaction holding the cursor row's lock,
    /// so concurrent starts on any node take turns and never pass a cap. `None`, and nothing
    /// changed, when every candidate is full or the conversation is assigned or gone.
    async fn assign_next(
        &self,
        id: ConversationId,
        candidates: &[UserId],
        cap: u64,
    ) -> StoreResult<Option<UserId>>;
}

/// The team's working hours and canned replies.
#[async_trait]
pub trait TeamStore: Send + Sync {
    async fn availability(&self) -> StoreResult<Option<AvailabilityRecord>>;
    async fn put_availability(&self, record: AvailabilityRecord) -> StoreResult<()>;
    /// The manual "away" switch; false when no schedule exists yet.
    async fn set_away(&self, away: bool, at: OffsetDateTime) -> StoreResult<bool>;
    async fn canned_replies(&self, lang: Option<Lang>) -> StoreResult<Vec<CannedReply>>;
    /// Staff search: the first `limit` canned replies, posts and venues whose text contains
    /// `needle` in any letter case (any script), read by the database, not by the caller.
    async fn find_staff_items(&self, needle: &str, limit: u32) -> StoreResult<StaffItems>;
    async fn canned_reply(&self, id: CannedId) -> StoreResult<Option<CannedReply>>;
    /// Creates or replaces a canned reply.
    async fn put_canned_reply(&self, reply: CannedReply) -> StoreResult<()>;
    async fn delete_canned_reply(&self, id: CannedId) -> StoreResult<bool>;
    /// A member's saved inbox views, by name.
    async fn saved_views(&self, user: UserId) -> StoreResult<Vec<SavedView>>;
    /// Saves a view; one of the member's views with the same name is replaced.
    async fn put_saved_view(&self, view: &SavedView) -> StoreResult<()>;
    /// Deletes one of the member's own views; false when it is not theirs or gone.
    async fn delete_saved_view(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool>;
    /// Counts one use of a named budget in a fixed window and returns the uses so far in the
    /// current window (a new window starts when the old one is `window` old). Atomic, so every
    /// app node shares the budget.
    async fn charge_budget(
        &self,
        name: &str,
        now: OffsetDateTime,
        window: time::Duration,
    ) -> StoreResult<u64>;

    // --- content pack ---
    /// The imported pack's files (path, text), sorted by path; empty when none was imported.
    async fn content_files(&self) -> StoreResult<Vec<(String, String)>>;
    /// Replaces the whole pack in one transaction and returns the new version. The pack it
    /// replaces (if one was stored) is kept as a version first ([`PackVersion`]); only the
    /// newest [`KEPT_PACK_VERSIONS`] are kept.
    async fn replace_content(
        &self,
        files: Vec<(String, String)>,
        at: OffsetDateTime,
        how: PackChange,
    ) -> StoreResult<i64>;
    /// The versions of the pack that can be brought back, and the one in use, newest first.
    async fn pack_versions(&self) -> StoreResult<Vec<PackVersion>>;
    /// The files of one version (the pack in use included), sorted by path; `None` when that
    /// version is not kept.
    async fn pack_version_files(&self, version: i64) -> StoreResult<Option<Vec<(String, String)>>>;
    /// The pack's version; 0 before the first import.
    async fn content_version(&self) -> StoreResult<i64>;
}

/// Drug alerts and the anonymous reports behind them.
#[async_trait]
pub trait AlertStore: Send + Sync {
    async fn create_alert_report(&self, report: AlertReportRecord) -> StoreResult<()>;
    async fn alert_reports(&self, limit: u32) -> StoreResult<Vec<AlertReportRecord>>;
    async fn alert_report_exists(&self, id: AlertReportId) -> StoreResult<bool>;
    /// Deletes reports received before `before`; returns how many.
    async fn purge_alert_reports(&self, before: OffsetDateTime) -> StoreResult<u64>;
    async fn create_alert(&self, alert: AlertRecord) -> StoreResult<()>;
    async fn alert(&self, id: AlertId) -> StoreResult<Option<AlertRecord>>;
    /// Newest first, optionally only one status.
    async fn alerts(&self, status: Option<AlertStatus>) -> StoreResult<Vec<AlertRecord>>;
    /// Records one staff member's verification; returns how many different members verified.
    async fn verify_alert(
        &self,
        id: AlertId,
        user: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// The staff members who verified an alert, in the order they did.
    async fn alert_verifiers(&self, id: AlertId) -> StoreResult<Vec<UserId>>;
    /// Moves an alert from `from` to `to` (a step the caller checked with the rules in
    /// `netreach_core::alert`), stamping the time; false if it was no longer at `from`.
    async fn set_alert_status(
        &self,
        id: AlertId,
        from: AlertStatus,
        to: AlertStatus,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
}

/// The venue register, posts with versions and approvals, and the publication log (which is also
/// the queue of Telegram sends).
#[async_trait]
pub trait PublishingStore: Send + Sync {
    async fn create_venue(&self, venue: VenueRecord) -> StoreResult<()>;
    /// Replaces a venue's fields (not its bot token); false when there is no such venue.
    async fn update_venue(&self, venue: VenueRecord) -> StoreResult<bool>;
    async fn venue(&self, id: VenueId) -> StoreResult<Option<VenueRecord>>;
    /// Every venue, by name.
    async fn venues(&self) -> StoreResult<Vec<VenueRecord>>;
    /// Stores (or with `None` removes) the encrypted bot token of a venue.
    async fn set_venue_bot_token(&self, id: VenueId, sealed: Option<Vec<u8>>) -> StoreResult<bool>;
    async fn venue_bot_token(&self, id: VenueId) -> StoreResult<Option<Vec<u8>>>;

    /// Creates a post with its first version.
    async fn create_post(&self, post: PostRecord) -> StoreResult<()>;
    /// Saves a new version if the post is still at `expected_version`; returns the new version.
    async fn update_post(
        &self,
        id: PostId,
        expected_version: i64,
        title: &str,
        body: &str,
        by: UserId,
        at: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>>;
    async fn post(&self, id: PostId) -> StoreResult<Option<PostRecord>>;
    /// Every post, most recently changed first.
    async fn posts(&self) -> StoreResult<Vec<PostRecord>>;
    /// The titles of these posts (those that exist), read by primary key: what a page of the
    /// publication log needs, however many posts there are.
    async fn post_titles(&self, ids: &[PostId]) -> StoreResult<Vec<(PostId, String)>>;
    /// The versions of a post, newest first.
    async fn post_versions(&self, id: PostId) -> StoreResult<Vec<PostVersionRecord>>;
    /// How many posts wait for a second person's approval: their current version is neither
    /// approved nor published anywhere yet. Counted by the database.
    async fn posts_awaiting_approval(&self) -> StoreResult<u64>;
    /// Records an approval of one version, once; false when it is missing or already approved.
    async fn approve_post_version(
        &self,
        id: PostId,
        version: i64,
        by: UserId,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;

    async fn create_publication(&self, publication: PublicationRecord) -> StoreResult<()>;
    async fn publication(&self, id: PublicationId) -> StoreResult<Option<PublicationRecord>>;
    /// Newest first.
    async fn publications(&self, filter: &PublicationFilter)
    -> StoreResult<Vec<PublicationRecord>>;
    /// What staff record after the fact: the URL, the status, what to follow up on.
    async fn update_publication(
        &self,
        id: PublicationId,
        url: &str,
        status: PublicationStatus,
        followup: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Claims up to `limit` queued sends that are due, at most one per venue and only for venues
    /// that sent nothing in the last `spacing`; each is leased (status `sending`) until
    /// `lease_until`, after which an unfinished claim is due again. Safe on several nodes.
    /// When nothing is due it only reads, so an idle sender never takes SQLite's write lock.
    async fn claim_due_publications(
        &self,
        now: OffsetDateTime,
        spacing: time::Duration,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<PublicationRecord>>;
    /// Cancels (status `deleted`) an alert's sends that have not gone out; returns how many.
    async fn cancel_alert_sends(&self, alert_id: AlertId, at: OffsetDateTime) -> StoreResult<u64>;
    /// Records how a claimed send ended.
    async fn finish_send(
        &self,
        id: PublicationId,
        outcome: SendOutcome,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
}

/// The outbox of staff notifications: written before a client is answered, deleted once
/// delivered, claimed with a lease so that one node sends each.
#[async_trait]
pub trait NotificationStore: Send + Sync {
    async fn queue_notification(&self, notification: &QueuedNotification) -> StoreResult<()>;
    /// The notifications due at `now`, each leased until `lease_until` (and its attempt counted).
    async fn claim_notifications(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<QueuedNotification>>;
    /// Delivered (`None`: the row is deleted) or to be tried again at `retry_at`.
    async fn finish_notification(
        &self,
        id: uuid::Uuid,
        retry_at: Option<OffsetDateTime>,
    ) -> StoreResult<()>;

    /// A member's notification choices and how they are reached; `None` if never set.
    async fn notification_profile(&self, user: UserId) -> StoreResult<Option<NotificationProfile>>;
    /// Replaces a member's notification choices and contact details whole, in one transaction.
    async fn set_notification_profile(&self, profile: &NotificationProfile) -> StoreResult<()>;
    /// The profiles of the active members who chose `event` by at least one transport, each
    /// with only its choices for that event.
    async fn notification_audience(
        &self,
        event: netreach_core::notification::Event,
    ) -> StoreResult<Vec<NotificationProfile>>;
    /// Records console notices.
    async fn add_notices(&self, notices: &[StaffNotice]) -> StoreResult<()>;
    /// How many notices a member has not read.
    async fn unread_notices(&self, user: UserId) -> StoreResult<u64>;
    /// A member's newest notices, unread first.
    async fn notices(&self, user: UserId, limit: u32) -> StoreResult<Vec<StaffNotice>>;
    /// Marks a member's notices read: those pointing at `console_path`, or all with `None`.
    /// Returns how many changed.
    async fn mark_notices_read(
        &self,
        user: UserId,
        console_path: Option<&str>,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// Deletes notices created before `before`; returns how many.
    async fn purge_notices(&self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Raises how far past its response target a conversation is told to be, to `level`; true
    /// only for the call that raised it (a compare-and-set: one node tells once); false also
    /// when the conversation is gone.
    async fn raise_target_breach(
        &self,
        conversation: ConversationId,
        level: u8,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
}

/// The public question-and-answer archive and the clients' consent to it.
#[async_trait]
pub trait QaStore: Send + Sync {
    /// Records (`Some`) or withdraws (`None`) a client's consent; withdrawing also deletes the
    /// unpublished entries written from the conversation (found by `source`, the keyed hash of
    /// its id). False when there is no such conversation.
    async fn set_qa_consent(
        &self,
        id: ConversationId,
        at: Option<OffsetDateTime>,
        source: &str,
    ) -> StoreResult<bool>;
    async fn qa_consent(&self, id: ConversationId) -> StoreResult<Option<OffsetDateTime>>;
    async fn create_qa(&self, entry: QaRecord) -> StoreResult<()>;
    /// Replaces a draft's sealed text (and, for a draft from before sealing, cuts its link to
    /// the conversation, keeping `source`); the editor, if given, becomes its last writer.
    /// False unless it is a draft.
    async fn update_qa_draft(
        &self,
        id: QaId,
        draft: SealedRecord,
        source: &str,
        by: Option<UserId>,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Deletes the drafts written from the conversations with these source hashes (their
    /// conversations are gone); returns how many.
    async fn delete_qa_drafts(&self, sources: &[String]) -> StoreResult<u64>;
    async fn qa(&self, id: QaId) -> StoreResult<Option<QaRecord>>;
    /// Newest first; optionally one status and one language.
    async fn qa_entries(
        &self,
        status: Option<QaStatus>,
        lang: Option<Lang>,
    ) -> StoreResult<Vec<QaRecord>>;
    /// Publishes a draft with its reviewed text, in the clear from now on, if the reviewer is
    /// not its last writer (and, for a draft from before sealing, its conversation still
    /// consents), in one statement; forgets the sealed text and the source. False otherwise.
    async fn publish_qa(
        &self,
        id: QaId,
        reviewer: UserId,
        question: &str,
        answer: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Takes a published entry off the site and deletes it; false unless it was published.
    async fn withdraw_qa(&self, id: QaId) -> StoreResult<bool>;
    /// Changes whenever the public archive changes (for nodes to refresh their search index);
    /// 0 while nothing was ever published. One row read, however large the archive.
    async fn qa_stamp(&self) -> StoreResult<i64>;
}

/// The editorial workflow over the content pack's files.
#[async_trait]
pub trait EditorialStore: Send + Sync {
    async fn content_item(&self, path: &ContentPath) -> StoreResult<Option<ContentItem>>;
    async fn content_items(&self) -> StoreResult<Vec<ContentItem>>;
    /// Newest first.
    async fn content_revisions(&self, path: &ContentPath) -> StoreResult<Vec<ContentRevision>>;
    /// Saves a new revision as a draft. The first save of a file that is already published
    /// records `published_text` as revision 1 (published) first, so every change can be
    /// compared with what was live. `expected_head` is the revision the editor started from
    /// (`None` for a file with no revisions yet).
    async fn save_revision(
        &self,
        path: &ContentPath,
        published_text: Option<&str>,
        text: &str,
        expected_head: Option<i64>,
        by: UserId,
        at: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>>;
    /// Moves an item from `from` to `to` (a step the caller checked with the rules in
    /// `netreach_core::editorial`); false if it was no longer at `from`.
    async fn set_content_state(
        &self,
        path: &ContentPath,
        from: ContentState,
        to: ContentState,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Publishes the head revision (which must be `version`, in review) and replaces the
    /// published pack with `files`, in one transaction, if the pack is still at
    /// `pack_version`; returns the new pack version.
    async fn publish_revision(
        &self,
        path: &ContentPath,
        version: i64,
        reviewer: UserId,
        files: Vec<(String, String)>,
        pack_version: i64,
        at: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>>;
    /// Archives an item (it leaves the published pack, which becomes `files`) under the same
    /// pack-version guard.
    async fn archive_item(
        &self,
        path: &ContentPath,
        published_text: Option<&str>,
        files: Vec<(String, String)>,
        pack_version: i64,
        at: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>>;
}

/// The append-only audit log of staff actions.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, entry: NewAuditEntry) -> StoreResult<()>;
    /// Newest first, at most `filter.limit` lines.
    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// Deletes the lines written before `before` (retention); returns how many.
    async fn purge_audit(&self, before: OffsetDateTime) -> StoreResult<u64>;
}
