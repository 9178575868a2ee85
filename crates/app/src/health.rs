//! What `/healthz` answers: migrations ran (the server listens only after them) and the
//! database answers. The database's answer is remembered for a second, so a load balancer or a
//! monitor polling many times a second costs one round trip a second, not one per request.

use crate::state::AppState;
use netreach_store::StoreError;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a successful ping stands for the database answering. A failure is never
/// remembered: the next check asks again.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// When the database last answered.
#[derive(Debug, Default)]
pub struct Health {
    last_ok: Mutex<Option<Instant>>,
}

impl Health {
    fn fresh(&self) -> bool {
        self.last_ok
            .lock()
            .map(|at| at.is_some_and(|at| at.elapsed() < FRESH_FOR))
            .unwrap_or(false)
    }

    fn answered(&self) {
        if let Ok(mut at) = self.last_ok.lock() {
            *at = Some(Instant::now());
        }
    }
}

/// `Ok` when the database answered within the last second, or answers now.
pub async fn check(state: &AppState) -> Result<(), StoreError> {
    if state.health.fresh() {
        return Ok(());
    }
    state.store.ping().await?;
    state.health.answered();
    Ok(())
}
