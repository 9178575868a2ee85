//! Publishing over the JSON API: rendering a post for a venue's markup.

use super::ErrorBody;
use crate::auth::ApiStaff;
use crate::error::ApiError;
use axum::Json;
use axum::http::StatusCode;
use netreach_channels::{Markup, render as render_post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenderRequest {
    /// The post, written once in Markdown.
    markdown: String,
    /// `bbcode`, `markdown`, `telegram_html` or `plain`.
    markup: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Rendered {
    /// Copy-ready text for the venue; everything typed is escaped for its markup.
    text: String,
    /// Characters, to compare with the venue's limit.
    length: usize,
}

/// Render a post for a venue's markup.
#[utoipa::path(post, path = "/api/v1/staff/render", tag = "publishing", security(("bearer" = [])),
    request_body = RenderRequest,
    responses((status = 200, body = Rendered), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn render(
    _staff: ApiStaff,
    Json(req): Json<RenderRequest>,
) -> Result<Json<Rendered>, ApiError> {
    let markup = match req.markup.as_str() {
        "bbcode" => Markup::Bbcode,
        "markdown" => Markup::Markdown,
        "telegram_html" => Markup::TelegramHtml,
        "plain" => Markup::Plain,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_markup",
                "error-markup",
            ));
        }
    };
    if req.markdown.chars().count() > 20_000 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_long",
            "error-body-413",
        ));
    }
    let text = render_post(&req.markdown, markup);
    Ok(Json(Rendered {
        length: text.chars().count(),
        text,
    }))
}
