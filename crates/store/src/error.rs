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
    /// pool closed, or the connection failed): worth a "try again" answer, not a 500.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
            )
        )
    }
}
