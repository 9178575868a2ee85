//! What forum watch keeps: its sources, the watch queue of matched posts and the edits of the
//! lexicon (migration 0020). The application seals post content before it gets here.

use crate::StoreResult;
use async_trait::async_trait;
use netreach_core::watch::{MatchStatus, SourceKind};
use netreach_core::{UserId, VenueId, WatchMatchId, WatchSourceId};
use time::OffsetDateTime;

/// A watched feed or page, with its fetch status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchSourceRecord {
    pub id: WatchSourceId,
    pub name: String,
    pub kind: SourceKind,
    pub url: String,
    /// JSON of the CSS selectors (HTML sources); empty otherwise.
    pub selectors: String,
    pub venue_id: Option<VenueId>,
    pub interval_seconds: i64,
    pub enabled: bool,
    /// Whether an (encrypted) session cookie is stored; the cookie is read on its own.
    pub has_cookie: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_fetch_at: OffsetDateTime,
    /// A node is fetching it until then.
    pub lease_until: Option<OffsetDateTime>,
    /// Failed fetches in a row.
    pub failures: i64,
    pub last_fetch_at: Option<OffsetDateTime>,
    pub last_success_at: Option<OffsetDateTime>,
    pub last_error_at: Option<OffsetDateTime>,
    pub last_error: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// How a claimed fetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchFetchOutcome {
    /// Fetched (or not modified); the new validators replace the old when given.
    Success {
        etag: Option<String>,
        last_modified: Option<String>,
        next_fetch_at: OffsetDateTime,
    },
    NotModified {
        next_fetch_at: OffsetDateTime,
    },
    Failed {
        error: String,
        next_fetch_at: OffsetDateTime,
    },
}

/// A post of the watch queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchMatchRecord {
    pub id: WatchMatchId,
    pub source_id: WatchSourceId,
    /// What identifies the post within its source.
    pub entry_key: String,
    pub url: String,
    /// Handle, title, text, snippet: sealed by the application.
    pub sealed: Vec<u8>,
    pub signals: Vec<String>,
    pub status: MatchStatus,
    pub claimed_by: Option<UserId>,
    pub dismiss_reason: String,
    pub posted_at: Option<OffsetDateTime>,
    pub found_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Which matches to list: newest found first, after the keyset cursor.
#[derive(Debug, Clone, Default)]
pub struct WatchMatchFilter {
    /// Empty: every status.
    pub statuses: Vec<MatchStatus>,
    pub source_id: Option<WatchSourceId>,
    /// `(found_at, id)` of the last item of the previous page.
    pub before: Option<(OffsetDateTime, WatchMatchId)>,
    pub limit: u32,
}

/// A supervisor's edit of the default lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchTermRecord {
    pub phrase: String,
    pub signal: String,
    /// A default phrase taken out, rather than a phrase added.
    pub removed: bool,
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
}

/// Forum watch's sources, queue and lexicon edits.
#[async_trait]
pub trait WatchStore: Send + Sync {
    async fn create_watch_source(&self, source: WatchSourceRecord) -> StoreResult<()>;
    /// Replaces what a supervisor edits (name, kind, URL, selectors, venue, interval, enabled;
    /// not the cookie nor the fetch status); a changed URL forgets the validators and is due at
    /// once. False when there is no such source.
    async fn update_watch_source(&self, source: &WatchSourceRecord) -> StoreResult<bool>;
    async fn watch_source(&self, id: WatchSourceId) -> StoreResult<Option<WatchSourceRecord>>;
    /// Every source, by name.
    async fn watch_sources(&self) -> StoreResult<Vec<WatchSourceRecord>>;
    /// Deletes a source and its matches.
    async fn delete_watch_source(&self, id: WatchSourceId) -> StoreResult<bool>;
    /// Stores (or with `None` removes) the encrypted session cookie of a source.
    async fn set_watch_source_cookie(
        &self,
        id: WatchSourceId,
        sealed: Option<Vec<u8>>,
    ) -> StoreResult<bool>;
    async fn watch_source_cookie(&self, id: WatchSourceId) -> StoreResult<Option<Vec<u8>>>;
    /// Leases one source until `lease_until`, whether due or not, unless another node holds a
    /// live lease on it (then `None`).
    async fn claim_watch_source(
        &self,
        id: WatchSourceId,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> StoreResult<Option<WatchSourceRecord>>;
    /// Leases up to `limit` enabled fetchable sources that are due and not leased. Safe on
    /// several nodes; only reads when nothing is due.
    async fn claim_due_watch_sources(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<WatchSourceRecord>>;
    /// Records how a fetch ended and releases the lease.
    async fn finish_watch_fetch(
        &self,
        id: WatchSourceId,
        outcome: WatchFetchOutcome,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Adds a match; false (nothing written) when its source already has this entry.
    async fn insert_watch_match(&self, record: &WatchMatchRecord) -> StoreResult<bool>;
    async fn watch_match(&self, id: WatchMatchId) -> StoreResult<Option<WatchMatchRecord>>;
    async fn watch_matches(&self, filter: &WatchMatchFilter) -> StoreResult<Vec<WatchMatchRecord>>;
    /// Moves a match from one of `from` to `to` (compare-and-set), recording who holds it and
    /// the reason of a dismissal; false when it was in none of `from`.
    async fn set_watch_match_status(
        &self,
        id: WatchMatchId,
        from: &[MatchStatus],
        to: MatchStatus,
        by: Option<UserId>,
        reason: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Deletes the matches found before `before`; returns how many.
    async fn purge_watch_matches(&self, before: OffsetDateTime) -> StoreResult<u64>;
    async fn watch_terms(&self) -> StoreResult<Vec<WatchTermRecord>>;
    /// Adds or replaces an edit (by phrase and signal).
    async fn put_watch_term(&self, term: WatchTermRecord) -> StoreResult<()>;
    async fn delete_watch_term(&self, phrase: &str, signal: &str) -> StoreResult<bool>;
}
