//! One update from a chat with the bot. In a private chat: the menu in the client's language,
//! content answers, and messages into the client's conversation in the shared inbox, first aid
//! at once on an overdose word or button. In a group: only the content commands, nothing kept.

use super::answers::{self, escape};
use super::{HandleError, send_retrying};
use crate::attachments::{self, AttachmentError, Declared, Upload};
use crate::conversations::{self, ConversationError, seal_message_with_id};
use crate::notify::{self, Audience, Event};
use crate::state::AppState;
use netreach_channels::telegram::BotApi;
use netreach_channels::telegram::SendError;
use netreach_channels::telegram::bot::DownloadError;
use netreach_channels::telegram::bot::{ButtonRow, Message, Update};
use netreach_core::{Author, ConversationId, Lang, MessageId, Status, Topic};
use netreach_crypto::SecretToken;
use netreach_i18n::Tr;
use netreach_store::{Conversation, Guarded, MessageKind, NewConversation, StoreError};
use secrecy::SecretString;
use time::Duration;

/// The connected bot, for one run of handling.
pub(crate) struct Bot {
    pub api: BotApi,
    pub token: SecretString,
    pub username: String,
    pub bot_id: i64,
    /// The risk-signal matcher (overdose words), built once per run when first needed.
    pub risk: tokio::sync::OnceCell<netreach_channels::watch::Matcher>,
}

/// The keyed hash that finds a chat's state and conversation again (never the chat id itself).
fn chat_hash(state: &AppState, chat: i64) -> String {
    SecretToken::from_presented(&chat.to_string())
        .hash(&state.secret, "telegram-chat")
        .as_str()
        .to_owned()
}

fn lookup_of(hash: &str) -> String {
    format!("tg:{hash}")
}

/// An id derived from the update, so that handling it again after a crash finds what the first
/// attempt stored instead of storing it twice.
fn derived(state: &AppState, bot_id: i64, update_id: i64, what: &str) -> uuid::Uuid {
    let hex = SecretToken::from_presented(&format!("{what}:{bot_id}:{update_id}"))
        .hash(&state.secret, "telegram-ids");
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = hex
            .as_str()
            .get(i * 2..i * 2 + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0);
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn lang_of(saved: Option<&str>, code: Option<&str>) -> Lang {
    saved
        .and_then(Lang::parse)
        .or_else(|| {
            code.filter(|c| c.to_ascii_lowercase().starts_with("ru"))
                .map(|_| Lang::Ru)
        })
        .unwrap_or(Lang::En)
}

/// `/name@bot args` -> (`name`, `args`), for commands to this bot (or to no bot in particular).
fn command<'a>(text: &'a str, username: &str) -> Option<(String, &'a str)> {
    let rest = text.strip_prefix('/')?;
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (name, to) = head.split_once('@').unwrap_or((head, ""));
    if !to.is_empty() && !to.eq_ignore_ascii_case(username) {
        return None;
    }
    Some((name.to_ascii_lowercase(), args.trim()))
}

/// Handles one update. A store error leaves it to be tried again; everything else is answered.
pub(crate) async fn handle(state: &AppState, bot: &Bot, update: Update) -> Result<(), HandleError> {
    let Some((chat, private)) = update.chat() else {
        return Ok(());
    };
    if !private {
        group(state, bot, chat, &update).await;
        return Ok(());
    }
    let hash = chat_hash(state, chat);
    let saved = state.store.telegram_chat(&hash).await?;
    let lang = lang_of(
        saved.as_ref().map(|s| s.lang.as_str()),
        update.language_code(),
    );
    let step = saved.map(|s| s.step).unwrap_or_default();
    let session = Session {
        state,
        bot,
        chat,
        hash,
        lang,
        update_id: update.update_id,
        step: step.clone(),
    };
    if let Some(query) = &update.callback_query {
        if let Err(e) = bot.api.answer_callback(&bot.token, &query.id).await {
            tracing::debug!(error = %e, "answering a telegram button failed");
        }
        return Ok(session
            .button(query.data.as_deref().unwrap_or(""), &step)
            .await?);
    }
    let Some(message) = &update.message else {
        return Ok(());
    };
    if !message.photo.is_empty() || message.voice.is_some() {
        return session.media(message).await;
    }
    let Some(text) = message
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        session.say_id("bot-media-unsupported").await;
        return Ok(());
    };
    if let Some((name, args)) = command(text, &bot.username) {
        return Ok(session.command(&name, args).await?);
    }
    match step.as_str() {
        "search" | "check" | "services" => {
            session.set_step("").await?;
            session.lookup(&step, text).await;
            Ok(())
        }
        _ => {
            let topic = step
                .strip_prefix("topic:")
                .and_then(|t| t.parse::<Topic>().ok());
            Ok(session.to_conversation(text, topic, false).await?)
        }
    }
}

/// In a group the bot answers its content commands only and keeps nothing.
async fn group(state: &AppState, bot: &Bot, chat: i64, update: &Update) {
    let Some(text) = update.message.as_ref().and_then(|m| m.text.as_deref()) else {
        return;
    };
    let Some((name, args)) = command(text.trim(), &bot.username) else {
        return;
    };
    let lang = lang_of(None, update.language_code());
    let t = Tr::new(&state.i18n, lang);
    let html = match name.as_str() {
        "search" if !args.is_empty() => answers::search(state, lang, args),
        "check" if !args.is_empty() => answers::check(state, lang, args),
        "alerts" => answers::alerts(state, lang).await,
        "start" | "help" | "search" | "check" => escape(&t.with(
            "bot-group-only-commands",
            "link",
            &format!("https://t.me/{}", bot.username),
        )),
        _ => return,
    };
    say(bot, chat, &html, &[]).await;
}

async fn say(bot: &Bot, chat: i64, html: &str, rows: &[ButtonRow]) {
    if let Err(e) = send_retrying(&bot.api, &bot.token, chat, html, rows).await {
        tracing::warn!(error = %e, "an automatic telegram answer was not sent");
    }
}

struct Session<'a> {
    state: &'a AppState,
    bot: &'a Bot,
    chat: i64,
    hash: String,
    lang: Lang,
    update_id: i64,
    /// The menu step the chat was on when this update arrived.
    step: String,
}

impl Session<'_> {
    fn t(&self) -> Tr<'_> {
        Tr::new(&self.state.i18n, self.lang)
    }

    async fn say(&self, html: &str, rows: &[ButtonRow]) {
        say(self.bot, self.chat, html, rows).await;
    }

    async fn say_id(&self, id: &str) {
        self.say(&escape(&self.t().get(id)), &[]).await;
    }

    async fn set_step(&self, step: &str) -> Result<(), StoreError> {
        self.state
            .store
            .set_telegram_chat(&self.hash, self.lang.code(), step, self.state.clock.now())
            .await
    }

    fn menu(&self) -> Vec<ButtonRow> {
        let t = self.t();
        let b = |id: &str, data: &str| (t.get(id), data.to_owned());
        vec![
            vec![b("bot-button-firstaid", "firstaid")],
            vec![b("bot-button-ask", "ask")],
            vec![b("bot-button-kb", "kb"), b("bot-button-check", "check")],
            vec![
                b("bot-button-alerts", "alerts"),
                b("bot-button-services", "services"),
            ],
            vec![
                b("bot-button-delete", "delete"),
                b("bot-button-language", "lang"),
            ],
        ]
    }

    async fn show_menu(&self) {
        self.say(&escape(&self.t().get("bot-menu-intro")), &self.menu())
            .await;
    }

    async fn command(&self, name: &str, args: &str) -> Result<(), StoreError> {
        match name {
            "start" => {
                self.set_step("").await?;
                self.say(&answers::welcome(self.state, self.lang), &self.menu())
                    .await;
            }
            "search" | "check" | "services" if !args.is_empty() => self.lookup(name, args).await,
            "search" | "check" | "services" => self.prompt(name).await?,
            "alerts" => {
                self.say(&answers::alerts(self.state, self.lang).await, &[])
                    .await
            }
            "delete" => self.confirm_delete().await,
            "language" | "lang" => self.switch_language().await?,
            "firstaid" => self.first_aid_button().await?,
            "link" => self.link_staff(args).await?,
            _ => self.show_menu().await,
        }
        Ok(())
    }

    async fn button(&self, data: &str, _step: &str) -> Result<(), StoreError> {
        match data {
            "ask" => {
                let t = self.t();
                let rows = Topic::ALL
                    .iter()
                    .map(|topic| {
                        vec![(
                            t.get(&format!("topic-{}", topic.as_str())),
                            format!("topic:{}", topic.as_str()),
                        )]
                    })
                    .collect::<Vec<_>>();
                self.say(&escape(&t.get("bot-choose-topic")), &rows).await;
            }
            "kb" => self.prompt("search").await?,
            "check" | "services" => self.prompt(data).await?,
            "alerts" => {
                self.say(&answers::alerts(self.state, self.lang).await, &[])
                    .await
            }
            "delete" => self.confirm_delete().await,
            "delete:yes" => self.delete().await?,
            "delete:no" => self.say_id("bot-kept").await,
            "lang" => self.switch_language().await?,
            "firstaid" => self.first_aid_button().await?,
            _ => match data
                .strip_prefix("topic:")
                .and_then(|t| t.parse::<Topic>().ok())
            {
                Some(Topic::Overdose) => self.first_aid_button().await?,
                Some(topic) => {
                    self.set_step(&format!("topic:{}", topic.as_str())).await?;
                    self.say_id("bot-ask-now").await;
                }
                None => self.show_menu().await,
            },
        }
        Ok(())
    }

    async fn prompt(&self, what: &str) -> Result<(), StoreError> {
        self.set_step(what).await?;
        self.say_id(&format!("bot-{what}-prompt")).await;
        Ok(())
    }

    async fn lookup(&self, what: &str, typed: &str) {
        let html = match what {
            "search" => answers::search(self.state, self.lang, typed),
            "check" => answers::check(self.state, self.lang, typed),
            _ => answers::services(self.state, self.lang, typed),
        };
        self.say(&html, &[]).await;
    }

    async fn switch_language(&self) -> Result<(), StoreError> {
        let other = match self.lang {
            Lang::En => Lang::Ru,
            Lang::Ru => Lang::En,
        };
        self.state
            .store
            .set_telegram_chat(&self.hash, other.code(), "", self.state.clock.now())
            .await?;
        let switched = Session {
            lang: other,
            hash: self.hash.clone(),
            step: String::new(),
            ..*self
        };
        switched.show_menu().await;
        Ok(())
    }

    async fn confirm_delete(&self) {
        let t = self.t();
        let rows = vec![vec![
            (t.get("bot-button-yes-delete"), "delete:yes".to_owned()),
            (t.get("bot-button-no"), "delete:no".to_owned()),
        ]];
        self.say(&escape(&t.get("bot-delete-confirm")), &rows).await;
    }

    async fn delete(&self) -> Result<(), StoreError> {
        let found = self
            .state
            .store
            .conversation_by_lookup(&lookup_of(&self.hash))
            .await?;
        self.state.store.delete_telegram_chat(&self.hash).await?;
        match found {
            Some(c) => {
                conversations::delete_by_id(self.state, c.id).await?;
                tracing::info!(conversation_id = %c.id, "conversation deleted by the client in telegram");
                self.say_id("bot-deleted").await;
            }
            None => self.say_id("bot-delete-nothing").await,
        }
        Ok(())
    }

    /// The first-aid button: first aid at once, then an urgent conversation the on-call
    /// person hears of, opened with the button's words.
    async fn first_aid_button(&self) -> Result<(), StoreError> {
        let label = self.t().get("bot-button-firstaid");
        self.to_conversation(&label, Some(Topic::Overdose), true)
            .await
    }

    async fn link_staff(&self, code: &str) -> Result<(), StoreError> {
        let hash = super::link_code_hash(self.state, code);
        let sealed = self
            .state
            .secret
            .wrap_key(super::STAFF_CHAT_KEY)
            .encrypt(self.chat.to_string().as_bytes(), "staff-telegram");
        let linked = self
            .state
            .store
            .link_staff_telegram(&hash, sealed, self.state.clock.now())
            .await?;
        match linked {
            Some(user) => {
                tracing::info!(user_id = %user, "a staff member linked their telegram account");
                self.say_id("bot-link-done").await;
            }
            None => self.say_id("bot-link-failed").await,
        }
        Ok(())
    }

    async fn is_overdose(&self, text: &str) -> Result<bool, StoreError> {
        let matcher = self
            .bot
            .risk
            .get_or_try_init(|| crate::watch::risk_matcher(self.state))
            .await?;
        Ok(matcher
            .find(text)
            .iter()
            .any(|hit| &*hit.signal == "overdose"))
    }

    /// Photos and voice messages become attachments of the client's conversation (started when
    /// there is none), the caption their text. Downloaded into memory, made safe (re-encoded or
    /// re-muxed) and sealed before anything is stored. A download that failed for the network is
    /// tried again with the update; a file that is too large or not a photo or voice is refused
    /// with a word to the client. The attachment's message has an id derived from the update, so
    /// an update handled again after a crash (its lease ran out) is not attached twice.
    async fn media(&self, message: &Message) -> Result<(), HandleError> {
        let state = self.state;
        let message_id =
            MessageId::from(derived(state, self.bot.bot_id, self.update_id, "message"));
        if state.store.message_exists(message_id).await? {
            return Ok(());
        }
        let max = state.settings.telegram.max_file_bytes;
        let picked = match (&message.voice, message.best_photo(max as u64)) {
            (Some(voice), _) => Some((voice.file_id.clone(), Declared::Voice)),
            (None, Some(photo)) => Some((photo.file_id.clone(), Declared::Photo)),
            (None, None) => None,
        };
        let Some((file_id, declared)) = picked else {
            self.say_id("bot-file-too-large").await;
            return Ok(());
        };
        let bytes = match self.bot.api.download(&self.bot.token, &file_id, max).await {
            Ok(bytes) => bytes,
            Err(DownloadError::TooLarge) => {
                self.say_id("bot-file-too-large").await;
                return Ok(());
            }
            Err(DownloadError::Send(SendError::Refused(why))) => {
                tracing::warn!(reason = %why, "a telegram file could not be downloaded");
                self.say_id("bot-file-refused").await;
                return Ok(());
            }
            Err(DownloadError::Send(e)) => return Err(HandleError::Telegram(e.to_string())),
        };
        let inbox = match conversations::inbox_public(state).await {
            Ok(key) => key,
            Err(ConversationError::Store(e)) => return Err(e.into()),
            Err(_) => {
                self.say_id("error-not-ready").await;
                return Ok(());
            }
        };
        let existing = state
            .store
            .conversation_by_lookup(&lookup_of(&self.hash))
            .await?;
        let first = existing.is_none();
        let conversation = match existing {
            Some(c) => c,
            None => {
                let topic = self
                    .step
                    .strip_prefix("topic:")
                    .and_then(|t| t.parse::<Topic>().ok())
                    .unwrap_or(Topic::Other);
                self.start_conversation(topic, false, None, &inbox).await?
            }
        };
        let caption = message
            .caption
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        let upload = Upload {
            bytes,
            declared,
            caption,
            message_id: Some(message_id),
        };
        match attachments::add_from_client(state, &conversation, upload).await {
            Ok(_) => {}
            Err(AttachmentError::ImageTooLarge | AttachmentError::VoiceTooLarge) => {
                self.say_id("bot-file-too-large").await;
                return Ok(());
            }
            Err(AttachmentError::Busy) => {
                return Err(HandleError::Telegram("too many uploads at once".into()));
            }
            Err(AttachmentError::Conversation(ConversationError::TooManyMessages)) => {
                self.say(
                    &escape(&self.t().with(
                        "bot-too-many",
                        "number",
                        &state.settings.conversations.emergency_number,
                    )),
                    &[],
                )
                .await;
                return Ok(());
            }
            Err(e) => match e.into_store_error() {
                Ok(store) => return Err(store.into()),
                Err(refused) => {
                    tracing::info!(reason = %refused, "a telegram attachment was refused");
                    self.say_id("bot-file-refused").await;
                    return Ok(());
                }
            },
        }
        if !self.step.is_empty() {
            self.set_step("").await?;
        }
        if let Some(html) = answers::received(state, self.lang, first).await {
            self.say(&html, &[]).await;
        }
        Ok(())
    }

    /// A client's message into their conversation (started when there is none). An overdose
    /// word, or `urgent`, sends first aid before anything else and flags the conversation.
    async fn to_conversation(
        &self,
        text: &str,
        topic: Option<Topic>,
        urgent: bool,
    ) -> Result<(), StoreError> {
        let state = self.state;
        let overdose = urgent || self.is_overdose(text).await?;
        if overdose {
            self.say(&answers::first_aid(state, self.lang), &[]).await;
        }
        let inbox = match conversations::inbox_public(state).await {
            Ok(key) => key,
            Err(ConversationError::Store(e)) => return Err(e),
            Err(_) => {
                tracing::error!("a telegram message arrived before the inbox was set up");
                self.say_id("error-not-ready").await;
                return Ok(());
            }
        };
        let max = state.settings.conversations.max_message_chars;
        let text: String = text.chars().take(max).collect();
        let lookup = lookup_of(&self.hash);
        let message_id =
            MessageId::from(derived(state, self.bot.bot_id, self.update_id, "message"));
        if state.store.message_exists(message_id).await? {
            // Handled before a crash: only the chat id may be missing.
            if let Some(c) = state.store.conversation_by_lookup(&lookup).await? {
                self.ensure_contact(c.id, &inbox).await?;
            }
            return Ok(());
        }
        let now = state.clock.now();
        let current = state.store.conversation_by_lookup(&lookup).await?;
        let done = match current {
            Some(current) => {
                if !overdose && !self.within_allowance(current.id).await? {
                    self.say(
                        &escape(&self.t().with(
                            "bot-too-many",
                            "number",
                            &state.settings.conversations.emergency_number,
                        )),
                        &[],
                    )
                    .await;
                    return Ok(());
                }
                let sealed = seal_message_with_id(
                    message_id,
                    &current,
                    MessageKind::Message,
                    Author::Client,
                    None,
                    &text,
                    &inbox,
                    now,
                );
                let Guarded::Done(done) = state
                    .store
                    .add_message(
                        current.id,
                        sealed,
                        current.status.after_client_message(),
                        None,
                    )
                    .await?
                else {
                    return Ok(());
                };
                self.ensure_contact(done.id, &inbox).await?;
                if overdose && state.store.flag_conversation_urgent(done.id).await? {
                    notify::urgent(state, done.id).await?;
                    notify::emit_logged(
                        state,
                        &[Event::Urgent],
                        &notify::conversation_path(done.id),
                        &Audience::Everyone,
                        None,
                    )
                    .await;
                }
                conversations::notify_client_message(state, &done).await;
                done
            }
            None => {
                let topic = if overdose {
                    Topic::Overdose
                } else {
                    topic.unwrap_or(Topic::Other)
                };
                self.start_conversation(topic, overdose, Some((message_id, &text)), &inbox)
                    .await?
            }
        };
        if !self.step.is_empty() {
            self.set_step("").await?;
        }
        if overdose {
            self.say(&answers::alerted(state, self.lang), &[]).await;
        } else if let Some(html) =
            answers::received(state, self.lang, done.message_count <= 1).await
        {
            self.say(&html, &[]).await;
        }
        Ok(())
    }

    /// Starts the chat's conversation, with its first message when there is one (a photo alone
    /// starts one empty and is attached next). Ids derive from the update, like the message's.
    async fn start_conversation(
        &self,
        topic: Topic,
        urgent: bool,
        first: Option<(MessageId, &str)>,
        inbox: &netreach_crypto::PublicKeyBytes,
    ) -> Result<Conversation, StoreError> {
        let state = self.state;
        let now = state.clock.now();
        let id = ConversationId::from(derived(
            state,
            self.bot.bot_id,
            self.update_id,
            "conversation",
        ));
        let pending = Conversation {
            id,
            channel: "telegram".into(),
            topic,
            lang: self.lang,
            status: Status::New,
            urgent: urgent || topic.is_emergency(),
            assigned_to: None,
            client_public_key: None,
            created_at: now,
            last_activity_at: now,
            last_client_at: Some(now),
            first_response_at: None,
            closed_at: None,
            message_count: 0,
            version: 1,
            rating: None,
            follow_up_at: None,
        };
        let messages = first
            .map(|(message_id, text)| {
                vec![seal_message_with_id(
                    message_id,
                    &pending,
                    MessageKind::Message,
                    Author::Client,
                    None,
                    text,
                    inbox,
                    now,
                )]
            })
            .unwrap_or_default();
        let path = notify::conversation_path(id);
        // As on the web: an urgent conversation's notifications are queued first.
        if pending.urgent {
            notify::urgent(state, id).await?;
            notify::emit(
                state,
                &[Event::Urgent, Event::NewConversation],
                &path,
                &Audience::Everyone,
                None,
            )
            .await?;
        }
        let created = state
            .store
            .create_conversation(
                NewConversation {
                    id,
                    lookup_id: Some(lookup_of(&self.hash)),
                    channel: pending.channel.clone(),
                    topic,
                    lang: self.lang,
                    urgent: pending.urgent,
                    client_public_key: None,
                    created_at: now,
                },
                messages,
            )
            .await?;
        self.ensure_contact(created.id, inbox).await?;
        tracing::info!(conversation_id = %created.id, topic = %created.topic,
            urgent = created.urgent, "conversation started in telegram");
        // Auto-assignment (when on) treats a Telegram conversation like a web one.
        if state.settings.conversations.auto_assign
            && let Err(e) = crate::assignment::assign_new(state, &created).await
        {
            tracing::error!(error = %e, "auto-assignment failed");
        }
        if !created.urgent {
            notify::emit_logged(
                state,
                &[Event::NewConversation],
                &path,
                &Audience::Everyone,
                None,
            )
            .await;
        }
        Ok(created)
    }

    async fn ensure_contact(
        &self,
        id: ConversationId,
        inbox: &netreach_crypto::PublicKeyBytes,
    ) -> Result<(), StoreError> {
        if self.state.store.telegram_contact(id).await?.is_none() {
            let (body, key) = super::seal_contact(id, self.chat, inbox);
            self.state.store.set_telegram_contact(id, body, key).await?;
        }
        Ok(())
    }

    /// The same hourly allowance as a web conversation; first aid never counts against it.
    async fn within_allowance(&self, id: ConversationId) -> Result<bool, StoreError> {
        let sent = self
            .state
            .store
            .charge_budget(
                &format!("client-messages:{id}"),
                self.state.clock.now(),
                Duration::hours(1),
            )
            .await?;
        Ok(sent <= u64::from(self.state.settings.conversations.client_messages_per_hour))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_for_this_bot_or_none_are_read_and_others_ignored() {
        assert_eq!(
            command("/check heroin alcohol", "org_bot"),
            Some(("check".into(), "heroin alcohol"))
        );
        assert_eq!(
            command("/Search@Org_Bot naloxone", "org_bot"),
            Some(("search".into(), "naloxone"))
        );
        assert_eq!(command("/search@other_bot x", "org_bot"), None);
        assert_eq!(command("hello", "org_bot"), None);
    }

    #[test]
    fn the_language_is_the_chosen_one_else_telegrams_else_english() {
        assert_eq!(lang_of(Some("en"), Some("ru")), Lang::En);
        assert_eq!(lang_of(None, Some("ru-RU")), Lang::Ru);
        assert_eq!(lang_of(None, Some("de")), Lang::En);
        assert_eq!(lang_of(None, None), Lang::En);
    }
}
