//! Every key derivation from a staff password (Argon2id, about 19 MiB each) runs through here:
//! off the async runtime and only a few at a time on this node, so a flood of sign-ins, setup
//! posts or password changes waits its turn instead of holding hundreds of blocking threads and
//! their memory. Client codenames have their own gate in `conversations`.

use tokio::sync::Semaphore;

/// Derivations from staff passwords that may run at once on one node.
pub const SLOTS: usize = 4;

static RUNNING: Semaphore = Semaphore::const_new(SLOTS);

/// Runs slow password work on the blocking pool once a slot is free; `None` if it panicked.
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _slot = RUNNING.acquire().await.ok()?;
    tokio::task::spawn_blocking(work).await.ok()
}
