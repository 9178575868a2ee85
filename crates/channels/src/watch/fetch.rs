//! Polite, bounded fetching of forum feeds and pages: a time limit for the whole request, a
//! size limit on the body (read in chunks, so a huge page is cut off, never held whole), a limit
//! on redirects, conditional requests (`If-None-Match`, `If-Modified-Since`) so an unchanged feed
//! costs the forum one short answer, and onion addresses only through a SOCKS5 proxy (Tor), with
//! host names resolved by the proxy (`socks5h`), never by local DNS.

use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// The bounds of one fetch.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_bytes: usize,
    pub timeout: Duration,
    pub max_redirects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 4 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            max_redirects: 5,
        }
    }
}

/// What the last successful fetch said about the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetch that worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: nothing new since the validators.
    NotModified,
    Body {
        text: String,
        validators: Validators,
    },
}

/// Why a fetch failed (said in the console as the source's last error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("only http and https addresses can be watched")]
    Scheme,
    #[error("an onion address needs the SOCKS5 proxy (Tor) set in the configuration")]
    NoProxy,
    #[error("the forum answered {0}")]
    Status(u16),
    #[error("the page is larger than {0} bytes")]
    TooLarge(usize),
    #[error("no answer within {0} seconds")]
    Timeout(u64),
    #[error("more than {0} redirects")]
    Redirects(usize),
    #[error("cannot reach the forum: {0}")]
    Network(String),
    #[error("the proxy or client cannot be set up: {0}")]
    Client(String),
}

/// Whether an address is a Tor onion service.
pub fn is_onion(url: &reqwest::Url) -> bool {
    url.host_str().is_some_and(|h| {
        h.trim_end_matches('.')
            .to_ascii_lowercase()
            .ends_with(".onion")
    })
}

/// A parsed http or https address.
pub fn parse_url(text: &str) -> Result<reqwest::Url, FetchError> {
    let url = reqwest::Url::parse(text.trim()).map_err(|_| FetchError::Scheme)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(FetchError::Scheme);
    }
    Ok(url)
}

/// The HTTP client for one fetch: through `proxy` (a `socks5h://` or `socks5://` URL) when given.
pub fn client(limits: &Limits, proxy: Option<&str>) -> Result<reqwest::Client, FetchError> {
    let mut builder = reqwest::Client::builder()
        .timeout(limits.timeout)
        .connect_timeout(limits.timeout)
        .redirect(reqwest::redirect::Policy::limited(limits.max_redirects))
        .user_agent("Netreach forum watch")
        .referer(false)
        // A session cookie is sent by hand; nothing the forum sets is kept.
        .cookie_store(false);
    if let Some(proxy) = proxy {
        builder = builder
            .proxy(reqwest::Proxy::all(proxy).map_err(|e| FetchError::Client(e.to_string()))?);
    } else {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| FetchError::Client(e.to_string()))
}

fn classify(e: &reqwest::Error, limits: &Limits) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout(limits.timeout.as_secs())
    } else if e.is_redirect() {
        FetchError::Redirects(limits.max_redirects)
    } else {
        // The error's chain can carry the URL; say only what kind of failure it was.
        let kind = if e.is_connect() {
            "connection failed"
        } else if e.is_body() || e.is_decode() {
            "the answer broke off"
        } else {
            "request failed"
        };
        FetchError::Network(kind.to_owned())
    }
}

/// Fetches `url` once. `proxy` is used for onion addresses (required for them) and, when
/// `proxy_everything`, for every address.
pub async fn fetch(
    url: &str,
    validators: &Validators,
    cookie: Option<&SecretString>,
    limits: &Limits,
    proxy: Option<&str>,
    proxy_everything: bool,
) -> Result<Fetched, FetchError> {
    let url = parse_url(url)?;
    let proxy = if is_onion(&url) {
        Some(proxy.ok_or(FetchError::NoProxy)?)
    } else if proxy_everything {
        proxy
    } else {
        None
    };
    let client = client(limits, proxy)?;
    let mut request = client.get(url);
    if let Some(etag) = &validators.etag {
        request = request.header(reqwest::header::IF_NONE_MATCH, etag);
    }
    if let Some(since) = &validators.last_modified {
        request = request.header(reqwest::header::IF_MODIFIED_SINCE, since);
    }
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie.expose_secret());
    }
    let work = async {
        let mut response = request.send().await.map_err(|e| classify(&e, limits))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > limits.max_bytes as u64)
        {
            return Err(FetchError::TooLarge(limits.max_bytes));
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let validators = Validators {
            etag: header(reqwest::header::ETAG),
            last_modified: header(reqwest::header::LAST_MODIFIED),
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e, limits))? {
            if body.len() + chunk.len() > limits.max_bytes {
                return Err(FetchError::TooLarge(limits.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body {
            // In the encoding the page declares (windows-1251 forums too).
            text: super::charset::decode(&body, content_type.as_deref()).text,
            validators,
        })
    };
    // The client's timeout covers each request; this one covers a slow body too.
    match tokio::time::timeout(limits.timeout, work).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::Timeout(limits.timeout.as_secs())),
    }
}
