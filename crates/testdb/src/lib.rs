//! A fresh, migrated database per test: a temporary SQLite file, or a new schema in the test
//! PostgreSQL database. Kept apart from the test kit so that the store's own tests compile
//! without the web crate.

// Test-support code: failing loudly on a broken fixture is the point.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use netreach_store::{SqlStore, Store};
use sqlx::{Connection, Row};
use std::path::PathBuf;

/// The environment variable naming the PostgreSQL database tests may use.
pub const POSTGRES_ENV: &str = "NETREACH_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

impl TestBackend {
    /// The backends to run store tests on: SQLite always, PostgreSQL when configured. Under CI
    /// the PostgreSQL URL is mandatory, so a missing database fails instead of being skipped.
    pub fn all() -> Vec<TestBackend> {
        let mut backends = vec![TestBackend::Sqlite];
        match std::env::var(POSTGRES_ENV) {
            Ok(url) if !url.trim().is_empty() => backends.push(TestBackend::Postgres),
            _ if std::env::var_os("CI").is_some() => {
                panic!("{POSTGRES_ENV} must be set under CI: store tests run on PostgreSQL too")
            }
            _ => {}
        }
        backends
    }
}

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    pub backend: TestBackend,
    /// The URL the application should connect with.
    pub url: String,
    /// For SQLite: the directory holding the database file.
    pub dir: Option<tempfile::TempDir>,
    /// For PostgreSQL: the schema created for this test.
    pub schema: Option<String>,
    base_url: Option<String>,
}

impl TestDb {
    pub async fn new(backend: TestBackend) -> TestDb {
        match backend {
            TestBackend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("netreach.db").display());
                TestDb {
                    backend,
                    url,
                    dir: Some(dir),
                    schema: None,
                    base_url: None,
                }
            }
            TestBackend::Postgres => {
                let base = std::env::var(POSTGRES_ENV).expect("NETREACH_TEST_POSTGRES_URL");
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&base)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {POSTGRES_ENV}: {e}"));
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&mut conn)
                    .await
                    .expect("create schema");
                let _ = conn.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                TestDb {
                    backend,
                    url,
                    dir: None,
                    schema: Some(schema),
                    base_url: Some(base),
                }
            }
        }
    }

    /// A connected, migrated store on this database.
    pub async fn store(&self) -> SqlStore {
        let store = SqlStore::connect(&self.url)
            .await
            .expect("connect to test database");
        store.migrate().await.expect("migrate test database");
        store
    }

    /// The SQLite database files (main, WAL, shared memory).
    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        std::fs::read_dir(dir.path())
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }

    /// Every byte the database holds, as text, for scanning: the raw SQLite files (database and
    /// WAL), or a JSON dump of every row of every table in the PostgreSQL schema.
    pub async fn raw_contents(&self) -> String {
        match self.backend {
            TestBackend::Sqlite => {
                let mut out = Vec::new();
                for path in self.sqlite_files() {
                    out.extend(std::fs::read(path).unwrap_or_default());
                }
                String::from_utf8_lossy(&out).into_owned()
            }
            TestBackend::Postgres => {
                let base = self.base_url.as_deref().expect("postgres url");
                let schema = self.schema.as_deref().expect("schema");
                let mut conn = sqlx::PgConnection::connect(base).await.expect("connect");
                // Every column as text; bytes through encode(..., 'escape'), so printable
                // plaintext hidden in a BYTEA column shows up verbatim (hex would hide it).
                let columns = sqlx::query(
                    "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS d \
                     FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position",
                )
                .bind(schema)
                .fetch_all(&mut conn)
                .await
                .expect("list columns");
                let mut tables: std::collections::BTreeMap<String, Vec<String>> =
                    Default::default();
                for row in &columns {
                    let (t, c, d) = (
                        row.get::<String, _>("t"),
                        row.get::<String, _>("c"),
                        row.get::<String, _>("d"),
                    );
                    let expr = if d == "bytea" {
                        format!("COALESCE(encode(\"{c}\", 'escape'), '')")
                    } else {
                        format!("COALESCE(CAST(\"{c}\" AS TEXT), '')")
                    };
                    tables.entry(t).or_default().push(expr);
                }
                let mut out = String::new();
                for (table, exprs) in tables {
                    let sql = format!(
                        "SELECT {} AS j FROM {schema}.\"{table}\"",
                        exprs.join(" || ' ' || ")
                    );
                    for row in sqlx::query(sqlx::AssertSqlSafe(sql))
                        .fetch_all(&mut conn)
                        .await
                        .expect("dump table")
                    {
                        out.push_str(&row.get::<String, _>("j"));
                        out.push('\n');
                    }
                }
                let _ = conn.close().await;
                out
            }
        }
    }

    /// Table name -> number of rows, for tests that prove a refused request wrote nothing.
    pub async fn row_counts(&self) -> std::collections::BTreeMap<String, i64> {
        let store = self.store().await;
        let mut out = std::collections::BTreeMap::new();
        for table in self.columns(&store).await.into_keys() {
            let sql = format!("SELECT COUNT(*) AS n FROM \"{table}\"");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_one(store.pool())
                .await
                .expect("count rows");
            out.insert(table, row.get::<i64, _>("n"));
        }
        store.close().await;
        out
    }

    /// Table name -> sorted column names, for the schema-parity test.
    pub async fn columns(
        &self,
        store: &SqlStore,
    ) -> std::collections::BTreeMap<String, Vec<String>> {
        let sql = match self.backend {
            TestBackend::Sqlite => {
                "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'"
            }
            TestBackend::Postgres => {
                "SELECT CAST(table_name AS TEXT) AS t, CAST(column_name AS TEXT) AS c \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'"
            }
        };
        let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for row in sqlx::query(sql)
            .fetch_all(store.pool())
            .await
            .expect("columns")
        {
            out.entry(row.get::<String, _>("t"))
                .or_default()
                .push(row.get::<String, _>("c"));
        }
        for cols in out.values_mut() {
            cols.sort();
        }
        out
    }

    /// Closes nothing but documents intent: a store's pool is closed by its owner.
    pub async fn close(store: &SqlStore) {
        store.close().await;
    }
}
