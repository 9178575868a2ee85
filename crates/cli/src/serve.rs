//! `netreach serve`: migrate, make sure someone can sign in (demo admin or setup link), run the
//! background jobs and serve until SIGINT/SIGTERM.

use crate::{open, say};
use anyhow::Context;
use netreach_app::settings::Settings;
use netreach_core::Role;

use netreach_app::{AppState, accounts, conversations};
use std::time::Duration;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

pub async fn run(settings: Settings, demo: bool) -> anyhow::Result<()> {
    init_logging(&settings)?;
    let listen = settings.listen;
    let (state, applied) = open(settings).await?;
    for m in &applied {
        tracing::info!(version = m.version, description = %m.description, "migration applied");
    }
    first_access(&state, demo).await?;
    if let Err(e) = netreach_app::published::refresh(&state).await {
        tracing::error!(error = %e, "the imported content pack does not load; serving the bundled one");
    }

    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let jobs = tokio::spawn(purge_loop(state.clone(), stop_rx.clone()));
    let content_job = tokio::spawn(content_loop(state.clone(), stop_rx.clone()));
    let send_job = tokio::spawn(send_loop(state.clone(), stop_rx));
    let bound = listener.local_addr().unwrap_or(listen);
    tracing::info!(address = %bound, backend = state.store.backend().name(), "netreach is listening");
    say(&format!("listening on http://{bound}"));

    let router = netreach_web::router(state.clone());
    netreach_web::serve(listener, router, shutdown_signal()).await?;
    tracing::info!("shutting down: requests finished");
    let _ = stop_tx.send(true);
    let _ = jobs.await;
    let _ = content_job.await;
    let _ = send_job.await;
    state.store.close().await;
    Ok(())
}

fn init_logging(settings: &Settings) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&settings.log.level)
        .with_context(|| format!("invalid log.level {:?}", settings.log.level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let result = if settings.log.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    result.map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))
}

/// Makes sure the first person can get in: with `--demo`, user `admin` with a random password
/// (printed once); otherwise a one-time setup link while no account exists.
async fn first_access(state: &AppState, demo: bool) -> anyhow::Result<()> {
    if state.store.count_users().await? > 0 {
        return Ok(());
    }
    if demo {
        let password = netreach_crypto::random_password();
        let admin =
            accounts::create_user_as_operator(state, "admin", Role::Admin, password.clone(), None)
                .await
                .map_err(|e| anyhow::anyhow!("cannot create the demo admin: {e}"))?;
        let phrase = accounts::first_inbox(state, &admin)
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the inbox key: {e}"))?;
        say(&format!("admin password: {password}"));
        say(&format!("recovery key: {phrase}"));
        say("(shown once: sign in at /staff/login as admin; keep the recovery key offline)");
        let inbox = netreach_app::keys::recover_inbox(state, &phrase)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the new inbox key: {e}"))?;
        crate::demo::load(state, &inbox)
            .await
            .map_err(|e| anyhow::anyhow!("cannot load the demo content: {e}"))?;
        return Ok(());
    }
    if let Some(link) = accounts::new_setup_link(state).await? {
        let base = state
            .settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", state.settings.listen));
        say("No staff account exists yet. Open this one-time link to create the first admin:");
        say(&format!("{}{link}", base.trim_end_matches('/')));
    }
    Ok(())
}

/// Every ten minutes: deletes expired sessions, setup links and tokens, and the conversations
/// the retention policy says are due. Each run is isolated: an error is logged, the loop goes on.
async fn purge_loop(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(Duration::from_secs(600));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                match state.store.purge_expired(state.clock.now()).await {
                    Ok(n) if n > 0 => tracing::info!(rows = n, "expired sessions and links purged"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "purging expired sessions failed"),
                }
                match netreach_app::alerts::purge_reports(&state).await {
                    Ok(n) if n > 0 => tracing::info!(reports = n, "old alert reports deleted"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "deleting old alert reports failed"),
                }
                match conversations::purge_due(&state).await {
                    Ok(n) if n > 0 => tracing::info!(conversations = n, "conversations deleted by the retention policy"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "retention run failed"),
                }
            }
            _ = stop.changed() => break,
        }
    }
}

/// Every 30 seconds: reloads the content pack when another node (or the CLI) imported a new one.
async fn content_loop(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(Duration::from_secs(30));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                netreach_app::published::refresh_logged(&state).await;
            }
            _ = stop.changed() => break,
        }
    }
}

/// Every 2 seconds: sends the queued Telegram posts and alerts that are due (the queue, its
/// leases and the per-chat spacing live in the database, so several nodes can run this).
async fn send_loop(state: AppState, mut stop: watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(Duration::from_secs(2));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                if let Err(e) = netreach_app::publishing::send_due(&state).await {
                    tracing::error!(error = %e, "telegram send run failed");
                }
            }
            _ = stop.changed() => break,
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received");
}
