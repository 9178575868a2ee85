//! The Netreach application: every service (accounts, keys, conversations, availability,
//! notifications, the published pack, editorial, alerts, publishing, Q&A, forum watch), the
//! settings and the
//! background jobs. It knows nothing of HTTP: the web crate is a skin that parses a request, makes
//! one call here and renders the answer.

pub mod accounts;
pub mod alerts;
pub mod assignment;
pub mod attachments;
pub mod audit;
pub mod availability;
pub mod conversations;
pub mod dashboard;
pub mod drafts;
pub mod editorial;
pub mod health;
pub mod inbox;
pub mod input;
pub mod jobs;
pub mod kdf;
pub mod keys;
pub mod notify;
pub mod operations;
pub mod policy;
pub mod published;
pub mod publishing;
pub mod qa;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod state;
pub mod targets;
pub mod team;
pub mod telegram;
pub mod two_factor;
pub mod watch;

pub use state::AppState;

/// Builds the shared state for a store that is connected and migrated.
pub fn build(
    store: std::sync::Arc<dyn netreach_store::Store>,
    settings: settings::Settings,
    clock: std::sync::Arc<dyn netreach_core::Clock>,
) -> Result<AppState, StartError> {
    let secret = settings.server_secret()?;
    let i18n = netreach_i18n::I18n::load()?;
    let codenames = std::sync::Arc::new(conversations::CodenameGate::new(
        settings.conversations.codename_attempts_per_minute,
        settings.conversations.starts_per_minute,
    ));
    // One TLS provider for the whole process: ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| StartError::Http(e.to_string()))?;
    let push_http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| StartError::Http(e.to_string()))?;
    let content = netreach_content::Pack::bundled().map_err(|errors| {
        StartError::Content(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(AppState::new(state::Shared {
        content: std::sync::Arc::new(
            published::Published::new(content, published::fill(&settings, &i18n))
                .map_err(|e| StartError::Content(e.to_string()))?,
        ),
        typical_response: Default::default(),
        panic_seen: Default::default(),
        node: uuid::Uuid::new_v4().to_string(),
        media: Default::default(),
        health: Default::default(),
        http,
        push_http,
        codenames,
        store,
        settings: std::sync::Arc::new(settings),
        secret: std::sync::Arc::new(secret),
        i18n: std::sync::Arc::new(i18n),
        clock,
    }))
}

/// Why the application could not be put together.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    #[error(transparent)]
    I18n(#[from] netreach_i18n::I18nError),
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
    #[error("the bundled content pack is invalid: {0}")]
    Content(String),
}
