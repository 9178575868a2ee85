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

mod push;
mod telegram;
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

/// Photos and voice messages clients add to their conversation: limits on what is accepted.
/// Every image is decoded and re-encoded, every voice message re-muxed, before it is sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentSettings {
    /// Largest photo accepted, in bytes, as uploaded.
    pub max_image_bytes: usize,
    /// Largest voice message accepted, in bytes (OGG/Opus).
    pub max_voice_bytes: usize,
    /// Largest image accepted, in pixels (width times height); bounds the memory decoding takes.
    pub max_pixels: u64,
    /// Longer sides are scaled down to this many pixels before the image is stored.
    pub max_side: u32,
}

impl Default for AttachmentSettings {
    fn default() -> Self {
        AttachmentSettings {
            max_image_bytes: 10 * 1024 * 1024,
            max_voice_bytes: 5 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 2560,
        }
    }
}

/// How `netreach backup` encrypts (with age): to a passphrase, to recipient public keys, or both.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupSettings {
    /// The passphrase backups are encrypted to (scrypt); needed again to restore.
    pub passphrase: Option<SecretString>,
    /// A file holding the passphrase (first line).
    pub passphrase_file: Option<PathBuf>,
    /// age public keys (`age1...`) backups are also encrypted to; any one of their private
    /// keys restores.
    pub recipients: Vec<String>,
}

impl BackupSettings {
    /// The passphrase in force, from the value or its file.
    pub fn passphrase(&self) -> Result<Option<SecretString>, SettingsError> {
        if let Some(passphrase) = &self.passphrase {
            return Ok(Some(passphrase.clone()));
        }
        match &self.passphrase_file {
            Some(path) => {
                let text = read(path)?;
                let line = text.lines().next().unwrap_or("");
                if line.is_empty() {
                    return Err(SettingsError::Value(format!("{} is empty", path.display())));
                }
                Ok(Some(SecretString::from(line.to_owned())))
            }
            None => Ok(None),
        }
    }
}

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

/// The audit log of staff actions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// Lines are deleted after this many days.
    pub retention_days: u32,
}

impl Default for AuditSettings {
    fn default() -> Self {
        AuditSettings {
            retention_days: 365,
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversationSettings {
    /// Longest message accepted, in characters.
    pub max_message_chars: usize,
    /// Messages a client may send in one conversation per hour (a flood costs the inbox, the
    /// disk and every reader of the thread).
    pub client_messages_per_hour: u32,
    /// A client's browser session ends this many minutes after it started, whatever the activity.
    pub client_session_minutes: u32,
    /// Solved (or archived) conversations are deleted this many days after they were closed.
    pub solved_retention_days: u32,
    /// Conversations without any activity are deleted after this many days.
    pub idle_retention_days: u32,
    /// Codename look-ups allowed per minute across all app nodes (guessing budget).
    pub codename_attempts_per_minute: u32,
    /// New conversations allowed per minute across all app nodes (flood budget).
    pub starts_per_minute: u32,
    /// Most open conversations one worker may have assigned; 0 means no cap.
    pub caseload_cap: u32,
    /// New conversations go round-robin to the members on shift who hold the inbox key (urgent
    /// ones to the on-call members first), within `caseload_cap`. Off by default.
    pub auto_assign: bool,
    /// First-response target for urgent conversations, in working minutes (counted only within
    /// the working hours, when they are set). Past it the assignee (or the team) is told; past
    /// twice it, the supervisors.
    pub target_minutes_urgent: u32,
    /// First-response target for other conversations, in working minutes.
    pub target_minutes: u32,
    /// The emergency number shown with first aid (for the region the organisation serves), and
    /// wherever the content pack writes `{{emergency_number}}`.
    pub emergency_number: String,
    /// A crisis (suicide prevention) line for the region, filled in where the pack writes
    /// `{{crisis_line}}`; none: the text tells the reader to ask in the anonymous chat.
    pub crisis_line: Option<String>,
    /// Where to get naloxone or opioid agonist treatment locally (a phone number or a short
    /// place), filled in where the pack writes `{{naloxone_contact}}`; none: ask in the chat.
    pub naloxone_contact: Option<String>,
}

impl Default for ConversationSettings {
    fn default() -> Self {
        ConversationSettings {
            max_message_chars: 5000,
            client_messages_per_hour: 60,
            client_session_minutes: 120,
            solved_retention_days: 30,
            idle_retention_days: 90,
            codename_attempts_per_minute: 120,
            starts_per_minute: 60,
            caseload_cap: 0,
            auto_assign: false,
            target_minutes_urgent: 5,
            target_minutes: 120,
            emergency_number: "112".into(),
            crisis_line: None,
            naloxone_contact: None,
        }
    }
}

impl ConversationSettings {
    pub fn retention(&self) -> netreach_core::RetentionPolicy {
        netreach_core::RetentionPolicy {
            solved_days: i64::from(self.solved_retention_days),
            idle_days: i64::from(self.idle_retention_days),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// A staff session ends after this many minutes without a request.
    pub idle_minutes: u32,
    /// ... and after this many hours in any case.
    pub max_hours: u32,
    /// Who must sign in with a second factor (TOTP): `none`, `admins` or `everyone`. A member
    /// who must and has not enrolled yet is sent to enrolment after the password and can do
    /// nothing else until enrolled.
    pub require_totp: RequireTotp,
}

/// Who must use two-factor sign-in (`session.require_totp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequireTotp {
    /// Nobody must; anyone may enrol.
    #[default]
    None,
    /// Admins must.
    Admins,
    /// Every staff member must.
    Everyone,
}

impl RequireTotp {
    /// Whether a member of `role` must have two-factor sign-in.
    pub fn applies_to(self, role: netreach_core::Role) -> bool {
        match self {
            RequireTotp::None => false,
            RequireTotp::Admins => role == netreach_core::Role::Admin,
            RequireTotp::Everyone => true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// `error`, `warn`, `info`, `debug` or `trace`, or a tracing filter directive.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
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

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 120,
            max_hours: 12,
            require_totp: RequireTotp::None,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            level: "info".into(),
            format: "text".into(),
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

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail closures return figment::Error
mod tests {
    use super::*;

    #[test]
    fn urls_are_masked() {
        assert_eq!(
            mask_url("postgres://app:s3cret@db:5432/netreach"),
            "postgres://app:********@db:5432/netreach"
        );
        assert_eq!(
            mask_url("postgres://app@db/netreach"),
            "postgres://app@db/netreach"
        );
        assert_eq!(
            mask_url("sqlite:///x/netreach.db"),
            "sqlite:///x/netreach.db"
        );
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("http://abc.onion/"), "http://abc.onion");
        assert_eq!(origin_of("https://x.org:8443/path"), "https://x.org:8443");
        let settings = Settings {
            public_url: Some("http://abc.onion".into()),
            ..Settings::default()
        };
        assert!(settings.origin_allowed("http://abc.onion", None));
        assert!(settings.origin_allowed("http://127.0.0.1:8080", Some("127.0.0.1:8080")));
        assert!(!settings.origin_allowed("http://evil.example", Some("127.0.0.1:8080")));
        assert!(!settings.origin_allowed("http://evil.example", Some("evil.example")));
    }

    #[test]
    fn with_a_public_url_only_its_hosts_and_loopback_are_served() {
        let open = Settings::default();
        assert!(open.host_allowed(Some("anything.example")));
        let settings = Settings {
            public_url: Some("https://help.example.org/".into()),
            onion_location: Some("http://abc.onion".into()),
            ..Settings::default()
        };
        for host in [
            "help.example.org",
            "HELP.example.org:443",
            "abc.onion",
            "abc.onion:80",
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
        ] {
            assert!(settings.host_allowed(Some(host)), "{host}");
        }
        for host in [
            "evil.example",
            "help.example.org:8443",
            "abc.onion.evil.example",
            "127.0.0.2.nip.io",
        ] {
            assert!(!settings.host_allowed(Some(host)), "{host}");
        }
        assert!(!settings.host_allowed(None));
    }

    fn load_in_jail(overrides: &Overrides) -> Result<Settings, figment::Error> {
        Settings::load(overrides).map_err(|e| figment::Error::from(e.to_string()))
    }

    #[test]
    fn precedence_is_defaults_then_file_then_env_then_command_line() {
        figment::Jail::expect_with(|jail| {
            let defaults = load_in_jail(&Overrides::default())?;
            assert_eq!(defaults.listen.to_string(), "127.0.0.1:8080");
            assert_eq!(defaults.data, PathBuf::from("netreach-data"));
            assert_eq!(defaults.session.idle_minutes, 120);

            jail.create_dir("netreach-data")?;
            jail.create_file(
                "netreach-data/netreach.toml",
                "listen = \"127.0.0.1:9000\"\norg_name = \"From file\"\n[session]\nidle_minutes = 30\nmax_hours = 4\n",
            )?;
            let from_file = load_in_jail(&Overrides::default())?;
            assert_eq!(from_file.listen.to_string(), "127.0.0.1:9000");
            assert_eq!(from_file.org_name, "From file");
            assert_eq!(from_file.session.idle_minutes, 30);

            jail.set_env("NETREACH_LISTEN", "127.0.0.1:9100");
            jail.set_env("NETREACH_SESSION__IDLE_MINUTES", "45");
            jail.set_env("NETREACH_TEST_POSTGRES_URL", "postgres://ignored");
            jail.set_env("NETREACH_TEST_BROWSER", "required");
            let from_env = load_in_jail(&Overrides::default())?;
            assert_eq!(from_env.listen.to_string(), "127.0.0.1:9100");
            assert_eq!(from_env.session.idle_minutes, 45);
            assert_eq!(
                from_env.session.max_hours, 4,
                "file value kept where env is silent"
            );
            assert_eq!(from_env.org_name, "From file");

            let cli = Overrides {
                listen: Some("127.0.0.1:9200".parse().map_err(|e| format!("{e}"))?),
                ..Overrides::default()
            };
            assert_eq!(load_in_jail(&cli)?.listen.to_string(), "127.0.0.1:9200");
            Ok(())
        });
    }

    #[test]
    fn the_crisis_line_and_naloxone_contact_are_optional_and_read_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            let defaults = load_in_jail(&Overrides::default())?;
            assert_eq!(defaults.conversations.crisis_line, None);
            assert_eq!(defaults.conversations.naloxone_contact, None);
            jail.set_env("NETREACH_CONVERSATIONS__CRISIS_LINE", "116123");
            jail.set_env("NETREACH_CONVERSATIONS__EMERGENCY_NUMBER", "000");
            jail.set_env("NETREACH_CONVERSATIONS__NALOXONE_CONTACT", "+372 600 0000");
            jail.set_env("NETREACH_NOTIFY__TELEGRAM_CHAT_ID", "-1001234567890");
            let set = load_in_jail(&Overrides::default())?;
            assert_eq!(
                set.notify.telegram_chat_id.as_deref(),
                Some("-1001234567890"),
                "a Telegram chat id from the environment is text"
            );
            assert_eq!(set.conversations.crisis_line.as_deref(), Some("116123"));
            assert_eq!(
                set.conversations.emergency_number, "000",
                "digits kept as typed"
            );
            assert_eq!(
                set.conversations.naloxone_contact.as_deref(),
                Some("+372 600 0000")
            );
            jail.set_env("NETREACH_CONVERSATIONS__CRISIS_LINE", " ");
            let refused = load_in_jail(&Overrides::default()).unwrap_err();
            assert!(
                refused.to_string().contains("conversations.crisis_line"),
                "{refused}"
            );
            Ok(())
        });
    }

    #[test]
    fn the_data_dir_from_the_environment_decides_where_the_file_is_found() {
        figment::Jail::expect_with(|jail| {
            jail.create_dir("elsewhere")?;
            jail.create_file("elsewhere/netreach.toml", "org_name = \"Elsewhere\"\n")?;
            jail.set_env("NETREACH_DATA", "elsewhere");
            assert_eq!(load_in_jail(&Overrides::default())?.org_name, "Elsewhere");
            let explicit = Overrides {
                data: Some(PathBuf::from("nowhere")),
                ..Overrides::default()
            };
            assert_eq!(load_in_jail(&explicit)?.org_name, "Netreach");
            Ok(())
        });
    }

    #[test]
    fn require_totp_takes_its_three_words_and_refuses_others() {
        figment::Jail::expect_with(|jail| {
            assert_eq!(
                load_in_jail(&Overrides::default())?.session.require_totp,
                RequireTotp::None
            );
            jail.set_env("NETREACH_SESSION__REQUIRE_TOTP", "admins");
            assert_eq!(
                load_in_jail(&Overrides::default())?.session.require_totp,
                RequireTotp::Admins
            );
            jail.set_env("NETREACH_SESSION__REQUIRE_TOTP", "everyone");
            assert_eq!(
                load_in_jail(&Overrides::default())?.session.require_totp,
                RequireTotp::Everyone
            );
            jail.set_env("NETREACH_SESSION__REQUIRE_TOTP", "all");
            let error = load_in_jail(&Overrides::default())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.to_lowercase().contains("require_totp"), "{error}");
            assert!(error.contains("everyone"), "{error}");
            Ok(())
        });
        assert!(RequireTotp::Admins.applies_to(netreach_core::Role::Admin));
        assert!(!RequireTotp::Admins.applies_to(netreach_core::Role::Supervisor));
        assert!(RequireTotp::Everyone.applies_to(netreach_core::Role::Worker));
        assert!(!RequireTotp::None.applies_to(netreach_core::Role::Admin));
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("custom.toml", "lisen = \"127.0.0.1:1\"\n")?;
            let overrides = Overrides {
                config_file: Some(PathBuf::from("custom.toml")),
                ..Overrides::default()
            };
            let error = Settings::load(&overrides)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("lisen"), "{error}");
            std::fs::remove_file("custom.toml").map_err(|e| e.to_string())?;
            jail.set_env("NETREACH_SESION__IDLE_MINUTES", "5");
            let error = Settings::load(&Overrides::default())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("sesion"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn a_config_file_without_a_data_key_names_its_own_directory_as_the_data_directory() {
        figment::Jail::expect_with(|jail| {
            jail.create_dir("etc")?;
            jail.create_file("etc/netreach.toml", "org_name = \"Test\"\n")?;
            jail.create_file("etc/with-data.toml", "data = \"/srv/netreach\"\n")?;
            let load = |file: &str| {
                Settings::load(&Overrides {
                    config_file: Some(PathBuf::from(file)),
                    ..Overrides::default()
                })
                .map_err(|e| e.to_string())
            };
            let own = load("etc/netreach.toml")?;
            assert_eq!(
                own.data,
                std::path::absolute("etc").map_err(|e| e.to_string())?
            );
            assert_eq!(
                load("etc/with-data.toml")?.data,
                PathBuf::from("/srv/netreach")
            );
            jail.set_env("NETREACH_DATA", "/from/env");
            assert_eq!(load("etc/netreach.toml")?.data, PathBuf::from("/from/env"));
            Ok(())
        });
    }

    #[test]
    fn the_backup_passphrase_is_read_from_its_file_and_never_shown() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("pass", "correct horse battery staple\n")?;
            jail.set_env("NETREACH_BACKUP__PASSPHRASE_FILE", "pass");
            let settings = Settings::load(&Overrides::default()).map_err(|e| e.to_string())?;
            let passphrase = settings.backup.passphrase().map_err(|e| e.to_string())?;
            assert_eq!(
                passphrase.map(|p| p.expose_secret().to_owned()).as_deref(),
                Some("correct horse battery staple")
            );
            jail.set_env("NETREACH_BACKUP__PASSPHRASE", "inline secret words here");
            let settings = Settings::load(&Overrides::default()).map_err(|e| e.to_string())?;
            let shown = settings.masked_toml();
            assert!(!shown.contains("inline secret"), "{shown}");
            assert!(shown.contains("passphrase = \"********\""), "{shown}");
            Ok(())
        });
    }

    #[test]
    fn a_missing_config_file_given_on_the_command_line_is_an_error() {
        figment::Jail::expect_with(|_| {
            let overrides = Overrides {
                config_file: Some(PathBuf::from("missing.toml")),
                ..Overrides::default()
            };
            assert!(Settings::load(&overrides).is_err());
            Ok(())
        });
    }

    #[test]
    fn weak_secrets_are_refused_and_secret_files_are_read() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("NETREACH_SERVER_SECRET", "");
            let error = Settings::load(&Overrides::default())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("server secret is empty"), "{error}");
            jail.set_env(
                "NETREACH_SERVER_SECRET",
                "change-me-change-me-change-me-change-me",
            );
            let error = Settings::load(&Overrides::default())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("placeholder"), "{error}");
            jail.set_env("NETREACH_SERVER_SECRET", "too-short");
            assert!(Settings::load(&Overrides::default()).is_err());
            jail.clear_env();

            jail.create_file("secret.txt", "a-secret-from-a-file-0123456789-abcdef\n")?;
            jail.set_env("NETREACH_SERVER_SECRET_FILE", "secret.txt");
            let settings = load_in_jail(&Overrides::default())?;
            assert!(settings.server_secret().is_ok());
            jail.create_file("empty.txt", "")?;
            jail.set_env("NETREACH_SERVER_SECRET_FILE", "empty.txt");
            assert!(
                load_in_jail(&Overrides::default())?
                    .server_secret()
                    .is_err()
            );

            jail.create_file("db-url.txt", "postgres://app:pw@db/netreach\n")?;
            jail.set_env("NETREACH_DATABASE_URL_FILE", "db-url.txt");
            let settings = load_in_jail(&Overrides::default())?;
            assert_eq!(
                settings
                    .database_url()
                    .map_err(|e| e.to_string())?
                    .expose_secret(),
                "postgres://app:pw@db/netreach"
            );
            Ok(())
        });
    }

    #[test]
    fn a_generated_secret_is_private_and_reused() {
        figment::Jail::expect_with(|_| {
            let settings = load_in_jail(&Overrides::default())?;
            let first = settings.server_secret().map_err(|e| e.to_string())?;
            let path = settings.data.join(SECRET_FILE_NAME);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path)
                    .map_err(|e| e.to_string())?
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600);
            }
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            let again = settings.server_secret().map_err(|e| e.to_string())?;
            assert_eq!(
                std::fs::read_to_string(&path).map_err(|e| e.to_string())?,
                text
            );
            assert_eq!(format!("{first:?}"), format!("{again:?}"));
            Ok(())
        });
    }

    #[test]
    fn config_check_output_masks_secrets() {
        let settings = Settings {
            database_url: Some(SecretString::from(
                "postgres://app:hunter2hunter2@db/netreach".to_owned(),
            )),
            server_secret: Some(SecretString::from(
                "a-very-long-server-secret-value-0123456789".to_owned(),
            )),
            ..Settings::default()
        };
        let shown = settings.masked_toml();
        assert!(!shown.contains("hunter2hunter2"), "{shown}");
        assert!(
            !shown.contains("a-very-long-server-secret-value"),
            "{shown}"
        );
        assert!(
            shown.contains("postgres://app:********@db/netreach"),
            "{shown}"
        );
        assert!(shown.contains("server_secret = \"********\""), "{shown}");
    }

    #[test]
    fn email_and_quick_exit_settings_come_from_the_environment_and_are_checked() {
        figment::Jail::expect_with(|jail| {
            let defaults = load_in_jail(&Overrides::default())?;
            assert!(!defaults.email.enabled());
            assert!(defaults.quick_exit_url.starts_with("https://"));
            jail.set_env("NETREACH_EMAIL__SMTP_URL", "smtp://127.0.0.1:2525");
            jail.set_env("NETREACH_EMAIL__FROM", "Netreach <netreach@example.org>");
            jail.set_env("NETREACH_QUICK_EXIT_URL", "https://weather.example.org/");
            let set = load_in_jail(&Overrides::default())?;
            assert!(set.email.enabled());
            assert_eq!(
                set.email.from.as_deref(),
                Some("Netreach <netreach@example.org>")
            );
            assert_eq!(set.quick_exit_url, "https://weather.example.org/");
            jail.set_env("NETREACH_EMAIL__SMTP_URL", "http://mail.example.org");
            assert!(load_in_jail(&Overrides::default()).is_err(), "not SMTP");
            jail.set_env(
                "NETREACH_EMAIL__SMTP_URL",
                "smtp://mail.example.org?tls=none",
            );
            assert!(
                load_in_jail(&Overrides::default()).is_err(),
                "TLS turned off"
            );
            jail.set_env(
                "NETREACH_EMAIL__SMTP_URL",
                "smtps://u:hunter2hunter2@mail.example.org",
            );
            jail.set_env("NETREACH_EMAIL__FROM", "not an address");
            assert!(load_in_jail(&Overrides::default()).is_err(), "bad sender");
            jail.set_env("NETREACH_EMAIL__FROM", "netreach@example.org");
            jail.set_env("NETREACH_QUICK_EXIT_URL", "javascript:alert(1)");
            assert!(load_in_jail(&Overrides::default()).is_err(), "quick exit");
            jail.set_env("NETREACH_QUICK_EXIT_URL", "https://weather.example.org/");
            let shown = load_in_jail(&Overrides::default())?.masked_toml();
            assert!(!shown.contains("hunter2hunter2"), "{shown}");
            Ok(())
        });
    }
}
