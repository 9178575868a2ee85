//! [`EditorialStore`] on both backends.

use super::SqlStore;
use super::rows::{opt_time, opt_user, parsed, text, time};
use super::team::{pack_version_in, replace_files};
use crate::model::{ContentItem, ContentRevision, Guarded, PackChange};
use crate::{EditorialStore, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{ContentPath, ContentState, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

const ITEM_BY_PATH: &str = "SELECT path, state, head_version, published_version, updated_at \
     FROM content_items WHERE path = $1";

fn item(row: &AnyRow) -> StoreResult<ContentItem> {
    Ok(ContentItem {
        path: parsed(row, "path")?,
        state: parsed(row, "state")?,
        head_version: row.try_get::<i64, _>("head_version")?,
        published_version: row.try_get::<Option<i64>, _>("published_version")?,
        updated_at: time(row, "updated_at")?,
    })
}

async fn item_in(tx: &mut Tx, path: &ContentPath) -> StoreResult<Option<ContentItem>> {
    let row = sqlx::query(ITEM_BY_PATH)
        .bind(path.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(item).transpose()
}

async fn insert_revision(
    tx: &mut Tx,
    path: &ContentPath,
    version: i64,
    body: &str,
    by: Option<UserId>,
    at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO content_revisions (path, version, body, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(path.to_string())
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
    async fn content_item(&self, path: &ContentPath) -> StoreResult<Option<ContentItem>> {
        let row = sqlx::query(ITEM_BY_PATH)
            .bind(path.to_string())
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

    async fn content_revisions(&self, path: &ContentPath) -> StoreResult<Vec<ContentRevision>> {
        let rows = sqlx::query(
            "SELECT path, version, body, edited_by, edited_at, reviewed_by, reviewed_at \
             FROM content_revisions WHERE path = $1 ORDER BY version DESC",
        )
        .bind(path.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ContentRevision {
                    path: parsed(r, "path")?,
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
        path: &ContentPath,
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
                    insert_item(&mut tx, path, ContentState::Draft, 0, None, at).await?;
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
        let state = existing
            .as_ref()
            .map_or(ContentState::UNEDITED, |i| i.state)
            .save();
        sqlx::query(
            "UPDATE content_items SET head_version = $1, state = $2, updated_at = $3 WHERE path = $4",
        )
        .bind(version)
        .bind(state.as_str())
        .bind(to_unix(at))
        .bind(path.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Guarded::Done(version))
    }

    async fn set_content_state(
        &self,
        path: &ContentPath,
        from: ContentState,
        to: ContentState,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE content_items SET state = $1, updated_at = $2 WHERE path = $3 AND state = $4",
        )
        .bind(to.as_str())
        .bind(to_unix(at))
        .bind(path.to_string())
        .bind(from.as_str())
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    async fn publish_revision(
        &self,
        path: &ContentPath,
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
        let Ok(published) = current.state.publish() else {
            tx.rollback().await?;
            return Ok(Guarded::Conflict);
        };
        if current.head_version != version || pack_version_in(&mut tx).await? != pack_version {
            tx.rollback().await?;
            return Ok(Guarded::Conflict);
        }
        sqlx::query(
            "UPDATE content_revisions SET reviewed_by = $1, reviewed_at = $2 WHERE path = $3 AND version = $4",
        )
        .bind(reviewer.to_string())
        .bind(to_unix(at))
        .bind(path.to_string())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE content_items SET state = $1, published_version = $2, updated_at = $3 WHERE path = $4",
        )
        .bind(published.as_str())
        .bind(version)
        .bind(to_unix(at))
        .bind(path.to_string())
        .execute(&mut *tx)
        .await?;
        let new_version = replace_files(&mut tx, files, at, PackChange::Publish).await?;
        tx.commit().await?;
        Ok(Guarded::Done(new_version))
    }

    async fn archive_item(
        &self,
        path: &ContentPath,
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
        let state = match item_in(&mut tx, path).await? {
            Some(item) => item.state,
            None => {
                let Some(text) = published_text else {
                    tx.rollback().await?;
                    return Ok(Guarded::Missing);
                };
                record_baseline(&mut tx, path, text, at).await?;
                ContentState::UNEDITED
            }
        };
        let Ok(archived) = state.archive() else {
            tx.rollback().await?;
            return Ok(Guarded::Conflict);
        };
        sqlx::query(
            "UPDATE content_items SET state = $1, published_version = NULL, updated_at = $2 WHERE path = $3",
        )
        .bind(archived.as_str())
        .bind(to_unix(at))
        .bind(path.to_string())
        .execute(&mut *tx)
        .await?;
        let new_version = replace_files(&mut tx, files, at, PackChange::Archive).await?;
        tx.commit().await?;
        Ok(Guarded::Done(new_version))
    }
}

/// A file never edited here gets an item with its live text as revision 1, published.
async fn record_baseline(
    tx: &mut Tx,
    path: &ContentPath,
    text: &str,
    at: OffsetDateTime,
) -> StoreResult<()> {
    insert_item(tx, path, ContentState::UNEDITED, 1, Some(1), at).await?;
    insert_revision(tx, path, 1, text, None, at).await
}

async fn insert_item(
    tx: &mut Tx,
    path: &ContentPath,
    state: ContentState,
    head: i64,
    published: Option<i64>,
    at: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO content_items (path, state, head_version, published_version, updated_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(path.to_string())
    .bind(state.as_str())
    .bind(head)
    .bind(published)
    .bind(to_unix(at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
