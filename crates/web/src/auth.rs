//! Who is asking: authentication of console pages (session cookie), API callers (bearer token)
//! and clients of the API (codename). Authentication only: who may do what is the application's
//! policy, asked by the guard in `routes` and by the services. Nothing here logs a token, only
//! the resolved user id.

use crate::accounts;
use crate::error::{ApiError, PageError};
use crate::keys;
use crate::middleware::cookie;
use crate::routes::taken;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use netreach_app::conversations::{self, ClientAccess};
use netreach_app::policy::Staff;
use netreach_app::two_factor;
use netreach_crypto::SecretToken;
use netreach_store::StaffUser;

/// The console's session cookie. Scoped to `/staff`, `HttpOnly`, `SameSite=Strict`.
pub const SESSION_COOKIE: &str = "nr_staff";

/// A signed-in staff member on a console page.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub user: StaffUser,
    pub session_hash: String,
    token: SecretToken,
    wrapped_inbox_key: Option<Vec<u8>>,
    must_enrol: bool,
    /// Console notices not read yet (for the navigation and the page title).
    pub unread: u64,
}

impl StaffSession {
    /// This member as the services' policy sees them.
    pub fn staff(&self) -> Staff {
        Staff::new(
            self.user.clone(),
            self.token.clone(),
            self.wrapped_inbox_key.clone(),
            keys::SESSION_WRAP,
        )
        .enrolment_required(self.must_enrol)
    }
}

/// The console session the `nr_staff` cookie names, if it is alive.
pub async fn staff_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<StaffSession>, PageError> {
    let Some(value) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let token = SecretToken::from_presented(&value);
    let Some(mut session) =
        accounts::resume_session(state, &token)
            .await?
            .map(|(session, user)| StaffSession {
                must_enrol: two_factor::must_enrol(state, &user),
                user,
                session_hash: session.token_hash,
                token,
                wrapped_inbox_key: session.wrapped_inbox_key,
                unread: 0,
            })
    else {
        return Ok(None);
    };
    session.unread = netreach_app::notify::unread(state, &session.staff()).await?;
    Ok(Some(session))
}

/// Not signed in: go to the sign-in page.
#[derive(Debug)]
pub enum SessionRejection {
    SignIn,
    Error(PageError),
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        match self {
            SessionRejection::SignIn => Redirect::to("/staff/login").into_response(),
            SessionRejection::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(session) = taken::<StaffSession>(parts) {
            return Ok(session);
        }
        match staff_session(state, &parts.headers).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => Err(SessionRejection::SignIn),
            Err(e) => Err(SessionRejection::Error(e)),
        }
    }
}

/// A staff member calling the API with `Authorization: Bearer <token>`.
#[derive(Debug, Clone)]
pub struct ApiStaff {
    pub user: StaffUser,
    token: SecretToken,
    wrapped_inbox_key: Option<Vec<u8>>,
    must_enrol: bool,
}

impl ApiStaff {
    /// This member as the services' policy sees them.
    pub fn staff(&self) -> Staff {
        Staff::new(
            self.user.clone(),
            self.token.clone(),
            self.wrapped_inbox_key.clone(),
            keys::API_WRAP,
        )
        .enrolment_required(self.must_enrol)
    }
}

/// The staff member an `Authorization: Bearer` token names, if it is alive.
pub async fn api_staff(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<ApiStaff>, ApiError> {
    let Some(presented) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    let token = SecretToken::from_presented(presented);
    Ok(accounts::user_for_api_token(state, &token)
        .await?
        .map(|(record, user)| ApiStaff {
            must_enrol: two_factor::must_enrol(state, &user),
            user,
            token,
            wrapped_inbox_key: record.wrapped_inbox_key,
        }))
}

/// A client identified by `Authorization: Codename <seven words>`.
#[derive(Debug)]
pub struct CodenameClient {
    pub access: ClientAccess,
    pub codename: Option<netreach_crypto::Codename>,
}

/// Opens the conversation an `Authorization: Codename` header names (a slow derivation, budgeted
/// by the service).
pub async fn codename_client(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CodenameClient, ApiError> {
    let typed = headers
        .get(header::AUTHORIZATION)
        // Russian codenames arrive as raw UTF-8, which `to_str` (visible ASCII only) refuses.
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        .and_then(|v| v.strip_prefix("Codename "))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "codename_required",
                "error-codename-required",
            )
        })?;
    let access = conversations::open(state, typed).await?;
    Ok(CodenameClient {
        access,
        codename: netreach_crypto::Codename::parse(typed).ok(),
    })
}

impl FromRequestParts<AppState> for CodenameClient {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // The guard has usually opened it already: take it rather than derive twice.
        if let Some(client) = parts.extensions.remove::<std::sync::Arc<CodenameClient>>() {
            return std::sync::Arc::try_unwrap(client)
                .map_err(|_| ApiError::internal("codename client shared"));
        }
        codename_client(state, &parts.headers).await
    }
}

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(staff) = taken::<ApiStaff>(parts) {
            return Ok(staff);
        }
        api_staff(state, &parts.headers)
            .await?
            .ok_or_else(ApiError::unauthorized)
    }
}

/// The `Set-Cookie` value that starts a console session.
pub fn session_cookie(state: &AppState, token: &SecretToken) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={}; Path=/staff; HttpOnly; SameSite=Strict{secure}",
        token.expose()
    )
}

/// The cookie of a console sign-in waiting for its second factor; scoped to the sign-in pages.
pub const PENDING_COOKIE: &str = "nr_signin";

/// The `Set-Cookie` value that holds a sign-in waiting for its code (or, empty, removes it).
pub fn pending_cookie(state: &AppState, token: Option<&SecretToken>) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    match token {
        Some(token) => format!(
            "{PENDING_COOKIE}={}; Path=/staff/login; HttpOnly; SameSite=Strict{secure}",
            token.expose()
        ),
        None => format!(
            "{PENDING_COOKIE}=; Path=/staff/login; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
        ),
    }
}

/// The `Set-Cookie` value that removes the console session cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/staff; Max-Age=0; HttpOnly; SameSite=Strict{secure}")
}
