//! [`AccountStore`] on both backends: staff accounts, their sessions and API tokens, login
//! throttling, the panic lock and first-run setup links.

use super::rows::{self, USER_COLUMNS, parsed, text, time};
use super::{Bind, SqlStore, at, is_unique_violation, t};
use crate::model::{
    ApiTokenRecord, InviteRecord, NewStaffUser, SessionRecord, StaffKeys, StaffUser,
};
use crate::{AccountStore, StoreError, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{Role, TokenId, UserId, Username};
// Dynamic SQL here is only ever assembled from constant fragments, never from input.
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

/// New password hash (and key pair, if given) for a user, clearing the login throttle.
async fn update_credentials(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: UserId,
    hash: &str,
    keys: Option<StaffKeys>,
    when: OffsetDateTime,
) -> StoreResult<bool> {
    let changed = sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, \
         locked_until = NULL WHERE id = $3",
    )
    .bind(hash.to_owned())
    .bind(to_unix(when))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if let Some(keys) = keys {
        sqlx::query("UPDATE users SET public_key = $1, wrapped_secret_key = $2, key_salt = $3 WHERE id = $4")
            .bind(keys.public_key)
            .bind(keys.wrapped_secret_key)
            .bind(keys.key_salt)
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(changed > 0)
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_user(&self, user: NewStaffUser) -> StoreResult<StaffUser> {
        let result = self
            .exec(
                "INSERT INTO users (id, username, role, password_hash, created_at, password_changed_at, \
                 public_key, wrapped_secret_key, key_salt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                vec![
                    t(user.id),
                    t(&user.username),
                    t(user.role),
                    t(&user.password_hash),
                    at(user.created_at),
                    at(user.created_at),
                    Bind::OptBlob(user.keys.as_ref().map(|k| k.public_key.clone())),
                    Bind::OptBlob(user.keys.as_ref().map(|k| k.wrapped_secret_key.clone())),
                    Bind::OptBlob(user.keys.as_ref().map(|k| k.key_salt.clone())),
                ],
            )
            .await;
        match result {
            Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                return Err(StoreError::UsernameTaken);
            }
            other => other?,
        };
        self.user_by_id(user.id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("user vanished after insert".into()))
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<StaffUser>> {
        self.user_where("u.id", id.to_string()).await
    }

    async fn user_by_username(&self, username: &Username) -> StoreResult<Option<StaffUser>> {
        self.user_where("u.username", username.to_string()).await
    }

    async fn list_users(&self) -> StoreResult<Vec<StaffUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::user).collect()
    }

    async fn count_users(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn set_user_disabled(
        &self,
        id: UserId,
        disabled_at: Option<OffsetDateTime>,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(disabled_at.map(to_unix))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if disabled_at.is_some() {
            for table in ["sessions", "api_tokens", "inbox_grants"] {
                sqlx::query(AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE user_id = $1"
                )))
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            }
            // The invitations they made go too: a link from someone no longer trusted makes no
            // account.
            sqlx::query("DELETE FROM staff_invites WHERE invited_by = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    async fn set_user_role(&self, id: UserId, role: Role) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE users SET role = $1 WHERE id = $2",
                vec![t(role), t(id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn set_password_hash(
        &self,
        id: UserId,
        hash: &str,
        when: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, \
             locked_until = NULL WHERE id = $3",
        )
        .bind(hash.to_owned())
        .bind(to_unix(when))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    async fn reset_credentials(
        &self,
        id: UserId,
        hash: &str,
        keys: StaffKeys,
        when: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let changed = update_credentials(&mut tx, id, hash, Some(keys), when).await?;
        for table in ["sessions", "api_tokens", "inbox_grants"] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE user_id = $1"
            )))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn change_credentials(
        &self,
        id: UserId,
        hash: &str,
        keys: Option<StaffKeys>,
        when: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let changed = update_credentials(&mut tx, id, hash, keys, when).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed)
    }

    async fn charge_login_attempt(
        &self,
        id: UserId,
        seen_failures: u32,
        lock: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let charged = self
            .exec(
                "UPDATE users SET failed_logins = $1, locked_until = $2 \
                 WHERE id = $3 AND failed_logins = $4 \
                 AND (locked_until IS NULL OR locked_until <= $5)",
                vec![
                    Bind::Int(i64::from(seen_failures) + 1),
                    Bind::OptInt(lock.map(to_unix)),
                    t(id),
                    Bind::Int(i64::from(seen_failures)),
                    at(now),
                ],
            )
            .await?;
        Ok(charged == 1)
    }

    async fn clear_login_failures(&self, id: UserId) -> StoreResult<()> {
        self.exec(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            vec![t(id)],
        )
        .await?;
        Ok(())
    }

    async fn create_session(&self, s: SessionRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, \
             wrapped_inbox_key) VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                t(&s.token_hash),
                t(s.user_id),
                at(s.created_at),
                at(s.last_seen_at),
                at(s.expires_at),
                Bind::OptBlob(s.wrapped_inbox_key),
            ],
        )
        .await?;
        Ok(())
    }

    async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(SessionRecord, StaffUser)>> {
        let sql = format!(
            "SELECT s.token_hash, s.user_id, s.created_at AS s_created_at, s.last_seen_at, \
             s.expires_at, s.wrapped_inbox_key, {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash.to_owned())
            .bind(to_unix(now))
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some((rows::session(&row)?, rows::user(&row)?))),
            None => Ok(None),
        }
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        self.exec(
            "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3",
            vec![at(last_seen_at), at(expires_at), t(token_hash)],
        )
        .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.exec(
            "DELETE FROM sessions WHERE token_hash = $1",
            vec![t(token_hash)],
        )
        .await?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: UserId) -> StoreResult<u64> {
        self.exec("DELETE FROM sessions WHERE user_id = $1", vec![t(user_id)])
            .await
    }

    async fn user_sessions(
        &self,
        user_id: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<SessionRecord>> {
        let rows = sqlx::query(
            "SELECT token_hash, user_id, created_at AS s_created_at, last_seen_at, expires_at, \
             wrapped_inbox_key \
             FROM sessions WHERE user_id = $1 AND expires_at > $2 \
             ORDER BY created_at DESC, token_hash",
        )
        .bind(user_id.to_string())
        .bind(to_unix(now))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::session).collect()
    }

    async fn delete_user_session(&self, user_id: UserId, token_hash: &str) -> StoreResult<bool> {
        let n = self
            .exec(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2",
                vec![t(user_id), t(token_hash)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn delete_user_tokens(&self, user_id: UserId) -> StoreResult<u64> {
        self.exec(
            "DELETE FROM api_tokens WHERE user_id = $1",
            vec![t(user_id)],
        )
        .await
    }

    async fn panic_lock(&self, at: OffsetDateTime) -> StoreResult<(u64, u64)> {
        let mut tx = self.write_tx().await?;
        let sessions = sqlx::query("DELETE FROM sessions")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let tokens = sqlx::query("DELETE FROM api_tokens")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        // Sign-ins waiting for their second factor end too, and so do invitations not used yet.
        for sql in ["DELETE FROM pending_signins", "DELETE FROM staff_invites"] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO security_events (name, at) VALUES ('panic_lock', $1) \
             ON CONFLICT (name) DO UPDATE SET at = $2",
        )
        .bind(to_unix(at))
        .bind(to_unix(at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((sessions, tokens))
    }

    async fn last_panic_lock(&self) -> StoreResult<Option<OffsetDateTime>> {
        let row = sqlx::query("SELECT at FROM security_events WHERE name = 'panic_lock'")
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => Some(netreach_core::clock::from_unix(
                row.try_get::<i64, _>("at")?,
            )),
            None => None,
        })
    }

    async fn count_user_sessions(&self, user_id: UserId, now: OffsetDateTime) -> StoreResult<u64> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1 AND expires_at > $2",
        )
        .bind(user_id.to_string())
        .bind(to_unix(now))
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> StoreResult<u64> {
        let mut total = 0;
        for sql in [
            "DELETE FROM sessions WHERE expires_at <= $1",
            "DELETE FROM setup_tokens WHERE expires_at <= $1",
            "DELETE FROM api_tokens WHERE expires_at IS NOT NULL AND expires_at <= $1",
            "DELETE FROM client_sessions WHERE expires_at <= $1",
            "DELETE FROM pending_signins WHERE expires_at <= $1",
            "DELETE FROM staff_invites WHERE expires_at <= $1",
        ] {
            total += self.exec(sql, vec![at(now)]).await?;
        }
        // Budgets count within windows of at most an hour; a day-old one counts nothing (and a
        // deleted conversation's message allowance should not outlive it for long).
        total += self
            .exec(
                "DELETE FROM budgets WHERE window_start <= $1",
                vec![at(now - time::Duration::days(1))],
            )
            .await?;
        Ok(total)
    }

    async fn create_api_token(&self, tok: ApiTokenRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, \
             expires_at, wrapped_inbox_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            vec![
                t(tok.id),
                t(tok.user_id),
                t(&tok.name),
                t(&tok.token_hash),
                at(tok.created_at),
                Bind::OptInt(tok.last_used_at.map(to_unix)),
                Bind::OptInt(tok.expires_at.map(to_unix)),
                Bind::OptBlob(tok.wrapped_inbox_key),
            ],
        )
        .await?;
        Ok(())
    }

    async fn use_api_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(ApiTokenRecord, StaffUser)>> {
        let sql = format!(
            "SELECT t.id AS t_id, t.user_id, t.name, t.token_hash, t.created_at AS t_created_at, \
             t.last_used_at, t.expires_at, t.wrapped_inbox_key, {USER_COLUMNS} FROM api_tokens t \
             JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2) \
             AND u.disabled_at IS NULL"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash.to_owned())
            .bind(to_unix(now))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let token = rows::api_token(&row)?;
        self.exec(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
            vec![at(now), t(token.id)],
        )
        .await?;
        Ok(Some((token, rows::user(&row)?)))
    }

    async fn list_api_tokens(&self, user_id: UserId) -> StoreResult<Vec<ApiTokenRecord>> {
        let rows = sqlx::query(
            "SELECT id AS t_id, user_id, name, token_hash, created_at AS t_created_at, \
             last_used_at, expires_at, NULL AS wrapped_inbox_key FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::api_token).collect()
    }

    async fn revoke_api_token(&self, user_id: UserId, id: TokenId) -> StoreResult<bool> {
        let n = self
            .exec(
                "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
                vec![t(id), t(user_id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn put_setup_token(
        &self,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM setup_tokens")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2)")
            .bind(token_hash.to_owned())
            .bind(to_unix(expires_at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn setup_token_valid(&self, token_hash: &str, now: OffsetDateTime) -> StoreResult<bool> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(to_unix(now))
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        Ok(n > 0)
    }

    async fn complete_setup(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        admin: NewStaffUser,
    ) -> StoreResult<Option<StaffUser>> {
        let mut tx = self.write_tx().await?;
        // Consuming the link first makes a concurrent second attempt find nothing to consume.
        let consumed =
            sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash.to_owned())
                .bind(to_unix(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if consumed == 0 || users > 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        insert_user(&mut tx, &admin).await?;
        tx.commit().await?;
        self.user_by_id(admin.id).await
    }

    async fn put_invite(&self, i: &InviteRecord) -> StoreResult<()> {
        let result = self
            .exec(
                "INSERT INTO staff_invites (id, token_hash, username, role, invited_by, created_at, \
                 expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    t(i.id),
                    t(&i.token_hash),
                    t(&i.username),
                    t(i.role),
                    t(i.invited_by),
                    at(i.created_at),
                    at(i.expires_at),
                ],
            )
            .await;
        match result {
            Err(StoreError::Database(e)) if is_unique_violation(&e) => {
                Err(StoreError::UsernameTaken)
            }
            other => other.map(|_| ()),
        }
    }

    async fn invite(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<InviteRecord>> {
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM staff_invites WHERE token_hash = $1 AND expires_at > $2"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash.to_owned())
            .bind(to_unix(now))
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(invite).transpose()
    }

    async fn list_invites(&self, now: OffsetDateTime) -> StoreResult<Vec<InviteRecord>> {
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM staff_invites WHERE expires_at > $1 \
             ORDER BY created_at, username"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(to_unix(now))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(invite).collect()
    }

    async fn delete_invite(&self, id: uuid::Uuid) -> StoreResult<bool> {
        let n = self
            .exec("DELETE FROM staff_invites WHERE id = $1", vec![t(id)])
            .await?;
        Ok(n > 0)
    }

    async fn accept_invite(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        user: NewStaffUser,
    ) -> StoreResult<Option<StaffUser>> {
        let mut tx = self.write_tx().await?;
        // Consuming the invitation first makes a second attempt with the same link find nothing.
        let consumed =
            sqlx::query("DELETE FROM staff_invites WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash.to_owned())
                .bind(to_unix(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if consumed == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        match insert_user(&mut tx, &user).await {
            Ok(_) => {}
            // Someone took the username after the invitation was made (the CLI, say): the
            // invitation stays, for an admin to withdraw.
            Err(e) if is_unique_violation(&e) => return Err(StoreError::UsernameTaken),
            Err(e) => return Err(e.into()),
        }
        tx.commit().await?;
        self.user_by_id(user.id).await
    }
}

const INVITE_COLUMNS: &str = "id, token_hash, username, role, invited_by, created_at, expires_at";

/// Inserts an account inside a transaction (first-run setup, an accepted invitation).
async fn insert_user(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: &NewStaffUser,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, username, role, password_hash, created_at, password_changed_at, \
         public_key, wrapped_secret_key, key_salt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(user.id.to_string())
    .bind(user.username.to_string())
    .bind(user.role.to_string())
    .bind(user.password_hash.clone())
    .bind(to_unix(user.created_at))
    .bind(to_unix(user.created_at))
    .bind(user.keys.as_ref().map(|k| k.public_key.clone()))
    .bind(user.keys.as_ref().map(|k| k.wrapped_secret_key.clone()))
    .bind(user.keys.as_ref().map(|k| k.key_salt.clone()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn invite(row: &AnyRow) -> StoreResult<InviteRecord> {
    Ok(InviteRecord {
        id: parsed(row, "id")?,
        token_hash: text(row, "token_hash")?,
        username: Username::parse(&text(row, "username")?)
            .map_err(|_| StoreError::Corrupt("column username".into()))?,
        role: parsed(row, "role")?,
        invited_by: parsed(row, "invited_by")?,
        created_at: time(row, "created_at")?,
        expires_at: time(row, "expires_at")?,
    })
}
