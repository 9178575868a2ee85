//! [`EditorialStore`] on both backends.

use super::rows::{opt_time, opt_user, text, time};
use super::team::{pack_version_in, replace_files};
use super::{SqlStore, state_list};
use crate::model::{ContentItem, ContentRevision, Guarded};
use crate::{EditorialStore, StoreResult};
use async_trait::async_trait;
use netreach_core::UserId;
use netreach_core::clock::to_unix;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

const ITEM_BY_PATH: &str = "SELECT path, state, head_version, published_version, updated_at \
     FROM content_items WHERE path = $1";

fn item(row: &AnyRow) -> StoreResult<ContentItem> {
    Ok(ContentItem {
        path: text(row, "path")?,
        state: text(row, "state")?,
        head_version: row.try_get::<i64, _>("head_version")?,
        published_version: row.try_get::<Option<i64>, _>("published_version")?,
        updated_at: time(row, "updated_at")?,
    })
}

async fn item_in(tx: &mut Tx, path: &str) -> StoreResult<Option<ContentItem>> {
    let row = sqlx::query(ITEM_BY_PATH)
        .bind(path.to_owned())
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(item).transpose()
}

async fn insert_revision(
    tx: &mut Tx,
    path: &str,
    version: i64,
    body: &str,
    by: Option<UserId>,
    at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO content_revisions (path, version, body, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(path.to_owned())
    .bind(version)
    .bind(body.to_owned())
    .bind(by.map(|u| u.to_string()))
    .bind(to_unix(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl EditorialStore for SqlStore {
    async fn content_item(&self, path: &str) -> StoreResult<Option<ContentItem>> {
        let row = sqlx::query(ITEM_BY_PATH)
            .bind(path.to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(item).transpose()
    }

    async fn content_items(&self) -> StoreResult<Vec<ContentItem>> {
        let rows = sqlx::query(
            "SELECT path, state, head_version, published_version, updated_at FROM content_items \
             ORDER BY path",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item).collect()
    }

    async fn content_revisions(&self, path: &str) -> StoreResult<Vec<ContentRevision>> {
        let rows = sqlx::query(
            "SELECT path, version, body, edited_by, edited_at, reviewed_by, reviewed_at \
             FROM content_revisions WHERE path = $1 ORDER BY version DESC",
        )
        .bind(path.to_owned())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ContentRevision {
                    path: text(r, "path")?,
                    version: r.try_get::<i64, _>("version")?,
                    body: text(r, "body")?,
                    edited_by: opt_user(r, "edited_by")?,
                    edited_at: time(r, "edited_at")?,
                    reviewed_by: opt_user(r, "reviewed_by")?,
                    reviewed_at: opt_time(r, "reviewed_at")?,
                })
            })
            .collect()
    }

    async fn save_revision(
        &self,
        path: &str,
        published_text: Option<&str>,
        body: &str,
        expected_head: Option<i64>,
        by: UserId,
        at: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>> {
        let mut tx = self.write_tx().await?;
        let existing = item_in(&mut tx, path).await?;
        let head = match (&existing, expected_head) {
            (Some(item), Some(expected)) if item.head_version == expected => item.head_version,
            (None, None) => match published_text {
                Some(text) => {
                    record_baseline(&mut tx, path, text, at).await?;
                    1
                }
                None => {
                    insert_item(&mut tx, path, "draft", 0, None, at).await?;
                    0
                }
            },
            _ => {
                tx.rollback().await?;
                return Ok(Guarded::Conflict);
            }
        };
        let version = head + 1;
        insert_revision(&mut tx, path, version, body, Some(by), at).await?;
        sqlx::query(
            "UPDATE content_items SET head_version = $1, state = 'draft', updated_at = $2 WHERE path = $3",
        )
        .bind(version)
        .bind(to_unix(at))
        .bind(path.to_owned())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Guarded::Done(version))
    }

    async fn set_content_state(
        &self,
        path: &str,
        from: &[&str],
        to: &str,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let allowed = state_list(from);
        let sql = format!(
            "UPDATE content_items SET state = $1, updated_at = $2 WHERE path = $3 AND state IN ({allowed})"
        );
        let n = sqlx::query(AssertSqlSafe(sql))
            .bind(to.to_owned())
            .bind(to_unix(at))
            .bind(path.to_owned())
            .execute(self.pool())
            .await?
            .rows_affected();
        Ok(n > 0)
    }

    async fn publish_revision(
        &self,
        path: &str,
        version: i64,
        reviewer: UserId,
        files: Vec<(String, String)>,
        pack_version: i64,
        at: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>> {
        let mut tx = self.write_tx().await?;
        let Some(current) = item_in(&mut tx, path).await? else {
            tx.rollback().await?;
            return Ok(Guarded::Missing);
        };
        if current.state != "in_review"
            || current.head_version != version
            || pack_version_in(&mut tx).await? != pack_version
        {
            tx.rollback().await?;
            return Ok(Guarded::Conflict);
        }
        sqlx::query(
            "UPDATE content_revisions SET reviewed_by = $1, reviewed_at = $2 WHERE path = $3 AND version = $4",
        )
        .bind(reviewer.to_string())
        .bind(to_unix(at))
        .bind(path.to_owned())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE content_items SET state = 'published', published_version = $1, updated_at = $2 WHERE path = $3",
        )
        .bind(version)
        .bind(to_unix(at))
        .bind(path.to_owned())
        .execute(&mut *tx)
        .await?;
        let new_version = replace_files(&mut tx, files, at).await?;
        tx.commit().await?;
        Ok(Guarded::Done(new_version))
    }

    async fn archive_item(
        &self,
        path: &str,
        published_text: Option<&str>,
        files: Vec<(String, String)>,
        pack_version: i64,
        at: OffsetDateTime,
    ) -> StoreResult<Guarded<i64>> {
        let mut tx = self.write_tx().await?;
        if pack_version_in(&mut tx).await? != pack_version {
            tx.rollback().await?;
            return Ok(Guarded::Conflict);
        }
        match item_in(&mut tx, path).await? {
            Some(_) => {}
            None => {
                let Some(text) = published_text else {
                    tx.rollback().await?;
                    return Ok(Guarded::Missing);
                };
                record_baseline(&mut tx, path, text, at).await?;
            }
        }
        sqlx::query(
            "UPDATE content_items SET state = 'archived', published_version = NULL, updated_at = $1 WHERE path = $2",
        )
        .bind(to_unix(at))
        .bind(path.to_owned())
        .execute(&mut *tx)
        .await?;
        let new_version = replace_files(&mut tx, files, at).await?;
        tx.commit().await?;
        Ok(Guarded::Done(new_version))
    }
}

/// A file never edited here gets an item with its live text as revision 1, published.
async fn record_baseline(
    tx: &mut Tx,
    path: &str,
    text: &str,
    at: OffsetDateTime,
) -> StoreResult<()> {
    insert_item(tx, path, "published", 1, Some(1), at).await?;
    insert_revision(tx, path, 1, text, None, at).await
}

async fn insert_item(
    tx: &mut Tx,
    path: &str,
    state: &str,
    head: i64,
    published: Option<i64>,
    at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO content_items (path, state, head_version, published_version, updated_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(path.to_owned())
    .bind(state.to_owned())
    .bind(head)
    .bind(published)
    .bind(to_unix(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
