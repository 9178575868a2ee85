//! The JSON API under `/api/v1/`, described by an OpenAPI document generated from these handlers
//! (`/api/v1/openapi.json`). Errors are `{"error": {"code", "message"}}`; field names snake_case.
//! The API authenticates with bearer tokens only, never cookies, so it needs no CSRF check.

mod alerts;
mod audit;
mod auth;
pub mod client;
mod content;
pub mod conversations;
mod notifications;
pub mod publishing;
mod telegram;
mod two_factor;
mod watch;
pub use watch::status_of as watch_status;

use crate::routes::RouteRule;
use crate::state::AppState;
use axum::http::Method;
use axum::{Extension, Json, Router};
use netreach_app::policy::Action;
use serde::Serialize;
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Netreach API",
        description = "Anonymous outreach conversations, content and publishing for harm-reduction organisations."
    ),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "codename",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Header(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    "Authorization",
                    "`Codename <seven words>`: the codename returned when the conversation started",
                ),
            )),
        );
    }
}

/// The error shape every API failure uses.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable code, e.g. `unauthorized`.
    pub code: String,
    /// Human-readable message in the caller's language.
    pub message: String,
}

/// The action every API route performs, for the guard in front of it (see [`crate::routes`]).
/// The authorization matrix test fails for a route of the OpenAPI document missing here.
pub const POLICY: &[(&str, &str, Action)] = &[
    ("GET", "/api/v1/openapi.json", Action::ReadPublic),
    ("GET", "/api/v1/check", Action::ReadPublic),
    ("GET", "/api/v1/search", Action::ReadPublic),
    ("POST", "/api/v1/auth/token", Action::SignIn),
    ("POST", "/api/v1/conversations", Action::StartConversation),
    ("POST", "/api/v1/alerts/reports", Action::ReportDrug),
    // A client, by codename.
    ("GET", "/api/v1/conversations/me", Action::ClientRead),
    (
        "POST",
        "/api/v1/conversations/me/messages",
        Action::ClientWrite,
    ),
    (
        "POST",
        "/api/v1/conversations/me/qa_consent",
        Action::ClientWrite,
    ),
    (
        "POST",
        "/api/v1/conversations/me/attachments",
        Action::ClientWrite,
    ),
    ("DELETE", "/api/v1/conversations/me", Action::ClientDelete),
    // Staff, by bearer token.
    ("GET", "/api/v1/auth/tokens", Action::OwnAccount),
    ("DELETE", "/api/v1/auth/tokens/{id}", Action::OwnAccount),
    ("GET", "/api/v1/staff/me", Action::OwnAccount),
    ("GET", "/api/v1/staff/audit", Action::ReadAudit),
    (
        "GET",
        "/api/v1/staff/me/notifications",
        Action::OwnNotifications,
    ),
    (
        "PUT",
        "/api/v1/staff/me/notifications",
        Action::OwnNotifications,
    ),
    (
        "GET",
        "/api/v1/staff/me/push_subscriptions",
        Action::OwnNotifications,
    ),
    (
        "POST",
        "/api/v1/staff/me/push_subscriptions",
        Action::OwnNotifications,
    ),
    (
        "DELETE",
        "/api/v1/staff/me/push_subscriptions/{id}",
        Action::OwnNotifications,
    ),
    ("POST", "/api/v1/staff/me/totp", Action::ManageOwnTwoFactor),
    (
        "POST",
        "/api/v1/staff/me/totp/confirm",
        Action::ManageOwnTwoFactor,
    ),
    (
        "GET",
        "/api/v1/staff/conversations",
        Action::ListConversations,
    ),
    (
        "GET",
        "/api/v1/staff/conversations/{id}",
        Action::ReadConversation,
    ),
    (
        "POST",
        "/api/v1/staff/conversations/{id}/messages",
        Action::ReplyConversation,
    ),
    (
        "POST",
        "/api/v1/staff/conversations/{id}/notes",
        Action::NoteConversation,
    ),
    (
        "POST",
        "/api/v1/staff/conversations/{id}/assign",
        Action::AssignConversation,
    ),
    (
        "POST",
        "/api/v1/staff/conversations/{id}/status",
        Action::SetConversationStatus,
    ),
    (
        "POST",
        "/api/v1/staff/conversations/{id}/follow_up",
        Action::FollowUpConversation,
    ),
    (
        "DELETE",
        "/api/v1/staff/conversations/{id}/follow_up",
        Action::FollowUpConversation,
    ),
    ("GET", "/api/v1/staff/alerts", Action::ListAlerts),
    ("POST", "/api/v1/staff/alerts", Action::DraftAlert),
    (
        "GET",
        "/api/v1/staff/alerts/reports",
        Action::ReadAlertReports,
    ),
    (
        "POST",
        "/api/v1/staff/alerts/{id}/verify",
        Action::VerifyAlert,
    ),
    (
        "POST",
        "/api/v1/staff/alerts/{id}/publish",
        Action::PublishAlert,
    ),
    (
        "POST",
        "/api/v1/staff/alerts/{id}/withdraw",
        Action::WithdrawAlert,
    ),
    ("POST", "/api/v1/staff/render", Action::WritePost),
    ("GET", "/api/v1/staff/venues", Action::ListVenues),
    ("POST", "/api/v1/staff/venues", Action::ManageVenues),
    ("GET", "/api/v1/staff/venues/{id}", Action::ListVenues),
    ("PUT", "/api/v1/staff/venues/{id}", Action::ManageVenues),
    (
        "PUT",
        "/api/v1/staff/venues/{id}/bot_token",
        Action::ManageVenues,
    ),
    ("GET", "/api/v1/staff/posts", Action::WritePost),
    ("POST", "/api/v1/staff/posts", Action::WritePost),
    ("GET", "/api/v1/staff/posts/{id}", Action::WritePost),
    ("PUT", "/api/v1/staff/posts/{id}", Action::WritePost),
    (
        "POST",
        "/api/v1/staff/posts/{id}/approve",
        Action::ApprovePost,
    ),
    (
        "POST",
        "/api/v1/staff/posts/{id}/publications",
        Action::PublishPost,
    ),
    (
        "GET",
        "/api/v1/staff/publications",
        Action::ReadPublicationLog,
    ),
    (
        "GET",
        "/api/v1/staff/publications.csv",
        Action::ReadPublicationLog,
    ),
    (
        "POST",
        "/api/v1/staff/publications/{id}",
        Action::RecordPublication,
    ),
    // The organisation's Telegram bot.
    (
        "POST",
        "/api/v1/telegram/webhook",
        Action::ReceiveTelegramUpdate,
    ),
    (
        "PUT",
        "/api/v1/staff/telegram/bot",
        Action::ManageTelegramBot,
    ),
    (
        "GET",
        "/api/v1/staff/telegram/bot",
        Action::ManageTelegramBot,
    ),
    (
        "DELETE",
        "/api/v1/staff/telegram/bot",
        Action::ManageTelegramBot,
    ),
    // Forum watch.
    ("GET", "/api/v1/staff/watch/sources", Action::ReadWatchQueue),
    ("POST", "/api/v1/staff/watch/sources", Action::ManageWatch),
    (
        "PUT",
        "/api/v1/staff/watch/sources/{id}",
        Action::ManageWatch,
    ),
    (
        "DELETE",
        "/api/v1/staff/watch/sources/{id}",
        Action::ManageWatch,
    ),
    (
        "PUT",
        "/api/v1/staff/watch/sources/{id}/cookie",
        Action::ManageWatch,
    ),
    (
        "POST",
        "/api/v1/staff/watch/sources/{id}/fetch",
        Action::WorkWatchQueue,
    ),
    (
        "POST",
        "/api/v1/staff/watch/sources/{id}/paste",
        Action::WorkWatchQueue,
    ),
    (
        "POST",
        "/api/v1/staff/watch/sources/{id}/upload",
        Action::WorkWatchQueue,
    ),
    ("POST", "/api/v1/staff/watch/test", Action::ManageWatch),
    ("GET", "/api/v1/staff/watch/matches", Action::ReadWatchQueue),
    (
        "POST",
        "/api/v1/staff/watch/matches/{id}/claim",
        Action::WorkWatchQueue,
    ),
    (
        "POST",
        "/api/v1/staff/watch/matches/{id}/dismiss",
        Action::WorkWatchQueue,
    ),
    (
        "POST",
        "/api/v1/staff/watch/matches/{id}/answer",
        Action::WorkWatchQueue,
    ),
    (
        "POST",
        "/api/v1/staff/watch/matches/{id}/report",
        Action::WorkWatchQueue,
    ),
];

/// The API's routes as the OpenAPI document lists them, each with its action from [`POLICY`].
pub fn rules(doc: &utoipa::openapi::OpenApi) -> Vec<RouteRule> {
    let mut rules = Vec::new();
    for (path, item) in &doc.paths.paths {
        let methods = [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::PUT, item.put.is_some()),
            (Method::PATCH, item.patch.is_some()),
            (Method::DELETE, item.delete.is_some()),
        ];
        for (method, present) in methods {
            if present {
                let action = POLICY
                    .iter()
                    .find(|(m, p, _)| *m == method.as_str() && p == path)
                    .map(|(_, _, action)| *action);
                rules.push(RouteRule {
                    method,
                    path: path.clone(),
                    action,
                });
            }
        }
    }
    rules
}

/// The API routes and the OpenAPI document that describes them.
pub fn router() -> (Router<AppState>, Arc<utoipa::openapi::OpenApi>) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::create_token))
        .routes(routes!(auth::list_tokens))
        .routes(routes!(auth::revoke_token))
        .routes(routes!(auth::me))
        .routes(routes!(audit::audit))
        .routes(routes!(notifications::show, notifications::update))
        .routes(routes!(notifications::devices, notifications::subscribe))
        .routes(routes!(notifications::unsubscribe))
        .routes(routes!(two_factor::start))
        .routes(routes!(two_factor::confirm))
        .routes(routes!(client::start))
        .routes(routes!(client::me, client::delete_me))
        .routes(routes!(client::post_message))
        .routes(routes!(client::qa_consent))
        // Uploads are limited by the attachment limits (`upload::body_limit`), not the default.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(client::add_attachment))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .routes(routes!(conversations::list))
        .routes(routes!(conversations::show))
        .routes(routes!(conversations::reply))
        .routes(routes!(conversations::note))
        .routes(routes!(conversations::assign))
        .routes(routes!(conversations::status))
        .routes(routes!(
            conversations::follow_up,
            conversations::clear_follow_up
        ))
        .routes(routes!(content::check))
        .routes(routes!(content::search))
        .routes(routes!(publishing::render))
        .routes(routes!(publishing::venues, publishing::create_venue))
        .routes(routes!(publishing::venue, publishing::update_venue))
        .routes(routes!(publishing::set_bot_token))
        .routes(routes!(publishing::posts, publishing::create_post))
        .routes(routes!(publishing::post, publishing::update_post))
        .routes(routes!(publishing::approve))
        .routes(routes!(publishing::publish))
        .routes(routes!(publishing::publications))
        .routes(routes!(publishing::publications_csv))
        .routes(routes!(publishing::record))
        .routes(routes!(alerts::report))
        .routes(routes!(alerts::reports))
        .routes(routes!(alerts::create, alerts::index))
        .routes(routes!(alerts::verify))
        .routes(routes!(alerts::publish))
        .routes(routes!(alerts::withdraw))
        .routes(routes!(telegram::webhook))
        .routes(routes!(
            telegram::connect,
            telegram::show,
            telegram::disconnect
        ))
        .routes(routes!(watch::sources, watch::create_source))
        .routes(routes!(watch::update_source, watch::delete_source))
        .routes(routes!(watch::set_cookie))
        .routes(routes!(watch::fetch))
        .routes(routes!(watch::paste))
        .routes(routes!(watch::upload))
        .routes(routes!(watch::test_source))
        .routes(routes!(watch::matches))
        .routes(routes!(watch::claim))
        .routes(routes!(watch::dismiss))
        .routes(routes!(watch::answer))
        .routes(routes!(watch::report))
        .routes(routes!(openapi_json))
        .split_for_parts();
    let doc = Arc::new(doc);
    (router.layer(Extension(doc.clone())), doc)
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")))]
async fn openapi_json(
    Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json((*doc).clone())
}
