//! The authorization matrix, generated from the router: every route and method it serves, for
//! anonymous visitors, a client, a worker without inbox access, a worker, a supervisor and an
//! admin, answers the way the application's policy table says. A route with no declared action
//! fails here.

use netreach_app::policy::{Action, Need, need};
use netreach_core::Role;
use netreach_testkit::{Browser, TestApp};
use netreach_web::routes::RouteRule;
use reqwest::Method;
use serde_json::{Value, json};

/// The kinds of caller the matrix tries every route with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Anonymous,
    Client,
    WorkerWithoutInbox,
    Worker,
    Supervisor,
    Admin,
}

/// Staff first: the first account creates the inbox key a client's conversation needs.
const KINDS: [Kind; 6] = [
    Kind::Admin,
    Kind::Supervisor,
    Kind::Worker,
    Kind::WorkerWithoutInbox,
    Kind::Client,
    Kind::Anonymous,
];

/// One caller: a browser with their cookies for pages, a header for the API.
struct Caller {
    kind: Kind,
    browser: Browser,
    authorization: Option<String>,
}

/// What the policy table says should happen to `kind` on a route performing `action`.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    Allowed,
    SignIn,
    Forbidden,
}

fn expect(kind: Kind, action: Action) -> Expect {
    let staff = |role: Role, inbox: bool| match kind {
        Kind::Anonymous | Kind::Client => Expect::SignIn,
        Kind::WorkerWithoutInbox if inbox => Expect::Forbidden,
        Kind::WorkerWithoutInbox | Kind::Worker if role != Role::Worker => Expect::Forbidden,
        Kind::Supervisor if role == Role::Admin => Expect::Forbidden,
        _ => Expect::Allowed,
    };
    match need(action) {
        Need::Anyone => Expect::Allowed,
        Need::Client if kind == Kind::Client => Expect::Allowed,
        Need::Client => Expect::SignIn,
        Need::Staff(role) => staff(role, false),
        Need::Inbox(role) => staff(role, true),
    }
}

/// Routes that end the caller's session or conversation: each gets callers of its own.
fn ends_the_session(rule: &RouteRule) -> bool {
    matches!(
        (rule.method.as_str(), rule.path.as_str()),
        (
            "POST",
            "/staff/logout" | "/staff/logout-everywhere" | "/c/leave"
        ) | ("DELETE", "/api/v1/conversations/me")
    )
}

async fn callers(app: &TestApp, round: usize) -> Vec<Caller> {
    let mut callers = Vec::new();
    for kind in KINDS {
        let name = format!("{kind:?}{round}").to_lowercase();
        let password = format!("{name}-long-password-123");
        let role = match kind {
            Kind::Supervisor => Role::Supervisor,
            Kind::Admin => Role::Admin,
            _ => Role::Worker,
        };
        let browser = app.new_browser();
        let authorization = match kind {
            Kind::Anonymous => None,
            Kind::Client => {
                let started: Value = reqwest::Client::new()
                    .post(app.url("/api/v1/conversations"))
                    .json(&json!({"topic": "other", "message": "Is this safe?", "lang": "en"}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let codename = started["codename"].as_str().unwrap().to_owned();
                let entered = browser.post_form("/c", &[("codename", &codename)]).await;
                assert_eq!(entered.status(), 303, "the client's codename opens /c");
                Some(format!("Codename {codename}"))
            }
            _ => {
                if kind == Kind::WorkerWithoutInbox {
                    app.create_user_without_access(&name, role, &password).await;
                } else {
                    app.create_user(&name, role, &password).await;
                }
                assert_eq!(browser.login(&name, &password).await.status(), 303);
                let token: Value = reqwest::Client::new()
                    .post(app.url("/api/v1/auth/token"))
                    .json(&json!({"username": name, "password": password}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                Some(format!("Bearer {}", token["token"].as_str().unwrap()))
            }
        };
        callers.push(Caller {
            kind,
            browser,
            authorization,
        });
    }
    callers
}

/// The route's template with every `{param}` filled with an id that names nothing.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str("00000000-0000-4000-8000-000000000000");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

async fn send(app: &TestApp, caller: &Caller, rule: &RouteRule) -> reqwest::Response {
    let method = Method::from_bytes(rule.method.as_str().as_bytes()).unwrap();
    let mut request = caller
        .browser
        .client
        .request(method, app.url(&concrete(&rule.path)))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin");
    let api = rule.path.starts_with("/api/");
    if api && let Some(value) = &caller.authorization {
        request = request.header("authorization", value);
    }
    // A body of the right type that fills nothing in: the decision must not depend on it.
    request = match (api, rule.method.as_str()) {
        (_, "GET" | "DELETE") => request,
        (true, _) => request.json(&json!({})),
        (false, _) => request.form(&[("", "")]),
    };
    request.send().await.unwrap()
}

fn check(rule: &RouteRule, action: Action, kind: Kind, response: &reqwest::Response) {
    let status = response.status().as_u16();
    let to_sign_in = response
        .headers()
        .get("location")
        .is_some_and(|l| l == "/staff/login");
    let api = rule.path.starts_with("/api/");
    let what = format!("{} {} ({action:?}) as {kind:?}", rule.method, rule.path);
    crate::security::assert_security_headers(response, &what);
    match expect(kind, action) {
        // Signing out rightly ends at the sign-in page.
        Expect::Allowed => assert!(
            !matches!(status, 401 | 403 | 500) && (!to_sign_in || ends_the_session(rule)),
            "{what}: allowed by the policy, answered {status}"
        ),
        Expect::SignIn if api => assert_eq!(status, 401, "{what}: must sign in"),
        // A client page says "your session ended" itself, keeping what was typed.
        Expect::SignIn if need(action) == Need::Client => {
            assert_eq!(status, 401, "{what}: the session-ended page")
        }
        Expect::SignIn => assert!(
            status == 303 && to_sign_in,
            "{what}: must be sent to sign in, answered {status}"
        ),
        Expect::Forbidden => assert_eq!(status, 403, "{what}: refused by the policy"),
    }
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_the_policy_says() {
    let app = TestApp::spawn().await;
    let (_, rules) = netreach_web::router_with_rules(app.state.clone());
    let undeclared: Vec<String> = rules
        .iter()
        .filter(|r| r.action.is_none())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        undeclared.is_empty(),
        "routes with no declared policy: {undeclared:?}"
    );
    assert!(
        rules.len() > 100,
        "the whole router is walked: {}",
        rules.len()
    );
    for path in [
        "/staff/users",
        "/api/v1/staff/alerts/{id}/publish",
        "/c/reply",
    ] {
        assert!(rules.iter().any(|r| r.path == path), "{path} is walked");
    }

    let shared = callers(&app, 0).await;
    let mut round = 0;
    for rule in &rules {
        let action = rule.action.unwrap();
        let own;
        let callers = if ends_the_session(rule) {
            round += 1;
            own = callers(&app, round).await;
            &own
        } else {
            &shared
        };
        for caller in callers {
            let response = send(&app, caller, rule).await;
            check(rule, action, caller.kind, &response);
        }
    }
}

/// Assignment is checked against the thing acted on: a worker claims a conversation or gives
/// back their own; giving it to someone else or taking it from someone else is a supervisor's.
#[tokio::test]
async fn a_worker_claims_conversations_but_only_a_supervisor_assigns_them_to_others() {
    use crate::conversations::staff_token;
    let app = TestApp::spawn().await;
    let anna = staff_token(&app, "anna", Role::Worker).await;
    let boris = staff_token(&app, "boris", Role::Worker).await;
    let sveta = staff_token(&app, "sveta", Role::Supervisor).await;
    let started: Value = reqwest::Client::new()
        .post(app.url("/api/v1/conversations"))
        .json(&json!({"topic": "other", "message": "Who answers?", "lang": "en"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = started["conversation_id"].as_str().unwrap().to_owned();
    let me: Value = reqwest::Client::new()
        .get(app.url("/api/v1/staff/me"))
        .bearer_auth(&boris)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let boris_id = me["id"].as_str().unwrap().to_owned();
    let assign = |token: &str, to: Value| {
        reqwest::Client::new()
            .post(app.url(&format!("/api/v1/staff/conversations/{id}/assign")))
            .bearer_auth(token)
            .json(&json!({ "user_id": to }))
            .send()
    };
    let status = |r: reqwest::Response| r.status().as_u16();

    assert_eq!(status(assign(&anna, json!(boris_id)).await.unwrap()), 403);
    assert_eq!(status(assign(&anna, json!("me")).await.unwrap()), 200);
    assert_eq!(
        status(assign(&boris, json!("me")).await.unwrap()),
        403,
        "a worker cannot take a conversation from a colleague"
    );
    assert_eq!(
        status(assign(&boris, Value::Null).await.unwrap()),
        403,
        "nor unassign it"
    );
    assert_eq!(status(assign(&sveta, json!(boris_id)).await.unwrap()), 200);
    assert_eq!(
        status(assign(&boris, Value::Null).await.unwrap()),
        200,
        "a worker gives back their own"
    );
}

/// The skin parses, makes one service call and renders: no page, API handler or middleware of the
/// web crate reads or writes the store itself (the services decide who may, and then do it).
#[test]
fn no_handler_touches_the_store() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if code.contains("state.store") || code.trim() == ".store" {
                        offenders.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "the store is used at {offenders:?}");
}

/// Every state-changing form route, enumerated from the router, refuses a request without an
/// Origin (or `Sec-Fetch-Site`) or with a foreign one, for a signed-in admin and a client alike,
/// and writes nothing. API routes take no cookies, so a browser cannot be made to send their
/// credentials cross-site.
#[tokio::test]
async fn every_form_route_refuses_cross_site_requests_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (_, rules) = netreach_web::router_with_rules(app.state.clone());
    let callers = callers(&app, 0).await;
    let forms: Vec<&RouteRule> = rules
        .iter()
        .filter(|r| !r.path.starts_with("/api/") && r.method.as_str() != "GET")
        .collect();
    assert!(
        forms.len() > 40,
        "the form routes are walked: {}",
        forms.len()
    );
    let before = app.db.row_counts().await;
    let foreign: [&[(&str, &str)]; 3] = [
        &[],
        &[("origin", "http://evil.example")],
        &[("sec-fetch-site", "cross-site"), ("origin", "null")],
    ];
    for rule in &forms {
        let method = Method::from_bytes(rule.method.as_str().as_bytes()).unwrap();
        let action = rule.action.unwrap();
        // Callers the policy lets through, so that only the origin check can stop them.
        for caller in callers.iter().filter(|c| {
            matches!(c.kind, Kind::Admin | Kind::Client)
                && expect(c.kind, action) == Expect::Allowed
        }) {
            for headers in foreign {
                let mut request = caller
                    .browser
                    .client
                    .request(method.clone(), app.url(&concrete(&rule.path)))
                    .form(&[("message", "cross-site"), ("title", "cross-site")]);
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                let response = request.send().await.unwrap();
                assert_eq!(
                    response.status(),
                    403,
                    "{} {} as {:?} with {headers:?}",
                    rule.method,
                    rule.path,
                    caller.kind
                );
            }
        }
    }
    assert_eq!(app.db.row_counts().await, before, "a refused request wrote");
}

/// Form decoding, as a property: hostile bodies (any bytes, broken percent-escapes, repeated and
/// enormous fields, NUL and control characters) posted to every form route of the router by a
/// caller the policy lets through are answered, never with a server error.
#[tokio::test]
async fn any_form_body_on_any_form_route_is_answered_without_a_server_error() {
    use proptest::strategy::{Just, Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    let app = TestApp::spawn().await;
    let (_, rules) = netreach_web::router_with_rules(app.state.clone());
    let callers = callers(&app, 0).await;
    let field = proptest::prop_oneof![
        "[a-z_]{1,12}",
        proptest::sample::select(vec![
            "message", "codename", "username", "password", "confirm", "title", "body", "topic",
            "status", "version", "to", "tag", "role", "question", "answer", "url", "text", "path",
        ])
        .prop_map(str::to_owned),
    ];
    let value = proptest::prop_oneof![
        "[^&=]{0,40}",
        "%[0-9A-Fa-f]{0,2}[^&]{0,10}",
        Just("%00%01%1b%7f".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("x".repeat(6000)),
    ];
    let body = proptest::collection::vec((field, value), 0..6)
        .prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        })
        .boxed();
    let mut runner = TestRunner::deterministic();
    let forms: Vec<&RouteRule> = rules
        .iter()
        .filter(|r| !r.path.starts_with("/api/") && r.method.as_str() != "GET")
        .filter(|r| !ends_the_session(r) && r.path != "/staff/panic")
        .collect();
    for rule in forms {
        let action = rule.action.unwrap();
        let Some(caller) = callers
            .iter()
            .find(|c| expect(c.kind, action) == Expect::Allowed)
        else {
            continue;
        };
        for _ in 0..12 {
            let body = body.new_tree(&mut runner).unwrap().current();
            let response = caller
                .browser
                .client
                .post(app.url(&concrete(&rule.path)))
                .header("origin", app.url(""))
                .header("sec-fetch-site", "same-origin")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert!(
                !response.status().is_server_error(),
                "{} {} with {body:?}: {}",
                rule.method,
                rule.path,
                response.status()
            );
        }
    }
}
