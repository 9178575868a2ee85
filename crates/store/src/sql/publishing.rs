//! [`PublishingStore`] on both backends.

use super::rows::{opt_blob, opt_parsed, opt_time, opt_user, parsed, text, time};
use super::{Bind, SqlStore, at, bind_all, search_text, t};
use crate::backend::Backend;
use crate::model::{
    Guarded, PostRecord, PostVersionRecord, PublicationFilter, PublicationRecord, SendOutcome,
    VenueRecord,
};
use crate::{PublishingStore, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{AlertId, Lang, PostId, PublicationId, PublicationStatus, UserId, VenueId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use std::collections::BTreeSet;
use time::OffsetDateTime;

const VENUE_COLUMNS: &str = "id, name, kind, address, lang, markup, rules, permission, permission_at, \
     permission_contact, notes, needs_approval, char_limit, telegram_chat, \
     CASE WHEN bot_token IS NULL THEN 0 ELSE 1 END AS has_bot_token, push_alerts, last_sent_at, \
     created_at, updated_at";

const PUBLICATION_COLUMNS: &str = "id, venue_id, post_id, post_version, alert_id, body, created_by, \
     created_at, status, url, followup, attempts, next_attempt_at, last_error, published_at, updated_at";

fn flag(row: &AnyRow, col: &str) -> StoreResult<bool> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

fn venue(row: &AnyRow) -> StoreResult<VenueRecord> {
    Ok(VenueRecord {
        id: parsed(row, "id")?,
        name: text(row, "name")?,
        kind: parsed(row, "kind")?,
        address: text(row, "address")?,
        lang: Lang::parse(&text(row, "lang")?)
            .ok_or_else(|| crate::StoreError::Corrupt("column lang".into()))?,
        markup: text(row, "markup")?,
        rules: text(row, "rules")?,
        permission: parsed(row, "permission")?,
        permission_at: opt_time(row, "permission_at")?,
        permission_contact: text(row, "permission_contact")?,
        notes: text(row, "notes")?,
        needs_approval: flag(row, "needs_approval")?,
        char_limit: row.try_get::<Option<i64>, _>("char_limit")?,
        telegram_chat: row.try_get::<Option<String>, _>("telegram_chat")?,
        has_bot_token: flag(row, "has_bot_token")?,
        push_alerts: flag(row, "push_alerts")?,
        last_sent_at: opt_time(row, "last_sent_at")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn post(row: &AnyRow) -> StoreResult<PostRecord> {
    Ok(PostRecord {
        id: parsed(row, "id")?,
        title: text(row, "title")?,
        body: text(row, "body")?,
        version: row.try_get::<i64, _>("version")?,
        created_by: opt_user(row, "created_by")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn publication(row: &AnyRow) -> StoreResult<PublicationRecord> {
    Ok(PublicationRecord {
        id: parsed(row, "id")?,
        venue_id: parsed(row, "venue_id")?,
        post_id: opt_parsed(row, "post_id")?,
        post_version: row.try_get::<Option<i64>, _>("post_version")?,
        alert_id: opt_parsed(row, "alert_id")?,
        body: text(row, "body")?,
        created_by: opt_user(row, "created_by")?,
        created_at: time(row, "created_at")?,
        status: parsed(row, "status")?,
        url: text(row, "url")?,
        followup: text(row, "followup")?,
        attempts: row.try_get::<i64, _>("attempts")?,
        next_attempt_at: opt_time(row, "next_attempt_at")?,
        last_error: text(row, "last_error")?,
        published_at: opt_time(row, "published_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn venue_binds(v: &VenueRecord) -> Vec<Bind> {
    vec![
        t(&v.name),
        t(v.kind),
        t(&v.address),
        t(v.lang.code()),
        t(&v.markup),
        t(&v.rules),
        t(v.permission),
        Bind::OptInt(v.permission_at.map(to_unix)),
        t(&v.permission_contact),
        t(&v.notes),
        Bind::Int(i64::from(v.needs_approval)),
        Bind::OptInt(v.char_limit),
        Bind::OptText(v.telegram_chat.clone()),
        Bind::Int(i64::from(v.push_alerts)),
        at(v.updated_at),
        t(v.id),
    ]
}

#[async_trait]
impl PublishingStore for SqlStore {
    async fn create_venue(&self, v: VenueRecord) -> StoreResult<()> {
        let mut binds = venue_binds(&v);
        binds.push(at(v.created_at));
        binds.push(t(search_text(&[&v.name, &v.address])));
        self.exec(
            "INSERT INTO venues (name, kind, address, lang, markup, rules, permission, permission_at, \
             permission_contact, notes, needs_approval, char_limit, telegram_chat, push_alerts, \
             updated_at, id, created_at, search_text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            binds,
        )
        .await?;
        Ok(())
    }

    async fn update_venue(&self, v: VenueRecord) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE venues SET name = $1, kind = $2, address = $3, lang = $4, markup = $5, \
                 rules = $6, permission = $7, permission_at = $8, permission_contact = $9, notes = $10, \
                 needs_approval = $11, char_limit = $12, telegram_chat = $13, push_alerts = $14, \
                 updated_at = $15, search_text = $17 WHERE id = $16",
                {
                    let mut binds = venue_binds(&v);
                    binds.push(t(search_text(&[&v.name, &v.address])));
                    binds
                },
            )
            .await?;
        Ok(n > 0)
    }

    async fn venue(&self, id: VenueId) -> StoreResult<Option<VenueRecord>> {
        let sql = format!("SELECT {VENUE_COLUMNS} FROM venues WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(venue).transpose()
    }

    async fn venues(&self) -> StoreResult<Vec<VenueRecord>> {
        let sql = format!("SELECT {VENUE_COLUMNS} FROM venues ORDER BY name, id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(venue).collect()
    }

    async fn set_venue_bot_token(&self, id: VenueId, sealed: Option<Vec<u8>>) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE venues SET bot_token = $1 WHERE id = $2",
                vec![Bind::OptBlob(sealed), t(id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn venue_bot_token(&self, id: VenueId) -> StoreResult<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT bot_token FROM venues WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => opt_blob(&row, "bot_token")?,
            None => None,
        })
    }

    async fn create_post(&self, p: PostRecord) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO posts (id, title, body, version, created_by, created_at, updated_at, \
             search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(p.id.to_string())
        .bind(p.title.clone())
        .bind(p.body.clone())
        .bind(p.version)
        .bind(p.created_by.map(|u| u.to_string()))
        .bind(to_unix(p.created_at))
        .bind(to_unix(p.updated_at))
        .bind(search_text(&[&p.title, &p.body]))
        .execute(&mut *tx)
        .await?;
        insert_version(
            &mut tx,
            p.id,
            p.version,
            &p.title,
            &p.body,
            p.created_by,
            p.updated_at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_post(
        &self,
        id: PostId,
        expected_version: i64,
        title: &str,
        body: &str,
        by: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>> {
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE posts SET title = $1, body = $2, version = version + 1, updated_at = $3, \
             search_text = $6 WHERE id = $4 AND version = $5",
        )
        .bind(title.to_owned())
        .bind(body.to_owned())
        .bind(to_unix(now))
        .bind(id.to_string())
        .bind(expected_version)
        .bind(search_text(&[title, body]))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists = sqlx::query("SELECT 1 AS one FROM posts WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            tx.rollback().await?;
            return Ok(if exists {
                Guarded::Conflict
            } else {
                Guarded::Missing
            });
        }
        let version = expected_version + 1;
        insert_version(&mut tx, id, version, title, body, Some(by), now).await?;
        tx.commit().await?;
        Ok(Guarded::Done(version))
    }

    async fn post(&self, id: PostId) -> StoreResult<Option<PostRecord>> {
        let row = sqlx::query(
            "SELECT id, title, body, version, created_by, created_at, updated_at FROM posts WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(post).transpose()
    }

    async fn posts(&self) -> StoreResult<Vec<PostRecord>> {
        let rows = sqlx::query(
            "SELECT id, title, body, version, created_by, created_at, updated_at FROM posts \
             ORDER BY updated_at DESC, id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(post).collect()
    }

    async fn post_titles(&self, ids: &[PostId]) -> StoreResult<Vec<(PostId, String)>> {
        let ids: BTreeSet<PostId> = ids.iter().copied().collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=ids.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT id, title FROM posts WHERE id IN ({placeholders})");
        let binds = ids.iter().map(t).collect();
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), binds)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((parsed(r, "id")?, text(r, "title")?)))
            .collect()
    }

    async fn post_versions(&self, id: PostId) -> StoreResult<Vec<PostVersionRecord>> {
        let rows = sqlx::query(
            "SELECT post_id, version, title, body, edited_by, edited_at, approved_by, approved_at \
             FROM post_versions WHERE post_id = $1 ORDER BY version DESC",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PostVersionRecord {
                    post_id: parsed(r, "post_id")?,
                    version: r.try_get::<i64, _>("version")?,
                    title: text(r, "title")?,
                    body: text(r, "body")?,
                    edited_by: opt_user(r, "edited_by")?,
                    edited_at: time(r, "edited_at")?,
                    approved_by: opt_user(r, "approved_by")?,
                    approved_at: opt_time(r, "approved_at")?,
                })
            })
            .collect()
    }

    async fn posts_awaiting_approval(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM posts p JOIN post_versions v \
             ON v.post_id = p.id AND v.version = p.version \
             WHERE v.approved_at IS NULL AND NOT EXISTS (SELECT 1 FROM publications pub \
             WHERE pub.post_id = p.id AND pub.post_version = p.version)",
        )
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn approve_post_version(
        &self,
        id: PostId,
        version: i64,
        by: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE post_versions SET approved_by = $1, approved_at = $2 \
                 WHERE post_id = $3 AND version = $4 AND approved_at IS NULL",
                vec![t(by), at(now), t(id), Bind::Int(version)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn create_publication(&self, p: PublicationRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO publications (id, venue_id, post_id, post_version, alert_id, body, created_by, \
             created_at, status, url, followup, attempts, next_attempt_at, last_error, published_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            vec![
                t(p.id),
                t(p.venue_id),
                Bind::OptText(p.post_id.map(|id| id.to_string())),
                Bind::OptInt(p.post_version),
                Bind::OptText(p.alert_id.map(|id| id.to_string())),
                t(&p.body),
                Bind::OptText(p.created_by.map(|u| u.to_string())),
                at(p.created_at),
                t(p.status),
                t(&p.url),
                t(&p.followup),
                Bind::Int(p.attempts),
                Bind::OptInt(p.next_attempt_at.map(to_unix)),
                t(&p.last_error),
                Bind::OptInt(p.published_at.map(to_unix)),
                at(p.updated_at),
            ],
        )
        .await?;
        Ok(())
    }

    async fn publication(&self, id: PublicationId) -> StoreResult<Option<PublicationRecord>> {
        let sql = format!("SELECT {PUBLICATION_COLUMNS} FROM publications WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(publication).transpose()
    }

    async fn publications(&self, f: &PublicationFilter) -> StoreResult<Vec<PublicationRecord>> {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        for (column, value) in [
            ("venue_id", f.venue_id.map(|v| v.to_string())),
            ("post_id", f.post_id.map(|p| p.to_string())),
            ("status", f.status.map(|s| s.as_str().to_owned())),
        ] {
            if let Some(value) = value {
                binds.push(t(value));
                clauses.push(format!("{column} = ${}", binds.len()));
            }
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        binds.push(Bind::Int(i64::from(f.limit.clamp(1, 10_000))));
        let sql = format!(
            "SELECT {PUBLICATION_COLUMNS} FROM publications{filter} \
             ORDER BY created_at DESC, id LIMIT ${}",
            binds.len()
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), binds)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(publication).collect()
    }

    async fn update_publication(
        &self,
        id: PublicationId,
        url: &str,
        status: PublicationStatus,
        followup: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        // The first time an entry is recorded live, that is when it was published.
        let first_live = (status == PublicationStatus::Live).then(|| to_unix(now));
        let n = self
            .exec(
                "UPDATE publications SET url = $1, status = $2, followup = $3, updated_at = $4, \
                 published_at = COALESCE(published_at, $5) WHERE id = $6",
                vec![
                    t(url),
                    t(status),
                    t(followup),
                    at(now),
                    Bind::OptInt(first_live),
                    t(id),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    async fn claim_due_publications(
        &self,
        now: OffsetDateTime,
        spacing: time::Duration,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<PublicationRecord>> {
        // On PostgreSQL several nodes may claim at once: each locks its own rows.
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE OF p SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let columns = PUBLICATION_COLUMNS
            .split(", ")
            .map(|c| format!("p.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let [scheduled, sending] = PublicationStatus::CLAIMABLE;
        let due = "FROM publications p JOIN venues v ON v.id = p.venue_id \
             WHERE p.status IN ($1, $2) AND p.next_attempt_at <= $3 \
             AND (v.last_sent_at IS NULL OR v.last_sent_at <= $4)";
        // Look before taking the write lock: the sender runs every two seconds, and nearly
        // always finds nothing due.
        let anything_due = sqlx::query(AssertSqlSafe(format!("SELECT 1 AS one {due} LIMIT 1")))
            .bind(scheduled.as_str())
            .bind(sending.as_str())
            .bind(to_unix(now))
            .bind(to_unix(now - spacing))
            .fetch_optional(self.pool())
            .await?
            .is_some();
        if !anything_due {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {columns} {due} ORDER BY p.next_attempt_at, p.id LIMIT $5{skip_locked}"
        );
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(scheduled.as_str())
            .bind(sending.as_str())
            .bind(to_unix(now))
            .bind(to_unix(now - spacing))
            .bind(i64::from(limit) * 4)
            .fetch_all(&mut *tx)
            .await?;
        let mut venues = BTreeSet::new();
        let mut claimed = Vec::new();
        for row in &rows {
            let mut p = publication(row)?;
            // One send per venue per claim keeps each chat within Telegram's per-chat limit.
            if claimed.len() as u32 >= limit || !venues.insert(p.venue_id) {
                continue;
            }
            let Ok(leased) = p.status.claim() else {
                continue;
            };
            sqlx::query(
                "UPDATE publications SET status = $1, next_attempt_at = $2, \
                 attempts = attempts + 1, updated_at = $3 WHERE id = $4",
            )
            .bind(leased.as_str())
            .bind(to_unix(lease_until))
            .bind(to_unix(now))
            .bind(p.id.to_string())
            .execute(&mut *tx)
            .await?;
            p.status = leased;
            p.attempts += 1;
            p.next_attempt_at = Some(lease_until);
            claimed.push(p);
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn cancel_alert_sends(&self, alert_id: AlertId, now: OffsetDateTime) -> StoreResult<u64> {
        let from = PublicationStatus::Scheduled;
        let Ok(to) = from.cancel() else {
            return Ok(0);
        };
        self.exec(
            "UPDATE publications SET status = $1, next_attempt_at = NULL, updated_at = $2 \
             WHERE alert_id = $3 AND status = $4",
            vec![t(to), at(now), t(alert_id), t(from)],
        )
        .await
    }

    async fn finish_send(
        &self,
        id: PublicationId,
        outcome: SendOutcome,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut tx = self.write_tx().await?;
        let status = outcome.status();
        let (sql, binds): (&'static str, Vec<Bind>) = match outcome {
            SendOutcome::Sent { url } => (
                "UPDATE publications SET status = $1, url = $2, published_at = $3, \
                 next_attempt_at = NULL, last_error = '', updated_at = $4 WHERE id = $5",
                vec![t(status), t(url), at(now), at(now), t(id)],
            ),
            SendOutcome::Retry { at: when, error } => (
                "UPDATE publications SET status = $1, next_attempt_at = $2, last_error = $3, \
                 updated_at = $4 WHERE id = $5",
                vec![t(status), at(when), t(error), at(now), t(id)],
            ),
            SendOutcome::Failed { error } => (
                "UPDATE publications SET status = $1, next_attempt_at = NULL, last_error = $2, \
                 updated_at = $3 WHERE id = $4",
                vec![t(status), t(error), at(now), t(id)],
            ),
        };
        bind_all(sqlx::query(sql), binds).execute(&mut *tx).await?;
        // Every attempt counts against the chat's spacing, successful or not.
        sqlx::query(
            "UPDATE venues SET last_sent_at = $1 WHERE id = (SELECT venue_id FROM publications WHERE id = $2)",
        )
        .bind(to_unix(now))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: PostId,
    version: i64,
    title: &str,
    body: &str,
    by: Option<UserId>,
    now: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO post_versions (post_id, version, title, body, edited_by, edited_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(version)
    .bind(title.to_owned())
    .bind(body.to_owned())
    .bind(by.map(|u| u.to_string()))
    .bind(to_unix(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
