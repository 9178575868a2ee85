//! The gate in front of codename derivations (the slow, memory-hard step): shared per-minute
//! budgets for starts and look-ups, a few derivations at once, a short-lived cache of derived
//! keys, and a per-browser attempt count. Nothing here sees a codename in the clear longer than
//! the derivation takes, or keeps one.

use crate::conversations::ConversationError;
use crate::keys;
use crate::state::AppState;
use netreach_crypto::{ClientKeys, Codename, SecretToken};
use netreach_store::StoreError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};
use time::Duration;

/// Guards codename derivations: a global rate (guessing budget, never per IP), at most two
/// derivations at once, and a short-lived cache keyed by a keyed hash of the codename so API
/// clients that send it with every request do not pay the slow derivation each time.
#[derive(Debug)]
pub struct CodenameGate {
    /// Codename look-ups allowed per minute on all nodes together.
    lookups_per_minute: u64,
    /// Conversations that may be started per minute on all nodes together.
    starts_per_minute: u64,
    running: tokio::sync::Semaphore,
    starting: tokio::sync::Semaphore,
    cache: Mutex<HashMap<String, (Instant, ClientKeys)>>,
    /// Attempts per browser session (a random cookie, kept in memory only).
    sessions: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Codename attempts one browser session may make per window.
pub const SESSION_ATTEMPTS: u32 = 10;
const SESSION_WINDOW: StdDuration = StdDuration::from_secs(15 * 60);

const CACHE_TTL: StdDuration = StdDuration::from_secs(600);
const CACHE_MAX: usize = 10_000;

impl CodenameGate {
    pub fn new(lookups_per_minute: u32, starts_per_minute: u32) -> CodenameGate {
        CodenameGate {
            lookups_per_minute: u64::from(lookups_per_minute.max(1)),
            starts_per_minute: u64::from(starts_per_minute.max(1)),
            running: tokio::sync::Semaphore::new(2),
            starting: tokio::sync::Semaphore::new(2),
            cache: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// How many client keys this node holds in memory.
    pub fn keys_held(&self) -> usize {
        self.cache.lock().map(|c| c.len()).unwrap_or(0)
    }

    /// Drops every client key this node holds in memory (the panic lock).
    pub fn forget_keys(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }

    /// Counts one codename attempt for a browser session; false once its budget is spent.
    pub fn charge_session(&self, session: &str) -> bool {
        let Ok(mut sessions) = self.sessions.lock() else {
            return false;
        };
        if sessions.len() >= CACHE_MAX && !sessions.contains_key(session) {
            sessions.retain(|_, (start, _)| start.elapsed() < SESSION_WINDOW);
            if sessions.len() >= CACHE_MAX {
                // Full of live entries: stop counting newcomers rather than grow without bound
                // (or lock everyone out); the shared per-minute budget still holds them.
                return true;
            }
        }
        let entry = sessions
            .entry(session.to_owned())
            .or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= SESSION_WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
        entry.1 <= SESSION_ATTEMPTS
    }
}

/// Which work a derivation is for: each has its own budget and its own concurrency slots, so a
/// flood of new conversations cannot lock returning clients out (or the other way round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Start,
    Lookup,
}

/// Charges a shared budget; false once the current minute's allowance is spent.
async fn within_budget(state: &AppState, name: &str, per_minute: u64) -> Result<bool, StoreError> {
    let used = state
        .store
        .charge_budget(name, state.clock.now(), Duration::minutes(1))
        .await?;
    Ok(used <= per_minute)
}

/// Derives a codename's keys under the gate (rate, concurrency, cache).
pub(crate) async fn derive(
    state: &AppState,
    codename: &Codename,
    purpose: Purpose,
) -> Result<ClientKeys, ConversationError> {
    let gate = &state.codenames;
    let cache_key = SecretToken::from_presented(codename.expose())
        .hash(&state.secret, "codename-cache")
        .as_str()
        .to_owned();
    if let Ok(cache) = gate.cache.lock()
        && let Some((at, keys)) = cache.get(&cache_key)
        && at.elapsed() < CACHE_TTL
    {
        return Ok(keys.clone());
    }
    let allowed = match purpose {
        Purpose::Lookup => {
            within_budget(state, "codename-lookups", gate.lookups_per_minute).await?
        }
        Purpose::Start => {
            within_budget(state, "conversation-starts", gate.starts_per_minute).await?
        }
    };
    if !allowed {
        tracing::warn!(?purpose, "codename budget exhausted");
        return Err(ConversationError::Busy);
    }
    let slots = if purpose == Purpose::Start {
        &gate.starting
    } else {
        &gate.running
    };
    let _permit = tokio::time::timeout(StdDuration::from_secs(10), slots.acquire())
        .await
        .map_err(|_| ConversationError::Busy)?
        .map_err(|_| ConversationError::Busy)?;
    let salt = keys::install(state).await?.codename_salt;
    let secret = state.secret.clone();
    let owned = codename.clone();
    let derived = tokio::task::spawn_blocking(move || owned.derive(&salt, &secret))
        .await
        .map_err(|_| ConversationError::Busy)?
        .map_err(|e| {
            ConversationError::Store(StoreError::Corrupt(format!("codename derivation: {e}")))
        })?;
    if let Ok(mut cache) = gate.cache.lock() {
        if cache.len() >= CACHE_MAX {
            cache.retain(|_, (at, _)| at.elapsed() < CACHE_TTL);
            if cache.len() >= CACHE_MAX {
                cache.clear();
            }
        }
        cache.insert(cache_key, (Instant::now(), derived.clone()));
    }
    Ok(derived)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_attempt_counts_stay_bounded_and_still_count_known_browsers() {
        let gate = CodenameGate::new(10, 10);
        for n in 0..CACHE_MAX + 500 {
            assert!(gate.charge_session(&format!("browser-{n}")));
        }
        assert_eq!(gate.sessions.lock().unwrap().len(), CACHE_MAX);
        for _ in 1..SESSION_ATTEMPTS {
            assert!(gate.charge_session("browser-0"));
        }
        assert!(
            !gate.charge_session("browser-0"),
            "a known browser is still held"
        );
    }
}
