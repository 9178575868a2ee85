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
mod saved_page;
pub mod upload;

pub use netreach_app::AppState;
pub use netreach_app::{
    StartError, accounts, alerts, availability, conversations, editorial, keys, notify, published,
    publishing, qa, settings, state, watch,
};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;

/// The whole application as one router, ready to serve.
pub fn router(state: AppState) -> Router {
    router_with_rules(state).0
}

/// The router, and every route it serves with the action the guard checks for it (what the
/// authorization matrix test walks).
pub fn router_with_rules(state: AppState) -> (Router, Vec<routes::RouteRule>) {
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
        // One limit for every body, chosen per route (larger for uploads): see `body_limit`.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            upload::body_limit,
        ))
        .layer(DefaultBodyLimit::disable())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::known_host,
        ))
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

/// Connections served at once by one node; more wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 512;
/// Time a client has to send its request headers (a connection that dribbles them is dropped).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time one request may take, body included, before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Time requests in flight get to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Serves the router on a bound listener until `shutdown` resolves; requests in flight finish.
/// HTTP/1.1 only (Tor and the reverse proxy speak it), with a header-read timeout and a cap on
/// connections held at once, so slow or many connections cannot tie the server up.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                // The peer address is dropped here: it is never handed to handlers or logged.
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running at shutdown were cut off");
    }
    Ok(())
}
