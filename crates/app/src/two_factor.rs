//! Two-factor sign-in for staff (TOTP, RFC 6238): enrolment, recovery codes, turning it off, an
//! admin's reset, and the check of a second factor at sign-in (used by `accounts`).
//!
//! The secret is encrypted under a key derived from the server secret (as venues' bot tokens
//! are), bound to the member's id; the server must read it with nobody's password at hand.
//! Recovery codes are kept as keyed hashes only. A code is taken once: the store raises the
//! member's last used step with a compare-and-set, so a replayed or raced code fails.
//! Nothing here logs a code, a secret or a recovery code.

use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_core::UserId;
use netreach_core::clock::to_unix;
use netreach_crypto::totp::{self, TotpSecret};
use netreach_crypto::{PasswordHash, SecretToken};
use netreach_store::{StaffUser, StoreError};

/// Purpose of the key the TOTP secrets are encrypted under.
const SECRET_PURPOSE: &str = "staff-totp";
/// Purpose of the keyed hash of recovery codes.
const RECOVERY_PURPOSE: &str = "totp-recovery";

fn secret_aad(user: UserId) -> String {
    format!("staff-totp:{user}")
}

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error("two-factor sign-in is already on")]
    AlreadyEnabled,
    #[error("two-factor sign-in is not on")]
    NotEnabled,
    #[error("no enrolment was started")]
    NotStarted,
    #[error("the code is wrong or was used already")]
    WrongCode,
    #[error("the password is wrong")]
    WrongPassword,
    #[error("two-factor sign-in is required for this account")]
    Required,
    #[error("no such account")]
    NoSuchUser,
    #[error("you cannot do this to your own account")]
    OwnAccount,
    #[error("the stored secret cannot be read with this server secret")]
    Unreadable,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TwoFactorError {
    /// The Fluent id that tells the person what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            TwoFactorError::AlreadyEnabled => "totp-error-enabled",
            TwoFactorError::NotEnabled => "totp-error-not-enabled",
            TwoFactorError::NotStarted => "totp-error-not-started",
            TwoFactorError::WrongCode => "totp-error-code",
            TwoFactorError::WrongPassword => "error-current-password",
            TwoFactorError::Required => "totp-error-required",
            TwoFactorError::NoSuchUser => "error-body-404",
            TwoFactorError::OwnAccount => "error-own-account",
            TwoFactorError::Denied(Denied::TwoFactorRequired) => "totp-must-enrol",
            TwoFactorError::Denied(_) => "error-body-403",
            TwoFactorError::Unreadable | TwoFactorError::Store(_) => "error-body-500",
        }
    }
}

/// Whether `user` must enrol before doing anything else: `session.require_totp` covers their
/// role and they have no confirmed secret.
pub fn must_enrol(state: &AppState, user: &StaffUser) -> bool {
    state.settings.session.require_totp.applies_to(user.role) && !user.totp_enabled
}

/// An enrolment waiting for its first code: what the member's authenticator app needs.
pub struct Enrolment {
    /// The secret in base32, for typing by hand.
    pub secret: String,
    pub otpauth_url: String,
    /// The QR code of the URL, an inline `<svg>` element.
    pub qr_svg: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(<redacted>)")
    }
}

/// Where the member stands, for their account page.
#[derive(Debug, Clone, Copy)]
pub struct Status {
    pub enabled: bool,
    pub waiting: bool,
    pub recovery_codes_left: u64,
    pub required: bool,
}

/// The member's two-factor status.
pub async fn status(state: &AppState, staff: &Staff) -> Result<Status, TwoFactorError> {
    staff.may(Action::ManageOwnTwoFactor)?;
    let record = state.store.totp(staff.user.id).await?;
    let enabled = record.as_ref().is_some_and(|r| r.confirmed_at.is_some());
    Ok(Status {
        enabled,
        waiting: record.is_some() && !enabled,
        recovery_codes_left: if enabled {
            state.store.count_recovery_codes(staff.user.id).await?
        } else {
            0
        },
        required: state
            .settings
            .session
            .require_totp
            .applies_to(staff.user.role),
    })
}

fn issuer(state: &AppState) -> String {
    // The otpauth label separates issuer and account with ':'.
    let name: String = state
        .settings
        .org_name
        .chars()
        .filter(|c| *c != ':')
        .collect();
    let name = name.trim();
    if name.is_empty() {
        "Netreach".to_owned()
    } else {
        name.to_owned()
    }
}

fn enrolment(state: &AppState, user: &StaffUser, secret: &TotpSecret) -> Enrolment {
    let otpauth_url = secret
        .otpauth_url(&issuer(state), user.username.as_str())
        .or_else(|_| secret.otpauth_url("Netreach", user.username.as_str()))
        .unwrap_or_default();
    Enrolment {
        secret: secret.base32(),
        qr_svg: totp::qr_svg(&otpauth_url).unwrap_or_default(),
        otpauth_url,
    }
}

fn encrypt(state: &AppState, user: UserId, secret: &TotpSecret) -> Vec<u8> {
    state
        .secret
        .wrap_key(SECRET_PURPOSE)
        .encrypt(secret.expose(), &secret_aad(user))
}

fn decrypt(state: &AppState, user: UserId, stored: &[u8]) -> Result<TotpSecret, TwoFactorError> {
    let bytes = state
        .secret
        .wrap_key(SECRET_PURPOSE)
        .decrypt(stored, &secret_aad(user))
        .map_err(|_| TwoFactorError::Unreadable)?;
    TotpSecret::from_bytes(&bytes).map_err(|_| TwoFactorError::Unreadable)
}

/// Starts (or restarts) enrolment with a fresh secret; it is not active until [`confirm`].
/// Refused while two-factor sign-in is on (turn it off first).
pub async fn start(state: &AppState, staff: &Staff) -> Result<Enrolment, TwoFactorError> {
    staff.may(Action::ManageOwnTwoFactor)?;
    let secret = TotpSecret::generate();
    let stored = encrypt(state, staff.user.id, &secret);
    if !state
        .store
        .start_totp(staff.user.id, stored, state.clock.now())
        .await?
    {
        return Err(TwoFactorError::AlreadyEnabled);
    }
    tracing::info!(user_id = %staff.user.id, "two-factor enrolment started");
    Ok(enrolment(state, &staff.user, &secret))
}

/// The enrolment waiting for its first code, shown again (after a wrong code, or a reload).
pub async fn waiting(state: &AppState, staff: &Staff) -> Result<Option<Enrolment>, TwoFactorError> {
    staff.may(Action::ManageOwnTwoFactor)?;
    match state.store.totp(staff.user.id).await? {
        Some(record) if record.confirmed_at.is_none() => {
            let secret = decrypt(state, staff.user.id, &record.secret)?;
            Ok(Some(enrolment(state, &staff.user, &secret)))
        }
        _ => Ok(None),
    }
}

/// Confirms the waiting enrolment with a first code and turns two-factor sign-in on. Returns the
/// ten recovery codes, shown this once; only their keyed hashes are kept.
pub async fn confirm(
    state: &AppState,
    staff: &Staff,
    code: &str,
) -> Result<Vec<String>, TwoFactorError> {
    staff.may(Action::ManageOwnTwoFactor)?;
    let record = match state.store.totp(staff.user.id).await? {
        Some(record) if record.confirmed_at.is_some() => {
            return Err(TwoFactorError::AlreadyEnabled);
        }
        Some(record) => record,
        None => return Err(TwoFactorError::NotStarted),
    };
    let secret = decrypt(state, staff.user.id, &record.secret)?;
    let now = unix_now(state);
    let step = secret
        .matching_step(code, now)
        .and_then(|s| i64::try_from(s).ok())
        .ok_or(TwoFactorError::WrongCode)?;
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| totp::new_recovery_code())
        .collect();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| totp::normalise_recovery_code(c))
        .map(|c| recovery_hash(state, &c))
        .collect();
    if !state
        .store
        .confirm_totp(staff.user.id, step, &hashes, state.clock.now())
        .await?
    {
        return Err(TwoFactorError::NotStarted);
    }
    tracing::info!(user_id = %staff.user.id, "two-factor sign-in turned on");
    crate::audit::record(
        state,
        &staff.user,
        netreach_core::AuditAction::TwoFactorEnabled,
        staff.user.id,
    )
    .await;
    Ok(codes)
}

/// Turns the member's own two-factor sign-in off, proving the password and a code (or a
/// recovery code) first. Refused when `session.require_totp` covers their role.
pub async fn disable(
    state: &AppState,
    staff: &Staff,
    password: String,
    code: &str,
) -> Result<(), TwoFactorError> {
    staff.may(Action::ManageOwnTwoFactor)?;
    if state
        .settings
        .session
        .require_totp
        .applies_to(staff.user.role)
    {
        return Err(TwoFactorError::Required);
    }
    if !staff.user.totp_enabled {
        return Err(TwoFactorError::NotEnabled);
    }
    let stored = PasswordHash::from_stored(staff.user.password_hash.clone());
    if !crate::accounts::verify_off_runtime(password, stored).await {
        return Err(TwoFactorError::WrongPassword);
    }
    if !second_factor_holds(state, &staff.user, code).await? {
        return Err(TwoFactorError::WrongCode);
    }
    state.store.remove_totp(staff.user.id).await?;
    tracing::info!(user_id = %staff.user.id, "two-factor sign-in turned off");
    crate::audit::record(
        state,
        &staff.user,
        netreach_core::AuditAction::TwoFactorDisabled,
        staff.user.id,
    )
    .await;
    Ok(())
}

/// An admin removes another member's two-factor sign-in (lost phone and recovery codes); they
/// sign in with their password alone until they enrol again, or are sent to enrolment at once
/// when `session.require_totp` covers them.
pub async fn reset(state: &AppState, staff: &Staff, target: UserId) -> Result<(), TwoFactorError> {
    staff.may(Action::ResetTwoFactor)?;
    if staff.user.id == target {
        return Err(TwoFactorError::OwnAccount);
    }
    if state.store.user_by_id(target).await?.is_none() {
        return Err(TwoFactorError::NoSuchUser);
    }
    if !state.store.remove_totp(target).await? {
        return Err(TwoFactorError::NotEnabled);
    }
    tracing::info!(user_id = %target, by = %staff.user.id, "two-factor sign-in reset by an admin");
    crate::audit::record(
        state,
        &staff.user,
        netreach_core::AuditAction::TwoFactorReset,
        target,
    )
    .await;
    Ok(())
}

/// Operator only, outside the policy: removes a member's two-factor sign-in from the CLI
/// (`netreach admin reset-totp`), for when no admin can sign in to do it (a sole admin who lost
/// their phone and recovery codes). Returns false when the account had none.
pub async fn reset_as_operator(state: &AppState, user: UserId) -> Result<bool, StoreError> {
    let removed = state.store.remove_totp(user).await?;
    if removed {
        tracing::info!(user_id = %user, "two-factor sign-in reset by the operator");
        crate::audit::record_operator(state, netreach_core::AuditAction::TwoFactorReset, user)
            .await;
    }
    Ok(removed)
}

fn unix_now(state: &AppState) -> u64 {
    u64::try_from(to_unix(state.clock.now())).unwrap_or(0)
}

fn recovery_hash(state: &AppState, normalised: &str) -> String {
    SecretToken::from_presented(normalised)
        .hash(&state.secret, RECOVERY_PURPOSE)
        .as_str()
        .to_owned()
}

/// Whether `typed` is a valid second factor for `user` now, taking it if so: a six-digit code
/// of the current step or one either side that is later than the last one taken, or one of the
/// unused recovery codes. False for anything else (including an account without a confirmed
/// secret). The caller charges the attempt against the sign-in throttle first.
pub(crate) async fn second_factor_holds(
    state: &AppState,
    user: &StaffUser,
    typed: &str,
) -> Result<bool, StoreError> {
    let Some(record) = state
        .store
        .totp(user.id)
        .await?
        .filter(|r| r.confirmed_at.is_some())
    else {
        return Ok(false);
    };
    if let Some(recovery) = totp::normalise_recovery_code(typed) {
        let taken = state
            .store
            .use_recovery_code(user.id, &recovery_hash(state, &recovery))
            .await?;
        if taken {
            tracing::warn!(user_id = %user.id, "signed in with a recovery code");
        }
        return Ok(taken);
    }
    let Ok(secret) = decrypt(state, user.id, &record.secret) else {
        tracing::error!(user_id = %user.id, "stored TOTP secret does not decrypt");
        return Ok(false);
    };
    let Some(step) = secret
        .matching_step(typed, unix_now(state))
        .and_then(|s| i64::try_from(s).ok())
    else {
        return Ok(false);
    };
    state.store.use_totp_step(user.id, step).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolment_never_shows_its_secret_in_debug() {
        let enrolment = Enrolment {
            secret: "GEZDGNBVGY3TQOJQ".into(),
            otpauth_url: "otpauth://totp/N:a?secret=GEZDGNBVGY3TQOJQ".into(),
            qr_svg: String::new(),
        };
        assert_eq!(format!("{enrolment:?}"), "Enrolment(<redacted>)");
    }
}
