//! `netreach serve`: migrate, make sure someone can sign in (demo admin or setup link), run the
//! background jobs and serve until SIGINT/SIGTERM.

use crate::{open, say};
use anyhow::Context;
use netreach_app::settings::Settings;
use netreach_core::Role;

use netreach_app::{AppState, accounts};
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
    let jobs = netreach_app::jobs::start(&state);
    let bound = listener.local_addr().unwrap_or(listen);
    tracing::info!(address = %bound, backend = state.store.backend().name(), "netreach is listening");
    say(&format!("listening on http://{bound}"));

    let router = netreach_web::router(state.clone());
    netreach_web::serve(listener, router, shutdown_signal()).await?;
    tracing::info!("shutting down: requests finished");
    jobs.shutdown().await;
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
