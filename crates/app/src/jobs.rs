//! Background work, owned by the application: one loop per job, each run isolated (an error is
//! logged and the loop goes on), missed ticks skipped, every task tracked and stopped gracefully.
//!
//! Each job has a public single-step function that tests call directly; the loops only decide
//! when. Everything a job works on lives in the database (the send queue, the notification outbox,
//! the retention rules), claimed with leases, so several nodes can run the same jobs and a stopped
//! process loses nothing.

use crate::state::AppState;
use crate::{alerts, conversations, notify, published, publishing};
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The running background jobs of one node.
#[derive(Debug)]
pub struct Jobs {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

/// Starts every background job of a node.
pub fn start(state: &AppState) -> Jobs {
    let (stop, stopped) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut every = |period: Duration, job: fn(AppState) -> JobRun| {
        tasks.spawn(run_every(period, state.clone(), stopped.clone(), job));
    };
    every(Duration::from_secs(600), |s| {
        Box::pin(async move { housekeeping(&s).await })
    });
    every(Duration::from_secs(30), |s| {
        Box::pin(async move { reload(&s).await })
    });
    every(Duration::from_secs(2), |s| {
        Box::pin(async move { send(&s).await })
    });
    every(Duration::from_secs(5), |s| {
        Box::pin(async move { notify(&s).await })
    });
    every(Duration::from_secs(20), |s| {
        Box::pin(async move { watch(&s).await })
    });
    every(Duration::from_secs(60), |s| {
        Box::pin(async move { targets(&s).await })
    });
    every(Duration::from_secs(1), |s| {
        Box::pin(async move { telegram(&s).await })
    });
    Jobs { stop, tasks }
}

type JobRun = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

impl Jobs {
    /// Asks every job to stop after its current run, and waits until all have.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        while let Some(result) = self.tasks.join_next().await {
            if let Err(e) = result {
                tracing::error!(error = %e, "a background job ended abnormally");
            }
        }
    }
}

async fn run_every(
    period: Duration,
    state: AppState,
    mut stop: watch::Receiver<bool>,
    job: fn(AppState) -> JobRun,
) {
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = interval.tick() => job(state.clone()).await,
            _ = stop.changed() => break,
        }
    }
}

/// Every ten minutes: deletes expired sessions, setup links and tokens, old alert reports,
/// reply drafts untouched for a week, forum-watch matches past their retention, and the
/// conversations the retention policy says are due.
pub async fn housekeeping(state: &AppState) {
    match state.store.purge_expired(state.clock.now()).await {
        Ok(n) if n > 0 => tracing::info!(rows = n, "expired sessions and links purged"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "purging expired sessions failed"),
    }
    match crate::audit::purge(state).await {
        Ok(n) if n > 0 => tracing::info!(lines = n, "old audit lines deleted"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "deleting old audit lines failed"),
    }
    match notify::purge_notices(state).await {
        Ok(n) if n > 0 => tracing::info!(notices = n, "old console notices deleted"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "deleting old console notices failed"),
    }
    match alerts::purge_reports(state).await {
        Ok(n) if n > 0 => tracing::info!(reports = n, "old alert reports deleted"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "deleting old alert reports failed"),
    }
    match crate::qa::seal_old_drafts(state).await {
        Ok(n) if n > 0 => tracing::info!(drafts = n, "q&a drafts from before sealing sealed"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "sealing old q&a drafts failed"),
    }
    match crate::drafts::purge(state).await {
        Ok(n) if n > 0 => tracing::info!(drafts = n, "reply drafts untouched for a week deleted"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "deleting old reply drafts failed"),
    }
    match crate::watch::purge(state).await {
        Ok(n) if n > 0 => tracing::info!(matches = n, "forum-watch matches past retention deleted"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "deleting old forum-watch matches failed"),
    }
    match state
        .store
        .purge_telegram(state.clock.now() - time::Duration::days(7))
        .await
    {
        Ok(n) if n > 0 => {
            tracing::info!(rows = n, "old telegram update ids and idle chats deleted")
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "deleting old telegram update ids failed"),
    }
    match conversations::purge_due(state).await {
        Ok(n) if n > 0 => {
            tracing::info!(
                conversations = n,
                "conversations deleted by the retention policy"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "retention run failed"),
    }
}

/// Every 30 seconds: reloads the content pack when another node (or the CLI) imported a new one,
/// and re-indexes when the public Q&A archive changed.
pub async fn reload(state: &AppState) {
    match crate::sessions::notice_panic_lock(state).await {
        Ok(true) => tracing::warn!("a panic lock was pulled: client keys in memory dropped"),
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "checking for a panic lock failed"),
    }
    published::refresh_logged(state).await;
}

/// Every 2 seconds: sends the queued Telegram posts and alerts that are due.
pub async fn send(state: &AppState) {
    if let Err(e) = publishing::send_due(state).await {
        tracing::error!(error = %e, "telegram send run failed");
    }
}

/// Every 20 seconds: fetches the forum-watch sources that are due (each under a lease).
pub async fn watch(state: &AppState) {
    if let Err(e) = crate::watch::fetch_due(state).await {
        tracing::error!(error = %e, "forum watch run failed");
    }
}

/// Every 5 seconds: delivers the staff notifications waiting in the outbox.
pub async fn notify(state: &AppState) {
    if let Err(e) = notify::send_due(state).await {
        tracing::error!(error = %e, "notification run failed");
    }
}

/// Every minute: tells of conversations past their first-response target, and escalates those
/// past twice it.
pub async fn targets(state: &AppState) {
    if let Err(e) = crate::targets::check(state).await {
        tracing::error!(error = %e, "response target run failed");
    }
}

/// Every second: the node holding the lease long-polls the bot (a poll waits up to
/// `telegram.poll_seconds` for updates), and every node handles stored updates.
pub async fn telegram(state: &AppState) {
    if let Err(e) = crate::telegram::poll_once(state).await {
        tracing::error!(error = %e, "telegram run failed");
    }
}
