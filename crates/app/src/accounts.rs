//! Staff accounts as a service: sign-in with per-account throttling, sessions, API tokens,
//! account administration and first-run setup. Handlers (pages and API) call these functions;
//! the CLI calls them too, so every surface follows the same rules.

use crate::keys;
use crate::state::AppState;
use netreach_core::{
    NewPassword, PasswordError, Role, TokenId, UserId, Username, UsernameError, throttle,
};
use netreach_crypto::PasswordHash;
use netreach_crypto::SecretKeyBytes;
use netreach_crypto::{SecretToken, hash_password, password::dummy_hash, verify_password};
use netreach_store::{ApiTokenRecord, NewStaffUser, SessionRecord, StaffUser, StoreError};
use time::{Duration, OffsetDateTime};

/// Purposes that separate the keyed hashes of different kinds of token.
pub const SESSION_PURPOSE: &str = "staff-session";
pub const API_TOKEN_PURPOSE: &str = "api-token";
pub const SETUP_PURPOSE: &str = "setup-link";

/// How long a first-run setup link stays valid.
pub const SETUP_LINK_TTL: Duration = Duration::days(7);
/// How long a token from `POST /api/v1/auth/token` stays valid.
pub const API_SIGNIN_TOKEN_TTL: Duration = Duration::days(30);

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong username or password")]
    Invalid,
    #[error("account locked for {minutes} more minutes")]
    Locked { minutes: i64 },
    #[error("account disabled")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Username(#[from] UsernameError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("the username is already taken")]
    Taken,
    #[error("the two passwords differ")]
    Mismatch,
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    #[error("no such account")]
    NoSuchUser,
    #[error("you cannot do this to your own account")]
    OwnAccount,
    #[error("the account has no key pair to grant access to")]
    NoKeys,
    #[error("you have no access to the inbox key yourself")]
    NoInboxAccess,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UsernameTaken => AccountError::Taken,
            other => AccountError::Store(other),
        }
    }
}

impl AccountError {
    /// The Fluent id that tells the person what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            AccountError::Username(UsernameError::TooShort) => "error-username-too-short",
            AccountError::Username(UsernameError::TooLong) => "error-username-too-long",
            AccountError::Username(UsernameError::BadCharacter) => "error-username-characters",
            AccountError::Password(PasswordError::TooShort) => "error-password-too-short",
            AccountError::Password(PasswordError::TooLong) => "error-password-too-long",
            AccountError::Password(PasswordError::Repetitive) => "error-password-repetitive",
            AccountError::Taken => "error-username-taken",
            AccountError::Mismatch => "error-password-mismatch",
            AccountError::WrongCurrentPassword => "error-current-password",
            AccountError::NoSuchUser => "error-body-404",
            AccountError::OwnAccount => "error-own-account",
            AccountError::NoKeys => "error-no-keys",
            AccountError::NoInboxAccess => "error-no-inbox-access",
            AccountError::Store(_) => "error-body-500",
        }
    }
}

/// Argon2id off the async runtime.
/// The username of the account `id` among `users`; `None` without an id or when no such account
/// is listed.
pub fn username_of(users: &[StaffUser], id: Option<netreach_core::UserId>) -> Option<String> {
    id.and_then(|id| users.iter().find(|u| u.id == id))
        .map(|u| u.username.to_string())
}

pub async fn hash_off_runtime(password: String) -> PasswordHash {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .unwrap_or_else(|_| PasswordHash::from_stored("!unusable".into()))
}

async fn verify_off_runtime(password: String, hash: PasswordHash) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// Checks a username and password. Unknown usernames cost the same time as known ones; wrong
/// passwords count towards a per-account lock; a disabled account is only reported to someone
/// who knows its password.
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: String,
) -> Result<StaffUser, LoginError> {
    let now = state.clock.now();
    let user = match Username::parse(username) {
        Ok(name) => state.store.user_by_username(&name).await?,
        Err(_) => None,
    };
    let Some(user) = user else {
        verify_off_runtime(password, dummy_hash().clone()).await;
        return Err(LoginError::Invalid);
    };
    if let Some(until) = user.locked_until
        && until > now
    {
        let minutes = ((until - now).whole_seconds() + 59) / 60;
        return Err(LoginError::Locked {
            minutes: minutes.max(1),
        });
    }
    let stored = PasswordHash::from_stored(user.password_hash.clone());
    if !verify_off_runtime(password, stored).await {
        let failures = state.store.record_failed_login(user.id).await?;
        if let Some(until) = throttle::locked_until(failures, now) {
            state.store.lock_user_until(user.id, until).await?;
        }
        tracing::info!(failures, "staff sign-in failed");
        return Err(LoginError::Invalid);
    }
    if !user.is_active() {
        return Err(LoginError::Disabled);
    }
    if user.failed_logins > 0 || user.locked_until.is_some() {
        state.store.clear_login_failures(user.id).await?;
    }
    Ok(user)
}

/// When a session started now must end at the latest.
fn session_expiry(
    state: &AppState,
    created_at: OffsetDateTime,
    now: OffsetDateTime,
) -> OffsetDateTime {
    let idle = now + Duration::minutes(i64::from(state.settings.session.idle_minutes));
    let cap = created_at + Duration::hours(i64::from(state.settings.session.max_hours));
    idle.min(cap)
}

/// Starts a console session; the returned secret goes into the cookie, only its hash is stored.
/// The inbox key, opened with the password, is kept wrapped under the cookie.
pub async fn start_session(
    state: &AppState,
    user: &StaffUser,
    password: String,
) -> Result<SecretToken, StoreError> {
    let token = SecretToken::generate();
    let inbox = unlock_with_password(state, user, password).await?;
    let wrapped_inbox_key = inbox
        .as_ref()
        .map(|k| keys::wrap_for_token(k, token.expose(), keys::SESSION_WRAP));
    let now = state.clock.now();
    state
        .store
        .create_session(SessionRecord {
            token_hash: token
                .hash(&state.secret, SESSION_PURPOSE)
                .as_str()
                .to_owned(),
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: session_expiry(state, now, now),
            wrapped_inbox_key,
        })
        .await?;
    tracing::info!(user_id = %user.id, "staff session started");
    Ok(token)
}

/// Opens the inbox key with a password that was just verified; `None` without access.
pub async fn unlock_with_password(
    state: &AppState,
    user: &StaffUser,
    password: String,
) -> Result<Option<SecretKeyBytes>, StoreError> {
    match keys::unlock_inbox(state, user, password).await {
        Ok(inbox) => Ok(inbox),
        Err(keys::KeyError::Store(e)) => Err(e),
        Err(_) => Ok(None),
    }
}

/// The user behind a session cookie, sliding its idle expiry forward (at most once a minute).
pub async fn resume_session(
    state: &AppState,
    token: &SecretToken,
) -> Result<Option<(SessionRecord, StaffUser)>, StoreError> {
    let hash = token
        .hash(&state.secret, SESSION_PURPOSE)
        .as_str()
        .to_owned();
    let now = state.clock.now();
    let Some((session, user)) = state.store.session(&hash, now).await? else {
        return Ok(None);
    };
    if now - session.last_seen_at >= Duration::minutes(1) {
        let expires = session_expiry(state, session.created_at, now);
        state.store.touch_session(&hash, now, expires).await?;
    }
    Ok(Some((session, user)))
}

pub async fn end_session(state: &AppState, session_hash: &str) -> Result<(), StoreError> {
    state.store.delete_session(session_hash).await
}

/// Issues an API token for the user; the secret is returned once. With the inbox key at hand,
/// the token can read conversations too.
pub async fn issue_api_token(
    state: &AppState,
    user: &StaffUser,
    name: &str,
    ttl: Option<Duration>,
    inbox: Option<&SecretKeyBytes>,
) -> Result<(ApiTokenRecord, SecretToken), StoreError> {
    let token = SecretToken::generate();
    let wrapped_inbox_key = inbox.map(|k| keys::wrap_for_token(k, token.expose(), keys::API_WRAP));
    let now = state.clock.now();
    let record = ApiTokenRecord {
        id: TokenId::new_random(),
        user_id: user.id,
        name: name.to_owned(),
        token_hash: token
            .hash(&state.secret, API_TOKEN_PURPOSE)
            .as_str()
            .to_owned(),
        created_at: now,
        last_used_at: None,
        expires_at: ttl.map(|ttl| now + ttl),
        wrapped_inbox_key,
    };
    state.store.create_api_token(record.clone()).await?;
    tracing::info!(user_id = %user.id, token_id = %record.id, "api token issued");
    Ok((record, token))
}

/// The user behind a bearer token.
pub async fn user_for_api_token(
    state: &AppState,
    token: &SecretToken,
) -> Result<Option<(ApiTokenRecord, StaffUser)>, StoreError> {
    let hash = token.hash(&state.secret, API_TOKEN_PURPOSE);
    state
        .store
        .use_api_token(hash.as_str(), state.clock.now())
        .await
}

/// Creates a staff account after checking the username and password policy, with its own key
/// pair. With the inbox key at hand (an admin signed in with access), access is granted at once;
/// otherwise an admin grants it later.
pub async fn create_user(
    state: &AppState,
    username: &str,
    role: Role,
    password: String,
    inbox: Option<&SecretKeyBytes>,
) -> Result<StaffUser, AccountError> {
    let username = Username::parse(username)?;
    let password = NewPassword::parse(password)?;
    let id = UserId::new_random();
    let hash = hash_off_runtime(password.expose().to_owned()).await;
    let (staff_keys, _) = keys::new_staff_keys(id, password.expose().to_owned()).await;
    let user = state
        .store
        .create_user(NewStaffUser {
            id,
            username,
            role,
            password_hash: hash.as_str().to_owned(),
            created_at: state.clock.now(),
            keys: Some(staff_keys),
        })
        .await?;
    tracing::info!(user_id = %user.id, role = %user.role, "staff account created");
    if let Some(inbox) = inbox {
        grant_access(state, inbox, &user).await?;
    }
    Ok(user)
}

/// Grants a member access to the inbox with the granting admin's inbox key.
pub async fn grant_access(
    state: &AppState,
    inbox: &SecretKeyBytes,
    user: &StaffUser,
) -> Result<(), AccountError> {
    match keys::grant(state, inbox, user).await {
        Ok(()) => Ok(()),
        Err(keys::KeyError::Store(e)) => Err(AccountError::Store(e)),
        Err(_) => Err(AccountError::NoKeys),
    }
}

/// Sets a new password for someone who lost theirs (admin reset, CLI); ends every session of
/// that user. Their old key pair cannot be opened any more, so they get a new one and lose inbox
/// access, which is granted again at once when the resetting admin's inbox key is at hand.
pub async fn set_password(
    state: &AppState,
    user_id: UserId,
    new_password: String,
    confirm: &str,
    inbox: Option<&SecretKeyBytes>,
) -> Result<(), AccountError> {
    if new_password != confirm {
        return Err(AccountError::Mismatch);
    }
    let password = NewPassword::parse(new_password)?;
    let (staff_keys, _) = keys::new_staff_keys(user_id, password.expose().to_owned()).await;
    let hash = hash_off_runtime(password.expose().to_owned()).await;
    if !state
        .store
        .reset_credentials(user_id, hash.as_str(), staff_keys, state.clock.now())
        .await?
    {
        return Err(AccountError::NoSuchUser);
    }
    tracing::info!(%user_id, "staff password reset: sessions, tokens and inbox access ended");
    if let Some(inbox) = inbox
        && let Some(user) = state.store.user_by_id(user_id).await?
    {
        grant_access(state, inbox, &user).await?;
    }
    Ok(())
}

/// A signed-in user changes their own password, proving the current one first.
pub async fn change_own_password(
    state: &AppState,
    user: &StaffUser,
    current: String,
    new_password: String,
    confirm: &str,
) -> Result<(), AccountError> {
    let stored = PasswordHash::from_stored(user.password_hash.clone());
    if !verify_off_runtime(current.clone(), stored).await {
        return Err(AccountError::WrongCurrentPassword);
    }
    if new_password != confirm {
        return Err(AccountError::Mismatch);
    }
    let password = NewPassword::parse(new_password)?;
    // Keep the key pair (and so inbox access): re-wrap it under the new password.
    let rewrapped = match keys::rewrap_staff_keys(user, current, password.expose().to_owned()).await
    {
        Ok(rewrapped) => rewrapped,
        Err(keys::KeyError::Store(e)) => return Err(AccountError::Store(e)),
        Err(_) => return Err(AccountError::NoKeys),
    };
    let hash = hash_off_runtime(password.expose().to_owned()).await;
    if !state
        .store
        .change_credentials(user.id, hash.as_str(), rewrapped, state.clock.now())
        .await?
    {
        return Err(AccountError::NoSuchUser);
    }
    tracing::info!(user_id = %user.id, "staff password changed");
    Ok(())
}

/// Disables or re-enables someone else's account. Disabling ends their sessions and tokens.
pub async fn set_disabled(
    state: &AppState,
    actor: &StaffUser,
    target: UserId,
    disabled: bool,
) -> Result<(), AccountError> {
    if actor.id == target {
        return Err(AccountError::OwnAccount);
    }
    let at = disabled.then(|| state.clock.now());
    if !state.store.set_user_disabled(target, at).await? {
        return Err(AccountError::NoSuchUser);
    }
    tracing::info!(user_id = %target, disabled, "staff account status changed");
    Ok(())
}

pub async fn set_role(
    state: &AppState,
    actor: &StaffUser,
    target: UserId,
    role: Role,
) -> Result<(), AccountError> {
    if actor.id == target {
        return Err(AccountError::OwnAccount);
    }
    if !state.store.set_user_role(target, role).await? {
        return Err(AccountError::NoSuchUser);
    }
    tracing::info!(user_id = %target, %role, "staff role changed");
    Ok(())
}

/// Creates a fresh first-run setup link if no account exists yet; returns its path and query.
pub async fn new_setup_link(state: &AppState) -> Result<Option<String>, StoreError> {
    if state.store.count_users().await? > 0 {
        return Ok(None);
    }
    let token = SecretToken::generate();
    let expires = state.clock.now() + SETUP_LINK_TTL;
    state
        .store
        .put_setup_token(token.hash(&state.secret, SETUP_PURPOSE).as_str(), expires)
        .await?;
    Ok(Some(format!("/staff/setup?token={}", token.expose())))
}

pub async fn setup_link_valid(state: &AppState, token: &str) -> Result<bool, StoreError> {
    let hash = SecretToken::from_presented(token).hash(&state.secret, SETUP_PURPOSE);
    state
        .store
        .setup_token_valid(hash.as_str(), state.clock.now())
        .await
}

/// Creates the first admin through a setup link, creates the inbox key and grants it to them.
/// Returns the admin and the recovery phrase (shown once); `Ok(None)` when the link is invalid
/// or used.
pub async fn complete_setup(
    state: &AppState,
    token: &str,
    username: &str,
    password: String,
    confirm: &str,
) -> Result<Option<(StaffUser, String)>, AccountError> {
    let username = Username::parse(username)?;
    if password != confirm {
        return Err(AccountError::Mismatch);
    }
    let password = NewPassword::parse(password)?;
    let hash = hash_off_runtime(password.expose().to_owned()).await;
    let now = state.clock.now();
    let token_hash = SecretToken::from_presented(token).hash(&state.secret, SETUP_PURPOSE);
    let id = UserId::new_random();
    let (staff_keys, _) = keys::new_staff_keys(id, password.expose().to_owned()).await;
    let admin = NewStaffUser {
        id,
        username,
        role: Role::Admin,
        password_hash: hash.as_str().to_owned(),
        created_at: now,
        keys: Some(staff_keys),
    };
    let Some(admin) = state
        .store
        .complete_setup(token_hash.as_str(), now, admin)
        .await?
    else {
        return Ok(None);
    };
    let phrase = first_inbox(state, &admin).await?;
    Ok(Some((admin, phrase)))
}

/// Creates the inbox key for the first admin; returns the recovery phrase.
pub async fn first_inbox(state: &AppState, admin: &StaffUser) -> Result<String, AccountError> {
    match keys::create_inbox(state, admin).await {
        Ok(phrase) => Ok(phrase),
        Err(keys::KeyError::Store(e)) => Err(AccountError::Store(e)),
        Err(e) => Err(AccountError::Store(StoreError::Corrupt(e.to_string()))),
    }
}
