//! The `[email]` and `[notify]` sections: e-mail to staff and the team-wide urgent notifications.

use super::{SettingsError, read};
use secrecy::SecretString;
use serde::Deserialize;
use std::path::PathBuf;

/// E-mail notifications to staff. Off until `smtp_url` and `from` are set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailSettings {
    /// The SMTP server: `smtps://user:password@host:465` (TLS from the start) or
    /// `smtp://user:password@host:587` (STARTTLS, required). Plain `smtp://` without TLS is
    /// used only for a server on a loopback address (a local relay, or a test's sink).
    pub smtp_url: Option<SecretString>,
    /// A file holding the SMTP URL (it may contain a password).
    pub smtp_url_file: Option<PathBuf>,
    /// The sender, e.g. `Netreach <netreach@example.org>`.
    pub from: Option<String>,
}

impl EmailSettings {
    /// The SMTP URL in force, from the value or its file.
    pub fn smtp_url(&self) -> Result<Option<SecretString>, SettingsError> {
        if let Some(url) = &self.smtp_url {
            return Ok(Some(url.clone()));
        }
        match &self.smtp_url_file {
            Some(path) => Ok(Some(SecretString::from(read(path)?.trim().to_owned()))),
            None => Ok(None),
        }
    }

    /// Whether e-mail can be sent: a server and a sender are both configured.
    pub fn enabled(&self) -> bool {
        (self.smtp_url.is_some() || self.smtp_url_file.is_some()) && self.from.is_some()
    }
}

/// Checks an SMTP URL: `smtp` or `smtps`, a host, and TLS unless the host is a loopback address.
pub fn check_smtp_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| "email.smtp_url is not a URL".to_owned())?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("email.smtp_url has no host".to_owned());
    }
    let tls = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    match (parsed.scheme(), tls.as_deref()) {
        ("smtps", None) | ("smtp", None | Some("required")) => Ok(()),
        ("smtp", Some(_)) | ("smtps", Some(_)) => Err(
            "email.smtp_url: leave out `tls=`; smtp:// uses STARTTLS (required) and smtps:// TLS"
                .to_owned(),
        ),
        _ => Err(format!(
            "email.smtp_url must start with smtp:// or smtps://, not {}://",
            parsed.scheme()
        )),
    }
}

/// Telling on-call staff that an urgent conversation arrived. Notifications never carry content
/// or anything about the client: only that one is waiting and where in the console.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifySettings {
    /// A URL that receives `POST {"event": "urgent_conversation", "console_path", "at"}`.
    pub webhook_url: Option<SecretString>,
    /// A Telegram bot token, for a message to the staff chat below.
    pub telegram_bot_token: Option<SecretString>,
    pub telegram_bot_token_file: Option<PathBuf>,
    /// The staff chat's id (a private group of the team, never a client).
    pub telegram_chat_id: Option<String>,
    /// The Bot API base URL (changed only for tests).
    pub telegram_api_base: String,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            webhook_url: None,
            telegram_bot_token: None,
            telegram_bot_token_file: None,
            telegram_chat_id: None,
            telegram_api_base: "https://api.telegram.org".into(),
        }
    }
}

impl NotifySettings {
    /// The bot token in force, from the value or its file.
    pub fn telegram_token(&self) -> Result<Option<SecretString>, SettingsError> {
        if let Some(token) = &self.telegram_bot_token {
            return Ok(Some(token.clone()));
        }
        match &self.telegram_bot_token_file {
            Some(path) => Ok(Some(SecretString::from(read(path)?.trim().to_owned()))),
            None => Ok(None),
        }
    }
}
