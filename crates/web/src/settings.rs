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
    pub log: LogSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// A staff session ends after this many minutes without a request.
    pub idle_minutes: u32,
    /// ... and after this many hours in any case.
    pub max_hours: u32,
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
            log: LogSettings::default(),
        }
    }
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 120,
            max_hours: 12,
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
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Secret {
        what: String,
        source: ServerSecretError,
    },
    #[error("{0}")]
    Value(String),
}

impl From<figment::Error> for SettingsError {
    fn from(e: figment::Error) -> Self {
        SettingsError::Invalid(Box::new(e))
    }
}

/// Environment variables with the prefix that are not settings (used by the test harness).
const ENV_NOT_SETTINGS: &[&str] = &["test_postgres_url", "config"];

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
        figment = figment.merge(env);
        let mut cli = serde_json::Map::new();
        if let Some(data) = &overrides.data {
            cli.insert("data".into(), data.display().to_string().into());
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

    fn validate(&self) -> Result<(), SettingsError> {
        if self.session.idle_minutes == 0 || self.session.max_hours == 0 {
            return Err(SettingsError::Value(
                "session.idle_minutes and session.max_hours must be above 0".into(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(SettingsError::Value(
                "max_body_bytes must be at least 1024".into(),
            ));
        }
        if !["text", "json"].contains(&self.log.format.as_str()) {
            return Err(SettingsError::Value(
                "log.format must be \"text\" or \"json\"".into(),
            ));
        }
        if let Some(secret) = &self.server_secret {
            ServerSecret::parse(secret.expose_secret()).map_err(|source| {
                SettingsError::Secret {
                    what: "server_secret".into(),
                    source,
                }
            })?;
        }
        if let Some(url) = &self.database_url
            && url.expose_secret().trim().is_empty()
        {
            return Err(SettingsError::Value("database_url is empty".into()));
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
        ServerSecret::parse(&text).map_err(|source| SettingsError::Secret { what, source })
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
            log: self.log.clone(),
        };
        toml::to_string_pretty(&view).unwrap_or_default()
    }

    /// Whether a request `Origin` is this site's: the public URL's origin, or the request's
    /// own `Host` over http/https.
    pub fn origin_allowed(&self, origin: &str, host: Option<&str>) -> bool {
        if let Some(public) = &self.public_url
            && origin.trim_end_matches('/') == origin_of(public)
        {
            return true;
        }
        host.is_some_and(|h| origin == format!("http://{h}") || origin == format!("https://{h}"))
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
    log: LogSettings,
}

/// `scheme://host[:port]` of a URL.
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
    }
}
