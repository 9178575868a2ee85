//! The inbox key and who holds it (SECURITY.md, "Encryption at rest").
//!
//! The organisation's inbox secret is never stored unwrapped. Each staff member has an own
//! keypair whose secret is wrapped under their password; the inbox secret is granted by sealing
//! it to the member's public key. At sign-in it is opened and re-wrapped under the session
//! cookie (or API token), which only the browser (or client) holds.
//!
//! These are building blocks, not entry points for a signed-in member: granting access to
//! someone goes through `accounts::grant_access`, which asks the policy first. Creating and
//! recovering the inbox key are for first-run setup and the machine's operator (the CLI).

use crate::state::AppState;
use netreach_crypto::codename::{recovery_key, recovery_phrase};
use netreach_crypto::envelope::random_salt;
use netreach_crypto::{PublicKeyBytes, SecretKeyBytes, WrapKey};
use netreach_store::{StaffKeys, StaffUser, StoreError};

/// Purposes of token-derived wrap keys.
pub const SESSION_WRAP: &str = "staff-session-inbox";
pub const API_WRAP: &str = "api-token-inbox";
pub const CLIENT_WRAP: &str = "client-session";

fn staff_aad(user: netreach_core::UserId) -> String {
    format!("staff-key:{user}")
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the inbox key exists already")]
    InboxExists,
    #[error("the inbox key has not been created yet")]
    NoInbox,
    #[error("this account has no key pair")]
    NoStaffKeys,
    #[error("the key material does not open: {0}")]
    Crypto(#[from] netreach_crypto::CryptoError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A fresh keypair for a staff member, its secret wrapped under their password. Slow (Argon2id):
/// runs off the async runtime.
pub async fn new_staff_keys(
    user: netreach_core::UserId,
    password: String,
) -> (StaffKeys, SecretKeyBytes) {
    crate::kdf::run(move || {
        let secret = SecretKeyBytes::generate();
        let salt = random_salt();
        let wrapped = match WrapKey::from_password(&password, &salt) {
            Ok(key) => secret.wrap(&key, &staff_aad(user)),
            Err(_) => Vec::new(),
        };
        let keys = StaffKeys {
            public_key: secret.public().0.to_vec(),
            wrapped_secret_key: wrapped,
            key_salt: salt.to_vec(),
        };
        (keys, secret)
    })
    .await
    .unwrap_or_else(|| {
        let secret = SecretKeyBytes::generate();
        (
            StaffKeys {
                public_key: secret.public().0.to_vec(),
                wrapped_secret_key: Vec::new(),
                key_salt: Vec::new(),
            },
            secret,
        )
    })
}

/// Re-wraps a member's own secret under a new password (password change).
pub async fn rewrap_staff_keys(
    user: &StaffUser,
    old_password: String,
    new_password: String,
) -> Result<Option<StaffKeys>, KeyError> {
    let Some(keys) = user.keys.clone() else {
        return Ok(None);
    };
    let id = user.id;
    crate::kdf::run(move || {
        let old = WrapKey::from_password(&old_password, &keys.key_salt)?;
        let secret = SecretKeyBytes::unwrap_from(&keys.wrapped_secret_key, &old, &staff_aad(id))?;
        let salt = random_salt();
        let new = WrapKey::from_password(&new_password, &salt)?;
        Ok(Some(StaffKeys {
            public_key: keys.public_key,
            wrapped_secret_key: secret.wrap(&new, &staff_aad(id)),
            key_salt: salt.to_vec(),
        }))
    })
    .await
    .unwrap_or(Err(KeyError::NoStaffKeys))
}

/// Opens the inbox secret for a member who just proved their password; `None` if they have
/// no access (no keys, or not granted).
pub async fn unlock_inbox(
    state: &AppState,
    user: &StaffUser,
    password: String,
) -> Result<Option<SecretKeyBytes>, KeyError> {
    let (Some(keys), Some(grant)) = (user.keys.clone(), state.store.inbox_grant(user.id).await?)
    else {
        return Ok(None);
    };
    let id = user.id;
    let opened = crate::kdf::run(move || -> Result<SecretKeyBytes, KeyError> {
        let key = WrapKey::from_password(&password, &keys.key_salt)?;
        let own = SecretKeyBytes::unwrap_from(&keys.wrapped_secret_key, &key, &staff_aad(id))?;
        Ok(SecretKeyBytes::open_sealed(&grant, &own)?)
    })
    .await
    .unwrap_or(Err(KeyError::NoStaffKeys));
    match opened {
        Ok(secret) => Ok(Some(secret)),
        Err(e) => {
            tracing::warn!(user_id = %user.id, error = %e, "inbox grant does not open for this account");
            Ok(None)
        }
    }
}

/// The inbox public key, if the inbox exists.
pub async fn inbox_public(state: &AppState) -> Result<Option<PublicKeyBytes>, KeyError> {
    let install = install(state).await?;
    install
        .inbox_public_key
        .map(|k| PublicKeyBytes::from_slice(&k).map_err(KeyError::from))
        .transpose()
}

/// The install-wide values, created on first use.
pub async fn install(state: &AppState) -> Result<netreach_store::InstallKeys, StoreError> {
    state.store.ensure_install(random_salt().to_vec()).await
}

/// Creates the inbox keypair, grants it to `admin` and returns the recovery phrase (shown once).
pub async fn create_inbox(state: &AppState, admin: &StaffUser) -> Result<String, KeyError> {
    install(state).await?;
    let inbox = SecretKeyBytes::generate();
    let phrase = recovery_phrase();
    let recovery_wrapped = inbox.wrap(&recovery_key(&phrase), "inbox-recovery");
    let created = state
        .store
        .set_inbox_key(
            inbox.public().0.to_vec(),
            recovery_wrapped,
            state.clock.now(),
        )
        .await?;
    if !created {
        return Err(KeyError::InboxExists);
    }
    grant(state, &inbox, admin).await?;
    tracing::info!(user_id = %admin.id, "inbox key created and granted to the first admin");
    Ok(phrase)
}

/// Seals the inbox secret to a member's public key. Crate-private: a member is granted access
/// through `accounts`, where the policy is asked.
pub(crate) async fn grant(
    state: &AppState,
    inbox: &SecretKeyBytes,
    user: &StaffUser,
) -> Result<(), KeyError> {
    let keys = user.keys.as_ref().ok_or(KeyError::NoStaffKeys)?;
    let public = PublicKeyBytes::from_slice(&keys.public_key)?;
    state
        .store
        .grant_inbox(user.id, inbox.seal_to(&public), state.clock.now())
        .await?;
    tracing::info!(user_id = %user.id, "inbox access granted");
    Ok(())
}

/// Opens the inbox secret with the recovery phrase (for `netreach admin recover` and the
/// operator's other commands; outside the policy, since whoever holds the phrase holds the key).
pub async fn recover_inbox(state: &AppState, phrase: &str) -> Result<SecretKeyBytes, KeyError> {
    let install = install(state).await?;
    let wrapped = install.inbox_recovery_wrapped.ok_or(KeyError::NoInbox)?;
    Ok(SecretKeyBytes::unwrap_from(
        &wrapped,
        &recovery_key(phrase),
        "inbox-recovery",
    )?)
}

/// Wraps the inbox secret under a bearer token, for a session or API token row.
pub fn wrap_for_token(inbox: &SecretKeyBytes, token: &str, purpose: &str) -> Vec<u8> {
    inbox.wrap(&WrapKey::from_token(token, purpose), purpose)
}

/// Opens the inbox secret a session or API token row holds.
pub fn unwrap_for_token(wrapped: &[u8], token: &str, purpose: &str) -> Option<SecretKeyBytes> {
    SecretKeyBytes::unwrap_from(wrapped, &WrapKey::from_token(token, purpose), purpose).ok()
}
