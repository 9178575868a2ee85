//! Publishing to Telegram: published alerts queued for every Telegram venue that takes them, and
//! the sender that works through the queue in the publication log.

use super::{bot_token, can_send};
use crate::state::AppState;
use netreach_channels::telegram::{self, BotApi, SendError};
use netreach_channels::{Markup, render};
use netreach_core::{Lang, PublicationId, PublicationStatus};
use netreach_store::{AlertRecord, PublicationRecord, SendOutcome, StoreError};

/// Queues a published alert for every Telegram venue that takes alerts; returns how many.
pub async fn queue_alert(state: &AppState, alert: &AlertRecord) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let mut queued = 0;
    for venue in state.store.venues().await? {
        if !venue.push_alerts || !can_send(&venue) {
            continue;
        }
        let lang = venue.lang;
        let t = netreach_i18n::Tr::new(&state.i18n, lang);
        let (title, body) = match lang {
            Lang::Ru => (&alert.title_ru, &alert.body_ru),
            Lang::En => (&alert.title_en, &alert.body_en),
        };
        let mut markdown = format!(
            "**{}: {}**\n\n{}",
            t.get(&format!("alerts-severity-{}", alert.severity)),
            escape_markdown_line(title),
            state.content.fill().text(body, lang)
        );
        if let Some(base) = &state.settings.public_url {
            markdown.push_str(&format!(
                "\n\n[{}]({}/alerts/{}?lang={})",
                t.get("alerts-read-more"),
                base.trim_end_matches('/'),
                alert.id,
                lang.code()
            ));
        }
        let text = render(&markdown, Markup::TelegramHtml);
        state
            .store
            .create_publication(PublicationRecord {
                id: PublicationId::new_random(),
                venue_id: venue.id,
                post_id: None,
                post_version: None,
                alert_id: Some(alert.id),
                body: text,
                created_by: None,
                created_at: now,
                status: PublicationStatus::start(true),
                url: String::new(),
                followup: String::new(),
                attempts: 0,
                next_attempt_at: Some(now),
                last_error: String::new(),
                published_at: None,
                updated_at: now,
            })
            .await?;
        queued += 1;
    }
    if queued > 0 {
        tracing::info!(alert_id = %alert.id, venues = queued, "alert queued for Telegram");
    }
    Ok(queued)
}

fn escape_markdown_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = c.is_ascii_punctuation();
            escape.then_some('\\').into_iter().chain(std::iter::once(c))
        })
        .collect()
}

/// What one run of the sender did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// One run of the Telegram sender: claims what is due (one per chat, spaced per chat) and sends
/// it. Safe to run on several nodes at once. Tests call it directly.
pub async fn send_due(state: &AppState) -> Result<SendReport, StoreError> {
    let settings = &state.settings.publishing;
    let now = state.clock.now();
    let spacing = time::Duration::seconds(i64::from(settings.chat_spacing_seconds));
    let claimed = state
        .store
        .claim_due_publications(now, spacing, now + time::Duration::minutes(2), 20)
        .await?;
    let api = BotApi::new(state.http.clone(), state.settings.telegram_api_base());
    let mut report = SendReport::default();
    for publication in claimed {
        let outcome = attempt(state, &api, &publication).await?;
        let now = state.clock.now();
        let outcome = match outcome {
            Ok(url) => {
                report.sent += 1;
                SendOutcome::Sent { url }
            }
            Err(SendError::Refused(error)) => {
                report.failed += 1;
                SendOutcome::Failed { error }
            }
            Err(e) => {
                let attempts = u32::try_from(publication.attempts).unwrap_or(u32::MAX);
                let wait = match &e {
                    SendError::RetryAfter(seconds)
                        if attempts < settings.max_attempts.max(1) * 2 =>
                    {
                        Some(time::Duration::seconds(
                            i64::try_from(*seconds).unwrap_or(60),
                        ))
                    }
                    _ => telegram::backoff(attempts, settings.max_attempts),
                };
                match wait {
                    Some(wait) => {
                        report.retrying += 1;
                        SendOutcome::Retry {
                            at: now + wait,
                            error: e.to_string(),
                        }
                    }
                    None => {
                        report.failed += 1;
                        SendOutcome::Failed {
                            error: e.to_string(),
                        }
                    }
                }
            }
        };
        match &outcome {
            SendOutcome::Failed { .. } => tracing::error!(publication_id = %publication.id,
                venue_id = %publication.venue_id, "telegram send failed for good"),
            SendOutcome::Retry { .. } => tracing::warn!(publication_id = %publication.id,
                venue_id = %publication.venue_id, "telegram send will be retried"),
            SendOutcome::Sent { .. } => tracing::info!(publication_id = %publication.id,
                venue_id = %publication.venue_id, "sent to telegram"),
        }
        state
            .store
            .finish_send(publication.id, outcome, now)
            .await?;
    }
    Ok(report)
}

async fn attempt(
    state: &AppState,
    api: &BotApi,
    publication: &PublicationRecord,
) -> Result<Result<String, SendError>, StoreError> {
    let Some(venue) = state.store.venue(publication.venue_id).await? else {
        return Ok(Err(SendError::Refused("the venue is gone".into())));
    };
    let (Some(chat), Some(token)) = (
        venue.telegram_chat.as_deref(),
        bot_token(state, venue.id).await?,
    ) else {
        return Ok(Err(SendError::Refused(
            "the venue has no Telegram chat or bot token".into(),
        )));
    };
    Ok(api
        .send_message(&token, chat, &publication.body)
        .await
        .map(|sent| sent.url))
}
