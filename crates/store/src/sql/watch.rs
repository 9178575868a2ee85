//! [`WatchStore`] on both backends: forum-watch sources, the watch queue and lexicon edits.

use super::rows::{opt_parsed, opt_time, opt_user, parsed, text, time};
use super::{Bind, SqlStore, at, bind_all, t};
use crate::backend::Backend;
use crate::watch::{
    WatchFetchOutcome, WatchMatchFilter, WatchMatchRecord, WatchSourceRecord, WatchStore,
    WatchTermRecord,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::watch::MatchStatus;
use netreach_core::{UserId, WatchMatchId, WatchSourceId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

const SOURCE_COLUMNS: &str = "id, name, kind, url, selectors, venue_id, interval_seconds, enabled, \
     CASE WHEN cookie IS NULL THEN 0 ELSE 1 END AS has_cookie, etag, last_modified, \
     next_fetch_at, lease_until, failures, last_fetch_at, last_success_at, last_error_at, \
     last_error, created_at, updated_at";

const MATCH_COLUMNS: &str = "id, source_id, entry_key, url, sealed, signals, status, claimed_by, \
     dismiss_reason, posted_at, found_at, updated_at";

fn source(row: &AnyRow) -> StoreResult<WatchSourceRecord> {
    Ok(WatchSourceRecord {
        id: parsed(row, "id")?,
        name: text(row, "name")?,
        kind: parsed(row, "kind")?,
        url: text(row, "url")?,
        selectors: text(row, "selectors")?,
        venue_id: opt_parsed(row, "venue_id")?,
        interval_seconds: row.try_get::<i64, _>("interval_seconds")?,
        enabled: row.try_get::<i64, _>("enabled")? != 0,
        has_cookie: row.try_get::<i64, _>("has_cookie")? != 0,
        etag: row.try_get::<Option<String>, _>("etag")?,
        last_modified: row.try_get::<Option<String>, _>("last_modified")?,
        next_fetch_at: time(row, "next_fetch_at")?,
        lease_until: opt_time(row, "lease_until")?,
        failures: row.try_get::<i64, _>("failures")?,
        last_fetch_at: opt_time(row, "last_fetch_at")?,
        last_success_at: opt_time(row, "last_success_at")?,
        last_error_at: opt_time(row, "last_error_at")?,
        last_error: text(row, "last_error")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn a_match(row: &AnyRow) -> StoreResult<WatchMatchRecord> {
    let signals = text(row, "signals")?;
    Ok(WatchMatchRecord {
        id: parsed(row, "id")?,
        source_id: parsed(row, "source_id")?,
        entry_key: text(row, "entry_key")?,
        url: text(row, "url")?,
        sealed: row.try_get::<Vec<u8>, _>("sealed")?,
        signals: signals
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        status: parsed(row, "status")?,
        claimed_by: opt_user(row, "claimed_by")?,
        dismiss_reason: text(row, "dismiss_reason")?,
        posted_at: opt_time(row, "posted_at")?,
        found_at: time(row, "found_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn flag(value: bool) -> Bind {
    Bind::Int(i64::from(value))
}

fn opt_at(value: Option<OffsetDateTime>) -> Bind {
    Bind::OptInt(value.map(to_unix))
}

/// `$n, $n+1, ...` for `count` values starting at `first`.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl WatchStore for SqlStore {
    async fn create_watch_source(&self, s: WatchSourceRecord) -> StoreResult<()> {
        let sql = "INSERT INTO watch_sources (id, name, kind, url, selectors, venue_id, \
             interval_seconds, enabled, next_fetch_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        bind_all(
            sqlx::query(sql),
            vec![
                t(s.id),
                t(&s.name),
                t(s.kind),
                t(&s.url),
                t(&s.selectors),
                Bind::OptText(s.venue_id.map(|v| v.to_string())),
                Bind::Int(s.interval_seconds),
                flag(s.enabled),
                at(s.next_fetch_at),
                at(s.created_at),
                at(s.updated_at),
            ],
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn update_watch_source(&self, s: &WatchSourceRecord) -> StoreResult<bool> {
        // A new address is another resource: its validators no longer apply.
        let sql = "UPDATE watch_sources SET name = $1, kind = $2, selectors = $3, venue_id = $4, \
             interval_seconds = $5, enabled = $6, updated_at = $7, \
             etag = CASE WHEN url = $8 THEN etag ELSE NULL END, \
             last_modified = CASE WHEN url = $8 THEN last_modified ELSE NULL END, \
             next_fetch_at = CASE WHEN url = $8 THEN next_fetch_at ELSE $7 END, \
             url = $8 WHERE id = $9";
        let done = bind_all(
            sqlx::query(sql),
            vec![
                t(&s.name),
                t(s.kind),
                t(&s.selectors),
                Bind::OptText(s.venue_id.map(|v| v.to_string())),
                Bind::Int(s.interval_seconds),
                flag(s.enabled),
                at(s.updated_at),
                t(&s.url),
                t(s.id),
            ],
        )
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn watch_source(&self, id: WatchSourceId) -> StoreResult<Option<WatchSourceRecord>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources WHERE id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(source)
            .transpose()
    }

    async fn watch_sources(&self) -> StoreResult<Vec<WatchSourceRecord>> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM watch_sources ORDER BY name, id");
        sqlx::query(AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(source)
            .collect()
    }

    async fn delete_watch_source(&self, id: WatchSourceId) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        // Not left to the foreign key: SQLite enforces it only with the pragma on.
        sqlx::query("DELETE FROM watch_matches WHERE source_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM watch_sources WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_watch_source_cookie(
        &self,
        id: WatchSourceId,
        sealed: Option<Vec<u8>>,
    ) -> StoreResult<bool> {
        let done = bind_all(
            sqlx::query("UPDATE watch_sources SET cookie = $1 WHERE id = $2"),
            vec![Bind::OptBlob(sealed), t(id)],
        )
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn watch_source_cookie(&self, id: WatchSourceId) -> StoreResult<Option<Vec<u8>>> {
        Ok(
            sqlx::query("SELECT cookie FROM watch_sources WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?
                .map(|row| row.try_get::<Option<Vec<u8>>, _>("cookie"))
                .transpose()?
                .flatten(),
        )
    }

    async fn claim_watch_source(
        &self,
        id: WatchSourceId,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> StoreResult<Option<WatchSourceRecord>> {
        // A compare-and-set: only one node can move a free (or expired) lease.
        let done = sqlx::query(
            "UPDATE watch_sources SET lease_until = $1 \
             WHERE id = $2 AND (lease_until IS NULL OR lease_until <= $3)",
        )
        .bind(to_unix(lease_until))
        .bind(id.to_string())
        .bind(to_unix(now))
        .execute(self.pool())
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        self.watch_source(id).await
    }

    async fn claim_due_watch_sources(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<WatchSourceRecord>> {
        let due = "enabled = 1 AND kind <> 'paste' AND next_fetch_at <= $1 \
             AND (lease_until IS NULL OR lease_until <= $1)";
        let look = format!("SELECT 1 AS one FROM watch_sources WHERE {due} LIMIT 1");
        let anything_due = sqlx::query(AssertSqlSafe(look))
            .bind(to_unix(now))
            .fetch_optional(self.pool())
            .await?
            .is_some();
        if !anything_due {
            return Ok(Vec::new());
        }
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM watch_sources WHERE {due} \
             ORDER BY next_fetch_at, id LIMIT $2{skip_locked}"
        );
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(to_unix(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut record = source(row)?;
            sqlx::query("UPDATE watch_sources SET lease_until = $1 WHERE id = $2")
                .bind(to_unix(lease_until))
                .bind(record.id.to_string())
                .execute(&mut *tx)
                .await?;
            record.lease_until = Some(lease_until);
            claimed.push(record);
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn finish_watch_fetch(
        &self,
        id: WatchSourceId,
        outcome: WatchFetchOutcome,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let (sql, binds) = match outcome {
            WatchFetchOutcome::Success {
                etag,
                last_modified,
                next_fetch_at,
            } => (
                "UPDATE watch_sources SET lease_until = NULL, failures = 0, last_fetch_at = $1, \
                 last_success_at = $1, etag = $2, last_modified = $3, next_fetch_at = $4 \
                 WHERE id = $5",
                vec![
                    at(now),
                    Bind::OptText(etag),
                    Bind::OptText(last_modified),
                    at(next_fetch_at),
                    t(id),
                ],
            ),
            WatchFetchOutcome::NotModified { next_fetch_at } => (
                "UPDATE watch_sources SET lease_until = NULL, failures = 0, last_fetch_at = $1, \
                 last_success_at = $1, next_fetch_at = $2 WHERE id = $3",
                vec![at(now), at(next_fetch_at), t(id)],
            ),
            WatchFetchOutcome::Failed {
                error,
                next_fetch_at,
            } => (
                "UPDATE watch_sources SET lease_until = NULL, failures = failures + 1, \
                 last_fetch_at = $1, last_error_at = $1, last_error = $2, next_fetch_at = $3 \
                 WHERE id = $4",
                vec![at(now), t(error), at(next_fetch_at), t(id)],
            ),
        };
        bind_all(sqlx::query(sql), binds)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn insert_watch_match(&self, m: &WatchMatchRecord) -> StoreResult<bool> {
        let sql = "INSERT INTO watch_matches (id, source_id, entry_key, url, sealed, signals, \
             status, claimed_by, dismiss_reason, posted_at, found_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (source_id, entry_key) DO NOTHING";
        let done = bind_all(
            sqlx::query(sql),
            vec![
                t(m.id),
                t(m.source_id),
                t(&m.entry_key),
                t(&m.url),
                Bind::Blob(m.sealed.clone()),
                t(m.signals.join(",")),
                t(m.status),
                Bind::OptText(m.claimed_by.map(|u| u.to_string())),
                t(&m.dismiss_reason),
                opt_at(m.posted_at),
                at(m.found_at),
                at(m.updated_at),
            ],
        )
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn watch_match(&self, id: WatchMatchId) -> StoreResult<Option<WatchMatchRecord>> {
        let sql = format!("SELECT {MATCH_COLUMNS} FROM watch_matches WHERE id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(a_match)
            .transpose()
    }

    async fn watch_matches(&self, filter: &WatchMatchFilter) -> StoreResult<Vec<WatchMatchRecord>> {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        if !filter.statuses.is_empty() {
            clauses.push(format!(
                "status IN ({})",
                placeholders(binds.len() + 1, filter.statuses.len())
            ));
            binds.extend(filter.statuses.iter().map(t));
        }
        if let Some(source) = filter.source_id {
            clauses.push(format!("source_id = ${}", binds.len() + 1));
            binds.push(t(source));
        }
        if let Some((found, id)) = filter.before {
            let n = binds.len();
            clauses.push(format!(
                "(found_at < ${a} OR (found_at = ${a} AND id < ${b}))",
                a = n + 1,
                b = n + 2
            ));
            binds.push(at(found));
            binds.push(t(id));
        }
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT {MATCH_COLUMNS} FROM watch_matches {filter_sql} \
             ORDER BY found_at DESC, id DESC LIMIT ${}",
            binds.len() + 1
        );
        binds.push(Bind::Int(i64::from(filter.limit.max(1))));
        bind_all(sqlx::query(AssertSqlSafe(sql)), binds)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(a_match)
            .collect()
    }

    async fn set_watch_match_status(
        &self,
        id: WatchMatchId,
        from: &[MatchStatus],
        to: MatchStatus,
        by: Option<UserId>,
        reason: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        if from.is_empty() {
            return Ok(false);
        }
        let sql = format!(
            "UPDATE watch_matches SET status = $1, claimed_by = COALESCE($2, claimed_by), \
             dismiss_reason = $3, updated_at = $4 WHERE id = $5 AND status IN ({})",
            placeholders(6, from.len())
        );
        let mut binds = vec![
            t(to),
            Bind::OptText(by.map(|u| u.to_string())),
            t(reason),
            at(now),
            t(id),
        ];
        binds.extend(from.iter().map(t));
        let done = bind_all(sqlx::query(AssertSqlSafe(sql)), binds)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn purge_watch_matches(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM watch_matches WHERE found_at < $1")
            .bind(to_unix(before))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    async fn watch_terms(&self) -> StoreResult<Vec<WatchTermRecord>> {
        sqlx::query(
            "SELECT phrase, signal, removed, created_by, created_at FROM watch_terms \
             ORDER BY signal, phrase",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(WatchTermRecord {
                phrase: text(row, "phrase")?,
                signal: text(row, "signal")?,
                removed: row.try_get::<i64, _>("removed")? != 0,
                created_by: opt_user(row, "created_by")?,
                created_at: time(row, "created_at")?,
            })
        })
        .collect::<Result<_, StoreError>>()
    }

    async fn put_watch_term(&self, term: WatchTermRecord) -> StoreResult<()> {
        let sql = "INSERT INTO watch_terms (phrase, signal, removed, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (phrase, signal) DO UPDATE SET \
             removed = excluded.removed, created_by = excluded.created_by, \
             created_at = excluded.created_at";
        bind_all(
            sqlx::query(sql),
            vec![
                t(&term.phrase),
                t(&term.signal),
                flag(term.removed),
                Bind::OptText(term.created_by.map(|u| u.to_string())),
                at(term.created_at),
            ],
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn delete_watch_term(&self, phrase: &str, signal: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM watch_terms WHERE phrase = $1 AND signal = $2")
            .bind(phrase.to_owned())
            .bind(signal.to_owned())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
