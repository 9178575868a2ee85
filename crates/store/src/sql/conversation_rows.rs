//! Conversations, messages and attachments as rows: their columns, how a row is read, how a
//! message or attachment is written inside a transaction, and the inbox page's query.

use super::rows::{blob, opt_blob, opt_time, parsed, text, time};
use super::{Bind, at, t};
use crate::model::{
    AssignedFilter, AttachmentInfo, AttachmentKind, Conversation, FollowUpFilter, InboxFilter,
    MessageKind, NewAttachment, NewMessage, SealedRecord, StoredMessage,
};
use crate::{StoreError, StoreResult};
use netreach_core::clock::to_unix;
use netreach_core::{Author, ConversationId, Lang, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

pub(super) const CONVERSATION_COLUMNS: &str = "id, channel, topic, lang, status, urgent, assigned_to, \
     client_public_key, created_at, last_activity_at, last_client_at, first_response_at, closed_at, \
     message_count, version, rating, follow_up_at";

pub(super) fn conversation(row: &AnyRow) -> StoreResult<Conversation> {
    let lang = text(row, "lang")?;
    Ok(Conversation {
        id: parsed(row, "id")?,
        channel: text(row, "channel")?,
        topic: parsed(row, "topic")?,
        lang: Lang::parse(&lang).ok_or_else(|| StoreError::Corrupt("column lang".into()))?,
        status: parsed(row, "status")?,
        urgent: row.try_get::<i64, _>("urgent")? != 0,
        assigned_to: row
            .try_get::<Option<String>, _>("assigned_to")?
            .map(|id| id.parse::<UserId>())
            .transpose()
            .map_err(|_| StoreError::Corrupt("column assigned_to".into()))?,
        client_public_key: opt_blob(row, "client_public_key")?,
        created_at: time(row, "created_at")?,
        last_activity_at: time(row, "last_activity_at")?,
        last_client_at: opt_time(row, "last_client_at")?,
        first_response_at: opt_time(row, "first_response_at")?,
        closed_at: opt_time(row, "closed_at")?,
        message_count: row.try_get::<i64, _>("message_count")?,
        version: row.try_get::<i64, _>("version")?,
        rating: row
            .try_get::<Option<i64>, _>("rating")?
            .and_then(|r| u8::try_from(r).ok()),
        follow_up_at: opt_time(row, "follow_up_at")?,
    })
}

pub(super) fn message(row: &AnyRow) -> StoreResult<StoredMessage> {
    let kind = text(row, "kind")?;
    Ok(StoredMessage {
        id: parsed(row, "id")?,
        seq: row.try_get::<i64, _>("seq")?,
        kind: MessageKind::parse(&kind).ok_or_else(|| StoreError::Corrupt("column kind".into()))?,
        author: parsed::<Author>(row, "author")?,
        staff_id: row
            .try_get::<Option<String>, _>("staff_id")?
            .map(|id| id.parse::<UserId>())
            .transpose()
            .map_err(|_| StoreError::Corrupt("column staff_id".into()))?,
        created_at: time(row, "created_at")?,
        sealed: SealedRecord {
            body: blob(row, "body")?,
            key_inbox: blob(row, "key_inbox")?,
            key_client: opt_blob(row, "key_client")?,
        },
        delivery: text(row, "delivery")?,
    })
}

/// Inserts a message inside a transaction, numbering it after the conversation's last one.
pub(super) async fn insert_message(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    conversation_id: ConversationId,
    seq: i64,
    m: &NewMessage,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, kind, author, staff_id, created_at, body, \
         key_inbox, key_client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(m.id.to_string())
    .bind(conversation_id.to_string())
    .bind(seq)
    .bind(m.kind.as_str())
    .bind(m.author.as_str())
    .bind(m.staff_id.map(|id| id.to_string()))
    .bind(to_unix(m.created_at))
    .bind(m.sealed.body.clone())
    .bind(m.sealed.key_inbox.clone())
    .bind(m.sealed.key_client.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) const ATTACHMENT_COLUMNS: &str =
    "id, conversation_id, message_id, kind, media_type, size, created_at";

pub(super) fn attachment_info(row: &AnyRow) -> StoreResult<AttachmentInfo> {
    let kind = text(row, "kind")?;
    Ok(AttachmentInfo {
        id: parsed(row, "id")?,
        conversation_id: parsed(row, "conversation_id")?,
        message_id: parsed(row, "message_id")?,
        kind: AttachmentKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt("column kind".into()))?,
        media_type: text(row, "media_type")?,
        size: row.try_get::<i64, _>("size")?,
        created_at: time(row, "created_at")?,
    })
}

pub(super) async fn insert_attachment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    conversation_id: ConversationId,
    a: &NewAttachment,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO attachments (id, conversation_id, message_id, kind, media_type, size, \
         created_at, body, key_inbox, key_client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(a.id.to_string())
    .bind(conversation_id.to_string())
    .bind(a.message_id.to_string())
    .bind(a.kind.as_str())
    .bind(a.media_type.clone())
    .bind(a.size)
    .bind(to_unix(a.created_at))
    .bind(a.sealed.body.clone())
    .bind(a.sealed.key_inbox.clone())
    .bind(a.sealed.key_client.clone())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The inbox page `f` asks for: the SQL (assembled from constant fragments only) and its binds.
pub(super) fn inbox_query(f: &InboxFilter) -> (String, Vec<Bind>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let param = |binds: &mut Vec<Bind>, b: Bind| {
        binds.push(b);
        format!("${}", binds.len())
    };
    // Filtered by a tag, the page is read in the inbox's order off the tag's index
    // (migration 0011: tag rows carry their conversation's sort keys), joined to the
    // conversations; otherwise straight off the conversations' indexes.
    let (from, c, sort) = match &f.tag {
        Some(tag) => {
            clauses.push(format!("t.tag = {}", param(&mut binds, t(tag))));
            (
                "conversation_tags t JOIN conversations c ON c.id = t.conversation_id",
                "c.",
                ["t.urgent", "t.last_activity_at", "t.conversation_id"],
            )
        }
        None => ("conversations", "", ["urgent", "last_activity_at", "id"]),
    };
    if let Some(status) = f.status {
        clauses.push(format!("{c}status = {}", param(&mut binds, t(status))));
    }
    if f.urgent_only {
        clauses.push(format!("{c}urgent = 1"));
    }
    match f.assigned {
        AssignedFilter::All => {}
        AssignedFilter::Unassigned => clauses.push(format!("{c}assigned_to IS NULL")),
        AssignedFilter::Mine(user) => {
            clauses.push(format!("{c}assigned_to = {}", param(&mut binds, t(user))));
        }
    }
    if let Some(topic) = f.topic {
        clauses.push(format!("{c}topic = {}", param(&mut binds, t(topic))));
    }
    if let Some(lang) = f.lang {
        clauses.push(format!("{c}lang = {}", param(&mut binds, t(lang.code()))));
    }
    if let Some(channel) = &f.channel {
        clauses.push(format!("{c}channel = {}", param(&mut binds, t(channel))));
    }
    if let Some(now) = f.now {
        let pending = match f.follow_ups {
            FollowUpFilter::All => None,
            FollowUpFilter::NotPending => Some(false),
            FollowUpFilter::Pending => Some(true),
            FollowUpFilter::Due => {
                let n = param(&mut binds, at(now));
                clauses.push(format!("{c}follow_up_at <= {n}"));
                None
            }
        };
        match pending {
            Some(true) => {
                let n = param(&mut binds, at(now));
                clauses.push(format!("{c}follow_up_at > {n}"));
            }
            Some(false) => {
                let n = param(&mut binds, at(now));
                clauses.push(format!(
                    "({c}follow_up_at IS NULL OR {c}follow_up_at <= {n})"
                ));
            }
            None => {}
        }
    }
    let [urgent, activity, id] = sort;
    // Newest first: activity and id descending; oldest first: ascending. Urgent first always.
    let (cmp, dir) = if f.oldest_first {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some(after) = &f.after {
        // (urgent, last_activity_at, id) strictly after the cursor in the page's order.
        let u = param(&mut binds, Bind::Int(i64::from(after.urgent)));
        let u2 = param(&mut binds, Bind::Int(i64::from(after.urgent)));
        let a = param(&mut binds, Bind::Int(after.last_activity_at));
        let u3 = param(&mut binds, Bind::Int(i64::from(after.urgent)));
        let a2 = param(&mut binds, Bind::Int(after.last_activity_at));
        let i = param(&mut binds, t(&after.id));
        clauses.push(format!(
            "({urgent} < {u} OR ({urgent} = {u2} AND {activity} {cmp} {a}) OR \
             ({urgent} = {u3} AND {activity} = {a2} AND {id} {cmp} {i}))"
        ));
    }
    let limit = param(&mut binds, Bind::Int(i64::from(f.limit.clamp(1, 200))));
    let condition = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let columns = CONVERSATION_COLUMNS
        .split(", ")
        .map(|column| format!("{c}{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM {from}{condition} \
         ORDER BY {urgent} DESC, {activity} {dir}, {id} {dir} LIMIT {limit}"
    );
    (sql, binds)
}
