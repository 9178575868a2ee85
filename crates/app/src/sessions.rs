//! A staff member's sessions beyond signing in and out: the list of one's own sessions with
//! "sign out this device", an admin signing a member out everywhere, and the panic lock that ends
//! every staff session and API token at once and makes every node drop the client keys it holds.

use crate::accounts::AccountError;
use crate::audit;
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::{AuditAction, UserId};
use netreach_crypto::SecretToken;
use netreach_store::StoreError;
use time::OffsetDateTime;

/// One of a member's own live sessions, as the console lists them. Netreach keeps no IP address
/// or browser name, so sessions are told apart by when they started and were last used.
#[derive(Debug, Clone)]
pub struct OwnSession {
    /// A handle for "sign out this device" (a hash of the stored hash, not the session's key).
    pub id: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// The session this request came with.
    pub current: bool,
}

fn session_handle(state: &AppState, token_hash: &str) -> String {
    SecretToken::from_presented(token_hash)
        .hash(&state.secret, "session-handle")
        .as_str()
        .chars()
        .take(24)
        .collect()
}

/// The member's own live sessions, newest first; `current` is the hash of this request's.
pub async fn own_sessions(
    state: &AppState,
    staff: &Staff,
    current: &str,
) -> Result<Vec<OwnSession>, AccountError> {
    staff.may(Action::OwnAccount)?;
    Ok(state
        .store
        .user_sessions(staff.user.id, state.clock.now())
        .await?
        .into_iter()
        .map(|s| OwnSession {
            id: session_handle(state, &s.token_hash),
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
            current: s.token_hash == current,
        })
        .collect())
}

/// Which session "sign out this device" ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The one the request came with: the member is signed out here too.
    This,
    Other,
    /// Gone already (or never theirs).
    Nothing,
}

/// "Sign out this device": ends one of the member's own sessions, listed by [`own_sessions`];
/// `current` is the hash of this request's session.
pub async fn end_own_session(
    state: &AppState,
    staff: &Staff,
    id: &str,
    current: &str,
) -> Result<Ended, AccountError> {
    staff.may(Action::OwnAccount)?;
    let sessions = state
        .store
        .user_sessions(staff.user.id, state.clock.now())
        .await?;
    let Some(session) = sessions
        .iter()
        .find(|s| session_handle(state, &s.token_hash) == id)
    else {
        return Ok(Ended::Nothing);
    };
    if !state
        .store
        .delete_user_session(staff.user.id, &session.token_hash)
        .await?
    {
        return Ok(Ended::Nothing);
    }
    Ok(if session.token_hash == current {
        Ended::This
    } else {
        Ended::Other
    })
}

/// An admin signs a member out everywhere: every session and API token of theirs ends (their
/// password and inbox access stay).
pub async fn revoke_user_access(
    state: &AppState,
    staff: &Staff,
    target: UserId,
) -> Result<(u64, u64), AccountError> {
    staff.may(Action::ManageUsers)?;
    if state.store.user_by_id(target).await?.is_none() {
        return Err(AccountError::NoSuchUser);
    }
    let sessions = state.store.delete_user_sessions(target).await?;
    let tokens = state.store.delete_user_tokens(target).await?;
    tracing::info!(user_id = %target, sessions, tokens, "staff member signed out everywhere by an admin");
    audit::record(state, &staff.user, AuditAction::SessionsRevoked, target).await;
    Ok((sessions, tokens))
}

/// The panic lock: every staff session and API token on every node ends at once, and every node
/// drops the client keys it holds in memory, and no browser is pushed notifications any more
/// (a seized phone's lock screen shows nothing new). For a seized phone or laptop, a raid, a
/// lost device: everyone signs in again with their password (and subscribes again).
pub async fn panic_lock(state: &AppState, staff: &Staff) -> Result<(u64, u64), AccountError> {
    staff.may(Action::PanicLock)?;
    let now = state.clock.now();
    // Recorded first: once the lock is pulled, nobody is signed in to record it for.
    audit::record(state, &staff.user, AuditAction::PanicLock, "").await;
    let (sessions, tokens) = state.store.panic_lock(now).await?;
    state.store.delete_all_push_subscriptions().await?;
    state.codenames.forget_keys();
    if let Ok(mut seen) = state.panic_seen.lock() {
        *seen = Some(now);
    }
    tracing::warn!(user_id = %staff.user.id, sessions, tokens, "panic lock: every staff session and token ended");
    Ok((sessions, tokens))
}

/// Run by every node's reload job: after a panic lock pulled on any node, drop the keys this node
/// holds in memory. Returns whether it acted.
pub async fn notice_panic_lock(state: &AppState) -> Result<bool, StoreError> {
    let Some(at) = state.store.last_panic_lock().await? else {
        return Ok(false);
    };
    let Ok(mut seen) = state.panic_seen.lock() else {
        return Ok(false);
    };
    if seen.is_some_and(|s| s >= at) {
        return Ok(false);
    }
    *seen = Some(at);
    state.codenames.forget_keys();
    Ok(true)
}
