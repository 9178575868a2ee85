//! `netreach admin ...`: staff accounts from the command line, for the first admin of a server
//! without a browser, and for recovery.

use crate::{open_existing, say};
use anyhow::{Context, bail};
use clap::Subcommand;
use netreach_app::settings::Settings;
use netreach_app::{accounts, keys, two_factor};
use netreach_core::{Role, Username};
use std::io::Read;

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a staff account
    CreateUser {
        #[arg(long)]
        username: String,
        /// admin, supervisor or worker
        #[arg(long)]
        role: Role,
        /// Read the password from standard input (required: passwords never go on the command line)
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a new password for a staff account that lost theirs: unlocks it and ends its sessions,
    /// API tokens and access to conversations (an admin grants access again). Without
    /// --password-stdin a random password is generated and printed once.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove the two-factor sign-in of a staff account that lost its phone and recovery codes
    /// (when no admin can sign in to reset it); they sign in with their password alone until
    /// they set it up again
    ResetTotp {
        #[arg(long)]
        username: String,
    },
    /// List staff accounts
    ListUsers,
    /// Prove that a staff member can read every conversation: opens every message with their
    /// password (read from standard input), e.g. after a restore
    ProveRead {
        #[arg(long)]
        username: String,
    },
    /// Grant an account access to conversations with the recovery key (read from standard
    /// input), when no admin who has access can sign in any more
    Recover {
        #[arg(long)]
        username: String,
    },
}

pub(crate) fn read_password() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    Ok(input.trim_end_matches(['\n', '\r']).to_owned())
}

pub async fn run(settings: Settings, command: AdminCommand) -> anyhow::Result<()> {
    if let AdminCommand::ProveRead { username } = &command {
        return crate::backup::prove(settings, username, false).await;
    }
    let (state, _) = open_existing(settings).await?;
    let result = match command {
        AdminCommand::CreateUser {
            username,
            role,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let user = accounts::create_user_as_operator(&state, &username, role, password, None)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            say(&format!("created {} ({})", user.username, user.role));
            let inbox_exists = keys::inbox_public(&state).await.ok().flatten().is_some();
            if !inbox_exists && user.role == Role::Admin {
                // The first admin made here (instead of the setup link) gets the inbox key.
                let phrase = accounts::first_inbox(&state, &user)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                say(&format!("recovery key: {phrase}"));
                say(
                    "(shown once: it opens the inbox key if every admin password is lost; keep it offline)",
                );
            } else if inbox_exists {
                say("an admin signed in to the console must grant them access to conversations");
            } else {
                say("no inbox key exists yet: create an admin first (it gets the inbox key)");
            }
            Ok(())
        }
        AdminCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let name = Username::parse(&username).map_err(|e| anyhow::anyhow!("{e}"))?;
            let Some(user) = state.store.user_by_username(&name).await? else {
                bail!("no staff account named {name}");
            };
            let (password, generated) = if password_stdin {
                (read_password()?, false)
            } else {
                (netreach_crypto::random_password(), true)
            };
            accounts::reset_password_as_operator(&state, user.id, password.clone(), &password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if generated {
                say(&format!("new password for {name}: {password}"));
            } else {
                say(&format!(
                    "password of {name} changed; their sessions were ended"
                ));
            }
            Ok(())
        }
        AdminCommand::ResetTotp { username } => {
            let name = Username::parse(&username).map_err(|e| anyhow::anyhow!("{e}"))?;
            let Some(user) = state.store.user_by_username(&name).await? else {
                bail!("no staff account named {name}");
            };
            if two_factor::reset_as_operator(&state, user.id).await? {
                say(&format!(
                    "two-factor sign-in of {name} removed; they sign in with their password"
                ));
            } else {
                say(&format!("{name} had no two-factor sign-in"));
            }
            Ok(())
        }
        AdminCommand::Recover { username } => {
            let name = Username::parse(&username).map_err(|e| anyhow::anyhow!("{e}"))?;
            let Some(user) = state.store.user_by_username(&name).await? else {
                bail!("no staff account named {name}");
            };
            let phrase = read_password()?;
            let inbox = keys::recover_inbox(&state, &phrase)
                .await
                .map_err(|_| anyhow::anyhow!("the recovery key does not open the inbox key"))?;
            accounts::grant_access_as_operator(&state, &inbox, &user)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            say(&format!(
                "{name} can read conversations again after signing in"
            ));
            Ok(())
        }
        AdminCommand::ListUsers => {
            for user in state.store.list_users().await? {
                let status = if user.is_active() {
                    "active"
                } else {
                    "disabled"
                };
                say(&format!("{}\t{}\t{}", user.username, user.role, status));
            }
            Ok(())
        }
        AdminCommand::ProveRead { .. } => Ok(()),
    };
    state.store.close().await;
    result
}
