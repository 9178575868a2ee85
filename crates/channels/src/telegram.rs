//! Sending to a Telegram channel or group through the Bot API (`sendMessage` with HTML parse
//! mode). The caller owns the queue; this module makes one attempt, classifies the answer
//! (sent, try again later, refused for good) and says how long to wait before the next attempt.
//! Errors never carry the request URL, which holds the bot token.

pub mod bot;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use time::Duration;

/// A Bot API endpoint: `https://api.telegram.org` or a local fake in tests.
#[derive(Debug, Clone)]
pub struct BotApi {
    http: reqwest::Client,
    base: String,
}

/// A message Telegram accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub message_id: i64,
    /// The public link to the message, when the chat has one.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// 429: Telegram asks to wait this long.
    #[error("rate limited by Telegram: retry after {0} s")]
    RetryAfter(u64),
    /// 5xx or the network: worth another try later.
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Refused (wrong token, chat not found, bot not an admin, text too long): retrying will not help.
    #[error("refused by Telegram: {0}")]
    Refused(String),
}

#[derive(Debug, Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    result: Option<MessageResult>,
    #[serde(default)]
    parameters: Option<Parameters>,
}

#[derive(Debug, Deserialize)]
struct MessageResult {
    message_id: i64,
    #[serde(default)]
    chat: Option<Chat>,
}

#[derive(Debug, Deserialize)]
struct Chat {
    #[serde(default)]
    username: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Parameters {
    #[serde(default)]
    retry_after: Option<u64>,
}

impl BotApi {
    pub fn new(http: reqwest::Client, base: &str) -> BotApi {
        BotApi {
            http,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// Asks Telegram who the bot is (`getMe`): whether the token works and Telegram answers.
    pub async fn get_me(&self, token: &SecretString) -> Result<(), SendError> {
        let url = format!("{}/bot{}/getMe", self.base, token.expose_secret());
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| SendError::Temporary(without_url(&e)))?;
        let status = response.status().as_u16();
        #[derive(Deserialize)]
        struct Plain {
            ok: bool,
            #[serde(default)]
            description: Option<String>,
        }
        match response.json::<Plain>().await.ok() {
            Some(Plain { ok: true, .. }) => Ok(()),
            Some(Plain { description, .. }) => Err(SendError::Refused(
                description.unwrap_or_else(|| format!("HTTP {status}")),
            )),
            None => Err(SendError::Temporary(format!("HTTP {status}"))),
        }
    }

    /// Sends `html` (Telegram HTML, as [`crate::render`] writes it) to `chat` (`@name` or a
    /// numeric id), without a link preview.
    pub async fn send_message(
        &self,
        token: &SecretString,
        chat: &str,
        html: &str,
    ) -> Result<Sent, SendError> {
        let url = format!("{}/bot{}/sendMessage", self.base, token.expose_secret());
        let body = json!({
            "chat_id": chat,
            "text": html,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
        });
        let response = self
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|e| SendError::Temporary(without_url(&e)))?;
        let status = response.status().as_u16();
        let answer: Option<Answer> = response.json().await.ok();
        let description = answer
            .as_ref()
            .and_then(|a| a.description.clone())
            .unwrap_or_else(|| format!("HTTP {status}"));
        match answer {
            Some(Answer {
                ok: true,
                result: Some(result),
                ..
            }) => Ok(Sent {
                message_id: result.message_id,
                url: message_url(
                    chat,
                    result.chat.and_then(|c| c.username).as_deref(),
                    result.message_id,
                ),
            }),
            Some(Answer {
                parameters:
                    Some(Parameters {
                        retry_after: Some(seconds),
                    }),
                ..
            }) => Err(SendError::RetryAfter(seconds)),
            _ if status == 429 => Err(SendError::RetryAfter(30)),
            _ if status >= 500 || status == 0 => Err(SendError::Temporary(description)),
            _ => Err(SendError::Refused(description)),
        }
    }
}

/// The public link to a message: `https://t.me/<name>/<id>` for a public chat, or
/// `https://t.me/c/<id>/<message>` for a private channel's numeric id (members only).
pub fn message_url(chat: &str, username: Option<&str>, message_id: i64) -> String {
    let name = username
        .map(str::to_owned)
        .or_else(|| chat.strip_prefix('@').map(str::to_owned));
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        return format!("https://t.me/{name}/{message_id}");
    }
    match chat.strip_prefix("-100") {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) => {
            format!("https://t.me/c/{id}/{message_id}")
        }
        _ => String::new(),
    }
}

/// How long to wait after a failed attempt (`attempts` made so far, from 1): 15 s doubling up to
/// an hour. `None` once `max_attempts` are spent: the send is marked failed.
pub fn backoff(attempts: u32, max_attempts: u32) -> Option<Duration> {
    if attempts >= max_attempts {
        return None;
    }
    let seconds = 15i64.saturating_mul(1i64 << attempts.saturating_sub(1).min(12));
    Some(Duration::seconds(seconds.min(3600)))
}

/// Whether a chat reference looks like one: `@name` (5–32 letters, digits, underscores) or a
/// numeric id.
pub fn valid_chat(chat: &str) -> bool {
    match chat.strip_prefix('@') {
        Some(name) => {
            (5..=32).contains(&name.len())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => {
            let digits = chat.strip_prefix('-').unwrap_or(chat);
            !digits.is_empty() && digits.len() <= 20 && digits.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// A plausible bot token: `<digits>:<35 or so url-safe characters>`.
pub fn valid_token(token: &str) -> bool {
    match token.split_once(':') {
        Some((id, secret)) => {
            !id.is_empty()
                && id.len() <= 20
                && id.chars().all(|c| c.is_ascii_digit())
                && (20..=100).contains(&secret.len())
                && secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
        None => false,
    }
}

/// An HTTP error without its URL, which may hold a bot token or a webhook secret.
pub fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<url>");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_links_for_public_and_private_chats() {
        assert_eq!(
            message_url("@harm_help", None, 7),
            "https://t.me/harm_help/7"
        );
        assert_eq!(
            message_url("-1001234567", Some("named"), 7),
            "https://t.me/named/7"
        );
        assert_eq!(
            message_url("-1001234567", None, 9),
            "https://t.me/c/1234567/9"
        );
        assert_eq!(message_url("12345", None, 9), "");
    }

    #[test]
    fn backoff_doubles_then_gives_up() {
        assert_eq!(backoff(1, 8), Some(Duration::seconds(15)));
        assert_eq!(backoff(2, 8), Some(Duration::seconds(30)));
        assert_eq!(backoff(3, 8), Some(Duration::seconds(60)));
        assert_eq!(backoff(7, 20), Some(Duration::seconds(960)));
        assert_eq!(backoff(12, 20), Some(Duration::seconds(3600)));
        assert_eq!(backoff(8, 8), None);
    }

    #[test]
    fn chats_and_tokens_are_checked_for_shape() {
        assert!(valid_chat("@harm_help"));
        assert!(valid_chat("-1001234567"));
        assert!(!valid_chat("@ab"));
        assert!(!valid_chat("https://t.me/x"));
        assert!(valid_token("123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789_-"));
        assert!(!valid_token("not a token"));
        assert!(!valid_token("12:short"));
    }
}
