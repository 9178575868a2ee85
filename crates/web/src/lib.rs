//! The Netreach HTTP application: the public no-JavaScript site, the staff console under
//! `/staff/` and the JSON API under `/api/v1/`.
//!
//! Each feature module returns its [`routes::Routes`], every route naming the action it performs;
//! one guard asks the application's policy before any handler runs. Handlers are thin
//! (extractors -> one service call of `netreach_app` -> template or JSON) and never touch the
//! store. Middleware (see [`middleware`]) adds the request id, security headers, language choice,
//! CSRF checks and the error pages.

pub mod api;
mod auth;
mod error;
pub mod middleware;
mod pages;
pub mod routes;

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
    router_with_rules(state).0
}

/// The router, and every route it serves with the action the guard checks for it (what the
/// authorization matrix test walks).
pub fn router_with_rules(state: AppState) -> (Router, Vec<routes::RouteRule>) {
    let max_body = state.settings.max_body_bytes;
    let (api_router, openapi) = api::router();
    let (pages, mut rules) = pages::public::routes()
        .merge(pages::client::routes(state.clone()))
        .merge(pages::content::routes())
        .merge(pages::qa::routes())
        .merge(pages::services::routes())
        .merge(pages::alerts::routes(state.clone()))
        .merge(pages::staff::routes(state.clone()))
        .into_parts();
    rules.extend(api::rules(&openapi));
    let policy = std::sync::Arc::new(routes::RoutePolicy::new(&rules));
    let router = pages
        .merge(api_router)
        .route_layer(axum::middleware::from_fn_with_state(
            (state.clone(), policy),
            routes::guard,
        ))
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
        .with_state(state);
    (router, rules)
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
