//! Two-factor sign-in: TOTP secrets, recovery codes and console sign-ins waiting for a code.

use super::rows::{opt_blob, opt_time, parsed, text, time};
use super::{Bind, SqlStore, at, t};
use crate::model::{PendingSignin, SessionRecord, TotpRecord};
use crate::{StoreResult, TwoFactorStore};
use async_trait::async_trait;
use netreach_core::UserId;
use netreach_core::clock::to_unix;
use sqlx::Row;
use time::OffsetDateTime;

#[async_trait]
impl TwoFactorStore for SqlStore {
    async fn start_totp(
        &self,
        user_id: UserId,
        secret: Vec<u8>,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        // Both engines take `ON CONFLICT ... DO UPDATE ... WHERE`: a confirmed row is left alone.
        let changed = self
            .exec(
                "INSERT INTO staff_totp (user_id, secret, created_at, confirmed_at, last_step) \
                 VALUES ($1, $2, $3, NULL, NULL) \
                 ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, \
                 created_at = excluded.created_at, last_step = NULL \
                 WHERE staff_totp.confirmed_at IS NULL",
                vec![t(user_id), Bind::Blob(secret), at(now)],
            )
            .await?;
        Ok(changed == 1)
    }

    async fn totp(&self, user_id: UserId) -> StoreResult<Option<TotpRecord>> {
        let row = sqlx::query(
            "SELECT secret, created_at, confirmed_at, last_step FROM staff_totp WHERE user_id = $1",
        )
        .bind(user_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(TotpRecord {
                secret: row.try_get::<Vec<u8>, _>("secret")?,
                created_at: time(&row, "created_at")?,
                confirmed_at: opt_time(&row, "confirmed_at")?,
                last_step: row.try_get::<Option<i64>, _>("last_step")?,
            })
        })
        .transpose()
    }

    async fn confirm_totp(
        &self,
        user_id: UserId,
        step: i64,
        recovery_hashes: &[String],
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let confirmed = sqlx::query(
            "UPDATE staff_totp SET confirmed_at = $1, last_step = $2 \
             WHERE user_id = $3 AND confirmed_at IS NULL",
        )
        .bind(to_unix(now))
        .bind(step)
        .bind(user_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if confirmed != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id.to_string())
                .bind(hash.clone())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn use_totp_step(&self, user_id: UserId, step: i64) -> StoreResult<bool> {
        let taken = self
            .exec(
                "UPDATE staff_totp SET last_step = $1 WHERE user_id = $2 \
                 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $1)",
                vec![Bind::Int(step), t(user_id)],
            )
            .await?;
        Ok(taken == 1)
    }

    async fn use_recovery_code(&self, user_id: UserId, code_hash: &str) -> StoreResult<bool> {
        let taken = self
            .exec(
                "DELETE FROM totp_recovery_codes WHERE user_id = $1 AND code_hash = $2",
                vec![t(user_id), t(code_hash)],
            )
            .await?;
        Ok(taken == 1)
    }

    async fn count_recovery_codes(&self, user_id: UserId) -> StoreResult<u64> {
        let n: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM totp_recovery_codes WHERE user_id = $1")
                .bind(user_id.to_string())
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn remove_totp(&self, user_id: UserId) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let removed = sqlx::query("DELETE FROM staff_totp WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(removed > 0)
    }

    async fn create_pending_signin(&self, pending: PendingSignin) -> StoreResult<()> {
        self.exec(
            "INSERT INTO pending_signins (token_hash, user_id, expires_at, wrapped_inbox_key) \
             VALUES ($1, $2, $3, $4)",
            vec![
                t(&pending.token_hash),
                t(pending.user_id),
                at(pending.expires_at),
                Bind::OptBlob(pending.wrapped_inbox_key),
            ],
        )
        .await?;
        Ok(())
    }

    async fn pending_signin(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<PendingSignin>> {
        let row = sqlx::query(
            "SELECT token_hash, user_id, expires_at, wrapped_inbox_key FROM pending_signins \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(to_unix(now))
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(PendingSignin {
                token_hash: text(&row, "token_hash")?,
                user_id: parsed(&row, "user_id")?,
                expires_at: time(&row, "expires_at")?,
                wrapped_inbox_key: opt_blob(&row, "wrapped_inbox_key")?,
            })
        })
        .transpose()
    }

    async fn promote_pending_signin(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        s: SessionRecord,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let taken = sqlx::query(
            "DELETE FROM pending_signins WHERE token_hash = $1 AND expires_at > $2 AND user_id = $3",
        )
        .bind(token_hash.to_owned())
        .bind(to_unix(now))
        .bind(s.user_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, \
             wrapped_inbox_key) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.token_hash)
        .bind(s.user_id.to_string())
        .bind(to_unix(s.created_at))
        .bind(to_unix(s.last_seen_at))
        .bind(to_unix(s.expires_at))
        .bind(s.wrapped_inbox_key)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
