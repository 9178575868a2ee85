//! The [`Store`] implementation shared by SQLite and PostgreSQL, over sqlx's `Any` driver.
//! SQL is written once with `$n` placeholders (both engines accept them); where the engines
//! differ, the branch is on [`Backend`].

mod accounts;
mod alerts;
mod audit;
pub mod bench;
mod conversation_rows;
mod conversations;
mod drafts;
mod editorial;
mod notifications;
mod operations;
mod publishing;
mod push;
mod qa;
mod rows;
mod team;
mod telegram;
mod two_factor;
mod watch;

use crate::backend::{Backend, BackendError};
use crate::model::StaffUser;
use crate::{Store, StoreError, StoreResult};
use async_trait::async_trait;
use netreach_core::clock::to_unix;
use rows::USER_COLUMNS;
// Dynamic SQL here is only ever assembled from constant fragments, never from input.
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// Why [`SqlStore::open_existing`] refused a database.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("no database file there")]
    Missing,
    #[error("an in-memory database has nothing to keep")]
    NotAFile,
    #[error("it holds no Netreach database (no Netreach migrations)")]
    NotNetreach,
    #[error(transparent)]
    Backend(#[from] BackendError),
}

/// A migration that `migrate` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub description: String,
}

/// The SQL store, on whichever backend its URL names.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

impl SqlStore {
    /// Connects to the database the URL names (creating a SQLite file if missing). Does not
    /// migrate: call [`SqlStore::migrate`].
    pub async fn connect(url: &str) -> Result<SqlStore, BackendError> {
        let backend = Backend::from_url(url)?;
        let pool = backend.connect(url).await?;
        Ok(SqlStore { pool, backend })
    }

    /// Opens a database that must exist already and hold Netreach's schema: never creates a
    /// SQLite file, and refuses a database without Netreach's migrations. For every command
    /// that was not asked to create a database (backups, staff and content management).
    pub async fn open_existing(url: &str) -> Result<SqlStore, OpenError> {
        let backend = Backend::from_url(url)?;
        let store = match backend {
            Backend::Sqlite => {
                let path = crate::backend::sqlite_path(url).ok_or(OpenError::NotAFile)?;
                if !path.is_file() {
                    return Err(OpenError::Missing);
                }
                let sep = if url.contains('?') { '&' } else { '?' };
                let url = if url.contains("mode=") {
                    url.to_owned()
                } else {
                    format!("{url}{sep}mode=rw")
                };
                SqlStore::connect(&url).await?
            }
            Backend::Postgres => SqlStore::connect(url).await?,
        };
        match store.applied_versions().await {
            Ok(applied) if !applied.is_empty() => Ok(store),
            _ => {
                store.close().await;
                Err(OpenError::NotNetreach)
            }
        }
    }

    /// Applies pending migrations; returns the ones applied now (empty when up to date).
    pub async fn migrate(&self) -> StoreResult<Vec<AppliedMigration>> {
        let before = self.applied_versions().await?;
        self.backend.migrator().run(&self.pool).await?;
        self.fill_search_text().await?;
        Ok(self
            .backend
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration() && !before.contains(&m.version))
            .map(|m| AppliedMigration {
                version: m.version,
                description: m.description.to_string(),
            })
            .collect())
    }

    /// Fills the staff-search text of rows written before it existed (migration 0014): the
    /// lower-casing is the application's, which folds every script.
    async fn fill_search_text(&self) -> StoreResult<()> {
        for (table, a, b) in [
            ("canned_replies", "title", "body"),
            ("posts", "title", "body"),
            ("venues", "name", "address"),
        ] {
            let select =
                format!("SELECT id, {a} AS a, {b} AS b FROM {table} WHERE search_text = ''");
            let rows = sqlx::query(AssertSqlSafe(select))
                .fetch_all(&self.pool)
                .await?;
            let update = format!("UPDATE {table} SET search_text = $1 WHERE id = $2");
            for row in rows {
                let id: String = row.try_get("id")?;
                let text = search_text(&[
                    &row.try_get::<String, _>("a")?,
                    &row.try_get::<String, _>("b")?,
                ]);
                sqlx::query(AssertSqlSafe(update.clone()))
                    .bind(text)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    async fn applied_versions(&self) -> StoreResult<BTreeSet<i64>> {
        let exists_sql = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) AS n FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let n: i64 = sqlx::query(exists_sql)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if n == 0 {
            return Ok(BTreeSet::new());
        }
        let rows = sqlx::query("SELECT version FROM _sqlx_migrations")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<i64, _>("version").map_err(StoreError::from))
            .collect()
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so concurrent writers wait for each other (busy timeout) instead of failing
    /// when a read snapshot would have to be upgraded.
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The pool, for test helpers that inspect the raw database.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    async fn user_where(&self, clause: &str, value: String) -> StoreResult<Option<StaffUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE {clause} = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(value)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::user).transpose()
    }

    async fn exec(&self, sql: &'static str, binds: Vec<Bind>) -> StoreResult<u64> {
        let query = bind_all(sqlx::query(sql), binds);
        Ok(query.execute(&self.pool).await?.rows_affected())
    }
}

/// Binds the values in order.
fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for bind in binds {
        query = match bind {
            Bind::Text(v) => query.bind(v),
            Bind::Int(v) => query.bind(v),
            Bind::OptInt(v) => query.bind(v),
            Bind::Blob(v) => query.bind(v),
            Bind::OptBlob(v) => query.bind(v),
            Bind::OptText(v) => query.bind(v),
        };
    }
    query
}

/// A bound value for [`SqlStore::exec`].
enum Bind {
    Text(String),
    Int(i64),
    OptInt(Option<i64>),
    Blob(Vec<u8>),
    OptBlob(Option<Vec<u8>>),
    OptText(Option<String>),
}

fn t(value: impl ToString) -> Bind {
    Bind::Text(value.to_string())
}

fn at(value: OffsetDateTime) -> Bind {
    Bind::Int(to_unix(value))
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

/// A row that names another one which is not (or no longer) there: a conversation deleted by
/// another node between a job's read and its write, say.
fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.is_foreign_key_violation(),
        _ => false,
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// What staff search matches a row by: its searchable fields, lower-cased by Rust (every script).
pub(crate) fn search_text(parts: &[&str]) -> String {
    parts.join("\n").to_lowercase()
}

/// A `LIKE` pattern that finds `needle` anywhere, with `%`, `_` and the escape itself taken
/// literally (used with `ESCAPE '\'`).
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::from("%");
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
