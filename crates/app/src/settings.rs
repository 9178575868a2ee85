//! Typed, layered settings: defaults -> `netreach.toml` -> `NETREACH_*` environment variables ->
//! command-line flags. Unknown keys are refused by name; secrets are `SecretString`, readable from
//! `*_file` paths, never printed.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use netreach_crypto::{ServerSecret, ServerSecretError};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

mod conversations;
mod notify;
mod operations;
mod publishing;
mod push;
mod telegram;
#[cfg(test)]
mod tests;
pub use conversations::{AttachmentSettings, ConversationSettings, RequireTotp, SessionSettings};
pub use notify::{EmailSettings, NotifySettings, check_smtp_url};
pub use operations::{AuditSettings, BackupSettings, LogSettings};
pub use publishing::{AlertSettings, PublishingSettings, WatchSettings};
pub use push::{DEFAULT_ENDPOINT_HOSTS, PushSettings};
pub use telegram::{DEFAULT_API_BASE, TelegramSettings};

/// The name of the settings file looked for in the data directory.
pub const CONFIG_FILE_NAME: &str = "netreach.toml";
/// The file in the data directory that holds the generated server secret.
pub const SECRET_FILE_NAME: &str = "server-secret";

/// Everything configurable. Field names are the keys of `netreach.toml`; environment variables
/// are the same in upper case with the `NETREACH_` prefix (`__` between nested keys).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Data directory: SQLite database, generated server secret.
    pub data: PathBuf,
    /// `sqlite://...` or `postgres://...`; default: SQLite in the data directory.
    pub database_url: Option<SecretString>,
    /// A file holding the database URL (it may contain a password).
    pub database_url_file: Option<PathBuf>,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Public base URL, e.g. `http://abc...xyz.onion`, for links printed by the CLI and for the
    /// same-origin check of forms.
    pub public_url: Option<String>,
    /// Value of the `Onion-Location` header on public pages (the clearnet site's onion twin).
    pub onion_location: Option<String>,
    /// Mark cookies `Secure` (behind TLS or as an onion service).
    pub secure_cookies: bool,
    /// The organisation's name, shown in page titles.
    pub org_name: String,
    /// The install-wide secret kept outside the database (at least 32 characters). Default: a
    /// file `server-secret` generated in the data directory. Several app nodes must share one.
    pub server_secret: Option<SecretString>,
    pub server_secret_file: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    pub session: SessionSettings,
    pub conversations: ConversationSettings,
    pub notify: NotifySettings,
    pub email: EmailSettings,
    pub push: PushSettings,
    /// Where the "leave quickly" link on every public page goes: a neutral site of the
    /// organisation's choosing (a weather or news site), opened in place of this one.
    pub quick_exit_url: String,
    pub alerts: AlertSettings,
    pub audit: AuditSettings,
    pub publishing: PublishingSettings,
    pub backup: BackupSettings,
    pub watch: WatchSettings,
    pub telegram: TelegramSettings,
    pub attachments: AttachmentSettings,
    pub log: LogSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data: PathBuf::from("netreach-data"),
            database_url: None,
            database_url_file: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            onion_location: None,
            secure_cookies: false,
            org_name: "Netreach".into(),
            server_secret: None,
            server_secret_file: None,
            max_body_bytes: 64 * 1024,
            session: SessionSettings::default(),
            conversations: ConversationSettings::default(),
            notify: NotifySettings::default(),
            email: EmailSettings::default(),
            push: PushSettings::default(),
            quick_exit_url: "https://www.wikipedia.org/".into(),
            alerts: AlertSettings::default(),
            audit: AuditSettings::default(),
            publishing: PublishingSettings::default(),
            backup: BackupSettings::default(),
            watch: WatchSettings::default(),
            telegram: TelegramSettings::default(),
            attachments: AttachmentSettings::default(),
            log: LogSettings::default(),
        }
    }
}

/// Values given on the command line; they override every other layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{0}")]
    Invalid(Box<figment::Error>),
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what}: {reason}")]
    Secret {
        what: String,
        reason: ServerSecretError,
    },
    #[error("{0}")]
    Value(String),
}

impl From<figment::Error> for SettingsError {
    fn from(e: figment::Error) -> Self {
        SettingsError::Invalid(Box::new(e))
    }
}

/// Settings taken from the environment exactly as typed, never parsed as numbers.
const TEXT_FROM_ENV: &[&str] = &[
    "conversations.emergency_number",
    "conversations.crisis_line",
    "conversations.naloxone_contact",
    // A Telegram chat id such as -1001234567890 is text to Telegram.
    "notify.telegram_chat_id",
];

/// Environment variables with the prefix that are not settings (used by the test harness).
const ENV_NOT_SETTINGS: &[&str] = &["test_postgres_url", "test_browser", "test_tools", "config"];

impl Settings {
    /// Loads the layers from the real environment.
    pub fn load(overrides: &Overrides) -> Result<Settings, SettingsError> {
        Self::load_from(overrides, Env::prefixed("NETREACH_"))
    }

    /// Loads with a given environment provider (tests pass a fixed one).
    pub fn load_from(overrides: &Overrides, env: Env) -> Result<Settings, SettingsError> {
        let env = env.split("__").ignore(ENV_NOT_SETTINGS);
        // Where to look for netreach.toml depends on the data dir, which may itself come from the
        // environment or the command line.
        let data_hint: Option<PathBuf> = overrides.data.clone().or_else(|| {
            Figment::from(env.clone())
                .extract_inner::<PathBuf>("data")
                .ok()
        });
        let config_file = overrides.config_file.clone().or_else(|| {
            let dir = data_hint
                .clone()
                .unwrap_or_else(|| Settings::default().data);
            let candidate = dir.join(CONFIG_FILE_NAME);
            candidate.exists().then_some(candidate)
        });
        if let Some(path) = &overrides.config_file
            && !path.exists()
        {
            return Err(SettingsError::Read {
                path: path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        let mut figment = Figment::new();
        if let Some(path) = &config_file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(env.clone());
        // The environment provider reads "112" as a number, which a text setting refuses (and
        // "000" would lose its zeros): numbers to call are taken as typed.
        for (key, value) in env.iter() {
            if TEXT_FROM_ENV.contains(&key.as_str()) {
                figment = figment.merge(Serialized::default(key.as_str(), value));
            }
        }
        let mut cli = serde_json::Map::new();
        if let Some(data) = &overrides.data {
            cli.insert("data".into(), data.display().to_string().into());
        } else if let Some(path) = &overrides.config_file
            && !figment.contains("data")
        {
            // A settings file named on the command line without a `data` key lives in the data
            // directory (as the example file says): never a directory relative to wherever the
            // command happens to run.
            let dir = std::path::absolute(path)
                .ok()
                .and_then(|p| p.parent().map(Path::to_owned))
                .unwrap_or_default();
            cli.insert("data".into(), dir.display().to_string().into());
        }
        if let Some(url) = &overrides.database_url {
            cli.insert("database_url".into(), url.clone().into());
        }
        if let Some(listen) = overrides.listen {
            cli.insert("listen".into(), listen.to_string().into());
        }
        figment = figment.merge(Serialized::defaults(serde_json::Value::Object(cli)));
        let settings: Settings = figment.extract()?;
        settings.validate()?;
        Ok(settings)
    }

    /// The Bot API base every Telegram call uses: `telegram.api_base`, or (for configurations
    /// written before it existed) `publishing.telegram_api_base` or `notify.telegram_api_base`
    /// when only that one was changed.
    pub fn telegram_api_base(&self) -> &str {
        [
            self.telegram.api_base.as_str(),
            self.publishing.telegram_api_base.as_str(),
            self.notify.telegram_api_base.as_str(),
        ]
        .into_iter()
        .find(|base| *base != DEFAULT_API_BASE)
        .unwrap_or(DEFAULT_API_BASE)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if let Some(problem) = self.push.problem() {
            return Err(SettingsError::Value(problem));
        }
        if let Some(url) = &self.telegram.webhook_url
            && !url.starts_with("https://")
        {
            return Err(SettingsError::Value(
                "telegram.webhook_url must start with https:// (Telegram calls webhooks over TLS \
                 only); leave it out to use long polling"
                    .into(),
            ));
        }
        if self.telegram.poll_seconds > 50 || self.telegram.max_file_bytes < 1024 {
            return Err(SettingsError::Value(
                "telegram.poll_seconds must be at most 50 and telegram.max_file_bytes at least 1024"
                    .into(),
            ));
        }
        if self.session.idle_minutes == 0 || self.session.max_hours == 0 {
            return Err(SettingsError::Value(
                "session.idle_minutes and session.max_hours must be above 0".into(),
            ));
        }
        let c = &self.conversations;
        if c.max_message_chars == 0
            || c.client_messages_per_hour == 0
            || c.client_session_minutes == 0
            || c.codename_attempts_per_minute == 0
            || c.starts_per_minute == 0
            || c.target_minutes == 0
            || c.target_minutes_urgent == 0
        {
            return Err(SettingsError::Value(
                "conversations.max_message_chars, client_messages_per_hour, client_session_minutes, \
                 codename_attempts_per_minute, starts_per_minute, target_minutes and \
                 target_minutes_urgent must be above 0"
                    .into(),
            ));
        }
        for (name, value) in [
            ("emergency_number", Some(&c.emergency_number)),
            ("crisis_line", c.crisis_line.as_ref()),
            ("naloxone_contact", c.naloxone_contact.as_ref()),
        ] {
            if let Some(value) = value
                && (value.trim().is_empty() || value.chars().count() > 100)
            {
                return Err(SettingsError::Value(format!(
                    "conversations.{name} must be 1 to 100 characters (leave an optional one out \
                     instead of setting it empty)"
                )));
            }
        }
        if c.solved_retention_days == 0 || c.idle_retention_days == 0 {
            return Err(SettingsError::Value(
                "retention periods must be at least 1 day".into(),
            ));
        }
        if self.audit.retention_days == 0 {
            return Err(SettingsError::Value(
                "audit.retention_days must be above 0".into(),
            ));
        }
        if self.alerts.reports_per_minute == 0 || self.alerts.report_retention_days == 0 {
            return Err(SettingsError::Value(
                "alerts.reports_per_minute and alerts.report_retention_days must be above 0".into(),
            ));
        }
        let a = &self.attachments;
        if a.max_image_bytes < 1024 || a.max_voice_bytes < 1024 {
            return Err(SettingsError::Value(
                "attachments.max_image_bytes and attachments.max_voice_bytes must be at least 1024"
                    .into(),
            ));
        }
        if a.max_pixels < 1_000_000 || a.max_side < 256 {
            return Err(SettingsError::Value(
                "attachments.max_pixels must be at least 1000000 and attachments.max_side at \
                 least 256"
                    .into(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(SettingsError::Value(
                "max_body_bytes must be at least 1024".into(),
            ));
        }
        if !(1024..=256 * 1024 * 1024).contains(&self.watch.max_upload_bytes) {
            return Err(SettingsError::Value(
                "watch.max_upload_bytes must be between 1024 and 268435456".into(),
            ));
        }
        if !["text", "json"].contains(&self.log.format.as_str()) {
            return Err(SettingsError::Value(
                "log.format must be \"text\" or \"json\"".into(),
            ));
        }
        if let Some(secret) = &self.server_secret {
            ServerSecret::parse(secret.expose_secret()).map_err(|reason| {
                SettingsError::Secret {
                    what: "server_secret".into(),
                    reason,
                }
            })?;
        }
        if let Some(url) = &self.database_url
            && url.expose_secret().trim().is_empty()
        {
            return Err(SettingsError::Value("database_url is empty".into()));
        }
        if let Some(url) = &self.email.smtp_url {
            check_smtp_url(url.expose_secret()).map_err(SettingsError::Value)?;
        }
        if let Some(from) = &self.email.from
            && from.parse::<lettre::message::Mailbox>().is_err()
        {
            return Err(SettingsError::Value(
                "email.from must be an address, e.g. Netreach <netreach@example.org>".into(),
            ));
        }
        let exit = self.quick_exit_url.trim();
        if !(exit.starts_with("https://") || exit.starts_with("http://")) || exit.len() > 300 {
            return Err(SettingsError::Value(
                "quick_exit_url must be an http(s) URL of a neutral site".into(),
            ));
        }
        Ok(())
    }

    /// The database URL in force: configured, from `database_url_file`, or SQLite in the data dir.
    pub fn database_url(&self) -> Result<SecretString, SettingsError> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        if let Some(path) = &self.database_url_file {
            let text = read(path)?;
            let url = text.trim();
            if url.is_empty() {
                return Err(SettingsError::Value(format!("{} is empty", path.display())));
            }
            return Ok(SecretString::from(url.to_owned()));
        }
        let path = std::path::absolute(self.data.join("netreach.db"))
            .unwrap_or_else(|_| self.data.join("netreach.db"));
        Ok(SecretString::from(format!("sqlite://{}", path.display())))
    }

    /// The server secret: configured, from `server_secret_file`, or the file in the data dir,
    /// generated (mode 0600) on first use. Refuses empty, short and placeholder secrets.
    pub fn server_secret(&self) -> Result<ServerSecret, SettingsError> {
        let (what, text) = if let Some(secret) = &self.server_secret {
            (
                "server_secret".to_owned(),
                secret.expose_secret().to_owned(),
            )
        } else if let Some(path) = &self.server_secret_file {
            (path.display().to_string(), read(path)?)
        } else {
            let path = self.data.join(SECRET_FILE_NAME);
            if !path.exists() {
                write_private(&path, &ServerSecret::generate_text())?;
            }
            (path.display().to_string(), read(&path)?)
        };
        ServerSecret::parse(&text).map_err(|reason| SettingsError::Secret { what, reason })
    }

    /// The effective settings as TOML, secrets masked, for `netreach config check`.
    pub fn masked_toml(&self) -> String {
        let masked = |s: &Option<SecretString>| s.as_ref().map(|_| "********".to_owned());
        let view = MaskedView {
            data: self.data.display().to_string(),
            database_url: self
                .database_url
                .as_ref()
                .map(|u| mask_url(u.expose_secret())),
            database_url_file: self
                .database_url_file
                .as_ref()
                .map(|p| p.display().to_string()),
            listen: self.listen.to_string(),
            public_url: self.public_url.clone(),
            onion_location: self.onion_location.clone(),
            secure_cookies: self.secure_cookies,
            org_name: self.org_name.clone(),
            server_secret: masked(&self.server_secret),
            server_secret_file: self
                .server_secret_file
                .as_ref()
                .map(|p| p.display().to_string()),
            max_body_bytes: self.max_body_bytes,
            session: self.session.clone(),
            conversations: self.conversations.clone(),
            notify: MaskedNotify {
                webhook_url: masked(&self.notify.webhook_url),
                telegram_bot_token: masked(&self.notify.telegram_bot_token),
                telegram_bot_token_file: self
                    .notify
                    .telegram_bot_token_file
                    .as_ref()
                    .map(|p| p.display().to_string()),
                telegram_chat_id: self.notify.telegram_chat_id.clone(),
                telegram_api_base: self.notify.telegram_api_base.clone(),
            },
            email: MaskedEmail {
                smtp_url: self
                    .email
                    .smtp_url
                    .as_ref()
                    .map(|u| mask_url(u.expose_secret())),
                smtp_url_file: self
                    .email
                    .smtp_url_file
                    .as_ref()
                    .map(|p| p.display().to_string()),
                from: self.email.from.clone(),
            },
            quick_exit_url: self.quick_exit_url.clone(),
            alerts: self.alerts.clone(),
            audit: self.audit.clone(),
            publishing: self.publishing.clone(),
            backup: MaskedBackup {
                passphrase: masked(&self.backup.passphrase),
                passphrase_file: self
                    .backup
                    .passphrase_file
                    .as_ref()
                    .map(|p| p.display().to_string()),
                recipients: self.backup.recipients.clone(),
            },
            watch: WatchSettings {
                socks5_proxy: self.watch.socks5_proxy.as_deref().map(mask_url),
                ..self.watch.clone()
            },
            telegram: self.telegram.clone(),
            attachments: self.attachments.clone(),
            log: self.log.clone(),
        };
        toml::to_string_pretty(&view).unwrap_or_default()
    }

    /// Whether a request `Origin` is this site's: the public URL's origin, or the request's
    /// own `Host` over http/https.
    pub fn origin_allowed(&self, origin: &str, host: Option<&str>) -> bool {
        let same_host = host
            .is_some_and(|h| origin == format!("http://{h}") || origin == format!("https://{h}"));
        if self.public_url.is_some() {
            let origin = origin.trim_end_matches('/');
            return self.own_urls().any(|url| origin == origin_of(url))
                || (same_host && host.is_some_and(is_loopback_host));
        }
        same_host
    }

    /// Whether a request's `Host` names this site. With `public_url` set only its host (and
    /// the `onion_location` twin's) is; without it any host is, as nobody said which is ours.
    /// Refusing the others stops DNS-rebinding pages from driving the forms.
    pub fn host_allowed(&self, host: Option<&str>) -> bool {
        if self.public_url.is_none() {
            return true;
        }
        let Some(host) = host else {
            return false;
        };
        // Someone on the machine itself (an SSH tunnel, a health check): a rebinding page
        // always sends its own name, never a loopback address.
        if is_loopback_host(host) {
            return true;
        }
        let host = host.to_ascii_lowercase();
        self.own_urls().any(|url| {
            let own = origin_of(url);
            let (scheme, authority) = own.split_once("://").unwrap_or(("http", own));
            let authority = authority.to_ascii_lowercase();
            let default_port = if scheme == "https" { ":443" } else { ":80" };
            host == authority || host.strip_suffix(default_port) == Some(authority.as_str())
        })
    }

    fn own_urls(&self) -> impl Iterator<Item = &str> {
        self.public_url
            .iter()
            .chain(&self.onion_location)
            .map(String::as_str)
    }
}

#[derive(Serialize)]
struct MaskedView {
    data: String,
    database_url: Option<String>,
    database_url_file: Option<String>,
    listen: String,
    public_url: Option<String>,
    onion_location: Option<String>,
    secure_cookies: bool,
    org_name: String,
    server_secret: Option<String>,
    server_secret_file: Option<String>,
    max_body_bytes: usize,
    session: SessionSettings,
    conversations: ConversationSettings,
    notify: MaskedNotify,
    email: MaskedEmail,
    quick_exit_url: String,
    alerts: AlertSettings,
    audit: AuditSettings,
    publishing: PublishingSettings,
    backup: MaskedBackup,
    watch: WatchSettings,
    telegram: TelegramSettings,
    attachments: AttachmentSettings,
    log: LogSettings,
}

#[derive(Serialize)]
struct MaskedBackup {
    passphrase: Option<String>,
    passphrase_file: Option<String>,
    recipients: Vec<String>,
}

#[derive(Serialize)]
struct MaskedEmail {
    smtp_url: Option<String>,
    smtp_url_file: Option<String>,
    from: Option<String>,
}

#[derive(Serialize)]
struct MaskedNotify {
    webhook_url: Option<String>,
    telegram_bot_token: Option<String>,
    telegram_bot_token_file: Option<String>,
    telegram_chat_id: Option<String>,
    telegram_api_base: String,
}

/// `scheme://host[:port]` of a URL.
/// `127.0.0.1`, `[::1]` or `localhost`, with or without a port.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn origin_of(url: &str) -> &str {
    let url = url.trim_end_matches('/');
    match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => &url[..i + 3 + j],
            None => url,
        },
        None => url,
    }
}

/// Hides the password in `scheme://user:password@host/...`.
pub fn mask_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return url.to_owned();
    };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!(
            "{}://{}:********{}",
            &url[..scheme_end],
            &userinfo[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

fn read(path: &Path) -> Result<String, SettingsError> {
    std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Writes a file only its owner can read (0600 on Unix), creating parent directories.
pub fn write_private(path: &Path, contents: &str) -> Result<(), SettingsError> {
    let fail = |source| SettingsError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(contents.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)
}
