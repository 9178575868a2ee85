//! The state every handler shares. No globals: tests build as many apps as they like.

use crate::settings::Settings;
use netreach_core::Clock;
use netreach_crypto::ServerSecret;
use netreach_i18n::I18n;
use netreach_store::Store;
use std::sync::Arc;

/// The shared state, behind one `Arc`: axum clones it for every middleware layer and extractor
/// of every request, and one reference count is far cheaper than one per field (cloning and
/// dropping the fields one by one was the largest cost of a public page, BENCHMARKS.md). Fields
/// are read through `Deref` (`state.store`, `state.settings`, ...).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
#[derive(Debug)]
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub secret: Arc<ServerSecret>,
    pub i18n: Arc<I18n>,
    pub clock: Arc<dyn Clock>,
    /// Budget, concurrency limit and cache for codename derivations (shared by all requests).
    pub codenames: Arc<crate::conversations::CodenameGate>,
    /// For outgoing notifications (rustls with the ring provider).
    pub http: reqwest::Client,
    /// For Web Push: never follows a redirect, so a push service's answer cannot send the
    /// server on to another host.
    pub push_http: reqwest::Client,
    /// The published content pack (imported, or the bundled one).
    pub content: Arc<crate::published::Published>,
    /// When the database last answered `/healthz`'s ping.
    pub health: Arc<crate::health::Health>,
    /// The home page's typical response time and when it was computed.
    pub typical_response: Arc<std::sync::Mutex<Option<CachedResponseTime>>>,
    /// This process's name among the app nodes (random per start), for leases such as the
    /// Telegram bot's polling.
    pub node: String,
    /// At most two uploads decoded at once on this node.
    pub media: Arc<crate::attachments::MediaGate>,
    /// The last panic lock this node has acted on (see `accounts::notice_panic_lock`).
    pub panic_seen: Arc<std::sync::Mutex<Option<time::OffsetDateTime>>>,
}

/// When the typical response time was computed, and its value in seconds.
pub type CachedResponseTime = (time::OffsetDateTime, Option<i64>);
