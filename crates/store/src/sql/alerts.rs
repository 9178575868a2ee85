//! [`AlertStore`] on both backends.

use super::rows::{blob, opt_parsed, opt_time, opt_user, parsed, text, time};
use super::{Bind, SqlStore, at, t};
use crate::model::{AlertRecord, AlertReportRecord};
use crate::{AlertStore, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{AlertId, AlertReportId, AlertStatus, UserId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

const ALERT_COLUMNS: &str = "id, report_id, severity, regions, substances, title_en, body_en, title_ru, \
     body_ru, status, expires_at, created_by, created_at, verified_at, published_at, withdrawn_at";

fn alert(row: &AnyRow) -> StoreResult<AlertRecord> {
    Ok(AlertRecord {
        id: parsed(row, "id")?,
        report_id: opt_parsed(row, "report_id")?,
        severity: parsed(row, "severity")?,
        regions: text(row, "regions")?,
        substances: text(row, "substances")?,
        title_en: text(row, "title_en")?,
        body_en: text(row, "body_en")?,
        title_ru: text(row, "title_ru")?,
        body_ru: text(row, "body_ru")?,
        status: parsed(row, "status")?,
        expires_at: time(row, "expires_at")?,
        created_by: opt_user(row, "created_by")?,
        created_at: time(row, "created_at")?,
        verified_at: opt_time(row, "verified_at")?,
        published_at: opt_time(row, "published_at")?,
        withdrawn_at: opt_time(row, "withdrawn_at")?,
    })
}

#[async_trait]
impl AlertStore for SqlStore {
    async fn create_alert_report(&self, r: AlertReportRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO alert_reports (id, created_at, region, body, key_inbox, flagged) VALUES ($1, $2, $3, $4, $5, $6)",
            vec![t(r.id), at(r.created_at), t(&r.region), Bind::Blob(r.body), Bind::Blob(r.key_inbox), Bind::Int(i64::from(r.flagged))],
        )
        .await?;
        Ok(())
    }

    async fn alert_reports(&self, limit: u32) -> StoreResult<Vec<AlertReportRecord>> {
        let rows = sqlx::query(
            "SELECT id, created_at, region, body, key_inbox, flagged FROM alert_reports ORDER BY created_at DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AlertReportRecord {
                    id: parsed(r, "id")?,
                    created_at: time(r, "created_at")?,
                    region: text(r, "region")?,
                    body: blob(r, "body")?,
                    key_inbox: blob(r, "key_inbox")?,
                    flagged: r.try_get::<i64, _>("flagged")? != 0,
                })
            })
            .collect()
    }

    async fn alert_report_exists(&self, id: AlertReportId) -> StoreResult<bool> {
        Ok(
            sqlx::query("SELECT 1 AS one FROM alert_reports WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    async fn purge_alert_reports(&self, before: OffsetDateTime) -> StoreResult<u64> {
        self.exec(
            "DELETE FROM alert_reports WHERE created_at < $1",
            vec![at(before)],
        )
        .await
    }

    async fn create_alert(&self, a: AlertRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO alerts (id, report_id, severity, regions, substances, title_en, body_en, title_ru, body_ru, \
             status, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            vec![
                t(a.id),
                Bind::OptText(a.report_id.map(|r| r.to_string())),
                t(a.severity),
                t(&a.regions),
                t(&a.substances),
                t(&a.title_en),
                t(&a.body_en),
                t(&a.title_ru),
                t(&a.body_ru),
                t(a.status),
                at(a.expires_at),
                Bind::OptText(a.created_by.map(|u| u.to_string())),
                at(a.created_at),
            ],
        )
        .await?;
        Ok(())
    }

    async fn alert(&self, id: AlertId) -> StoreResult<Option<AlertRecord>> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(alert).transpose()
    }

    async fn alerts(&self, status: Option<AlertStatus>) -> StoreResult<Vec<AlertRecord>> {
        let rows = match status {
            Some(status) => {
                let sql = format!(
                    "SELECT {ALERT_COLUMNS} FROM alerts WHERE status = $1 ORDER BY created_at DESC"
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(status.as_str())
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts ORDER BY created_at DESC");
                sqlx::query(AssertSqlSafe(sql))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(alert).collect()
    }

    async fn verify_alert(
        &self,
        id: AlertId,
        user: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<u64> {
        self.exec(
            "INSERT INTO alert_verifications (alert_id, user_id, at) VALUES ($1, $2, $3) \
             ON CONFLICT (alert_id, user_id) DO NOTHING",
            vec![t(id), t(user), at(now)],
        )
        .await?;
        let n: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM alert_verifications WHERE alert_id = $1")
                .bind(id.to_string())
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn alert_verifiers(&self, id: AlertId) -> StoreResult<Vec<UserId>> {
        let rows = sqlx::query(
            "SELECT user_id FROM alert_verifications WHERE alert_id = $1 ORDER BY at, user_id",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| parsed(r, "user_id")).collect()
    }

    async fn set_alert_status(
        &self,
        id: AlertId,
        from: AlertStatus,
        to: AlertStatus,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        // Each status after the first has the time it was reached.
        let column = match to {
            AlertStatus::Reported => "created_at",
            AlertStatus::Verified => "verified_at",
            AlertStatus::Published => "published_at",
            AlertStatus::Withdrawn => "withdrawn_at",
        };
        let sql =
            format!("UPDATE alerts SET status = $1, {column} = $2 WHERE id = $3 AND status = $4");
        let n = sqlx::query(AssertSqlSafe(sql))
            .bind(to.as_str())
            .bind(to_unix(now))
            .bind(id.to_string())
            .bind(from.as_str())
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(n > 0)
    }
}
