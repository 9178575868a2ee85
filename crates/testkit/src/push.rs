//! A fake push service and a fake browser for Web Push tests: the service records every push
//! it receives and answers with the status the test sets; the browser holds the keys a real
//! browser would, so a test can check the signature and open what the server sent.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// One push as the service received it.
#[derive(Debug, Clone)]
pub struct ReceivedPush {
    /// The endpoint's path (which names the browser).
    pub path: String,
    pub authorization: String,
    pub ttl: String,
    pub urgency: String,
    pub content_encoding: String,
    pub body: Vec<u8>,
}

#[derive(Debug, Default)]
struct ServiceState {
    received: Vec<ReceivedPush>,
    status: u16,
}

/// A running fake push service on `127.0.0.1:0`.
#[derive(Debug, Clone)]
pub struct FakePush {
    /// `http://127.0.0.1:<port>`: endpoints are this plus `/push/<browser>`.
    pub base: String,
    state: Arc<Mutex<ServiceState>>,
}

impl FakePush {
    /// A service that answers `201 Created` until told otherwise.
    pub async fn start() -> FakePush {
        let state = Arc::new(Mutex::new(ServiceState {
            status: 201,
            ..ServiceState::default()
        }));
        let shared = state.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let shared = shared.clone();
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let mut state = shared.lock().expect("fake push lock");
                    state.received.push(ReceivedPush {
                        path: uri.path().to_owned(),
                        authorization: header("authorization"),
                        ttl: header("ttl"),
                        urgency: header("urgency"),
                        content_encoding: header("content-encoding"),
                        body: body.to_vec(),
                    });
                    axum::http::StatusCode::from_u16(state.status).expect("status")
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake push service");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakePush {
            base: format!("http://{addr}"),
            state,
        }
    }

    /// Answers every push from now on with `status` (410 for an expired subscription).
    pub fn answer(&self, status: u16) {
        self.state.lock().expect("fake push lock").status = status;
    }

    /// Every push so far.
    pub fn received(&self) -> Vec<ReceivedPush> {
        self.state.lock().expect("fake push lock").received.clone()
    }
}

/// A browser's side of a subscription: its key pair and authentication secret.
#[derive(Debug, Clone)]
pub struct FakeBrowser {
    secret: p256::SecretKey,
    auth: [u8; 16],
    /// The push service's address for this browser.
    pub endpoint: String,
}

impl FakeBrowser {
    /// A browser subscribed at `<service>/push/<name>`; `seed` makes its keys differ.
    pub fn new(service: &FakePush, name: &str, seed: u8) -> FakeBrowser {
        FakeBrowser {
            secret: p256::SecretKey::from_slice(&[seed.max(1); 32]).expect("key"),
            auth: [seed; 16],
            endpoint: format!("{}/push/{name}", service.base),
        }
    }

    /// The subscription as `PushSubscription.toJSON()` gives it.
    pub fn subscription(&self) -> Value {
        json!({
            "endpoint": self.endpoint,
            "expirationTime": null,
            "keys": {
                "p256dh": URL_SAFE_NO_PAD.encode(self.secret.public_key().to_encoded_point(false).as_bytes()),
                "auth": URL_SAFE_NO_PAD.encode(self.auth),
            }
        })
    }

    /// Opens a push meant for this browser, as JSON.
    pub fn open(&self, push: &ReceivedPush) -> Value {
        let auth = web_push_native::Auth::clone_from_slice(&self.auth);
        let plain = web_push_native::decrypt(push.body.clone(), &self.secret, &auth)
            .expect("the push opens with this browser's keys");
        serde_json::from_slice(&plain).expect("a JSON payload")
    }
}

/// Checks a push's `Authorization: vapid t=<jwt>, k=<key>` header: the token must verify under
/// the key it names, and that key must be `expected_key`. Returns the token's claims.
pub fn vapid_claims(authorization: &str, expected_key: &str) -> Value {
    let (token, key) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .expect("a vapid authorization header");
    assert_eq!(
        key, expected_key,
        "signed with the key browsers subscribe with"
    );
    let (signed, signature) = token.rsplit_once('.').expect("a signed JWT");
    let verifying = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(key).expect("base64"))
        .expect("a P-256 key");
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).expect("base64"))
        .expect("an ES256 signature");
    verifying
        .verify(signed.as_bytes(), &signature)
        .expect("the signature verifies");
    let (header, claims) = signed.split_once('.').expect("header.claims");
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("base64")).expect("json");
    assert_eq!(header["alg"], "ES256");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).expect("base64")).expect("json")
}
