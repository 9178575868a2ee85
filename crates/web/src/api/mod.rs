//! The JSON API under `/api/v1/`, described by an OpenAPI document generated from these handlers
//! (`/api/v1/openapi.json`). Errors are `{"error": {"code", "message"}}`; field names snake_case.
//! The API authenticates with bearer tokens only, never cookies, so it needs no CSRF check.

mod alerts;
mod auth;
mod content;
pub mod conversations;
pub mod publishing;

use crate::state::AppState;
use axum::{Extension, Json, Router};
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

/// The API routes and the OpenAPI document that describes them.
pub fn router() -> (Router<AppState>, Arc<utoipa::openapi::OpenApi>) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::create_token))
        .routes(routes!(auth::list_tokens))
        .routes(routes!(auth::revoke_token))
        .routes(routes!(auth::me))
        .routes(routes!(conversations::start))
        .routes(routes!(conversations::me, conversations::delete_me))
        .routes(routes!(conversations::post_message))
        .routes(routes!(conversations::qa_consent))
        .routes(routes!(conversations::list))
        .routes(routes!(conversations::show))
        .routes(routes!(conversations::reply))
        .routes(routes!(conversations::note))
        .routes(routes!(conversations::assign))
        .routes(routes!(conversations::status))
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
