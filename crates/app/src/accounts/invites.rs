//! Invitations: an admin names a new member's username and role; the member opens a one-time
//! link and chooses their own password, so the admin never knows it. A link is good once and for
//! [`INVITE_TTL`]; only a keyed hash of its token is stored. As with any account made after the
//! first, the new member reads conversations once an admin grants them the inbox key.

use super::*;

/// How long an invitation link stays good.
pub const INVITE_TTL: Duration = Duration::days(3);
/// Purpose of the keyed hash of invitation tokens.
const INVITE_PURPOSE: &str = "staff-invite";

/// A pending invitation as the users page lists it.
#[derive(Debug, Clone)]
pub struct Invite {
    pub id: uuid::Uuid,
    pub username: Username,
    pub role: Role,
    pub expires_at: OffsetDateTime,
}

impl From<InviteRecord> for Invite {
    fn from(r: InviteRecord) -> Self {
        Invite {
            id: r.id,
            username: r.username,
            role: r.role,
            expires_at: r.expires_at,
        }
    }
}

fn token_hash(state: &AppState, token: &str) -> String {
    SecretToken::from_presented(token)
        .hash(&state.secret, INVITE_PURPOSE)
        .as_str()
        .to_owned()
}

/// Invites a new member; returns the invitation and its link (absolute under `public_url` when
/// that is set), shown once. Refused when the username is taken by an account or another
/// pending invitation.
pub async fn invite(
    state: &AppState,
    staff: &Staff,
    username: &str,
    role: Role,
) -> Result<(Invite, String), AccountError> {
    staff.may(Action::ManageUsers)?;
    let username = Username::parse(username)?;
    if state.store.user_by_username(&username).await?.is_some() {
        return Err(AccountError::Taken);
    }
    let token = SecretToken::generate();
    let now = state.clock.now();
    let record = InviteRecord {
        id: uuid::Uuid::new_v4(),
        token_hash: token_hash(state, token.expose()),
        username,
        role,
        invited_by: staff.user.id,
        created_at: now,
        expires_at: now + INVITE_TTL,
    };
    state.store.put_invite(&record).await?;
    tracing::info!(user_id = %staff.user.id, role = %role, "staff invitation made");
    let link = crate::notify::link(state, &format!("/staff/invite?token={}", token.expose()));
    Ok((record.into(), link))
}

/// The pending invitations, oldest first.
pub async fn invites(state: &AppState, staff: &Staff) -> Result<Vec<Invite>, AccountError> {
    staff.may(Action::ManageUsers)?;
    let now = state.clock.now();
    Ok(state
        .store
        .list_invites(now)
        .await?
        .into_iter()
        .map(Invite::from)
        .collect())
}

/// Withdraws a pending invitation: its link stops working at once.
pub async fn withdraw_invite(
    state: &AppState,
    staff: &Staff,
    id: uuid::Uuid,
) -> Result<(), AccountError> {
    staff.may(Action::ManageUsers)?;
    if !state.store.delete_invite(id).await? {
        return Err(AccountError::NoSuchUser);
    }
    Ok(())
}

/// The invitation a link names, while it is good.
pub async fn invited(state: &AppState, token: &str) -> Result<Option<Invite>, StoreError> {
    Ok(state
        .store
        .invite(&token_hash(state, token), state.clock.now())
        .await?
        .map(Invite::from))
}

/// Makes the invited account with the password its member chose. `Ok(None)` when the link is
/// not (or no longer) good. The invitation is consumed with the account, so a link works once.
pub async fn accept_invite(
    state: &AppState,
    token: &str,
    password: String,
    confirm: &str,
) -> Result<Option<StaffUser>, AccountError> {
    // The link first: no password hashing for anyone who does not hold a live one.
    let hash = token_hash(state, token);
    let now = state.clock.now();
    let Some(invite) = state.store.invite(&hash, now).await? else {
        return Ok(None);
    };
    if password != confirm {
        return Err(AccountError::Mismatch);
    }
    let password = NewPassword::parse(password)?;
    let user = account_record(invite.username.clone(), invite.role, &password, now).await;
    let Some(user) = state.store.accept_invite(&hash, now, user).await? else {
        return Ok(None);
    };
    match state.store.user_by_id(invite.invited_by).await? {
        Some(inviter) => audit::record(state, &inviter, AuditAction::UserCreated, user.id).await,
        None => audit::record_operator(state, AuditAction::UserCreated, user.id).await,
    }
    Ok(Some(user))
}
