//! Bulk loading for `netreach bench` only: fills the tables with synthetic conversations whose
//! "sealed" fields are random bytes of realistic size, far faster than sealing each message.

use super::SqlStore;
use crate::StoreResult;
use netreach_core::clock::to_unix;
use netreach_core::{ConversationId, MessageId, Status, Topic};
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;

fn bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The tags one conversation in ten carries, in turn, so the inbox has tag counts to show.
const TAGS: [&str; 5] = ["naloxone", "referral", "follow-up", "hepatitis", "housing"];

/// Inserts `conversations` conversations of `messages_per` messages each, in batches.
pub async fn seed(
    store: &SqlStore,
    conversations: u32,
    messages_per: u32,
    now: OffsetDateTime,
) -> StoreResult<u64> {
    let statuses = [
        Status::New,
        Status::Open,
        Status::WaitingForClient,
        Status::Solved,
    ];
    let mut inserted = 0u64;
    let batch = 500u32;
    let mut done = 0u32;
    while done < conversations {
        let n = batch.min(conversations - done);
        let mut tx = store.write_tx().await?;
        let mut conv_rows = Vec::new();
        let mut msg_rows = Vec::new();
        let mut tag_rows = Vec::new();
        for i in 0..n {
            let k = u64::from(done + i);
            let id = ConversationId::new_random();
            let at = to_unix(now) - (k as i64) * 37;
            let status = statuses[(k % 4) as usize];
            let topic = Topic::ALL[(k % 9) as usize];
            conv_rows.push(format!(
                "('{id}', NULL, 'web', '{}', '{}', '{}', {}, {at}, {at}, {at}, {}, 1)",
                topic.as_str(),
                if k % 3 == 0 { "ru" } else { "en" },
                status.as_str(),
                i64::from(k % 50 == 0),
                messages_per
            ));
            if k % 10 == 0 {
                tag_rows.push(format!("('{id}', '{}')", TAGS[(k / 10 % 5) as usize]));
            }
            for m in 0..messages_per {
                msg_rows.push((
                    id,
                    MessageId::new_random(),
                    m + 1,
                    at + i64::from(m),
                    k * 100 + u64::from(m),
                ));
            }
        }
        let sql = format!(
            "INSERT INTO conversations (id, lookup_id, channel, topic, lang, status, urgent, created_at, \
             last_activity_at, last_client_at, message_count, version) VALUES {}",
            conv_rows.join(", ")
        );
        sqlx::query(AssertSqlSafe(sql)).execute(&mut *tx).await?;
        if !tag_rows.is_empty() {
            let sql = format!(
                "INSERT INTO conversation_tags (conversation_id, tag) VALUES {}",
                tag_rows.join(", ")
            );
            sqlx::query(AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        for chunk in msg_rows.chunks(200) {
            let mut placeholders = Vec::new();
            for (j, _) in chunk.iter().enumerate() {
                let b = j * 3;
                placeholders.push(format!("(${}, ${}, ${})", b + 1, b + 2, b + 3));
            }
            let values: Vec<String> = chunk
                .iter()
                .map(|(c, id, seq, at, _)| {
                    format!(
                        "('{id}', '{c}', {seq}, 'message', '{}', NULL, {at}",
                        if seq % 2 == 1 { "client" } else { "staff" }
                    )
                })
                .collect();
            let rows: Vec<String> = values
                .iter()
                .zip(&placeholders)
                .map(|(v, p)| format!("{v}, {}", &p[1..]))
                .collect();
            let sql = format!(
                "INSERT INTO messages (id, conversation_id, seq, kind, author, staff_id, created_at, body, \
                 key_inbox, key_client) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (_, _, _, _, seed) in chunk {
                query = query
                    .bind(bytes(24 + 16 + 180, *seed))
                    .bind(bytes(80, seed + 1))
                    .bind(bytes(80, seed + 2));
            }
            query.execute(&mut *tx).await?;
            inserted += chunk.len() as u64;
        }
        tx.commit().await?;
        done += n;
    }
    Ok(inserted)
}

/// Bytes the database takes on disk (PostgreSQL: the whole database).
pub async fn database_bytes(store: &SqlStore) -> StoreResult<Option<i64>> {
    match store.backend {
        crate::Backend::Postgres => {
            let row =
                sqlx::query("SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n")
                    .fetch_one(store.pool())
                    .await?;
            Ok(Some(sqlx::Row::try_get::<i64, _>(&row, "n")?))
        }
        crate::Backend::Sqlite => Ok(None),
    }
}
