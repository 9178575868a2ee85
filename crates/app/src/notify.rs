//! Telling staff that something needs them: per-person choices of events and transports, the
//! console's notices, e-mail, and the team-wide webhook and Telegram chat for urgent
//! conversations. A notification never carries content or anything about the client: only the
//! kind of event, a console path and a link.
//!
//! Everything that leaves the server goes through an outbox in the database: [`emit`] writes one
//! row per recipient and transport (and [`urgent`] one per team transport) in the request that
//! caused it, and [`send_due`] (a background job, on whichever node claims the row) delivers it
//! and deletes it, retrying with backoff. A stopped process therefore loses nothing: the next run
//! on any node sends what is left. The console transport needs no delivery: its notices are
//! written at once and counted in the navigation.
//!
//! Who is told: everyone whose choices include the event, narrowed by [`Audience`] (the assignee,
//! the people mentioned, supervisors), never the person who caused it, and, for every transport
//! but the console, only when `netreach_core::notification::reaches` says so (on shift, outside
//! quiet hours; urgent events to the on-call people at any time, or to everyone who chose them
//! when nobody is on call).

pub mod email;
pub mod push;

use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_channels::render::escape_html;
use netreach_channels::telegram::{BotApi, SendError, backoff, without_url};
use netreach_core::notification::{Moment, QuietHours, Reachability, reaches};
use netreach_core::{ConversationId, Role, UserId};
use netreach_store::{NotificationProfile, QueuedNotification, StaffNotice, StoreError};
use secrecy::ExposeSecret;
use serde_json::json;
use std::collections::HashSet;
use time::Duration;

pub use netreach_core::notification::{Event, Transport};

const URGENT: &str = "urgent_conversation";
const WEBHOOK: &str = "webhook";
const TELEGRAM: &str = "telegram";
const EMAIL: &str = "email";
const PUSH: &str = "push";
/// How long a claimed notification is left to its node before another may try it.
const LEASE: Duration = Duration::seconds(60);
const MAX_ATTEMPTS: u32 = 8;
/// Console notices older than this are deleted by the housekeeping job.
pub const NOTICE_DAYS: i64 = 30;
/// How many notices the console lists.
const NOTICES_SHOWN: u32 = 100;

/// The console path of a conversation, the reference every conversation event carries.
pub fn conversation_path(id: ConversationId) -> String {
    format!("/staff/conversations/{id}")
}

/// Who an event is for, before each person's own choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone who chose the event.
    Everyone,
    /// Only these members (an assignee, the people mentioned).
    Only(Vec<UserId>),
    /// Members whose role includes this one (reviews are supervisors' work).
    AtLeast(Role),
}

/// Writes the notifications of `events` about `path`: console notices at once, one outbox row
/// per recipient and outside transport. With several events (an urgent conversation is also a
/// new one), a person who chose more than one hears once per transport, of the first. The
/// member who caused it (`actor`) is never told. Returns how many outbox rows were queued.
pub async fn emit(
    state: &AppState,
    events: &[Event],
    path: &str,
    audience: &Audience,
    actor: Option<UserId>,
) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let roles = match audience {
        Audience::AtLeast(_) => Some(
            state
                .store
                .list_users()
                .await?
                .into_iter()
                .map(|u| (u.id, u.role))
                .collect::<std::collections::HashMap<_, _>>(),
        ),
        _ => None,
    };
    let wanted = |user: UserId| {
        Some(user) != actor
            && match audience {
                Audience::Everyone => true,
                Audience::Only(users) => users.contains(&user),
                Audience::AtLeast(role) => roles
                    .as_ref()
                    .and_then(|r| r.get(&user))
                    .is_some_and(|r| r.includes(*role)),
            }
    };
    let bot = state.store.telegram_bot().await?.is_some();
    let mut told: HashSet<(UserId, Transport)> = HashSet::new();
    let mut notices = Vec::new();
    let mut queued = 0;
    let mut shift = None;
    for &event in events {
        let audience: Vec<NotificationProfile> = state
            .store
            .notification_audience(event)
            .await?
            .into_iter()
            .filter(|p| wanted(p.user_id))
            .collect();
        if audience.is_empty() {
            continue;
        }
        let (on_shift, minute) = match shift {
            Some(s) => s,
            None => *shift.insert(crate::availability::shift_now(state).await?),
        };
        let moment = Moment {
            on_shift,
            minute,
            anyone_on_call: audience.iter().any(|p| p.on_call),
        };
        for person in &audience {
            let reach = Reachability {
                quiet: QuietHours::parse(&person.quiet_hours).ok().flatten(),
                on_call: person.on_call,
            };
            for &(_, transport) in &person.choices {
                if !told.insert((person.user_id, transport)) {
                    continue;
                }
                let outside = match transport {
                    Transport::Console => {
                        notices.push(StaffNotice {
                            id: uuid::Uuid::new_v4(),
                            user_id: person.user_id,
                            event,
                            console_path: path.to_owned(),
                            created_at: now,
                            read_at: None,
                        });
                        continue;
                    }
                    Transport::Email
                        if state.settings.email.enabled() && person.email.is_some() =>
                    {
                        EMAIL
                    }
                    // To the member's own Telegram account through the organisation's bot, or
                    // to their browsers; whether they linked one or subscribed any is looked
                    // up when the row is sent.
                    Transport::Telegram if bot => TELEGRAM,
                    Transport::Push if state.settings.push.enabled() => PUSH,
                    Transport::Email | Transport::Telegram | Transport::Push => continue,
                };
                if !reaches(event, reach, moment) {
                    continue;
                }
                state
                    .store
                    .queue_notification(&QueuedNotification {
                        id: uuid::Uuid::new_v4(),
                        event: event.as_str().to_owned(),
                        transport: outside.into(),
                        console_path: path.to_owned(),
                        recipient: Some(person.user_id),
                        created_at: now,
                        next_attempt_at: now,
                        attempts: 0,
                    })
                    .await?;
                queued += 1;
            }
        }
    }
    state.store.add_notices(&notices).await?;
    if queued > 0 || !notices.is_empty() {
        tracing::info!(
            event = %events.first().map(|e| e.as_str()).unwrap_or_default(),
            notices = notices.len(),
            queued,
            "staff notifications written"
        );
    }
    Ok(queued)
}

/// [`emit`] after the thing it tells of is done: a failure is logged, never turned into a
/// failure of what the member did.
pub async fn emit_logged(
    state: &AppState,
    events: &[Event],
    path: &str,
    audience: &Audience,
    actor: Option<UserId>,
) {
    if let Err(e) = emit(state, events, path, audience, actor).await {
        tracing::error!(error = %e, "writing staff notifications failed");
    }
}

/// Queues the team-wide notifications (webhook, the team's Telegram chat) for an urgent
/// conversation. The per-person ones are [`emit`]ted beside it.
pub async fn urgent(state: &AppState, conversation: ConversationId) -> Result<(), StoreError> {
    tracing::warn!(conversation_id = %conversation, "urgent conversation waiting");
    let notify = &state.settings.notify;
    let telegram =
        notify.telegram_token().ok().flatten().is_some() && notify.telegram_chat_id.is_some();
    let transports = [
        (WEBHOOK, notify.webhook_url.is_some()),
        (TELEGRAM, telegram),
    ];
    let now = state.clock.now();
    for (transport, configured) in transports {
        if configured {
            state
                .store
                .queue_notification(&QueuedNotification {
                    id: uuid::Uuid::new_v4(),
                    event: URGENT.into(),
                    transport: transport.into(),
                    console_path: conversation_path(conversation),
                    recipient: None,
                    created_at: now,
                    next_attempt_at: now,
                    attempts: 0,
                })
                .await?;
        }
    }
    Ok(())
}

/// One run of the notification job: delivers what is due; returns how many were delivered.
pub async fn send_due(state: &AppState) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let due = state
        .store
        .claim_notifications(now, now + LEASE, 20)
        .await?;
    let mut delivered = 0;
    for n in due {
        let retry_at = match deliver(state, &n).await {
            Delivery::Done => {
                delivered += 1;
                None
            }
            Delivery::Refused => None,
            Delivery::Retry => match backoff(n.attempts, MAX_ATTEMPTS) {
                Some(wait) => Some(now + wait),
                None => {
                    tracing::error!(transport = %n.transport, attempts = n.attempts, "staff notification given up");
                    None
                }
            },
        };
        state.store.finish_notification(n.id, retry_at).await?;
    }
    Ok(delivered)
}

/// What became of one attempt.
enum Delivery {
    Done,
    Retry,
    /// Refused for good (Telegram or the mail server said so): trying again will not help.
    Refused,
}

/// A message in English and Russian, `en / ru`: staff have no language of their own yet, so
/// every notification that leaves the server names its event in both.
fn in_both(state: &AppState, id: &str) -> String {
    format!(
        "{} / {}",
        state.i18n.get(netreach_core::Lang::En, id),
        state.i18n.get(netreach_core::Lang::Ru, id)
    )
}

/// The Fluent id of an event's name (`event` as the outbox stores it).
fn event_label_id(event: &str) -> String {
    format!("notify-event-{event}")
}

/// A console link: absolute under `public_url` when it is set.
pub(crate) fn link(state: &AppState, path: &str) -> String {
    match &state.settings.public_url {
        Some(base) => format!("{}{}", base.trim_end_matches('/'), path),
        None => path.to_owned(),
    }
}

/// Sends one notification.
async fn deliver(state: &AppState, n: &QueuedNotification) -> Delivery {
    let notify = &state.settings.notify;
    match n.transport.as_str() {
        EMAIL => email::deliver(state, n).await,
        PUSH => push::deliver(state, n).await,
        WEBHOOK => {
            let Some(url) = &notify.webhook_url else {
                return Delivery::Done;
            };
            let at = n
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            let body = json!({"event": n.event, "console_path": n.console_path, "at": at});
            match state
                .http
                .post(url.expose_secret())
                .json(&body)
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => Delivery::Done,
                Ok(r) => {
                    tracing::error!(status = r.status().as_u16(), "urgent webhook refused");
                    Delivery::Retry
                }
                Err(e) => {
                    tracing::error!(error = %without_url(&e), "urgent webhook failed");
                    Delivery::Retry
                }
            }
        }
        TELEGRAM if n.recipient.is_some() => own_telegram(state, n).await,
        TELEGRAM => {
            let (Some(token), Some(chat)) = (
                notify.telegram_token().ok().flatten(),
                &notify.telegram_chat_id,
            ) else {
                return Delivery::Done;
            };
            // Sent as Telegram HTML with link previews off, so Telegram's servers never fetch
            // the console address to draw a preview.
            let text = format!(
                "Urgent conversation waiting / Срочное обращение: {}",
                escape_html(&link(state, &n.console_path))
            );
            let bot = BotApi::new(state.http.clone(), state.settings.telegram_api_base());
            match bot.send_message(&token, chat, &text).await {
                Ok(_) => Delivery::Done,
                Err(SendError::Refused(why)) => {
                    tracing::error!(reason = %why, "telegram staff notification refused");
                    Delivery::Refused
                }
                Err(e) => {
                    tracing::error!(error = %e, "telegram staff notification failed");
                    Delivery::Retry
                }
            }
        }
        // A transport this version does not know: nothing to do with it.
        _ => Delivery::Done,
    }
}

/// A notification to a member's own Telegram account, from the organisation's bot: the kind
/// of event and a console link, in both languages, nothing else.
async fn own_telegram(state: &AppState, n: &QueuedNotification) -> Delivery {
    let Some(user) = n.recipient else {
        return Delivery::Done;
    };
    let (bot, chat) = match (
        crate::telegram::connected(state).await,
        crate::telegram::staff_chat(state, user).await,
    ) {
        (Ok(Some((token, _))), Ok(Some(chat))) => (token, chat),
        // No bot any more, or the member unlinked their account: nothing to send.
        (Ok(_), Ok(_)) => return Delivery::Done,
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "reading the telegram notification target failed");
            return Delivery::Retry;
        }
    };
    let text = format!(
        "{}\n{}",
        escape_html(&in_both(state, &event_label_id(&n.event))),
        escape_html(&link(state, &n.console_path))
    );
    match crate::telegram::api(state)
        .send_text(&bot, chat, &text, &[])
        .await
    {
        Ok(_) => Delivery::Done,
        Err(SendError::Refused(why)) => {
            tracing::error!(reason = %why, "telegram notification to a member refused");
            Delivery::Refused
        }
        Err(e) => {
            tracing::error!(error = %e, "telegram notification to a member failed");
            Delivery::Retry
        }
    }
}

// --- One's own settings and notices. ---

/// A member's notification settings, as the console and the API show them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preferences {
    /// The member's own address for e-mail notifications.
    pub email: Option<String>,
    /// `HH:MM-HH:MM` in the organisation's time zone (may wrap midnight), or empty.
    pub quiet_hours: String,
    /// Told of urgent events at any time.
    pub on_call: bool,
    /// For each event (in `Event::ALL` order), the transports chosen.
    pub events: Vec<(Event, Vec<Transport>)>,
}

/// What an admin has set up, so the console can say which transports can deliver now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Available {
    pub email: bool,
    /// The organisation's bot, for messages to members' own linked accounts.
    pub telegram: bool,
    /// Web Push to members' browsers (`push.subject` is set).
    pub push: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("not an e-mail address")]
    BadEmail,
    #[error("quiet hours are written HH:MM-HH:MM")]
    BadQuietHours,
    #[error("Web Push is not set up on this server")]
    PushOff,
    #[error("not a browser push subscription this server can use")]
    BadSubscription,
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl NotifyError {
    pub fn message_id(&self) -> &'static str {
        match self {
            NotifyError::BadEmail => "error-notify-email",
            NotifyError::BadQuietHours => "error-notify-quiet-hours",
            NotifyError::PushOff => "error-push-off",
            NotifyError::BadSubscription => "error-push-subscription",
            NotifyError::Denied(_) => "error-body-403",
            NotifyError::Store(_) => "error-body-500",
        }
    }
}

/// Which transports can deliver on this installation.
pub async fn available(state: &AppState) -> Result<Available, StoreError> {
    Ok(Available {
        email: state.settings.email.enabled(),
        telegram: state.store.telegram_bot().await?.is_some(),
        push: state.settings.push.enabled(),
    })
}

/// The acting member's notification settings (nothing chosen when never set).
pub async fn preferences(state: &AppState, staff: &Staff) -> Result<Preferences, NotifyError> {
    staff.may(Action::OwnNotifications)?;
    let profile = state.store.notification_profile(staff.user.id).await?;
    let Some(profile) = profile else {
        return Ok(Preferences {
            events: Event::ALL.iter().map(|e| (*e, Vec::new())).collect(),
            ..Preferences::default()
        });
    };
    Ok(Preferences {
        email: profile.email,
        quiet_hours: profile.quiet_hours,
        on_call: profile.on_call,
        events: Event::ALL
            .iter()
            .map(|event| {
                let chosen = Transport::ALL
                    .iter()
                    .copied()
                    .filter(|t| profile.choices.contains(&(*event, *t)))
                    .collect();
                (*event, chosen)
            })
            .collect(),
    })
}

/// Replaces the acting member's notification settings.
pub async fn set_preferences(
    state: &AppState,
    staff: &Staff,
    preferences: Preferences,
) -> Result<(), NotifyError> {
    staff.may(Action::OwnNotifications)?;
    let email = match preferences.email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(address) => {
            if address.len() > 254 || address.parse::<lettre::Address>().is_err() {
                return Err(NotifyError::BadEmail);
            }
            Some(address.to_owned())
        }
    };
    let quiet = QuietHours::parse(&preferences.quiet_hours)
        .map_err(|_| NotifyError::BadQuietHours)?
        .map(|q| q.to_string())
        .unwrap_or_default();
    let choices = preferences
        .events
        .iter()
        .flat_map(|(event, transports)| transports.iter().map(|t| (*event, *t)))
        .collect();
    state
        .store
        .set_notification_profile(&NotificationProfile {
            user_id: staff.user.id,
            email,
            quiet_hours: quiet,
            on_call: preferences.on_call,
            choices,
            updated_at: state.clock.now(),
        })
        .await?;
    tracing::info!(user_id = %staff.user.id, "notification settings changed");
    Ok(())
}

/// How many console notices the member has not read (0 for a member who may not see them yet).
pub async fn unread(state: &AppState, staff: &Staff) -> Result<u64, StoreError> {
    if staff.may(Action::OwnNotifications).is_err() {
        return Ok(0);
    }
    state.store.unread_notices(staff.user.id).await
}

/// The member's newest console notices, unread first.
pub async fn notices(state: &AppState, staff: &Staff) -> Result<Vec<StaffNotice>, NotifyError> {
    staff.may(Action::OwnNotifications)?;
    Ok(state.store.notices(staff.user.id, NOTICES_SHOWN).await?)
}

/// Marks the member's notices read: those about `path`, or all.
pub async fn mark_read(
    state: &AppState,
    staff: &Staff,
    path: Option<&str>,
) -> Result<u64, NotifyError> {
    staff.may(Action::OwnNotifications)?;
    Ok(state
        .store
        .mark_notices_read(staff.user.id, path, state.clock.now())
        .await?)
}

/// Deletes console notices older than [`NOTICE_DAYS`] (the housekeeping job).
pub async fn purge_notices(state: &AppState) -> Result<u64, StoreError> {
    state
        .store
        .purge_notices(state.clock.now() - Duration::days(NOTICE_DAYS))
        .await
}
