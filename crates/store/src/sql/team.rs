//! [`TeamStore`] on both backends: working hours and canned replies.

use super::rows::{parsed, text, time};
use super::{Bind, SqlStore, at, contains_pattern, search_text, t};
use crate::model::{
    AvailabilityRecord, CannedReply, PackChange, PackVersion, SavedView, StaffItems,
};
use crate::{StoreError, StoreResult, TeamStore};
use async_trait::async_trait;
use netreach_core::{CannedId, Lang, UserId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

fn canned(row: &AnyRow) -> StoreResult<CannedReply> {
    let lang = text(row, "lang")?;
    Ok(CannedReply {
        id: parsed(row, "id")?,
        lang: Lang::parse(&lang).ok_or_else(|| StoreError::Corrupt("column lang".into()))?,
        title: text(row, "title")?,
        body: text(row, "body")?,
        updated_at: time(row, "updated_at")?,
        tags: text(row, "tags")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        status: row
            .try_get::<Option<String>, _>("status")?
            .map(|s| s.parse())
            .transpose()
            .map_err(|_| StoreError::Corrupt("column status".into()))?,
    })
}

const CANNED_COLUMNS: &str = "id, lang, title, body, updated_at, tags, status";

#[async_trait]
impl TeamStore for SqlStore {
    async fn availability(&self) -> StoreResult<Option<AvailabilityRecord>> {
        let row = sqlx::query(
            "SELECT timezone, hours, holidays, away, updated_at FROM availability WHERE id = 1",
        )
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(AvailabilityRecord {
            timezone: text(&row, "timezone")?,
            hours: text(&row, "hours")?,
            holidays: text(&row, "holidays")?,
            away: row.try_get::<i64, _>("away")? != 0,
            updated_at: time(&row, "updated_at")?,
        }))
    }

    async fn put_availability(&self, r: AvailabilityRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO availability (id, timezone, hours, holidays, away, updated_at) \
             VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET \
             timezone = excluded.timezone, hours = excluded.hours, holidays = excluded.holidays, \
             away = excluded.away, updated_at = excluded.updated_at",
            vec![
                t(&r.timezone),
                t(&r.hours),
                t(&r.holidays),
                Bind::Int(i64::from(r.away)),
                at(r.updated_at),
            ],
        )
        .await?;
        Ok(())
    }

    async fn set_away(&self, away: bool, when: OffsetDateTime) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE availability SET away = $1, updated_at = $2 WHERE id = 1",
                vec![Bind::Int(i64::from(away)), at(when)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn canned_replies(&self, lang: Option<Lang>) -> StoreResult<Vec<CannedReply>> {
        let rows = match lang {
            Some(lang) => {
                let sql = format!(
                    "SELECT {CANNED_COLUMNS} FROM canned_replies WHERE lang = $1 ORDER BY title"
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(lang.code())
                    .fetch_all(self.pool())
                    .await?
            }
            None => {
                let sql =
                    format!("SELECT {CANNED_COLUMNS} FROM canned_replies ORDER BY lang, title");
                sqlx::query(AssertSqlSafe(sql))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(canned).collect()
    }

    async fn canned_reply(&self, id: CannedId) -> StoreResult<Option<CannedReply>> {
        let sql = format!("SELECT {CANNED_COLUMNS} FROM canned_replies WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(canned).transpose()
    }

    async fn put_canned_reply(&self, r: CannedReply) -> StoreResult<()> {
        self.exec(
            "INSERT INTO canned_replies (id, lang, title, body, updated_at, search_text, tags, \
             status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET lang = excluded.lang, title = excluded.title, \
             body = excluded.body, updated_at = excluded.updated_at, \
             search_text = excluded.search_text, tags = excluded.tags, status = excluded.status",
            vec![
                t(r.id),
                t(r.lang.code()),
                t(&r.title),
                t(&r.body),
                at(r.updated_at),
                t(search_text(&[&r.title, &r.body])),
                t(r.tags.join(" ")),
                Bind::OptText(r.status.map(|s| s.as_str().to_owned())),
            ],
        )
        .await?;
        Ok(())
    }

    async fn saved_views(&self, user: UserId) -> StoreResult<Vec<SavedView>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, query, created_at FROM saved_views WHERE user_id = $1 \
             ORDER BY name",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SavedView {
                    id: parsed(row, "id")?,
                    user_id: parsed(row, "user_id")?,
                    name: text(row, "name")?,
                    query: text(row, "query")?,
                    created_at: time(row, "created_at")?,
                })
            })
            .collect()
    }

    async fn put_saved_view(&self, v: &SavedView) -> StoreResult<()> {
        self.exec(
            "INSERT INTO saved_views (id, user_id, name, query, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, name) DO UPDATE SET \
             query = excluded.query, created_at = excluded.created_at",
            vec![
                t(v.id),
                t(v.user_id),
                t(&v.name),
                t(&v.query),
                at(v.created_at),
            ],
        )
        .await?;
        Ok(())
    }

    async fn delete_saved_view(&self, user: UserId, id: uuid::Uuid) -> StoreResult<bool> {
        let n = self
            .exec(
                "DELETE FROM saved_views WHERE id = $1 AND user_id = $2",
                vec![t(id), t(user)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn find_staff_items(&self, needle: &str, limit: u32) -> StoreResult<StaffItems> {
        let pattern = contains_pattern(needle);
        let mut found = StaffItems::default();
        for (table, label, order) in [
            ("canned_replies", "title", "title, id"),
            ("posts", "title", "updated_at DESC, id"),
            ("venues", "name", "name, id"),
        ] {
            let sql = format!(
                "SELECT id, {label} AS label FROM {table} WHERE search_text LIKE $1 ESCAPE '\\' \
                 ORDER BY {order} LIMIT $2"
            );
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(pattern.clone())
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await?;
            for row in &rows {
                let label = text(row, "label")?;
                match table {
                    "canned_replies" => found.canned.push((parsed(row, "id")?, label)),
                    "posts" => found.posts.push((parsed(row, "id")?, label)),
                    _ => found.venues.push((parsed(row, "id")?, label)),
                }
            }
        }
        Ok(found)
    }

    async fn delete_canned_reply(&self, id: CannedId) -> StoreResult<bool> {
        Ok(self
            .exec("DELETE FROM canned_replies WHERE id = $1", vec![t(id)])
            .await?
            > 0)
    }

    async fn charge_budget(
        &self,
        name: &str,
        now: OffsetDateTime,
        window: time::Duration,
    ) -> StoreResult<u64> {
        let now_s = netreach_core::clock::to_unix(now);
        let expired = netreach_core::clock::to_unix(now - window);
        let row = sqlx::query(
            "INSERT INTO budgets (name, window_start, used) VALUES ($1, $2, 1) \
             ON CONFLICT (name) DO UPDATE SET \
             used = CASE WHEN budgets.window_start <= $3 THEN 1 ELSE budgets.used + 1 END, \
             window_start = CASE WHEN budgets.window_start <= $4 THEN $5 ELSE budgets.window_start END \
             RETURNING used",
        )
        .bind(name.to_owned())
        .bind(now_s)
        .bind(expired)
        .bind(expired)
        .bind(now_s)
        .fetch_one(self.pool())
        .await?;
        Ok(u64::try_from(row.try_get::<i64, _>("used")?).unwrap_or(0))
    }

    async fn content_files(&self) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT path, body FROM content_files ORDER BY path")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((text(r, "path")?, text(r, "body")?)))
            .collect()
    }

    async fn replace_content(
        &self,
        files: Vec<(String, String)>,
        when: OffsetDateTime,
        how: PackChange,
    ) -> StoreResult<i64> {
        let mut tx = self.write_tx().await?;
        let version = replace_files(&mut tx, files, when, how).await?;
        tx.commit().await?;
        Ok(version)
    }

    async fn pack_versions(&self) -> StoreResult<Vec<PackVersion>> {
        let how = |row: &AnyRow| {
            let word = text(row, "how")?;
            PackChange::parse(&word).ok_or_else(|| StoreError::Corrupt(format!("how {word:?}")))
        };
        let mut out = Vec::new();
        let current = sqlx::query(
            "SELECT m.version, m.how, COUNT(f.path) AS files, \
             COALESCE(MAX(f.updated_at), 0) AS made_at \
             FROM content_meta m LEFT JOIN content_files f ON 1 = 1 \
             WHERE m.id = 1 GROUP BY m.version, m.how",
        )
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = current {
            out.push(PackVersion {
                version: row.try_get("version")?,
                made_at: time(&row, "made_at")?,
                replaced_at: None,
                how: how(&row)?,
                files: row.try_get("files")?,
            });
        }
        let rows = sqlx::query(
            "SELECT version, made_at, replaced_at, how, files FROM content_versions \
             ORDER BY version DESC",
        )
        .fetch_all(self.pool())
        .await?;
        for row in &rows {
            out.push(PackVersion {
                version: row.try_get("version")?,
                made_at: time(row, "made_at")?,
                replaced_at: Some(time(row, "replaced_at")?),
                how: how(row)?,
                files: row.try_get("files")?,
            });
        }
        Ok(out)
    }

    async fn pack_version_files(&self, version: i64) -> StoreResult<Option<Vec<(String, String)>>> {
        if version > 0 && version == self.content_version().await? {
            return Ok(Some(self.content_files().await?));
        }
        let kept = sqlx::query("SELECT 1 AS one FROM content_versions WHERE version = $1")
            .bind(version)
            .fetch_optional(self.pool())
            .await?;
        if kept.is_none() {
            return Ok(None);
        }
        let rows = sqlx::query(
            "SELECT path, body FROM content_version_files WHERE version = $1 ORDER BY path",
        )
        .bind(version)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((text(r, "path")?, text(r, "body")?)))
            .collect::<StoreResult<Vec<_>>>()
            .map(Some)
    }

    async fn content_version(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT version FROM content_meta WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => row.try_get("version")?,
            None => 0,
        })
    }
}

/// Replaces the published pack inside a transaction and bumps its version; returns the version.
/// The pack replaced, if one was stored, is first kept in `content_versions`, and versions older
/// than the newest [`crate::KEPT_PACK_VERSIONS`] are deleted.
pub(crate) async fn replace_files(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    files: Vec<(String, String)>,
    when: OffsetDateTime,
    how: PackChange,
) -> StoreResult<i64> {
    let old = sqlx::query("SELECT version, how FROM content_meta WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(old) = old {
        let version: i64 = old.try_get("version")?;
        let old_how = text(&old, "how")?;
        let counts = sqlx::query(
            "SELECT COUNT(*) AS files, COALESCE(MAX(updated_at), 0) AS made_at FROM content_files",
        )
        .fetch_one(&mut **tx)
        .await?;
        let count: i64 = counts.try_get("files")?;
        if count > 0 {
            sqlx::query(
                "INSERT INTO content_versions (version, made_at, replaced_at, how, files) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version) DO NOTHING",
            )
            .bind(version)
            .bind(counts.try_get::<i64, _>("made_at")?)
            .bind(netreach_core::clock::to_unix(when))
            .bind(old_how)
            .bind(count)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO content_version_files (version, path, body) \
                 SELECT CAST($1 AS BIGINT), path, body FROM content_files WHERE 1 = 1 \
                 ON CONFLICT (version, path) DO NOTHING",
            )
            .bind(version)
            .execute(&mut **tx)
            .await?;
        }
        let oldest_kept = version - crate::KEPT_PACK_VERSIONS + 1;
        for table in ["content_version_files", "content_versions"] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE version < $1"
            )))
            .bind(oldest_kept)
            .execute(&mut **tx)
            .await?;
        }
    }
    sqlx::query("DELETE FROM content_files")
        .execute(&mut **tx)
        .await?;
    for (path, body) in files {
        sqlx::query("INSERT INTO content_files (path, body, updated_at) VALUES ($1, $2, $3)")
            .bind(path)
            .bind(body)
            .bind(netreach_core::clock::to_unix(when))
            .execute(&mut **tx)
            .await?;
    }
    let row = sqlx::query(
        "INSERT INTO content_meta (id, version, how) VALUES (1, 1, $1) \
         ON CONFLICT (id) DO UPDATE SET version = content_meta.version + 1, how = excluded.how \
         RETURNING version",
    )
    .bind(how.to_text())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("version")?)
}

/// The published pack's version inside a transaction (0 before the first import).
pub(crate) async fn pack_version_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
) -> StoreResult<i64> {
    let row = sqlx::query("SELECT version FROM content_meta WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match row {
        Some(row) => row.try_get("version")?,
        None => 0,
    })
}
