//! The `[backup]`, `[audit]` and `[log]` sections.

use super::{SettingsError, read};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// `error`, `warn`, `info`, `debug` or `trace`, or a tracing filter directive.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            level: "info".into(),
            format: "text".into(),
        }
    }
}
