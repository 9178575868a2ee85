//! API tokens: issued at sign-in over the API or made in the console, listed, revoked, and
//! turned back into their member on each request. Only a keyed hash of a token is stored.

use super::*;

/// Why a member's own API token could not be listed, issued or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token name is 1 to 64 characters")]
    Name,
    #[error("a token lives 30, 90 or 365 days")]
    Lifetime,
    #[error("no such token")]
    NoSuchToken,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TokenError {
    /// The Fluent id that tells the person what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            TokenError::Name => "tokens-error-name",
            TokenError::Lifetime => "tokens-error-days",
            TokenError::NoSuchToken => "error-body-404",
            TokenError::Denied(Denied::NoInboxKey) => "error-no-inbox-access",
            TokenError::Denied(_) => "error-body-403",
            TokenError::Store(_) => "error-body-500",
        }
    }
}

/// The lifetimes, in days, a member may choose for a token made in the console.
pub const TOKEN_LIFETIME_DAYS: [i64; 3] = [30, 90, 365];
/// The longest token name, in characters.
pub const TOKEN_NAME_MAX: usize = 64;

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

/// The member's own API tokens (never their secrets).
pub async fn own_tokens(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<ApiTokenRecord>, TokenError> {
    staff.may(Action::OwnAccount)?;
    Ok(state.store.list_api_tokens(staff.user.id).await?)
}

/// Issues the member an API token named `name` that lives `days` (one of
/// [`TOKEN_LIFETIME_DAYS`]); with inbox access, it can read conversations too. The secret is
/// returned once.
pub async fn issue_own_token(
    state: &AppState,
    staff: &Staff,
    name: &str,
    days: Option<i64>,
) -> Result<SecretToken, TokenError> {
    staff.may(Action::OwnAccount)?;
    let (name, days) = checked_token_request(name, days)?;
    let inbox = staff.inbox_key();
    let (_, secret) = issue_api_token(
        state,
        &staff.user,
        name,
        Some(Duration::days(days)),
        inbox.as_ref(),
    )
    .await?;
    Ok(secret)
}

/// The trimmed name and the lifetime of a token asked for in the console, or what is wrong
/// (the name first).
fn checked_token_request(name: &str, days: Option<i64>) -> Result<(&str, i64), TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > TOKEN_NAME_MAX {
        return Err(TokenError::Name);
    }
    let days = days
        .filter(|d| TOKEN_LIFETIME_DAYS.contains(d))
        .ok_or(TokenError::Lifetime)?;
    Ok((name, days))
}

/// Revokes one of the member's own API tokens (the one in use included).
pub async fn revoke_own_token(
    state: &AppState,
    staff: &Staff,
    id: TokenId,
) -> Result<(), TokenError> {
    staff.may(Action::OwnAccount)?;
    if !state.store.revoke_api_token(staff.user.id, id).await? {
        return Err(TokenError::NoSuchToken);
    }
    tracing::info!(user_id = %staff.user.id, token_id = %id, "api token revoked");
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_console_token_needs_a_short_name_and_an_offered_lifetime() {
        assert!(matches!(
            checked_token_request(" laptop ", Some(90)),
            Ok(("laptop", 90))
        ));
        assert!(matches!(
            checked_token_request("  ", Some(30)),
            Err(TokenError::Name)
        ));
        assert!(matches!(
            checked_token_request(&"n".repeat(65), None),
            Err(TokenError::Name)
        ));
        assert!(matches!(
            checked_token_request(&"n".repeat(64), Some(365)),
            Ok((_, 365))
        ));
        for days in [None, Some(0), Some(7), Some(-30), Some(3650)] {
            assert!(
                matches!(
                    checked_token_request("laptop", days),
                    Err(TokenError::Lifetime)
                ),
                "{days:?}"
            );
        }
    }
}
