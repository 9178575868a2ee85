//! First-run setup: the one-time link an empty installation prints, and the first admin with
//! the inbox key created for them.

use super::*;

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
    // The link first: no password hashing for anyone who does not hold a live one.
    if !setup_link_valid(state, token).await? {
        return Ok(None);
    }
    let now = state.clock.now();
    let token_hash = SecretToken::from_presented(token).hash(&state.secret, SETUP_PURPOSE);
    let admin = account_record(username, Role::Admin, &password, now).await;
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

/// Creates the inbox key for the first admin; returns the recovery phrase. Outside the policy:
/// called by first-run setup (which the one-time link authorises) and by the CLI as the
/// machine's operator, never for a signed-in member.
pub async fn first_inbox(state: &AppState, admin: &StaffUser) -> Result<String, AccountError> {
    match keys::create_inbox(state, admin).await {
        Ok(phrase) => Ok(phrase),
        Err(keys::KeyError::Store(e)) => Err(AccountError::Store(e)),
        Err(e) => Err(AccountError::Store(StoreError::Corrupt(e.to_string()))),
    }
}
