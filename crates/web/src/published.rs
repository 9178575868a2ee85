//! The content the public site shows: the pack imported into the database, or the bundled pack
//! until one is imported. Each node keeps a parsed copy and reloads it when the version in the
//! database changes (the database stays the source of truth).

use crate::state::AppState;
use netreach_content::{Pack, PackError, bundled_files, read_files, write_files};
use netreach_store::StoreError;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The parsed pack in use and the database version it came from (0: the bundled pack).
#[derive(Debug)]
pub struct Published {
    inner: RwLock<(i64, Arc<Pack>)>,
}

impl Published {
    pub fn new(pack: Pack) -> Published {
        Published {
            inner: RwLock::new((0, Arc::new(pack))),
        }
    }

    pub fn pack(&self) -> Arc<Pack> {
        self.inner
            .read()
            .map(|g| g.1.clone())
            .unwrap_or_else(|p| p.into_inner().1.clone())
    }

    pub fn version(&self) -> i64 {
        self.inner.read().map(|g| g.0).unwrap_or(0)
    }

    fn set(&self, version: i64, pack: Pack) {
        if let Ok(mut g) = self.inner.write() {
            *g = (version, Arc::new(pack));
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("the pack has {} problem(s)", .0.len())]
    Invalid(Vec<PackError>),
    #[error("cannot read or write files: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reloads the pack if the database holds a newer one; returns whether it changed.
pub async fn refresh(state: &AppState) -> Result<bool, ContentError> {
    let version = state.store.content_version().await?;
    if version == 0 || version == state.content.version() {
        return Ok(false);
    }
    let files = state.store.content_files().await?;
    let pack = Pack::from_files(files).map_err(ContentError::Invalid)?;
    state.content.set(version, pack);
    tracing::info!(version, "content pack reloaded");
    Ok(true)
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub files: usize,
    pub substances: usize,
    pub rules: usize,
    pub articles: usize,
    pub version: i64,
}

/// Validates every file of a pack directory first; only if all are valid, replaces the stored
/// pack with them (exact bytes) in one transaction. Nothing changes when any file is invalid.
pub async fn import(state: &AppState, dir: &Path) -> Result<ImportReport, ContentError> {
    let files = read_files(dir)?;
    let pack = Pack::from_files(files.clone()).map_err(ContentError::Invalid)?;
    let report = ImportReport {
        files: files.len(),
        substances: pack.substances.len(),
        rules: pack.class_rules.len() + pack.pair_rules.len(),
        articles: pack.articles.len(),
        version: 0,
    };
    let version = state
        .store
        .replace_content(files, state.clock.now())
        .await?;
    state.content.set(version, pack);
    Ok(ImportReport { version, ..report })
}

/// Writes the pack in use (stored, or bundled before any import) as files, byte for byte.
pub async fn export(state: &AppState, dir: &Path) -> Result<usize, ContentError> {
    let mut files = state.store.content_files().await?;
    if files.is_empty() {
        files = bundled_files();
    }
    write_files(dir, &files)?;
    Ok(files.len())
}
