//! Middleware, outermost first: request id and the one log line per request; security headers;
//! language choice; error pages. CSRF checking is applied to the console's routes.
//!
//! Nothing here reads or logs the peer address, `User-Agent`, `Referer`, `X-Forwarded-For` or
//! `Forwarded`, nor any request body or query string.

use crate::error::{self, ErrorCause, ErrorInfo, PageError};
use crate::pages::{Chrome, ErrorPage, render};
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netreach_core::Lang;
use std::time::Instant;
use tracing::Instrument;

/// A random id per request, shown on error pages and sent as `X-Request-Id`. Never taken from the
/// client.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The route template that matched (e.g. `/staff/users/{id}/disable`), logged instead of the raw
/// path so nothing a visitor typed into a URL reaches the log.
#[derive(Debug, Clone)]
struct RouteName(String);

pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The console's policy: the same, plus its one script and the requests it makes, from this
/// origin only. Never sent on the public site, which stays free of scripts.
pub const STAFF_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; script-src 'self'; \
     connect-src 'self'";

pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = RequestId(uuid::Uuid::new_v4().simple().to_string());
    req.extensions_mut().insert(id.clone());
    let method = req.method().clone();
    let span = tracing::info_span!("request", request_id = %id.0);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let _entered = span.enter();
    let route = response
        .extensions()
        .get::<RouteName>()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| "<unmatched>".into());
    if let Some(cause) = response.extensions().get::<ErrorCause>() {
        tracing::error!(%method, %route, cause = %cause.0, "request failed");
    }
    tracing::info!(
        %method,
        %route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Records the matched route template on the response, for [`request_id`]'s log line.
pub async fn record_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let mut response = next.run(req).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteName(route));
    }
    response
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // A response that set a stricter policy of its own (a served attachment) keeps it.
    let own_policy = headers.remove(header::CONTENT_SECURITY_POLICY);
    let fixed: [(&str, &str); 7] = [
        ("content-security-policy", CSP),
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if path == "/staff" || path.starts_with("/staff/") {
        headers.insert(
            "content-security-policy",
            HeaderValue::from_static(STAFF_CSP),
        );
    }
    if let Some(policy) = own_policy {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    // Nothing is cached, not even the stylesheet: a browser cache is a trace of the visit on a
    // shared or seized device.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.remove(header::ETAG);
    headers.remove(header::SERVER);
    let private = path.starts_with("/staff") || path.starts_with("/api/");
    if !private
        && let Some(onion) = &state.settings.onion_location
        && let Ok(value) =
            HeaderValue::from_str(&format!("{}{}", onion.trim_end_matches('/'), path))
    {
        headers.insert("onion-location", value);
    }
    response
}

/// With `public_url` set, a request for another host is answered 421 before anything else runs
/// (DNS rebinding); `/healthz` answers any host, for monitors.
pub async fn known_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if req.uri().path() == "/healthz" || state.settings.host_allowed(host) {
        next.run(req).await
    } else {
        axum::http::StatusCode::MISDIRECTED_REQUEST.into_response()
    }
}

/// Chooses the language: `?lang=` (remembered in a session cookie, so no lasting trace of the
/// visit stays on a shared device), else the cookie, else
/// `Accept-Language`. The choice is a request extension every page reads.
pub async fn locale(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let from_query = req.uri().query().and_then(query_lang);
    let lang = from_query
        .or_else(|| cookie(req.headers(), "lang").and_then(|v| Lang::parse(&v)))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
        })
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    let mut response = next.run(req).await;
    if let Some(lang) = from_query {
        let secure = if state.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "lang={}; Path=/; HttpOnly; SameSite=Lax{secure}",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn query_lang(query: &str) -> Option<Lang> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::parse)
}

/// The value of one cookie from the `Cookie` header.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
}

/// Replaces bodiless or non-matching error responses with the localised error page (or the JSON
/// error shape under `/api/`); a JSON answer a console route gave its script stays.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let wanted = if is_api {
        "application/json"
    } else {
        "text/html"
    };
    // A console route answering its script in JSON (a draft's autosave) keeps its answer.
    if content_type.starts_with(wanted) || content_type.starts_with("application/json") {
        return response;
    }
    let info = response
        .extensions()
        .get::<ErrorInfo>()
        .copied()
        .unwrap_or_else(|| error::info_for_status(status));
    let (mut parts, _body) = response.into_parts();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let message = state.i18n.get(lang, info.message_id);
    let new = if is_api {
        let body = serde_json::json!({"error": {"code": info.code, "message": message}});
        (status, axum::Json(body)).into_response()
    } else {
        let chrome = Chrome::new(&state, lang, error::title_for_status(status), "/", None);
        let page = ErrorPage {
            chrome,
            message,
            request_id: &request_id,
            show_request_id: status.is_server_error(),
        };
        let mut rendered = render(&page);
        *rendered.status_mut() = status;
        rendered
    };
    let (new_parts, body) = new.into_parts();
    parts.headers.extend(new_parts.headers);
    Response::from_parts(parts, body)
}

/// Refuses state-changing requests that did not come from this site: `Sec-Fetch-Site` must be
/// `same-origin` (or `none`, typed by the user); without it, `Origin` must be this site's
/// (`null` never is). A request with neither header is refused too. Applied to every form route.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let header_str = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // Browsers send `Origin: null` on same-origin posts under `Referrer-Policy: no-referrer`, so
    // where `Sec-Fetch-Site` is present it alone decides; `Origin` is the fallback.
    let allowed = match (header_str("sec-fetch-site"), header_str("origin")) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(origin)) => state.settings.origin_allowed(origin, header_str("host")),
        (None, None) => false,
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!("cross-site form submission refused");
        PageError::CrossSite.into_response()
    }
}
