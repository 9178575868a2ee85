//! [`QaStore`] on both backends.

use super::rows::{opt_blob, opt_parsed, opt_time, opt_user, parsed, text, time};
use super::{Bind, SqlStore, at, t};
use crate::model::{QaRecord, SealedRecord};
use crate::{QaStore, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use netreach_core::{ConversationId, Lang, QaId, QaStatus, UserId};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

const QA_COLUMNS: &str = "id, conversation_id, lang, topic, question, answer, status, written_by, \
     written_at, reviewed_by, published_at, updated_at, draft_body, draft_key, source";

fn entry(row: &AnyRow) -> StoreResult<QaRecord> {
    Ok(QaRecord {
        id: parsed(row, "id")?,
        conversation_id: opt_parsed(row, "conversation_id")?,
        lang: Lang::parse(&text(row, "lang")?)
            .ok_or_else(|| crate::StoreError::Corrupt("column lang".into()))?,
        topic: parsed(row, "topic")?,
        question: text(row, "question")?,
        answer: text(row, "answer")?,
        status: parsed(row, "status")?,
        written_by: opt_user(row, "written_by")?,
        written_at: time(row, "written_at")?,
        reviewed_by: opt_user(row, "reviewed_by")?,
        published_at: opt_time(row, "published_at")?,
        updated_at: time(row, "updated_at")?,
        draft: match (opt_blob(row, "draft_body")?, opt_blob(row, "draft_key")?) {
            (Some(body), Some(key_inbox)) => Some(SealedRecord {
                body,
                key_inbox,
                key_client: None,
            }),
            _ => None,
        },
        source: opt_parsed(row, "source")?,
    })
}

#[async_trait]
impl QaStore for SqlStore {
    async fn set_qa_consent(
        &self,
        id: ConversationId,
        when: Option<OffsetDateTime>,
        source: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let n = sqlx::query("UPDATE conversations SET qa_consent_at = $1 WHERE id = $2")
            .bind(when.map(to_unix))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if when.is_none() {
            sqlx::query(
                "DELETE FROM qa_entries WHERE status = $1 AND (source = $2 OR conversation_id = $3)",
            )
            .bind(QaStatus::Draft.as_str())
            .bind(source.to_owned())
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
        let (body, key) = match e.draft {
            Some(d) => (Some(d.body), Some(d.key_inbox)),
            None => (None, None),
        };
        self.exec(
            "INSERT INTO qa_entries (id, conversation_id, lang, topic, question, answer, status, \
             written_by, written_at, reviewed_by, published_at, updated_at, draft_body, draft_key, \
             source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            vec![
                t(e.id),
                Bind::OptText(e.conversation_id.map(|c| c.to_string())),
                t(e.lang.code()),
                t(e.topic.as_str()),
                t(&e.question),
                t(&e.answer),
                t(e.status),
                Bind::OptText(e.written_by.map(|u| u.to_string())),
                at(e.written_at),
                Bind::OptText(e.reviewed_by.map(|u| u.to_string())),
                Bind::OptInt(e.published_at.map(to_unix)),
                at(e.updated_at),
                Bind::OptBlob(body),
                Bind::OptBlob(key),
                Bind::OptText(e.source),
            ],
        )
        .await?;
        Ok(())
    }

    async fn update_qa_draft(
        &self,
        id: QaId,
        draft: SealedRecord,
        source: &str,
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let n = self
            .exec(
                "UPDATE qa_entries SET question = '', answer = '', draft_body = $1, draft_key = $2, \
                 source = $3, conversation_id = NULL, written_by = COALESCE($4, written_by), \
                 written_at = CASE WHEN $5 = '' THEN written_at ELSE $6 END, updated_at = $7 \
                 WHERE id = $8 AND status = $9",
                vec![
                    Bind::Blob(draft.body),
                    Bind::Blob(draft.key_inbox),
                    t(source),
                    Bind::OptText(by.map(|u| u.to_string())),
                    t(if by.is_some() { "by" } else { "" }),
                    at(now),
                    at(now),
                    t(id),
                    t(QaStatus::Draft),
                ],
            )
            .await?;
        Ok(n > 0)
    }

    async fn delete_qa_drafts(&self, sources: &[String]) -> StoreResult<u64> {
        let mut n = 0;
        for source in sources {
            n += self
                .exec(
                    "DELETE FROM qa_entries WHERE source = $1 AND status = $2",
                    vec![t(source), t(QaStatus::Draft)],
                )
                .await?;
        }
        Ok(n)
    }

    async fn qa(&self, id: QaId) -> StoreResult<Option<QaRecord>> {
        let sql = format!("SELECT {QA_COLUMNS} FROM qa_entries WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(entry).transpose()
    }

    async fn qa_entries(
        &self,
        status: Option<QaStatus>,
        lang: Option<Lang>,
    ) -> StoreResult<Vec<QaRecord>> {
        let sql = format!(
            "SELECT {QA_COLUMNS} FROM qa_entries WHERE ($1 = '' OR status = $2) \
             AND ($3 = '' OR lang = $4) ORDER BY COALESCE(published_at, updated_at) DESC, id"
        );
        let status = status.map(QaStatus::as_str).unwrap_or("").to_owned();
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
        id: QaId,
        reviewer: UserId,
        question: &str,
        answer: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        // The second person (and, for a draft from before sealing, the consent) is checked in
        // the statement that publishes, so an edit by the reviewer, or a withdrawal, that lands
        // first always wins. A sealed draft exists only while its conversation consents: a
        // withdrawal or the conversation's deletion deletes it.
        let n = sqlx::query(
            "UPDATE qa_entries SET status = $1, reviewed_by = $2, published_at = $3, \
             updated_at = $4, question = $5, answer = $6, conversation_id = NULL, \
             draft_body = NULL, draft_key = NULL, source = NULL \
             WHERE id = $7 AND status = $8 AND (written_by IS NULL OR written_by <> $9) \
             AND (conversation_id IS NULL OR EXISTS (SELECT 1 FROM conversations c \
             WHERE c.id = qa_entries.conversation_id AND c.qa_consent_at IS NOT NULL))",
        )
        .bind(QaStatus::Published.as_str())
        .bind(reviewer.to_string())
        .bind(to_unix(now))
        .bind(to_unix(now))
        .bind(question.to_owned())
        .bind(answer.to_owned())
        .bind(id.to_string())
        .bind(QaStatus::Draft.as_str())
        .bind(reviewer.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            bump_stamp(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn withdraw_qa(&self, id: QaId) -> StoreResult<bool> {
        let mut tx = self.write_tx().await?;
        let n = sqlx::query("DELETE FROM qa_entries WHERE id = $1 AND status = $2")
            .bind(id.to_string())
            .bind(QaStatus::Published.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            bump_stamp(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    async fn qa_stamp(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT stamp FROM qa_meta WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => row.try_get::<i64, _>("stamp")?,
            None => 0,
        })
    }
}

/// Every change to the public archive moves the stamp, in the transaction that makes it.
async fn bump_stamp(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> StoreResult<()> {
    sqlx::query("UPDATE qa_meta SET stamp = stamp + 1 WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
