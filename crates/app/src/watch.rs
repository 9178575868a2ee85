//! Forum watch as a service: supervisors register forum feeds and pages (linked to the venue
//! register), a background job fetches them politely, new posts are matched against the EN/RU
//! risk lexicon and the content pack's substance names, and the posts that matched form the
//! watch queue, where workers claim, dismiss, answer (through the post composer) or turn a post
//! into a drug-alert report.
//!
//! What is kept: for a matched post only its forum handle, title, text and snippet, sealed under
//! a key derived from the server secret (kept outside the database), its URL, the names of the
//! signals it raised, and the queue status; all of it deleted `watch.retention_days` after it was
//! found. Posts that match nothing are never stored. Nothing links one handle across sources.

mod fetcher;
mod lexicon;
mod queue;
mod reply;

/// The risk-signal matcher with the supervisors' lexicon edits (the bot reads overdose words
/// with it too).
pub(crate) use lexicon::matcher as risk_matcher;

pub use fetcher::{
    FetchReport, PastedPage, Preview, UploadedPage, fetch_due, fetch_now, paste, test_source,
    upload,
};
pub use lexicon::{LexiconEntry, TestedText, add_term, lexicon, remove_term, test_text};
pub use queue::{
    QueueItem, QueuePage, QueueQuery, answer, claim, dismiss, purge, queue, report, watch_match,
};

use crate::audit;
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_channels::watch::Selectors;
use netreach_channels::watch::extract::ExtractError;
use netreach_channels::watch::fetch::{FetchError, parse_url};
use netreach_core::watch::SourceKind;
use netreach_core::{AuditAction, VenueId, WatchSourceId};
use netreach_store::{StoreError, WatchSourceRecord};

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("a field is empty, too long or not one of the allowed values: {0}")]
    Invalid(&'static str),
    #[error("a CSS selector is not valid: {0}")]
    Selector(String),
    #[error("no such source or match")]
    NotFound,
    #[error("someone else already acted on this match")]
    Conflict,
    #[error("another node is fetching this source right now")]
    Busy,
    #[error("the uploaded file is larger than watch.max_upload_bytes")]
    UploadTooLarge,
    #[error("the uploaded file is not a saved HTML page, or a text file in UTF-8")]
    UploadType,
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Extract(ExtractError),
    #[error(transparent)]
    Alert(#[from] crate::alerts::AlertError),
    #[error(transparent)]
    Publish(#[from] crate::publishing::PublishError),
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ExtractError> for WatchError {
    fn from(e: ExtractError) -> Self {
        match e {
            ExtractError::Selector { selector, .. } => WatchError::Selector(selector),
            other => WatchError::Extract(other),
        }
    }
}

impl WatchError {
    /// The Fluent message that tells the person what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            WatchError::Invalid("url") => "watch-error-url",
            WatchError::Invalid("selectors") => "watch-error-selectors",
            WatchError::Invalid("interval") => "watch-error-interval",
            WatchError::Invalid("phrase") => "watch-error-phrase",
            WatchError::Invalid("reason") => "watch-error-reason",
            WatchError::Invalid(_) => "watch-error-invalid",
            WatchError::Selector(_) => "watch-error-selectors",
            WatchError::NotFound => "error-body-404",
            WatchError::Conflict => "watch-error-conflict",
            WatchError::Busy => "watch-error-busy",
            WatchError::UploadTooLarge => "watch-error-upload-size",
            WatchError::UploadType => "watch-error-upload-type",
            WatchError::Fetch(_) => "watch-error-fetch",
            WatchError::Extract(_) => "watch-error-extract",
            WatchError::Alert(e) => e.message_id(),
            WatchError::Publish(e) => e.message_id(),
            WatchError::Denied(crate::policy::Denied::NoInboxKey) => "error-no-inbox-access",
            WatchError::Denied(_) => "error-body-403",
            WatchError::Store(_) => "error-body-500",
        }
    }
}

/// A source as a supervisor describes it.
#[derive(Debug, Clone, Default)]
pub struct SourceInput {
    pub name: String,
    /// `feed`, `html` or `paste`.
    pub kind: String,
    pub url: String,
    pub selectors: Option<Selectors>,
    pub venue_id: Option<VenueId>,
    /// Minutes between fetches; default from the settings.
    pub interval_minutes: Option<u32>,
    pub enabled: bool,
}

fn source_record(
    state: &AppState,
    id: WatchSourceId,
    input: SourceInput,
    created_at: time::OffsetDateTime,
) -> Result<WatchSourceRecord, WatchError> {
    let now = state.clock.now();
    let name = crate::input::bounded(&input.name, 100, true).ok_or(WatchError::Invalid("name"))?;
    let kind: SourceKind = input
        .kind
        .trim()
        .parse()
        .map_err(|_| WatchError::Invalid("kind"))?;
    let url = crate::input::bounded(&input.url, 500, true).ok_or(WatchError::Invalid("url"))?;
    parse_url(&url).map_err(|_| WatchError::Invalid("url"))?;
    let selectors = match (&kind, input.selectors) {
        (SourceKind::Feed, _) => String::new(),
        (_, Some(selectors)) if !selectors.post.trim().is_empty() => {
            selectors.validate()?;
            serde_json::to_string(&selectors).map_err(|_| WatchError::Invalid("selectors"))?
        }
        (SourceKind::Html, _) => return Err(WatchError::Invalid("selectors")),
        (SourceKind::Paste, _) => String::new(),
    };
    let settings = &state.settings.watch;
    let minutes = input
        .interval_minutes
        .unwrap_or(settings.default_interval_minutes);
    if minutes < settings.min_interval_minutes || minutes > 7 * 24 * 60 {
        return Err(WatchError::Invalid("interval"));
    }
    Ok(WatchSourceRecord {
        id,
        name,
        kind,
        url,
        selectors,
        venue_id: input.venue_id,
        interval_seconds: i64::from(minutes) * 60,
        enabled: input.enabled,
        has_cookie: false,
        etag: None,
        last_modified: None,
        next_fetch_at: now,
        lease_until: None,
        failures: 0,
        last_fetch_at: None,
        last_success_at: None,
        last_error_at: None,
        last_error: String::new(),
        created_at,
        updated_at: now,
    })
}

async fn check_venue(state: &AppState, venue: Option<VenueId>) -> Result<(), WatchError> {
    if let Some(id) = venue
        && state.store.venue(id).await?.is_none()
    {
        return Err(WatchError::Invalid("venue_id"));
    }
    Ok(())
}

/// Registers a source; it is due at once.
pub async fn create_source(
    state: &AppState,
    staff: &Staff,
    input: SourceInput,
) -> Result<WatchSourceId, WatchError> {
    staff.may(Action::ManageWatch)?;
    check_venue(state, input.venue_id).await?;
    let id = WatchSourceId::new_random();
    let record = source_record(state, id, input, state.clock.now())?;
    state.store.create_watch_source(record).await?;
    tracing::info!(source_id = %id, "watch source registered");
    audit::record(state, &staff.user, AuditAction::SettingsChanged, id).await;
    Ok(id)
}

pub async fn update_source(
    state: &AppState,
    staff: &Staff,
    id: WatchSourceId,
    input: SourceInput,
) -> Result<(), WatchError> {
    staff.may(Action::ManageWatch)?;
    let old = state
        .store
        .watch_source(id)
        .await?
        .ok_or(WatchError::NotFound)?;
    check_venue(state, input.venue_id).await?;
    let record = source_record(state, id, input, old.created_at)?;
    state.store.update_watch_source(&record).await?;
    audit::record(state, &staff.user, AuditAction::SettingsChanged, id).await;
    Ok(())
}

/// Deletes a source with every match found there.
pub async fn delete_source(
    state: &AppState,
    staff: &Staff,
    id: WatchSourceId,
) -> Result<(), WatchError> {
    staff.may(Action::ManageWatch)?;
    if !state.store.delete_watch_source(id).await? {
        return Err(WatchError::NotFound);
    }
    audit::record(state, &staff.user, AuditAction::SettingsChanged, id).await;
    Ok(())
}

/// Every source with its status.
pub async fn sources(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<WatchSourceRecord>, WatchError> {
    staff.may(Action::ReadWatchQueue)?;
    Ok(state.store.watch_sources().await?)
}

pub async fn source(
    state: &AppState,
    staff: &Staff,
    id: WatchSourceId,
) -> Result<WatchSourceRecord, WatchError> {
    staff.may(Action::ReadWatchQueue)?;
    state
        .store
        .watch_source(id)
        .await?
        .ok_or(WatchError::NotFound)
}

/// The selectors of an HTML or paste source.
pub fn selectors_of(source: &WatchSourceRecord) -> Option<Selectors> {
    serde_json::from_str(&source.selectors).ok()
}

fn cookie_aad(id: WatchSourceId) -> String {
    format!("watch-source-cookie:{id}")
}

const COOKIE_KEY: &str = "watch-source-cookie";

/// Stores the session cookie of the organisation's forum account for a source, encrypted
/// (never shown again); an empty one removes it. A secret: supervisors only.
pub async fn set_cookie(
    state: &AppState,
    staff: &Staff,
    id: WatchSourceId,
    cookie: &str,
) -> Result<(), WatchError> {
    staff.may(Action::ManageWatch)?;
    let cookie = cookie.trim();
    let sealed = if cookie.is_empty() {
        None
    } else {
        // A header value: one line of visible characters.
        if cookie.len() > 4000 || cookie.chars().any(|c| c.is_control()) {
            return Err(WatchError::Invalid("cookie"));
        }
        let key = state.secret.wrap_key(COOKIE_KEY);
        Some(key.encrypt(cookie.as_bytes(), &cookie_aad(id)))
    };
    if !state.store.set_watch_source_cookie(id, sealed).await? {
        return Err(WatchError::NotFound);
    }
    tracing::info!(source_id = %id, "watch source cookie changed");
    audit::record(state, &staff.user, AuditAction::SettingsChanged, id).await;
    Ok(())
}

async fn cookie(
    state: &AppState,
    id: WatchSourceId,
) -> Result<Option<secrecy::SecretString>, StoreError> {
    let Some(sealed) = state.store.watch_source_cookie(id).await? else {
        return Ok(None);
    };
    let key = state.secret.wrap_key(COOKIE_KEY);
    Ok(key
        .decrypt(&sealed, &cookie_aad(id))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(secrecy::SecretString::from))
}
