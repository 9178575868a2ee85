//! Every route names the action it performs, and one guard asks the application's policy
//! (`netreach_app::policy`) before the handler runs.
//!
//! Pages register through [`Routes`], which cannot add a route without an [`Action`]; the API's
//! routes come from its OpenAPI router and take their actions from [`crate::api::POLICY`]. The guard
//! authenticates (cookie, bearer token or codename, as the action needs), asks the policy, and
//! refuses before any body is read; a route with no declared action is refused with a 500 and
//! fails the authorization matrix test. Handlers then pass the same actor to the services, which
//! check it again against the same table.

use crate::auth;
use crate::error::{ApiError, PageError};
use crate::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use netreach_app::policy::{Action, Denied, Need, need};
use std::collections::HashMap;
use std::sync::Arc;

/// One route and the action it performs (`None`: nobody declared one, which the guard refuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRule {
    pub method: Method,
    pub path: String,
    pub action: Option<Action>,
}

/// A router of pages that records, for every route, the action it performs.
#[derive(Debug, Default)]
pub struct Routes {
    router: Router<AppState>,
    rules: Vec<RouteRule>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn get<H, T>(self, path: &'static str, action: Action, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, action, axum::routing::get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, action: Action, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, action, axum::routing::post(handler))
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        action: Action,
        route: MethodRouter<AppState>,
    ) -> Routes {
        // axum merges a second method on a path already routed into the same entry.
        self.router = self.router.route(path, route);
        self.rules.push(RouteRule {
            method,
            path: path.to_owned(),
            action: Some(action),
        });
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.rules.extend(other.rules);
        self
    }

    /// Wraps every route registered so far in a layer (the CSRF check).
    pub fn wrap(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Routes {
        self.router = f(self.router);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteRule>) {
        (self.router, self.rules)
    }
}

/// The declared action of every route, looked up by method and route template.
#[derive(Debug)]
pub struct RoutePolicy {
    actions: HashMap<(Method, String), Option<Action>>,
}

impl RoutePolicy {
    pub fn new(rules: &[RouteRule]) -> RoutePolicy {
        RoutePolicy {
            actions: rules
                .iter()
                .map(|r| ((r.method.clone(), r.path.clone()), r.action))
                .collect(),
        }
    }

    /// The action of a route; `Err` with 405 when the path is known but not for this method,
    /// and with 500 when nobody declared an action.
    fn action(&self, method: &Method, path: &str) -> Result<Action, StatusCode> {
        // HEAD is answered by the GET handler.
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        match self.actions.get(&(method.clone(), path.to_owned())) {
            Some(Some(action)) => Ok(*action),
            Some(None) => Err(StatusCode::INTERNAL_SERVER_ERROR),
            None if self.actions.keys().any(|(_, p)| p == path) => {
                Err(StatusCode::METHOD_NOT_ALLOWED)
            }
            None => Err(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

/// The guard in front of every route: authenticate as the action needs, ask the policy, and
/// hand the authenticated party to the handler's extractor through the request's extensions.
pub async fn guard(
    State((state, policy)): State<(AppState, Arc<RoutePolicy>)>,
    mut req: Request,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let action = match policy.action(req.method(), &route) {
        Ok(action) => action,
        Err(status) => {
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                tracing::error!(route = %route, "route has no declared action: refused");
            }
            return status.into_response();
        }
    };
    let api = route.starts_with("/api/");
    let decision = match need(action) {
        Need::Anyone => Ok(()),
        Need::Client if api => match auth::codename_client(&state, req.headers()).await {
            Ok(client) => {
                req.extensions_mut().insert(Arc::new(client));
                Ok(())
            }
            Err(e) => return e.into_response(),
        },
        // A client page without a live session answers "your session ended" itself, with what
        // the person typed: refusing here would lose it.
        Need::Client => {
            match crate::pages::client::client_session(&state, req.headers()).await {
                Ok(Some(access)) => {
                    req.extensions_mut().insert(access);
                }
                Ok(None) => {}
                Err(e) => return e.into_response(),
            }
            Ok(())
        }
        Need::Staff(_) | Need::Inbox(_) if api => {
            match auth::api_staff(&state, req.headers()).await {
                Ok(Some(staff)) => {
                    let allowed = staff.staff().may(action);
                    req.extensions_mut().insert(staff);
                    allowed
                }
                Ok(None) => Err(Denied::NotSignedIn),
                Err(e) => return e.into_response(),
            }
        }
        Need::Staff(_) | Need::Inbox(_) => match auth::staff_session(&state, req.headers()).await {
            Ok(Some(session)) => {
                let allowed = session.staff().may(action);
                req.extensions_mut().insert(session);
                allowed
            }
            Ok(None) => Err(Denied::NotSignedIn),
            Err(e) => return e.into_response(),
        },
    };
    match decision {
        Ok(()) => next.run(req).await,
        Err(denied) if api => api_refusal(denied).into_response(),
        Err(Denied::NotSignedIn) => Redirect::to("/staff/login").into_response(),
        Err(Denied::TwoFactorRequired) => Redirect::to(ENROL_PAGE).into_response(),
        Err(_) => PageError::Forbidden.into_response(),
    }
}

/// Where a member who must enrol in two-factor sign-in is sent from every other console page.
pub const ENROL_PAGE: &str = "/staff/account/totp";

/// How the API says no: 401 to sign in, 403 for the role or a missing inbox key.
pub fn api_refusal(denied: Denied) -> ApiError {
    match denied {
        Denied::NotSignedIn => ApiError::unauthorized(),
        Denied::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "forbidden", "error-body-403"),
        Denied::NoInboxKey => ApiError::new(
            StatusCode::FORBIDDEN,
            "no_inbox_access",
            "error-no-inbox-access",
        ),
        Denied::TwoFactorRequired => ApiError::new(
            StatusCode::FORBIDDEN,
            "totp_enrolment_required",
            "totp-must-enrol",
        ),
    }
}

/// The guard's authenticated parties, as the handlers' extractors find them.
pub(crate) fn taken<T: Clone + Send + Sync + 'static>(
    parts: &axum::http::request::Parts,
) -> Option<T> {
    parts.extensions.get::<T>().cloned()
}
