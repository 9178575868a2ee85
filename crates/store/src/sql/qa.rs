//! [`QaStore`] on both backends.

use super::rows::{opt_time, opt_user, text, time};
use super::{Bind, SqlStore, at, t};
use crate::model::QaRecord;
use crate::{QaStore, StoreError, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{ConversationId, Lang, UserId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

const QA_COLUMNS: &str = "id, conversation_id, lang, topic, question, answer, status, written_by, \
     written_at, reviewed_by, published_at, updated_at";

fn entry(row: &AnyRow) -> StoreResult<QaRecord> {
    Ok(QaRecord {
        id: text(row, "id")?,
        conversation_id: row
            .try_get::<Option<String>, _>("conversation_id")?
            .map(|c| c.parse::<ConversationId>())
            .transpose()
            .map_err(|_| StoreError::Corrupt("column conversation_id".into()))?,
        lang: Lang::parse(&text(row, "lang")?)
            .ok_or_else(|| StoreError::Corrupt("column lang".into()))?,
        topic: text(row, "topic")?,
        question: text(row, "question")?,
        answer: text(row, "answer")?,
        status: text(row, "status")?,
        written_by: opt_user(row, "written_by")?,
        written_at: time(row, "written_at")?,
        reviewed_by: opt_user(row, "reviewed_by")?,
        published_at: opt_time(row, "published_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

#[async_trait]
impl QaStore for SqlStore {
    async fn set_qa_consent(
        &self,
        id: ConversationId,
        when: Option<OffsetDateTime>,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let n = sqlx::query("UPDATE conversations SET qa_consent_at = $1 WHERE id = $2")
            .bind(when.map(to_unix))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if when.is_none() {
            sqlx::query("DELETE FROM qa_entries WHERE conversation_id = $1 AND status = 'draft'")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn qa_consent(&self, id: ConversationId) -> StoreResult<Option<OffsetDateTime>> {
        let row = sqlx::query("SELECT qa_consent_at FROM conversations WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => opt_time(&row, "qa_consent_at"),
            None => Ok(None),
        }
    }

    async fn create_qa(&self, e: QaRecord) -> StoreResult<()> {
        self.exec(
            "INSERT INTO qa_entries (id, conversation_id, lang, topic, question, answer, status, \
             written_by, written_at, reviewed_by, published_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            vec![
                t(&e.id),
                Bind::OptText(e.conversation_id.map(|c| c.to_string())),
                t(e.lang.code()),
                t(&e.topic),
                t(&e.question),
                t(&e.answer),
                t(&e.status),
                Bind::OptText(e.written_by.map(|u| u.to_string())),
                at(e.written_at),
                Bind::OptText(e.reviewed_by.map(|u| u.to_string())),
                Bind::OptInt(e.published_at.map(to_unix)),
                at(e.updated_at),
            ],
        )
        .await?;
        Ok(())
    }

    async fn update_qa(
        &self,
        id: &str,
        question: &str,
        answer: &str,
        by: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE qa_entries SET question = $1, answer = $2, written_by = $3, written_at = $4, \
                 updated_at = $5 WHERE id = $6 AND status = 'draft'",
                vec![t(question), t(answer), t(by), at(now), at(now), t(id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn qa(&self, id: &str) -> StoreResult<Option<QaRecord>> {
        let sql = format!("SELECT {QA_COLUMNS} FROM qa_entries WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(entry).transpose()
    }

    async fn qa_entries(
        &self,
        status: Option<&str>,
        lang: Option<Lang>,
    ) -> StoreResult<Vec<QaRecord>> {
        let sql = format!(
            "SELECT {QA_COLUMNS} FROM qa_entries WHERE ($1 = '' OR status = $2) \
             AND ($3 = '' OR lang = $4) ORDER BY COALESCE(published_at, updated_at) DESC, id"
        );
        let status = status.unwrap_or("").to_owned();
        let lang = lang.map(|l| l.code()).unwrap_or("").to_owned();
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(status.clone())
            .bind(status)
            .bind(lang.clone())
            .bind(lang)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(entry).collect()
    }

    async fn publish_qa(
        &self,
        id: &str,
        reviewer: UserId,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        // The consent is checked inside the same transaction that publishes, so a withdrawal
        // that lands first always wins.
        let n = sqlx::query(
            "UPDATE qa_entries SET status = 'published', reviewed_by = $1, published_at = $2, \
             updated_at = $3, conversation_id = NULL WHERE id = $4 AND status = 'draft' AND EXISTS \
             (SELECT 1 FROM conversations c WHERE c.id = qa_entries.conversation_id \
             AND c.qa_consent_at IS NOT NULL)",
        )
        .bind(reviewer.to_string())
        .bind(to_unix(now))
        .bind(to_unix(now))
        .bind(id.to_owned())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn withdraw_qa(&self, id: &str, now: OffsetDateTime) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE qa_entries SET status = 'withdrawn', updated_at = $1 \
                 WHERE id = $2 AND status = 'published'",
                vec![at(now), t(id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn qa_stamp(&self) -> StoreResult<i64> {
        use std::hash::{Hash, Hasher};
        let rows = sqlx::query(
            "SELECT id, status, updated_at FROM qa_entries \
             WHERE status IN ('published', 'withdrawn') ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for row in &rows {
            text(row, "id")?.hash(&mut hasher);
            text(row, "status")?.hash(&mut hasher);
            row.try_get::<i64, _>("updated_at")?.hash(&mut hasher);
        }
        // Zero stays "nothing published yet".
        Ok(if rows.is_empty() {
            0
        } else {
            hasher.finish() as i64 | 1
        })
    }
}
