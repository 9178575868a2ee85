//! The Netreach HTTP application: the public no-JavaScript site, the staff console under
//! `/staff/` and the JSON API under `/api/v1/`.
//!
//! Routes are grouped by security policy, each feature module returning its own `Router`;
//! handlers are thin (extractors -> one service call -> template). Middleware (see
//! [`middleware`]) adds the request id, security headers, language choice, CSRF checks and the
//! error pages.

pub mod accounts;
pub mod alerts;
pub mod api;
mod auth;
pub mod availability;
pub mod conversations;
pub mod editorial;
mod error;
mod i18n;
mod input;
pub mod keys;
pub mod middleware;
pub mod notify;
mod pages;
pub mod published;
pub mod publishing;
pub mod qa;
pub mod settings;
mod state;

pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::future::Future;
use tokio::net::TcpListener;

/// Builds the shared state for a store that is connected and migrated.
pub fn state(
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
    let content = netreach_content::Pack::bundled().map_err(|errors| {
        StartError::Content(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(AppState {
        content: std::sync::Arc::new(
            published::Published::new(content).map_err(|e| StartError::Content(e.to_string()))?,
        ),
        typical_response: Default::default(),
        http,
        codenames,
        store,
        settings: std::sync::Arc::new(settings),
        secret: std::sync::Arc::new(secret),
        i18n: std::sync::Arc::new(i18n),
        clock,
    })
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

/// The whole application as one router, ready to serve.
pub fn router(state: AppState) -> Router {
    let max_body = state.settings.max_body_bytes;
    let (api_router, _openapi) = api::router();
    Router::new()
        .merge(pages::public::router())
        .merge(pages::client::router(state.clone()))
        .merge(pages::content::router())
        .merge(pages::qa::router())
        .merge(pages::services::router())
        .merge(pages::alerts::router(state.clone()))
        .merge(pages::staff::router(state.clone()))
        .merge(api_router)
        .route_layer(axum::middleware::from_fn(middleware::record_route))
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(max_body))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::error_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::locale,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn(middleware::request_id))
        .with_state(state)
}

/// Serves the router on a bound listener until `shutdown` resolves; requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // No ConnectInfo: the peer address is never handed to handlers, so it cannot be logged.
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
