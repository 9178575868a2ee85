//! The Netreach HTTP application: the public no-JavaScript site, the staff console under
//! `/staff/` and the JSON API under `/api/v1/`.
//!
//! Routes are grouped by security policy, each feature module returning its own `Router`;
//! handlers are thin (extractors -> one service call -> template). Middleware (see
//! [`middleware`]) adds the request id, security headers, language choice, CSRF checks and the
//! error pages.

pub mod api;
mod auth;
mod error;
pub mod middleware;
mod pages;

pub use netreach_app::AppState;
pub use netreach_app::{
    StartError, accounts, alerts, availability, conversations, editorial, keys, notify, published,
    publishing, qa, settings, state,
};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::future::Future;
use tokio::net::TcpListener;

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
