//! The `[telegram]` section: the organisation's bot as a second way in.

use serde::{Deserialize, Serialize};

/// The Bot API address every Telegram call uses by default.
pub const DEFAULT_API_BASE: &str = "https://api.telegram.org";

/// The organisation's Telegram bot. The token is not a setting: an admin connects the bot in
/// the console (or `PUT /api/v1/staff/telegram/bot`), and it is stored encrypted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramSettings {
    /// The Bot API's base URL, used by every Telegram call: the bot, staff notifications and
    /// channel posts (a self-hosted Bot API server, or a local fake in tests).
    pub api_base: String,
    /// With a public `https://` base URL of this server, the bot receives updates by webhook at
    /// `<webhook_url>/api/v1/telegram/webhook`; without it, by long polling (works behind NAT and over Tor).
    pub webhook_url: Option<String>,
    /// How long one long poll waits for updates, in seconds.
    pub poll_seconds: u32,
    /// Largest photo or voice message taken from Telegram, in bytes.
    pub max_file_bytes: usize,
}

impl Default for TelegramSettings {
    fn default() -> Self {
        TelegramSettings {
            api_base: DEFAULT_API_BASE.into(),
            webhook_url: None,
            poll_seconds: 25,
            max_file_bytes: 10 * 1024 * 1024,
        }
    }
}
