//! Errors as responses. Handlers return [`PageError`] or [`ApiError`]; both become an empty
//! response with the status and response extensions. The `error_pages` middleware then renders
//! the localised page or JSON body, with the request id, and logs the cause once. Internal causes
//! never reach a response body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use netreach_app::accounts::AccountError;
use netreach_app::notify::NotifyError;
use netreach_app::policy::Denied;
use netreach_app::team::TeamError;
use netreach_app::two_factor::TwoFactorError;
use netreach_store::StoreError;

/// The internal cause of a failure, for the log only.
#[derive(Debug, Clone)]
pub struct ErrorCause(pub String);

/// What the error page or JSON body should say: a stable code and a Fluent message id.
#[derive(Debug, Clone, Copy)]
pub struct ErrorInfo {
    pub code: &'static str,
    pub message_id: &'static str,
}

/// Failures of console and public pages.
#[derive(Debug)]
pub enum PageError {
    NotFound,
    Forbidden,
    /// A state-changing request that did not come from this site.
    CrossSite,
    /// The database cannot take the request right now: try again.
    Unavailable(String),
    Internal(String),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        if e.is_unavailable() {
            PageError::Unavailable(e.to_string())
        } else {
            PageError::Internal(e.to_string())
        }
    }
}

/// A refusal of the policy on a page: the 403 page (sign-in is the guard's business, so a service
/// refusing "not signed in" is a 403 too).
impl From<Denied> for PageError {
    fn from(_: Denied) -> Self {
        PageError::Forbidden
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        crate::routes::api_refusal(denied)
    }
}

/// A service failure with nothing to show on the page (what was typed is shown on the form by
/// the handler, before this): a refusal is the 403 page, a record that is not there the 404 page,
/// the database's trouble 503 or 500, anything else an internal error with its cause for the log.
macro_rules! page_error_from_service {
    ($($error:ident $(, missing: $missing:ident)?;)*) => {$(
        impl From<$error> for PageError {
            fn from(e: $error) -> Self {
                match e {
                    $error::Denied(d) => d.into(),
                    $error::Store(e) => e.into(),
                    $($error::$missing => PageError::NotFound,)?
                    other => PageError::Internal(other.to_string()),
                }
            }
        }
    )*};
}

page_error_from_service! {
    AccountError, missing: NoSuchUser;
    NotifyError;
    TeamError, missing: NoSuchReply;
    TwoFactorError, missing: NoSuchUser;
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Denied(d) => d.into(),
            e => ApiError::internal(e),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND.into_response(),
            PageError::Forbidden => StatusCode::FORBIDDEN.into_response(),
            PageError::CrossSite => with_info(
                StatusCode::FORBIDDEN,
                ErrorInfo {
                    code: "cross_site_request",
                    message_id: "error-cross-site",
                },
            ),
            PageError::Unavailable(cause) => {
                let mut response = with_info(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorInfo {
                        code: "unavailable",
                        message_id: "error-body-503",
                    },
                );
                response.extensions_mut().insert(ErrorCause(cause));
                response
            }
            PageError::Internal(cause) => internal(cause),
        }
    }
}

/// Failures of the JSON API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub info: ErrorInfo,
    pub cause: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message_id: &'static str) -> Self {
        ApiError {
            status,
            info: ErrorInfo { code, message_id },
            cause: None,
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "error-unauthorized",
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "error-body-404")
    }

    /// A 500 whose cause is logged by the middleware, never shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            cause: Some(cause.to_string()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "error-body-500",
            )
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::store(&e)
    }
}

impl ApiError {
    /// A storage failure: 503 when the database cannot take the request right now, else 500.
    pub fn store(e: &StoreError) -> Self {
        if e.is_unavailable() {
            ApiError {
                cause: Some(e.to_string()),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "error-body-503",
                )
            }
        } else {
            ApiError::internal(e)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = with_info(self.status, self.info);
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(ErrorCause(cause));
        }
        if self.status == StatusCode::UNAUTHORIZED
            && let Ok(value) = "Bearer".parse()
        {
            response.headers_mut().insert("www-authenticate", value);
        }
        response
    }
}

fn with_info(status: StatusCode, info: ErrorInfo) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(info);
    response
}

/// A 500 carrying its cause for the log.
pub fn internal(cause: impl Into<String>) -> Response {
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(ErrorCause(cause.into()));
    response
}

/// The router's fallback: every unknown path is a 404 page (or JSON under `/api/`).
pub async fn not_found() -> PageError {
    PageError::NotFound
}

/// The stable code and message for a bare status, when a handler gave no [`ErrorInfo`].
pub fn info_for_status(status: StatusCode) -> ErrorInfo {
    let (code, message_id) = match status.as_u16() {
        400 => ("bad_request", "error-body-400"),
        401 => ("unauthorized", "error-unauthorized"),
        403 => ("forbidden", "error-body-403"),
        404 => ("not_found", "error-body-404"),
        405 => ("method_not_allowed", "error-body-405"),
        413 => ("payload_too_large", "error-body-413"),
        415 => ("unsupported_media_type", "error-body-415"),
        503 => ("unavailable", "error-body-503"),
        421 => ("misdirected_request", "error-body-421"),
        422 => ("invalid_input", "error-body-400"),
        429 => ("too_many_requests", "error-body-429"),
        _ if status.is_client_error() => ("bad_request", "error-body-400"),
        _ => ("internal", "error-body-500"),
    };
    ErrorInfo { code, message_id }
}

/// The Fluent id of an error page's title for a status.
pub fn title_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 => "error-title-403",
        404 => "error-title-404",
        405 => "error-title-405",
        413 => "error-title-413",
        429 => "error-title-429",
        503 => "error-title-503",
        _ if status.is_client_error() => "error-title-400",
        _ => "error-title-500",
    }
}
