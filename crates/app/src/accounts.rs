//! Staff accounts as a service: sign-in with per-account throttling, sessions, API tokens,
//! account administration and first-run setup. Handlers (pages and API) call these functions;
//! the CLI calls them too, so every surface follows the same rules.
//!
//! What a signed-in member does takes them as a [`Staff`] and asks the policy first
//! ([`Action::OwnAccount`] for their own account and tokens, [`Action::ManageUsers`] and
//! [`Action::GrantInboxAccess`] for other accounts). The functions named `..._as_operator` are
//! for the machine's operator (the `netreach` CLI, the demo loader, test kits): they run with the
//! server's own access, outside the policy, and no route calls them.

use crate::audit;
use crate::keys;
use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_core::AuditAction;
use netreach_core::{
    NewPassword, PasswordError, Role, TokenId, UserId, Username, UsernameError, throttle,
};
use netreach_crypto::PasswordHash;
use netreach_crypto::SecretKeyBytes;
use netreach_crypto::{SecretToken, hash_password, password::dummy_hash, verify_password};
use netreach_store::{
    ApiTokenRecord, InviteRecord, NewStaffUser, PendingSignin, SessionRecord, StaffUser, StoreError,
};
use time::{Duration, OffsetDateTime};

mod invites;
mod setup;
mod tokens;
pub use invites::{INVITE_TTL, Invite, accept_invite, invite, invited, invites, withdraw_invite};
pub use setup::{complete_setup, first_inbox, new_setup_link, setup_link_valid};
pub use tokens::{
    TOKEN_LIFETIME_DAYS, TOKEN_NAME_MAX, TokenError, issue_api_token, issue_own_token, own_tokens,
    revoke_own_token, user_for_api_token,
};

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
    /// The password was right and the account has two-factor sign-in: a code is needed.
    #[error("a two-factor code is needed")]
    CodeRequired,
    /// The password was right but the code (or recovery code) was wrong or used already.
    #[error("wrong or used two-factor code")]
    WrongCode,
    /// The sign-in waiting for its code ended (five minutes) or was used: start again.
    #[error("the sign-in expired")]
    Expired,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How long a console sign-in waits for its second factor after the password.
pub const PENDING_SIGNIN_TTL: Duration = Duration::minutes(5);
/// Purpose of the keyed hash of a pending sign-in's cookie, and of the key its inbox key is
/// wrapped under.
pub const PENDING_PURPOSE: &str = "pending-signin";

/// What a right password gives at the console.
#[derive(Debug)]
pub enum SignedIn {
    /// A session: its secret goes into the session cookie.
    Session(SecretToken),
    /// The account has two-factor sign-in: this secret goes into the pending sign-in cookie
    /// and the code is asked for next ([`complete_sign_in`]).
    NeedsCode(SecretToken),
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
    Denied(#[from] Denied),
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
            AccountError::Password(PasswordError::Guessable(why)) => why.message_id(),
            AccountError::Taken => "error-username-taken",
            AccountError::Mismatch => "error-password-mismatch",
            AccountError::WrongCurrentPassword => "error-current-password",
            AccountError::NoSuchUser => "error-body-404",
            AccountError::OwnAccount => "error-own-account",
            AccountError::NoKeys => "error-no-keys",
            AccountError::NoInboxAccess => "error-no-inbox-access",
            AccountError::Denied(Denied::NoInboxKey) => "error-no-inbox-access",
            AccountError::Denied(_) => "error-body-403",
            AccountError::Store(_) => "error-body-500",
        }
    }
}

/// The username of the account `id` among `users`; `None` without an id or when no such account
/// is listed.
pub fn username_of(users: &[StaffUser], id: Option<netreach_core::UserId>) -> Option<String> {
    id.and_then(|id| users.iter().find(|u| u.id == id))
        .map(|u| u.username.to_string())
}

/// Argon2id off the async runtime.
pub async fn hash_off_runtime(password: String) -> PasswordHash {
    crate::kdf::run(move || hash_password(&password))
        .await
        .unwrap_or_else(|| PasswordHash::from_stored("!unusable".into()))
}

pub(crate) async fn verify_off_runtime(password: String, hash: PasswordHash) -> bool {
    crate::kdf::run(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// How often a sign-in re-reads the account when parallel attempts keep charging it first.
const CHARGE_RETRIES: usize = 16;

/// Checks a username and password. Unknown usernames cost the same time as known ones; every
/// attempt on a known account is charged as a failure before the password is hashed (atomically,
/// so a parallel burst meets the lock as a sequential one does) and the charge is cleared when the
/// password is right, or for an account with two-factor sign-in only once its code is right (so
/// guessing codes with a known password meets the same lock); a disabled account is only
/// reported to someone who knows its password.
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
    let user = charge_attempt(state, user, now).await?;
    let stored = PasswordHash::from_stored(user.password_hash.clone());
    if !verify_off_runtime(password, stored).await {
        tracing::info!(failures = user.failed_logins + 1, "staff sign-in failed");
        // Recorded only once the password was actually checked: the lock bounds how often
        // that happens, so a flood cannot fill the log (unknown usernames and attempts on a
        // locked account are not staff actions and are not recorded).
        audit::record(state, &user, AuditAction::SignInFailed, "").await;
        return Err(LoginError::Invalid);
    }
    if !user.totp_enabled {
        state.store.clear_login_failures(user.id).await?;
    }
    if !user.is_active() {
        return Err(LoginError::Disabled);
    }
    if !user.totp_enabled {
        // With two-factor sign-in, the sign-in is recorded once the code is right.
        audit::record(state, &user, AuditAction::SignIn, "").await;
    }
    Ok(user)
}

/// The second factor after a right password (the attempt is charged already): takes the code
/// and clears the charge, or refuses.
async fn second_factor(
    state: &AppState,
    user: &StaffUser,
    code: Option<&str>,
) -> Result<(), LoginError> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        audit::record(state, user, AuditAction::SignInFailed, "").await;
        return Err(LoginError::CodeRequired);
    };
    if !crate::two_factor::second_factor_holds(state, user, code).await? {
        tracing::info!(user_id = %user.id, "staff two-factor code refused");
        audit::record(state, user, AuditAction::SignInFailed, "").await;
        return Err(LoginError::WrongCode);
    }
    state.store.clear_login_failures(user.id).await?;
    audit::record(state, user, AuditAction::SignIn, "").await;
    Ok(())
}

/// Counts this attempt as a failure (and locks the account if it is one too many) before any
/// password hashing; refuses while the account is locked.
async fn charge_attempt(
    state: &AppState,
    mut user: StaffUser,
    now: OffsetDateTime,
) -> Result<StaffUser, LoginError> {
    for _ in 0..CHARGE_RETRIES {
        if let Some(until) = user.locked_until
            && until > now
        {
            let minutes = ((until - now).whole_seconds() + 59) / 60;
            return Err(LoginError::Locked {
                minutes: minutes.max(1),
            });
        }
        let seen = user.failed_logins;
        let lock = throttle::locked_until(seen + 1, now);
        if state
            .store
            .charge_login_attempt(user.id, seen, lock, now)
            .await?
        {
            return Ok(user);
        }
        user = state
            .store
            .user_by_id(user.id)
            .await?
            .ok_or(LoginError::Invalid)?;
    }
    // So many parallel attempts on one account that this one never got a turn: a burst.
    Err(LoginError::Locked { minutes: 1 })
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

/// Signs in to the console: checks the password (see [`authenticate`]) and starts a session,
/// or, for an account with two-factor sign-in, a pending sign-in that waits five minutes for
/// its code ([`complete_sign_in`]). Anyone may try ([`Action::SignIn`]); there is nobody to
/// check yet.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: String,
) -> Result<SignedIn, LoginError> {
    let user = authenticate(state, username, password.clone()).await?;
    if !user.totp_enabled {
        return Ok(SignedIn::Session(
            start_session(state, &user, password).await?,
        ));
    }
    let token = SecretToken::generate();
    let inbox = unlock_with_password(state, &user, password).await?;
    state
        .store
        .create_pending_signin(PendingSignin {
            token_hash: token
                .hash(&state.secret, PENDING_PURPOSE)
                .as_str()
                .to_owned(),
            user_id: user.id,
            expires_at: state.clock.now() + PENDING_SIGNIN_TTL,
            wrapped_inbox_key: inbox
                .as_ref()
                .map(|k| keys::wrap_for_token(k, token.expose(), PENDING_PURPOSE)),
        })
        .await?;
    Ok(SignedIn::NeedsCode(token))
}

/// The console's second step: the code (or a recovery code) for the sign-in the pending cookie
/// names. Each try is charged against the account's sign-in throttle before the code is
/// checked; a right code turns the pending sign-in into a new session (a new secret, the
/// pending one is gone).
pub async fn complete_sign_in(
    state: &AppState,
    pending: &SecretToken,
    code: &str,
) -> Result<SecretToken, LoginError> {
    let now = state.clock.now();
    let hash = pending
        .hash(&state.secret, PENDING_PURPOSE)
        .as_str()
        .to_owned();
    let Some(waiting) = state.store.pending_signin(&hash, now).await? else {
        return Err(LoginError::Expired);
    };
    let Some(user) = state
        .store
        .user_by_id(waiting.user_id)
        .await?
        .filter(StaffUser::is_active)
    else {
        return Err(LoginError::Expired);
    };
    let user = charge_attempt(state, user, now).await?;
    second_factor(state, &user, Some(code)).await?;
    let token = SecretToken::generate();
    let wrapped_inbox_key = waiting
        .wrapped_inbox_key
        .as_deref()
        .and_then(|w| keys::unwrap_for_token(w, pending.expose(), PENDING_PURPOSE))
        .map(|k| keys::wrap_for_token(&k, token.expose(), keys::SESSION_WRAP));
    let session = SessionRecord {
        token_hash: token
            .hash(&state.secret, SESSION_PURPOSE)
            .as_str()
            .to_owned(),
        user_id: user.id,
        created_at: now,
        last_seen_at: now,
        expires_at: session_expiry(state, now, now),
        wrapped_inbox_key,
    };
    if !state
        .store
        .promote_pending_signin(&hash, now, session)
        .await?
    {
        return Err(LoginError::Expired);
    }
    tracing::info!(user_id = %user.id, "staff session started with two-factor sign-in");
    Ok(token)
}

/// Signs in for an API token named `name` (valid [`API_SIGNIN_TOKEN_TTL`]); with inbox access,
/// the token can read conversations too. An account with two-factor sign-in needs `totp` (a
/// code or a recovery code), asked for only once the password is right. Anyone may try
/// ([`Action::SignIn`]).
pub async fn sign_in_for_token(
    state: &AppState,
    username: &str,
    password: String,
    totp: Option<&str>,
    name: &str,
) -> Result<(ApiTokenRecord, SecretToken), LoginError> {
    let user = authenticate(state, username, password.clone()).await?;
    if user.totp_enabled {
        second_factor(state, &user, totp).await?;
    }
    let inbox = unlock_with_password(state, &user, password).await?;
    Ok(issue_api_token(
        state,
        &user,
        name,
        Some(API_SIGNIN_TOKEN_TTL),
        inbox.as_ref(),
    )
    .await?)
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

/// Ends the member's console session whose token hashes to `session_hash` (sign out).
pub async fn end_session(
    state: &AppState,
    staff: &Staff,
    session_hash: &str,
) -> Result<(), AccountError> {
    staff.may(Action::SignOut)?;
    Ok(state.store.delete_session(session_hash).await?)
}

/// Ends every console session of the member, on every device.
pub async fn end_all_sessions(state: &AppState, staff: &Staff) -> Result<(), AccountError> {
    staff.may(Action::SignOut)?;
    state.store.delete_user_sessions(staff.user.id).await?;
    tracing::info!(user_id = %staff.user.id, "staff signed out everywhere");
    audit::record(
        state,
        &staff.user,
        AuditAction::SignOutEverywhere,
        staff.user.id,
    )
    .await;
    Ok(())
}

/// Every staff account, for showing who wrote, approved or posted something.
pub async fn colleagues(state: &AppState, staff: &Staff) -> Result<Vec<StaffUser>, AccountError> {
    staff.may(Action::OwnAccount)?;
    Ok(state.store.list_users().await?)
}

/// One row of the console's account list: the account and whether it holds the inbox key.
#[derive(Debug, Clone)]
pub struct UserSummary {
    pub user: StaffUser,
    pub has_access: bool,
}

/// Every staff account, for an admin.
pub async fn users_page(state: &AppState, staff: &Staff) -> Result<Vec<UserSummary>, AccountError> {
    staff.may(Action::ManageUsers)?;
    let mut users = Vec::new();
    for user in state.store.list_users().await? {
        let has_access = state.store.inbox_grant(user.id).await?.is_some();
        users.push(UserSummary { user, has_access });
    }
    Ok(users)
}

/// An admin creates a staff account, with its own key pair, once the username and password pass
/// their rules. When the admin holds the inbox key, the new member gets access at once;
/// otherwise an admin grants it later.
pub async fn create_user(
    state: &AppState,
    staff: &Staff,
    username: &str,
    role: Role,
    password: String,
) -> Result<StaffUser, AccountError> {
    staff.may(Action::ManageUsers)?;
    let inbox = staff.inbox_key();
    let user = new_account(state, username, role, password, inbox.as_ref()).await?;
    audit::record(state, &staff.user, AuditAction::UserCreated, user.id).await;
    Ok(user)
}

/// Operator only, outside the policy: creates a staff account for the CLI (`netreach admin
/// create-user`, `serve --demo`) or a test kit, which run with the server's own access. With
/// `inbox` (opened with the recovery key), access is granted at once.
pub async fn create_user_as_operator(
    state: &AppState,
    username: &str,
    role: Role,
    password: String,
    inbox: Option<&SecretKeyBytes>,
) -> Result<StaffUser, AccountError> {
    let user = new_account(state, username, role, password, inbox).await?;
    audit::record_operator(state, AuditAction::UserCreated, user.id).await;
    Ok(user)
}

/// Creates a staff account after checking the username and password policy, with its own key
/// pair, and grants it the inbox key when one is at hand.
/// A new account's record: a fresh id, the password's hash and the member's own key pair
/// protected by that password (both slow, off the runtime).
async fn account_record(
    username: Username,
    role: Role,
    password: &NewPassword,
    now: OffsetDateTime,
) -> NewStaffUser {
    let id = UserId::new_random();
    let hash = hash_off_runtime(password.expose().to_owned()).await;
    let (staff_keys, _) = keys::new_staff_keys(id, password.expose().to_owned()).await;
    NewStaffUser {
        id,
        username,
        role,
        password_hash: hash.as_str().to_owned(),
        created_at: now,
        keys: Some(staff_keys),
    }
}

async fn new_account(
    state: &AppState,
    username: &str,
    role: Role,
    password: String,
    inbox: Option<&SecretKeyBytes>,
) -> Result<StaffUser, AccountError> {
    let username = Username::parse(username)?;
    let password = NewPassword::parse(password)?;
    let record = account_record(username, role, &password, state.clock.now()).await;
    let user = state.store.create_user(record).await?;
    tracing::info!(user_id = %user.id, role = %user.role, "staff account created");
    if let Some(inbox) = inbox {
        seal_inbox_for(state, inbox, &user).await?;
    }
    Ok(user)
}

/// An admin who holds the inbox key grants it to another active member.
pub async fn grant_access(
    state: &AppState,
    staff: &Staff,
    target: UserId,
) -> Result<(), AccountError> {
    staff.may(Action::GrantInboxAccess)?;
    let Some(user) = state
        .store
        .user_by_id(target)
        .await?
        .filter(StaffUser::is_active)
    else {
        return Err(AccountError::NoSuchUser);
    };
    let inbox = staff.inbox_key().ok_or(AccountError::NoInboxAccess)?;
    seal_inbox_for(state, &inbox, &user).await?;
    audit::record(state, &staff.user, AuditAction::InboxAccessGranted, user.id).await;
    Ok(())
}

/// Operator only, outside the policy: grants `user` the inbox key opened with the recovery key
/// (`netreach admin recover`), which the CLI holds with the server's own access.
pub async fn grant_access_as_operator(
    state: &AppState,
    inbox: &SecretKeyBytes,
    user: &StaffUser,
) -> Result<(), AccountError> {
    seal_inbox_for(state, inbox, user).await?;
    audit::record_operator(state, AuditAction::InboxAccessGranted, user.id).await;
    Ok(())
}

/// Seals the inbox key to a member's own key pair.
async fn seal_inbox_for(
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

/// An admin sets a new password for another member who lost theirs (see
/// [`set_new_password`]); their own password they change with [`change_own_password`], which
/// proves the current one.
pub async fn reset_password(
    state: &AppState,
    staff: &Staff,
    target: UserId,
    new_password: String,
    confirm: &str,
) -> Result<(), AccountError> {
    staff.may(Action::ManageUsers)?;
    if staff.user.id == target {
        return Err(AccountError::OwnAccount);
    }
    let inbox = staff.inbox_key();
    set_new_password(state, target, new_password, confirm, inbox.as_ref()).await?;
    audit::record(state, &staff.user, AuditAction::PasswordReset, target).await;
    Ok(())
}

/// Operator only, outside the policy: sets a new password from the CLI (`netreach admin
/// reset-password`), which runs with the server's own access and holds no inbox key, so the
/// member loses inbox access until an admin grants it again.
pub async fn reset_password_as_operator(
    state: &AppState,
    user_id: UserId,
    new_password: String,
    confirm: &str,
) -> Result<(), AccountError> {
    set_new_password(state, user_id, new_password, confirm, None).await?;
    audit::record_operator(state, AuditAction::PasswordReset, user_id).await;
    Ok(())
}

/// Sets a new password for someone who lost theirs; ends every session of that user. Their old
/// key pair cannot be opened any more, so they get a new one and lose inbox access, which is
/// granted again at once when the resetting admin's inbox key is at hand.
async fn set_new_password(
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
        seal_inbox_for(state, inbox, &user).await?;
    }
    Ok(())
}

/// A signed-in member changes their own password, proving the current one first.
pub async fn change_own_password(
    state: &AppState,
    staff: &Staff,
    current: String,
    new_password: String,
    confirm: &str,
) -> Result<(), AccountError> {
    staff.may(Action::OwnAccount)?;
    let user = &staff.user;
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
    audit::record(state, user, AuditAction::PasswordChanged, user.id).await;
    Ok(())
}

/// An admin disables or re-enables someone else's account. Disabling ends their sessions and
/// tokens.
pub async fn set_disabled(
    state: &AppState,
    staff: &Staff,
    target: UserId,
    disabled: bool,
) -> Result<(), AccountError> {
    staff.may(Action::ManageUsers)?;
    if staff.user.id == target {
        return Err(AccountError::OwnAccount);
    }
    let at = disabled.then(|| state.clock.now());
    if !state.store.set_user_disabled(target, at).await? {
        return Err(AccountError::NoSuchUser);
    }
    tracing::info!(user_id = %target, disabled, "staff account status changed");
    let action = if disabled {
        AuditAction::UserDisabled
    } else {
        AuditAction::UserEnabled
    };
    audit::record(state, &staff.user, action, target).await;
    Ok(())
}

/// An admin changes someone else's role.
pub async fn set_role(
    state: &AppState,
    staff: &Staff,
    target: UserId,
    role: Role,
) -> Result<(), AccountError> {
    staff.may(Action::ManageUsers)?;
    if staff.user.id == target {
        return Err(AccountError::OwnAccount);
    }
    if !state.store.set_user_role(target, role).await? {
        return Err(AccountError::NoSuchUser);
    }
    // What the member may do changed: they sign in again under the new role.
    state.store.delete_user_sessions(target).await?;
    tracing::info!(user_id = %target, %role, "staff role changed");
    audit::record(state, &staff.user, AuditAction::RoleChanged, target).await;
    Ok(())
}
