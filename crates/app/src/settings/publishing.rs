//! The `[publishing]`, `[alerts]` and `[watch]` sections.

use serde::{Deserialize, Serialize};

/// Forum watch: fetching forum feeds and pages and keeping the posts that matched.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchSettings {
    /// Matched posts (their text and handle) are deleted this many days after they were found.
    pub retention_days: u32,
    /// The SOCKS5 proxy for onion addresses, e.g. `socks5h://127.0.0.1:9050` (Tor); `socks5h`
    /// lets the proxy resolve names. Without it onion sources fail with a clear status.
    pub socks5_proxy: Option<String>,
    /// Send every source through the proxy, not only onion addresses.
    pub proxy_everything: bool,
    /// A new source's fetch interval, in minutes.
    pub default_interval_minutes: u32,
    /// The shortest interval a source may have, in minutes.
    pub min_interval_minutes: u32,
    /// Largest page or feed read, in bytes.
    pub max_page_bytes: usize,
    /// Largest saved page a worker may upload as a file in the console or over the API, in
    /// bytes (such a request may be this much above `max_body_bytes`, and only for uploads).
    pub max_upload_bytes: usize,
    /// Seconds a whole fetch may take.
    pub fetch_timeout_seconds: u32,
    /// Redirects followed.
    pub max_redirects: u32,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            retention_days: 14,
            socks5_proxy: None,
            proxy_everything: false,
            default_interval_minutes: 15,
            min_interval_minutes: 5,
            max_page_bytes: 4 * 1024 * 1024,
            max_upload_bytes: 4 * 1024 * 1024,
            fetch_timeout_seconds: 30,
            max_redirects: 5,
        }
    }
}

/// Sending posts and alerts to Telegram channels.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublishingSettings {
    /// The Bot API's base URL (a local fake in tests, or a self-hosted Bot API server).
    pub telegram_api_base: String,
    /// Attempts before a send is marked failed (429 answers wait as Telegram asks).
    pub max_attempts: u32,
    /// Seconds between two messages to the same chat (Telegram allows about 20 a minute).
    pub chat_spacing_seconds: u32,
}

impl Default for PublishingSettings {
    fn default() -> Self {
        PublishingSettings {
            telegram_api_base: "https://api.telegram.org".into(),
            max_attempts: 8,
            chat_spacing_seconds: 3,
        }
    }
}

/// Drug alerts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSettings {
    /// The regions a report may name (no finer than a city); empty: any short place name.
    pub regions: Vec<String>,
    /// Anonymous reports accepted per minute across all app nodes.
    pub reports_per_minute: u32,
    /// Reports are deleted after this many days.
    pub report_retention_days: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            regions: Vec::new(),
            reports_per_minute: 30,
            report_retention_days: 90,
        }
    }
}
