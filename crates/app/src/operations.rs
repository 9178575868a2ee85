//! What the admin of a server needs to trust it: the first-run checks (`netreach config check`
//! and the admin dashboard show the same list), confirming the recovery key is written down, and
//! proof after a restore that staff can read every conversation back.

use crate::keys;
use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_core::{AuditAction, Role, Username};
use netreach_store::{InboxCursor, InboxFilter, Milestone, StoreError};
use time::{Duration, OffsetDateTime};

/// The emergency number a new server starts with; one left unchanged may be the wrong one for
/// the region the organisation serves.
const DEFAULT_EMERGENCY_NUMBER: &str = "112";
/// A server without a backup for longer than this is flagged.
const BACKUP_AGE: Duration = Duration::days(7);

/// Something that would hurt in production, as `config check` and the admin dashboard say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Without `public_url` links in replies and posts are relative or dropped, and any host
    /// name is accepted.
    PublicUrlUnset,
    /// Served over HTTPS or as an onion service, but cookies are not marked `Secure`.
    CookiesNotSecure,
    /// The emergency number shown with first aid is still the default.
    EmergencyNumberDefault,
    /// Fewer than two active admins: one lost password or phone locks the organisation out.
    OneAdmin,
    /// No backup written in the last week (`last`: the newest, if any).
    NoRecentBackup { last: Option<OffsetDateTime> },
    /// Nobody confirmed the recovery key is written down.
    RecoveryKeyUnconfirmed,
    /// A configured service does not answer (`what`: the setting, `why`: the error).
    Unreachable { what: &'static str, why: String },
}

impl Warning {
    /// The message id of the warning in the console's language files.
    pub fn message_id(&self) -> &'static str {
        match self {
            Warning::PublicUrlUnset => "check-public-url",
            Warning::CookiesNotSecure => "check-secure-cookies",
            Warning::EmergencyNumberDefault => "check-emergency-number",
            Warning::OneAdmin => "check-one-admin",
            Warning::NoRecentBackup { last: None } => "check-no-backup",
            Warning::NoRecentBackup { last: Some(_) } => "check-old-backup",
            Warning::RecoveryKeyUnconfirmed => "check-recovery-key",
            Warning::Unreachable { .. } => "check-unreachable",
        }
    }

    /// The warning in a language, with its details filled in.
    pub fn text(&self, state: &AppState, lang: netreach_core::Lang) -> String {
        self.text_with(&state.i18n, &state.settings, state.clock.now(), lang)
    }

    /// The same without a running application (the command line before the database opens).
    pub fn text_with(
        &self,
        i18n: &netreach_i18n::I18n,
        settings: &crate::settings::Settings,
        now: OffsetDateTime,
        lang: netreach_core::Lang,
    ) -> String {
        use netreach_i18n::Value;
        let id = self.message_id();
        match self {
            Warning::NoRecentBackup { last: Some(last) } => {
                let days = (now - *last).whole_days();
                i18n.get_with(lang, id, &[("days", Value::from(days))])
            }
            Warning::EmergencyNumberDefault => i18n.get_with(
                lang,
                id,
                &[(
                    "number",
                    Value::from(settings.conversations.emergency_number.clone()),
                )],
            ),
            Warning::Unreachable { what, why } => i18n.get_with(
                lang,
                id,
                &[
                    ("what", Value::from(*what)),
                    ("why", Value::from(why.clone())),
                ],
            ),
            _ => i18n.get(lang, id),
        }
    }
}

/// The checks that need only the settings.
pub fn settings_warnings(settings: &crate::settings::Settings) -> Vec<Warning> {
    let mut out = Vec::new();
    match &settings.public_url {
        None => out.push(Warning::PublicUrlUnset),
        Some(url) => {
            let onion = url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split(['/', ':']).next())
                .is_some_and(|host| host.ends_with(".onion"));
            if (url.starts_with("https://") || onion) && !settings.secure_cookies {
                out.push(Warning::CookiesNotSecure);
            }
        }
    }
    if settings.conversations.emergency_number == DEFAULT_EMERGENCY_NUMBER {
        out.push(Warning::EmergencyNumberDefault);
    }
    out
}

/// Every check: the settings, the database (admins, backups, the recovery key) and whether the
/// configured notification services answer.
pub async fn warnings(state: &AppState) -> Result<Vec<Warning>, StoreError> {
    let mut out = settings_warnings(&state.settings);
    let admins = state
        .store
        .list_users()
        .await?
        .iter()
        .filter(|u| u.role == Role::Admin && u.is_active())
        .count();
    if admins < 2 {
        out.push(Warning::OneAdmin);
    }
    let last = state.store.milestone(Milestone::Backup).await?;
    if last.is_none_or(|at| state.clock.now() - at > BACKUP_AGE) {
        out.push(Warning::NoRecentBackup { last });
    }
    let inbox_exists = keys::inbox_public(state).await.ok().flatten().is_some();
    if inbox_exists
        && state
            .store
            .milestone(Milestone::RecoveryKeyConfirmed)
            .await?
            .is_none()
    {
        out.push(Warning::RecoveryKeyUnconfirmed);
    }
    out.extend(unreachable(state).await);
    Ok(out)
}

/// The first-run checklist of the admin dashboard.
pub async fn checklist(state: &AppState, staff: &Staff) -> Result<Vec<Warning>, OperationsError> {
    staff.may(Action::ReviewOperations)?;
    Ok(warnings(state).await?)
}

/// Records that an admin has the recovery key written down (the setup page's "I have written it
/// down", or the dashboard's for keys made on the command line).
pub async fn confirm_recovery_key(state: &AppState, staff: &Staff) -> Result<(), OperationsError> {
    staff.may(Action::ReviewOperations)?;
    state
        .store
        .set_milestone(Milestone::RecoveryKeyConfirmed, state.clock.now())
        .await?;
    crate::audit::record(state, &staff.user, AuditAction::RecoveryKeyConfirmed, "").await;
    Ok(())
}

/// A token for the setup page's "I have written it down": a keyed hash (server secret) of the
/// inbox public key, so only the page that showed the key can confirm it, without a session.
pub async fn recovery_written_token(state: &AppState) -> Result<Option<String>, StoreError> {
    let install = keys::install(state).await?;
    Ok(install
        .inbox_public_key
        .map(|key| written_token(state, &key).as_str().to_owned()))
}

fn written_token(state: &AppState, inbox_public_key: &[u8]) -> netreach_crypto::TokenHash {
    let text: String = inbox_public_key
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    netreach_crypto::SecretToken::from_presented(&text).hash(&state.secret, WRITTEN_PURPOSE)
}

const WRITTEN_PURPOSE: &str = "recovery-key-written";

/// The setup page's confirmation, with the token the page carried; false for a wrong token.
pub async fn confirm_written_with_token(state: &AppState, token: &str) -> Result<bool, StoreError> {
    let install = keys::install(state).await?;
    let Some(key) = install.inbox_public_key else {
        return Ok(false);
    };
    let presented = netreach_crypto::TokenHash::from_stored(token.to_owned());
    if written_token(state, &key) != presented {
        return Ok(false);
    }
    state
        .store
        .set_milestone(Milestone::RecoveryKeyConfirmed, state.clock.now())
        .await?;
    crate::audit::record_operator(state, AuditAction::RecoveryKeyConfirmed, "setup").await;
    Ok(true)
}

/// Whether the configured notification services answer (the staff chat's bot, the SMTP
/// server).
async fn unreachable(state: &AppState) -> Vec<Warning> {
    let email = async {
        match crate::notify::email::reachable(state).await {
            Some(Err(why)) => Some(why),
            _ => None,
        }
    };
    let bot = async {
        let notify = &state.settings.notify;
        let token = notify.telegram_token().ok().flatten()?;
        let api = netreach_channels::telegram::BotApi::new(
            state.http.clone(),
            state.settings.telegram_api_base(),
        );
        api.get_me(&token).await.err().map(|e| e.to_string())
    };
    // Both at once, each bounded: the admin dashboard runs these checks on every load.
    let (email, bot) = tokio::join!(within_check_time(email), within_check_time(bot));
    [
        ("email.smtp_url", email),
        ("notify.telegram_bot_token", bot),
    ]
    .into_iter()
    .filter_map(|(what, why)| why.map(|why| Warning::Unreachable { what, why }))
    .collect()
}

/// How long a first-run check may wait for a service to answer.
const CHECK_TIME: std::time::Duration = std::time::Duration::from_secs(3);

/// A check's finding, or "no answer" when the service took longer than [`CHECK_TIME`].
async fn within_check_time(
    check: impl std::future::Future<Output = Option<String>>,
) -> Option<String> {
    tokio::time::timeout(CHECK_TIME, check)
        .await
        .unwrap_or_else(|_| Some(format!("no answer within {} s", CHECK_TIME.as_secs())))
}

/// What reading a restored database back found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadProof {
    pub conversations: u64,
    pub messages: u64,
    /// Messages whose body did not open with the inbox key.
    pub unreadable: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum OperationsError {
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("no staff account is called {0}")]
    UnknownUser(String),
    #[error("the password does not open the inbox key for {0} (wrong password, or no access)")]
    NoAccess(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Conversation(#[from] crate::conversations::ConversationError),
}

/// Opens every message of every conversation with a staff member's password, as the console
/// would: the proof that a restored database is readable, not merely present.
pub async fn prove_readable(
    state: &AppState,
    username: &str,
    password: String,
) -> Result<ReadProof, OperationsError> {
    let unknown = || OperationsError::UnknownUser(username.to_owned());
    let name = Username::parse(username).map_err(|_| unknown())?;
    let user = state
        .store
        .user_by_username(&name)
        .await?
        .ok_or_else(unknown)?;
    let inbox = keys::unlock_inbox(state, &user, password)
        .await
        .ok()
        .flatten()
        .ok_or_else(|| OperationsError::NoAccess(username.to_owned()))?;
    let mut proof = ReadProof::default();
    let mut after: Option<InboxCursor> = None;
    loop {
        let page = state
            .store
            .list_conversations(&InboxFilter {
                after: after.clone(),
                limit: 200,
                ..Default::default()
            })
            .await?;
        for conversation in &page {
            let view = crate::inbox::staff_view(state, conversation.id, Some(&inbox)).await?;
            proof.conversations += 1;
            for entry in &view.entries {
                proof.messages += 1;
                if entry.body.is_none() {
                    proof.unreadable += 1;
                }
            }
        }
        match page.last() {
            Some(last) if page.len() == 200 => {
                after = Some(InboxCursor {
                    urgent: last.urgent,
                    last_activity_at: netreach_core::clock::to_unix(last.last_activity_at),
                    id: last.id.to_string(),
                })
            }
            _ => break,
        }
    }
    Ok(proof)
}
