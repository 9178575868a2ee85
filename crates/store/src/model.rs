//! The records the store speaks, in domain types. Hashes are plain strings here: the store never
//! sees a secret, and does not depend on the crypto crate.

use netreach_core::{Role, TokenId, UserId, Username};
use time::OffsetDateTime;

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub id: UserId,
    pub username: Username,
    pub role: Role,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
    pub password_changed_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
    pub failed_logins: u32,
    pub locked_until: Option<OffsetDateTime>,
}

impl StaffUser {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// What is needed to create a staff account.
#[derive(Debug, Clone)]
pub struct NewStaffUser {
    pub id: UserId,
    pub username: Username,
    pub role: Role,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
}

/// A staff sign-in session; only the keyed hash of its cookie is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A staff API token; only the keyed hash of the secret is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub expires_at: Option<OffsetDateTime>,
}
