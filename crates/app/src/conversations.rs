//! Anonymous client conversations as a service: starting one, coming back with a codename,
//! the thread for the client and for staff, replies, notes, assignment, status, deletion and
//! retention. Pages and the JSON API both call these functions.
//!
//! Message text is sealed before it reaches the store and opened only for the request that shows
//! it; nothing here logs content, codenames or rejected input.

use crate::keys;
use crate::notify::{Audience, Event};
use crate::state::AppState;
use netreach_core::follow_up::FollowUpError;
use netreach_core::{
    Author, ConversationId, Lang, MessageError, MessageId, MessageText, Status, Topic, UserId,
};
use netreach_crypto::{Codename, PublicKeyBytes, Sealed, SecretKeyBytes, SecretToken, WrapKey};
use netreach_store::{
    AttachmentInfo, ClientSessionRecord, Conversation, ConversationUpdate, Guarded, MessageKind,
    NewConversation, NewMessage, SealedRecord, StoreError, StoredMessage,
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

mod codename;

pub use codename::{CodenameGate, SESSION_ATTEMPTS};
use codename::{Purpose, derive};

/// Purpose of the keyed hash of client session cookies.
pub const CLIENT_SESSION_PURPOSE: &str = "client-session";

#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    #[error("invalid message: {0}")]
    Message(#[from] MessageError),
    #[error("the message is the codename")]
    MessageIsCodename,
    #[error("no such conversation")]
    NotFound,
    #[error("the inbox is not set up yet")]
    NotReady,
    #[error("too many codename attempts right now")]
    Busy,
    #[error("the conversation's hourly message allowance is spent")]
    TooManyMessages,
    #[error("someone else changed the conversation")]
    Conflict,
    #[error("the caseload cap is reached")]
    CaseloadFull,
    #[error("no access to the inbox key")]
    NoInboxAccess,
    #[error("this status cannot be set by hand")]
    BadStatus,
    #[error("no active staff member by that id")]
    UnknownAssignee,
    #[error("not a tag")]
    BadTag,
    #[error("not a follow-up time")]
    BadFollowUp,
    #[error("a saved view needs a name of at most 40 characters")]
    BadViewName,
    #[error("too many saved views")]
    TooManyViews,
    #[error(transparent)]
    FollowUp(#[from] netreach_core::follow_up::FollowUpError),
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ConversationError {
    /// The Fluent id that tells the person what happened or what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            ConversationError::Message(MessageError::Empty) => "error-message-empty",
            ConversationError::Message(MessageError::TooLong { .. }) => "error-message-too-long",
            ConversationError::MessageIsCodename => "error-message-is-codename",
            ConversationError::NotFound => "error-codename-not-found",
            ConversationError::NotReady => "error-not-ready",
            ConversationError::Busy => "error-body-429",
            ConversationError::TooManyMessages => "error-too-many-messages",
            ConversationError::Conflict => "error-conflict",
            ConversationError::CaseloadFull => "error-caseload-full",
            ConversationError::NoInboxAccess => "error-no-inbox-access",
            ConversationError::BadStatus => "error-body-400",
            ConversationError::UnknownAssignee => "error-body-404",
            ConversationError::BadTag => "error-tag",
            ConversationError::BadFollowUp => "error-follow-up-time",
            ConversationError::BadViewName => "error-view-name",
            ConversationError::TooManyViews => "error-too-many-views",
            ConversationError::FollowUp(FollowUpError::NotFuture) => "error-follow-up-past",
            ConversationError::FollowUp(FollowUpError::TooFar) => "error-follow-up-too-far",
            ConversationError::FollowUp(FollowUpError::AfterDeletion) => {
                "error-follow-up-after-deletion"
            }
            ConversationError::Denied(crate::policy::Denied::NoInboxKey) => "error-no-inbox-access",
            ConversationError::Denied(_) => "error-body-403",
            ConversationError::Store(_) => "error-body-500",
        }
    }
}

/// What a client holds once their codename (or session) checked out.
#[derive(Debug, Clone)]
pub struct ClientAccess {
    pub conversation: Conversation,
    secret: SecretKeyBytes,
}

impl ClientAccess {
    pub fn new(conversation: Conversation, secret: SecretKeyBytes) -> ClientAccess {
        ClientAccess {
            conversation,
            secret,
        }
    }

    /// The client's key, for opening what was sealed to them.
    pub(crate) fn secret(&self) -> &SecretKeyBytes {
        &self.secret
    }
}

/// The intake form's answers. Topic and language stay plaintext metadata; the rest is sealed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IntakeAnswers {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub substances: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub amount: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub when: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub happening: String,
}

impl IntakeAnswers {
    fn is_empty(&self) -> bool {
        self.substances.is_empty()
            && self.amount.is_empty()
            && self.when.is_empty()
            && self.happening.is_empty()
    }

    fn trimmed(self, max: usize) -> IntakeAnswers {
        let cut = |s: String| s.trim().chars().take(max).collect::<String>();
        IntakeAnswers {
            substances: cut(self.substances),
            amount: cut(self.amount),
            when: cut(self.when),
            happening: cut(self.happening),
        }
    }
}

/// A new conversation, as a client starts it.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub topic: Topic,
    pub lang: Lang,
    pub message: String,
    pub intake: IntakeAnswers,
    pub channel: &'static str,
}

#[derive(Debug)]
pub struct Started {
    pub codename: Codename,
    pub conversation: Conversation,
    pub secret: SecretKeyBytes,
}

/// One entry of a thread, opened for whoever is reading.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: MessageId,
    pub kind: MessageKind,
    pub author: Author,
    pub staff_id: Option<UserId>,
    pub at: OffsetDateTime,
    /// `None` when the reader cannot open it (staff without inbox access).
    pub body: Option<String>,
    /// For intake entries, the answers.
    pub intake: Option<IntakeAnswers>,
    /// For a staff reply in a Telegram conversation: `sent` or `failed`; '' otherwise.
    pub delivery: String,
    /// The photos and voice messages this entry shows (its body is their caption).
    pub attachments: Vec<AttachmentInfo>,
}

fn aad(conversation: ConversationId, message: MessageId) -> String {
    format!("message:{conversation}:{message}")
}

fn sealed(record: &StoredMessage) -> Sealed {
    Sealed {
        ciphertext: record.sealed.body.clone(),
        for_inbox: record.sealed.key_inbox.clone(),
        for_client: record.sealed.key_client.clone(),
    }
}

pub(crate) fn seal_message(
    conversation: &Conversation,
    kind: MessageKind,
    author: Author,
    staff_id: Option<UserId>,
    text: &str,
    inbox: &PublicKeyBytes,
    now: OffsetDateTime,
) -> NewMessage {
    seal_message_with_id(
        MessageId::new_random(),
        conversation,
        kind,
        author,
        staff_id,
        text,
        inbox,
        now,
    )
}

/// [`seal_message`] with a chosen id (one derived from a Telegram update, so that handling it
/// twice finds the first copy).
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_message_with_id(
    id: MessageId,
    conversation: &Conversation,
    kind: MessageKind,
    author: Author,
    staff_id: Option<UserId>,
    text: &str,
    inbox: &PublicKeyBytes,
    now: OffsetDateTime,
) -> NewMessage {
    let client = conversation
        .client_public_key
        .as_deref()
        .and_then(|k| PublicKeyBytes::from_slice(k).ok());
    // Internal notes are sealed to the inbox only: clients can never open them.
    let client = if kind == MessageKind::Note {
        None
    } else {
        client
    };
    let s = Sealed::seal(text, &aad(conversation.id, id), inbox, client.as_ref());
    NewMessage {
        id,
        kind,
        author,
        staff_id,
        created_at: now,
        sealed: SealedRecord {
            body: s.ciphertext,
            key_inbox: s.for_inbox,
            key_client: s.for_client,
        },
    }
}

pub(crate) async fn inbox_public(state: &AppState) -> Result<PublicKeyBytes, ConversationError> {
    match keys::inbox_public(state).await {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(ConversationError::NotReady),
        Err(keys::KeyError::Store(e)) => Err(e.into()),
        Err(_) => Err(ConversationError::NotReady),
    }
}

/// Starts a conversation: a fresh codename, the first message and intake sealed to the inbox
/// and to the client's key. An emergency topic flags it urgent.
pub async fn start(state: &AppState, request: NewRequest) -> Result<Started, ConversationError> {
    let max = state.settings.conversations.max_message_chars;
    let text = MessageText::parse(&request.message, max)?;
    let inbox = inbox_public(state).await?;
    let codename = Codename::generate(request.lang);
    let client = derive(state, &codename, Purpose::Start).await?;
    let now = state.clock.now();
    let pending = Conversation {
        id: ConversationId::new_random(),
        channel: request.channel.to_owned(),
        topic: request.topic,
        lang: request.lang,
        status: Status::New,
        urgent: request.topic.is_emergency(),
        assigned_to: None,
        client_public_key: Some(client.secret.public().0.to_vec()),
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
    let mut first = Vec::new();
    let intake = request.intake.trimmed(500);
    if !intake.is_empty() {
        let json = serde_json::to_string(&intake).unwrap_or_default();
        first.push(seal_message(
            &pending,
            MessageKind::Intake,
            Author::Client,
            None,
            &json,
            &inbox,
            now,
        ));
    }
    first.push(seal_message(
        &pending,
        MessageKind::Message,
        Author::Client,
        None,
        text.as_str(),
        &inbox,
        now,
    ));
    // An urgent conversation's notifications are queued before the conversation is stored: a
    // process stopped between the two writes leaves a notification to a page that does not
    // exist (staff see a 404) rather than an urgent conversation nobody was told about.
    let path = crate::notify::conversation_path(pending.id);
    if pending.urgent {
        crate::notify::urgent(state, pending.id).await?;
        crate::notify::emit(
            state,
            &[Event::Urgent, Event::NewConversation],
            &path,
            &Audience::Everyone,
            None,
        )
        .await?;
    }
    let mut conversation = state
        .store
        .create_conversation(
            NewConversation {
                id: pending.id,
                lookup_id: Some(client.lookup_id.clone()),
                channel: pending.channel.clone(),
                topic: pending.topic,
                lang: pending.lang,
                urgent: pending.urgent,
                client_public_key: pending.client_public_key.clone(),
                created_at: now,
            },
            first,
        )
        .await?;
    tracing::info!(
        conversation_id = %conversation.id,
        topic = %conversation.topic,
        urgent = conversation.urgent,
        "conversation started"
    );
    if state.settings.conversations.auto_assign {
        match crate::assignment::assign_new(state, &conversation).await {
            Ok(Some(_)) => {
                if let Some(assigned) = state.store.conversation(conversation.id).await? {
                    conversation = assigned;
                }
            }
            Ok(None) => {}
            // The conversation stands; it waits in the shared inbox like any other.
            Err(e) => tracing::error!(error = %e, "auto-assignment failed"),
        }
    }
    if !conversation.urgent {
        crate::notify::emit_logged(
            state,
            &[Event::NewConversation],
            &path,
            &Audience::Everyone,
            None,
        )
        .await;
    }
    Ok(Started {
        codename,
        conversation,
        secret: client.secret,
    })
}

/// Finds the conversation a typed codename opens. Wrong, unknown and malformed codenames get the
/// same answer after the same slow derivation.
pub async fn open(state: &AppState, typed: &str) -> Result<ClientAccess, ConversationError> {
    let parsed = Codename::parse(typed);
    let codename = match &parsed {
        Ok(codename) => codename.clone(),
        Err(_) => Codename::generate(Lang::En),
    };
    let keys = derive(state, &codename, Purpose::Lookup).await?;
    if parsed.is_err() {
        return Err(ConversationError::NotFound);
    }
    match state.store.conversation_by_lookup(&keys.lookup_id).await? {
        Some(conversation) => Ok(ClientAccess {
            conversation,
            secret: keys.secret,
        }),
        None => Err(ConversationError::NotFound),
    }
}

/// Starts a client's browser session (fixed lifetime); the cookie holds the only copy of the
/// key that unwraps the client key.
pub async fn start_client_session(
    state: &AppState,
    access: &ClientAccess,
) -> Result<SecretToken, StoreError> {
    let token = SecretToken::generate();
    let minutes = i64::from(state.settings.conversations.client_session_minutes);
    let wrapped = access.secret.wrap(
        &WrapKey::from_token(token.expose(), keys::CLIENT_WRAP),
        keys::CLIENT_WRAP,
    );
    state
        .store
        .create_client_session(ClientSessionRecord {
            token_hash: token
                .hash(&state.secret, CLIENT_SESSION_PURPOSE)
                .as_str()
                .to_owned(),
            conversation_id: access.conversation.id,
            wrapped_client_key: wrapped,
            expires_at: state.clock.now() + Duration::minutes(minutes),
        })
        .await?;
    Ok(token)
}

/// The conversation behind a client session cookie, while it lasts.
pub async fn resume_client_session(
    state: &AppState,
    token: &SecretToken,
) -> Result<Option<ClientAccess>, StoreError> {
    let hash = token.hash(&state.secret, CLIENT_SESSION_PURPOSE);
    let Some(session) = state
        .store
        .client_session(hash.as_str(), state.clock.now())
        .await?
    else {
        return Ok(None);
    };
    let Ok(secret) = SecretKeyBytes::unwrap_from(
        &session.wrapped_client_key,
        &WrapKey::from_token(token.expose(), keys::CLIENT_WRAP),
        keys::CLIENT_WRAP,
    ) else {
        return Ok(None);
    };
    Ok(state
        .store
        .conversation(session.conversation_id)
        .await?
        .map(|conversation| ClientAccess {
            conversation,
            secret,
        }))
}

pub async fn end_client_session(state: &AppState, token: &SecretToken) -> Result<(), StoreError> {
    let hash = token.hash(&state.secret, CLIENT_SESSION_PURPOSE);
    state.store.delete_client_session(hash.as_str()).await
}

pub(crate) fn open_entry(
    record: &StoredMessage,
    conversation: ConversationId,
    reader: Reader<'_>,
) -> Entry {
    let s = sealed(record);
    let a = aad(conversation, record.id);
    let body = match reader {
        Reader::Client(secret) => s.open_as_client(secret, &a).ok(),
        Reader::Inbox(Some(secret)) => s.open_as_inbox(secret, &a).ok(),
        Reader::Inbox(None) => None,
    };
    let intake = match (record.kind, &body) {
        (MessageKind::Intake, Some(json)) => serde_json::from_str(json).ok(),
        _ => None,
    };
    Entry {
        id: record.id,
        kind: record.kind,
        author: record.author,
        staff_id: record.staff_id,
        at: record.created_at,
        body: if record.kind == MessageKind::Intake {
            None
        } else {
            body
        },
        intake,
        delivery: record.delivery.clone(),
        attachments: Vec::new(),
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Reader<'a> {
    Client(&'a SecretKeyBytes),
    Inbox(Option<&'a SecretKeyBytes>),
}

/// The thread as the client sees it (no notes), opened with the client's key.
pub async fn client_thread(
    state: &AppState,
    access: &ClientAccess,
) -> Result<Vec<Entry>, StoreError> {
    let records = state.store.messages(access.conversation.id, false).await?;
    let mut entries: Vec<Entry> = records
        .iter()
        .map(|r| open_entry(r, access.conversation.id, Reader::Client(&access.secret)))
        .collect();
    let attachments = state.store.attachments(access.conversation.id).await?;
    crate::attachments::hang(&mut entries, attachments);
    Ok(entries)
}

/// The client writes. A message holding a codename (anyone's: seven list words in a row) is
/// refused, a common slip that would hand staff the client's only key; so is a message beyond the
/// conversation's hourly allowance.
pub async fn client_post(
    state: &AppState,
    access: &ClientAccess,
    typed: &str,
) -> Result<Conversation, ConversationError> {
    let max = state.settings.conversations.max_message_chars;
    let text = MessageText::parse(typed, max)?;
    if netreach_crypto::codename::contains_codename(text.as_str()) {
        return Err(ConversationError::MessageIsCodename);
    }
    let current = &access.conversation;
    let sent = state
        .store
        .charge_budget(
            &format!("client-messages:{}", current.id),
            state.clock.now(),
            Duration::hours(1),
        )
        .await?;
    if sent > u64::from(state.settings.conversations.client_messages_per_hour) {
        return Err(ConversationError::TooManyMessages);
    }
    let inbox = inbox_public(state).await?;
    let message = seal_message(
        current,
        MessageKind::Message,
        Author::Client,
        None,
        text.as_str(),
        &inbox,
        state.clock.now(),
    );
    let done = match state
        .store
        .add_message(
            current.id,
            message,
            current.status.after_client_message(),
            None,
        )
        .await?
    {
        Guarded::Done(c) => c,
        Guarded::Conflict | Guarded::Missing => return Err(ConversationError::NotFound),
    };
    notify_client_message(state, &done).await;
    Ok(done)
}

/// Tells staff a client wrote: the assignee, or everyone who follows unassigned conversations.
pub(crate) async fn notify_client_message(state: &AppState, done: &Conversation) {
    let (event, audience) = match done.assigned_to {
        Some(assignee) => (Event::ClientReplyAssigned, Audience::Only(vec![assignee])),
        None => (Event::ClientReplyUnassigned, Audience::Everyone),
    };
    let path = crate::notify::conversation_path(done.id);
    crate::notify::emit_logged(state, &[event], &path, &audience, None).await;
}

/// The client marks the conversation solved.
pub async fn client_solve(
    state: &AppState,
    access: &ClientAccess,
) -> Result<(), ConversationError> {
    let update = ConversationUpdate {
        status: Some(Status::Solved),
        ..ConversationUpdate::default()
    };
    guarded(
        state
            .store
            .update_conversation(access.conversation.id, None, update, state.clock.now())
            .await?,
    )?;
    Ok(())
}

/// The client rates the help (1–5) with an optional comment, sealed like a message.
pub async fn client_rate(
    state: &AppState,
    access: &ClientAccess,
    rating: u8,
    comment: &str,
) -> Result<(), ConversationError> {
    let rating = rating.clamp(1, 5);
    let update = ConversationUpdate {
        rating: Some(rating),
        ..ConversationUpdate::default()
    };
    let conversation = guarded(
        state
            .store
            .update_conversation(access.conversation.id, None, update, state.clock.now())
            .await?,
    )?;
    let comment = comment.trim();
    if !comment.is_empty() {
        let text = MessageText::parse(comment, state.settings.conversations.max_message_chars)?;
        let inbox = inbox_public(state).await?;
        let feedback = seal_message(
            &conversation,
            MessageKind::Feedback,
            Author::Client,
            None,
            text.as_str(),
            &inbox,
            state.clock.now(),
        );
        guarded(
            state
                .store
                .add_message(conversation.id, feedback, conversation.status, None)
                .await?,
        )?;
    }
    Ok(())
}

/// The client deletes the conversation now: every message, note and session goes.
pub async fn client_delete(state: &AppState, access: &ClientAccess) -> Result<(), StoreError> {
    let id = access.conversation.id;
    delete_by_id(state, id).await?;
    tracing::info!(conversation_id = %id, "conversation deleted by the client");
    Ok(())
}

/// Deletes a conversation with everything that goes with it.
pub(crate) async fn delete_by_id(state: &AppState, id: ConversationId) -> Result<(), StoreError> {
    state.store.delete_conversation(id).await?;
    // Its Q&A drafts carry no link the database could follow, only a keyed hash of its id.
    state
        .store
        .delete_qa_drafts(&[crate::qa::source_of(state, id)])
        .await?;
    Ok(())
}

pub(crate) fn guarded(result: Guarded<Conversation>) -> Result<Conversation, ConversationError> {
    match result {
        Guarded::Done(c) => Ok(c),
        Guarded::Conflict => Err(ConversationError::Conflict),
        Guarded::Missing => Err(ConversationError::NotFound),
    }
}

/// The staff side (reading a thread, replies, notes, assignment, status) lives in [`crate::inbox`];
/// these names stay here for the CLI (demo conversations and the benchmark act as the operator).
pub use crate::inbox::{
    StaffView, assign_to as assign, change_status as set_status, staff_note, staff_reply,
    staff_view,
};

/// One run of the retention job: deletes what the policy says is due, in batches.
pub async fn purge_due(state: &AppState) -> Result<u64, StoreError> {
    let policy = state.settings.conversations.retention();
    let mut total = 0;
    loop {
        let gone = state
            .store
            .purge_conversations(state.clock.now(), policy, 500)
            .await?;
        let sources: Vec<String> = gone
            .iter()
            .map(|id| crate::qa::source_of(state, *id))
            .collect();
        state.store.delete_qa_drafts(&sources).await?;
        total += gone.len() as u64;
        if gone.len() < 500 {
            return Ok(total);
        }
    }
}

/// When a conversation will be deleted under the current policy.
pub fn deletion_due(state: &AppState, c: &Conversation) -> OffsetDateTime {
    state
        .settings
        .conversations
        .retention()
        .due_at(c.status, c.last_activity_at, c.closed_at)
}
