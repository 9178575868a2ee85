//! Turning `Any` rows into domain records. Every column is TEXT or BIGINT in both backends, which
//! keeps decoding identical.

use crate::model::{ApiTokenRecord, SessionRecord, StaffKeys, StaffUser};
use crate::{StoreError, StoreResult};
use netreach_core::clock::from_unix;
use netreach_core::{Role, Username};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;
use time::OffsetDateTime;

pub(crate) const USER_COLUMNS: &str = "u.id, u.username, u.role, u.password_hash, u.created_at, \
     u.password_changed_at, u.disabled_at, u.failed_logins, u.locked_until, u.public_key, \
     u.wrapped_secret_key, u.key_salt, \
     (SELECT COUNT(*) FROM staff_totp x WHERE x.user_id = u.id AND x.confirmed_at IS NOT NULL) \
     AS totp_enabled";

pub(crate) fn text(row: &AnyRow, col: &str) -> StoreResult<String> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn time(row: &AnyRow, col: &str) -> StoreResult<OffsetDateTime> {
    Ok(from_unix(row.try_get::<i64, _>(col)?))
}

pub(crate) fn opt_time(row: &AnyRow, col: &str) -> StoreResult<Option<OffsetDateTime>> {
    Ok(row.try_get::<Option<i64>, _>(col)?.map(from_unix))
}

/// A nullable column holding a staff member's id.
pub(crate) fn opt_user(row: &AnyRow, col: &str) -> StoreResult<Option<netreach_core::UserId>> {
    row.try_get::<Option<String>, _>(col)?
        .map(|u| u.parse())
        .transpose()
        .map_err(|_| StoreError::Corrupt(format!("column {col}")))
}

pub(crate) fn opt_blob(row: &AnyRow, col: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(row.try_get::<Option<Vec<u8>>, _>(col)?)
}

pub(crate) fn blob(row: &AnyRow, col: &str) -> StoreResult<Vec<u8>> {
    Ok(row.try_get::<Vec<u8>, _>(col)?)
}

pub(crate) fn parsed<T: FromStr>(row: &AnyRow, col: &str) -> StoreResult<T> {
    let value = text(row, col)?;
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("column {col}")))
}

/// A nullable column holding a value with a text form, such as a typed id.
pub(crate) fn opt_parsed<T: FromStr>(row: &AnyRow, col: &str) -> StoreResult<Option<T>> {
    row.try_get::<Option<String>, _>(col)?
        .map(|v| v.parse())
        .transpose()
        .map_err(|_| StoreError::Corrupt(format!("column {col}")))
}

pub(crate) fn user(row: &AnyRow) -> StoreResult<StaffUser> {
    let username = Username::parse(&text(row, "username")?)
        .map_err(|_| StoreError::Corrupt("column username".into()))?;
    Ok(StaffUser {
        id: parsed(row, "id")?,
        username,
        role: parsed::<Role>(row, "role")?,
        password_hash: text(row, "password_hash")?,
        created_at: time(row, "created_at")?,
        password_changed_at: time(row, "password_changed_at")?,
        disabled_at: opt_time(row, "disabled_at")?,
        failed_logins: u32::try_from(row.try_get::<i64, _>("failed_logins")?).unwrap_or(u32::MAX),
        locked_until: opt_time(row, "locked_until")?,
        keys: match (
            opt_blob(row, "public_key")?,
            opt_blob(row, "wrapped_secret_key")?,
            opt_blob(row, "key_salt")?,
        ) {
            (Some(public_key), Some(wrapped_secret_key), Some(key_salt)) => Some(StaffKeys {
                public_key,
                wrapped_secret_key,
                key_salt,
            }),
            _ => None,
        },
        totp_enabled: row.try_get::<i64, _>("totp_enabled")? > 0,
    })
}

pub(crate) fn session(row: &AnyRow) -> StoreResult<SessionRecord> {
    Ok(SessionRecord {
        token_hash: text(row, "token_hash")?,
        user_id: parsed(row, "user_id")?,
        created_at: time(row, "s_created_at")?,
        last_seen_at: time(row, "last_seen_at")?,
        expires_at: time(row, "expires_at")?,
        wrapped_inbox_key: opt_blob(row, "wrapped_inbox_key")?,
    })
}

pub(crate) fn api_token(row: &AnyRow) -> StoreResult<ApiTokenRecord> {
    Ok(ApiTokenRecord {
        id: parsed(row, "t_id")?,
        user_id: parsed(row, "user_id")?,
        name: text(row, "name")?,
        token_hash: text(row, "token_hash")?,
        created_at: time(row, "t_created_at")?,
        last_used_at: opt_time(row, "last_used_at")?,
        expires_at: opt_time(row, "expires_at")?,
        wrapped_inbox_key: opt_blob(row, "wrapped_inbox_key")?,
    })
}
