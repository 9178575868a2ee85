use thiserror::Error;

/// What can go wrong in storage. Causes are for logs; handlers map kinds to user messages.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the username is already taken")]
    UsernameTaken,
    #[error("a stored value could not be read back: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// The database cannot take the request right now (every connection busy past the wait, the
    /// pool closed, the connection failed, the disk full or read-only, the server shutting
    /// down): worth a "try again" answer, not a 500. Nothing was written: each write is one
    /// transaction.
    pub fn is_unavailable(&self) -> bool {
        match self {
            // A connection that failed or broke, including one cut in the middle of its start
            // (the server answered nonsense or went away: protocol and TLS errors).
            StoreError::Database(
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::Tls(_),
            ) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                e.code().is_some_and(|code| unavailable_code(&code))
            }
            _ => false,
        }
    }
}

/// Whether a database error code says the database cannot work right now, rather than that
/// the request was wrong. SQLite gives its (extended) result code as a number: busy, locked,
/// read-only, I/O error, full, cannot open. PostgreSQL gives the SQLSTATE: connection
/// exceptions (08), insufficient resources such as a full disk (53), operator intervention such
/// as a shutdown (57), and a read-only transaction (25006).
fn unavailable_code(code: &str) -> bool {
    // A SQLSTATE is always five characters (often all digits); SQLite's extended codes have at
    // most four digits.
    if code.len() == 5 {
        return ["08", "53", "57"]
            .iter()
            .any(|class| code.starts_with(class))
            || code == "25006";
    }
    code.parse::<i64>()
        .is_ok_and(|sqlite| matches!(sqlite & 0xff, 5 | 6 | 8 | 10 | 13 | 14))
}

#[cfg(test)]
mod tests {
    use super::unavailable_code;

    #[test]
    fn full_read_only_and_disconnected_databases_are_unavailable_not_errors() {
        for code in [
            "13", "8", "1032", "10", "5", "08006", "53100", "57P01", "25006",
        ] {
            assert!(unavailable_code(code), "{code}");
        }
        for code in ["19", "2067", "23505", "42P01", "1", "22001"] {
            assert!(!unavailable_code(code), "{code}");
        }
    }
}
