//! Photos and voice messages clients add to their conversation, from the web (`/ask`, `/c`, the
//! API) and from Telegram (the bot calls [`add_from_client`]).
//!
//! Nothing is stored as it arrived: an image is decoded and encoded anew, a voice message
//! re-muxed ([`media`]), so the metadata of the original file (EXIF with GPS and camera serials,
//! thumbnails, comments, OpusTags) is gone before anything is written. The result is sealed like a
//! message body, to the inbox key and, for web clients, to the client's key, bound to its row; the
//! thread message that shows it carries the caption, sealed the same way. The work runs on
//! blocking threads, at most two at once, in memory only: an interrupted upload leaves nothing on
//! disk.

pub mod media;

use crate::conversations::{
    self, ClientAccess, ConversationError, NewRequest, Started, inbox_public, seal_message_with_id,
};
use crate::notify::{Audience, Event};
use crate::policy::{Action, Staff};
use crate::state::AppState;
use media::{ImageLimits, MediaError};
use netreach_core::{AttachmentId, Author, ConversationId, MessageId, MessageText};
use netreach_crypto::{PublicKeyBytes, SealedBytes, SecretKeyBytes};
use netreach_store::{
    AttachmentInfo, AttachmentKind, Conversation, Guarded, MessageKind, NewAttachment,
    SealedRecord, StoreError,
};
use std::time::Duration as StdDuration;
use time::Duration;

/// What the sender says the file is (the bytes decide whether it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    Photo,
    Voice,
}

/// A client's upload as it arrived.
#[derive(Clone)]
pub struct Upload {
    pub bytes: Vec<u8>,
    pub declared: Declared,
    /// Text sent with it (a Telegram caption, or what the client typed on `/c`).
    pub caption: Option<String>,
    /// The id its message gets; `None` for a fresh one. A Telegram update gives one derived from
    /// itself, so that handling it again after a crash finds the first copy.
    pub message_id: Option<MessageId>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the bytes nor the caption reach a log.
        f.debug_struct("Upload")
            .field("bytes", &self.bytes.len())
            .field("declared", &self.declared)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is empty")]
    Empty,
    #[error("the photo is larger than allowed")]
    ImageTooLarge,
    #[error("the voice message is larger than allowed")]
    VoiceTooLarge,
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("no such attachment")]
    NotFound,
    #[error("too many uploads are being processed")]
    Busy,
    #[error(transparent)]
    Conversation(#[from] ConversationError),
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AttachmentError {
    /// The Fluent id that tells the person what happened or what to fix.
    pub fn message_id(&self) -> &'static str {
        match self {
            AttachmentError::Empty => "error-attachment-empty",
            AttachmentError::ImageTooLarge => "error-photo-too-large",
            AttachmentError::VoiceTooLarge => "error-voice-too-large",
            AttachmentError::Media(MediaError::NotAnImage) => "error-photo-type",
            AttachmentError::Media(MediaError::Undecodable) => "error-photo-unreadable",
            AttachmentError::Media(MediaError::TooManyPixels) => "error-photo-too-many-pixels",
            AttachmentError::Media(MediaError::NotVoice) => "error-voice-type",
            AttachmentError::NotFound => "error-body-404",
            AttachmentError::Busy => "error-body-429",
            AttachmentError::Conversation(e) => e.message_id(),
            AttachmentError::Denied(crate::policy::Denied::NoInboxKey) => "error-no-inbox-access",
            AttachmentError::Denied(_) => "error-body-403",
            AttachmentError::Store(_) => "error-body-500",
        }
    }

    /// The store's failure (a 500), or the error back when it is something the person can fix.
    pub fn into_store_error(self) -> Result<StoreError, AttachmentError> {
        match self {
            AttachmentError::Store(e)
            | AttachmentError::Conversation(ConversationError::Store(e)) => Ok(e),
            e => Err(e),
        }
    }
}

/// At most two uploads are decoded at once on a node (each may take a few hundred MB briefly).
#[derive(Debug)]
pub struct MediaGate {
    slots: tokio::sync::Semaphore,
}

impl Default for MediaGate {
    fn default() -> Self {
        MediaGate {
            slots: tokio::sync::Semaphore::new(2),
        }
    }
}

/// An upload made safe to keep, not yet sealed.
pub struct Prepared {
    kind: AttachmentKind,
    media_type: &'static str,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Prepared({:?}, {} bytes)", self.kind, self.bytes.len())
    }
}

/// The largest upload any route must accept, in bytes (for request body limits).
pub fn max_upload_bytes(state: &AppState) -> usize {
    let a = &state.settings.attachments;
    a.max_image_bytes.max(a.max_voice_bytes)
}

/// Checks the limits and makes the upload safe: re-encodes an image, re-muxes a voice message.
pub async fn prepare(
    state: &AppState,
    bytes: Vec<u8>,
    declared: Declared,
) -> Result<Prepared, AttachmentError> {
    let settings = &state.settings.attachments;
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    match declared {
        Declared::Photo if bytes.len() > settings.max_image_bytes => {
            return Err(AttachmentError::ImageTooLarge);
        }
        Declared::Voice if bytes.len() > settings.max_voice_bytes => {
            return Err(AttachmentError::VoiceTooLarge);
        }
        _ => {}
    }
    let _permit = tokio::time::timeout(StdDuration::from_secs(20), state.media.slots.acquire())
        .await
        .map_err(|_| AttachmentError::Busy)?
        .map_err(|_| AttachmentError::Busy)?;
    let limits = ImageLimits {
        max_pixels: settings.max_pixels,
        max_side: settings.max_side,
    };
    let serial = uuid::Uuid::new_v4().as_u128() as u32;
    let prepared = tokio::task::spawn_blocking(move || match declared {
        Declared::Photo => media::clean_image(&bytes, limits).map(|clean| Prepared {
            kind: AttachmentKind::Image,
            media_type: media::IMAGE_TYPE,
            bytes: clean.jpeg,
        }),
        Declared::Voice => media::clean_voice(&bytes, serial).map(|ogg| Prepared {
            kind: AttachmentKind::Voice,
            media_type: media::VOICE_TYPE,
            bytes: ogg,
        }),
    })
    .await
    .map_err(|_| AttachmentError::Busy)??;
    Ok(prepared)
}

fn aad(conversation: ConversationId, id: AttachmentId) -> String {
    format!("attachment:{conversation}:{id}")
}

/// A caption as a message text: blank is none; otherwise the rules of a client message.
fn caption_text(
    state: &AppState,
    caption: Option<&str>,
) -> Result<Option<MessageText>, AttachmentError> {
    let Some(caption) = caption.filter(|c| !c.trim().is_empty()) else {
        return Ok(None);
    };
    let text = MessageText::parse(caption, state.settings.conversations.max_message_chars)
        .map_err(ConversationError::from)?;
    if netreach_crypto::codename::contains_codename(text.as_str()) {
        return Err(ConversationError::MessageIsCodename.into());
    }
    Ok(Some(text))
}

/// Counts the upload against the conversation's hourly allowance of client messages.
async fn charge(state: &AppState, conversation: &Conversation) -> Result<(), AttachmentError> {
    let sent = state
        .store
        .charge_budget(
            &format!("client-messages:{}", conversation.id),
            state.clock.now(),
            Duration::hours(1),
        )
        .await?;
    if sent > u64::from(state.settings.conversations.client_messages_per_hour) {
        return Err(ConversationError::TooManyMessages.into());
    }
    Ok(())
}

/// Seals a prepared upload and its caption and adds them to the thread; with `notify`, staff are
/// told as for a client message (a new conversation's first photo needs no second notice).
async fn attach(
    state: &AppState,
    conversation: &Conversation,
    prepared: Prepared,
    caption: Option<MessageText>,
    message_id: Option<MessageId>,
    notify: bool,
) -> Result<AttachmentId, AttachmentError> {
    let inbox = inbox_public(state).await?;
    let now = state.clock.now();
    let message = seal_message_with_id(
        message_id.unwrap_or_else(MessageId::new_random),
        conversation,
        MessageKind::Message,
        Author::Client,
        None,
        caption.as_ref().map(MessageText::as_str).unwrap_or(""),
        &inbox,
        now,
    );
    let client = conversation
        .client_public_key
        .as_deref()
        .and_then(|k| PublicKeyBytes::from_slice(k).ok());
    let id = AttachmentId::new_random();
    let sealed = SealedBytes::seal(
        &prepared.bytes,
        &aad(conversation.id, id),
        &inbox,
        client.as_ref(),
    );
    let attachment = NewAttachment {
        id,
        message_id: message.id,
        kind: prepared.kind,
        media_type: prepared.media_type.to_owned(),
        size: prepared.bytes.len() as i64,
        created_at: now,
        sealed: SealedRecord {
            body: sealed.ciphertext,
            key_inbox: sealed.for_inbox,
            key_client: sealed.for_client,
        },
    };
    let done = match state
        .store
        .add_attachment(
            conversation.id,
            message,
            attachment,
            conversation.status.after_client_message(),
        )
        .await?
    {
        Guarded::Done(c) => c,
        Guarded::Conflict | Guarded::Missing => return Err(ConversationError::NotFound.into()),
    };
    tracing::info!(
        conversation_id = %done.id,
        attachment_id = %id,
        kind = prepared.kind.as_str(),
        size = prepared.bytes.len(),
        "attachment added"
    );
    if !notify {
        return Ok(id);
    }
    let (event, audience) = match done.assigned_to {
        Some(assignee) => (Event::ClientReplyAssigned, Audience::Only(vec![assignee])),
        None => (Event::ClientReplyUnassigned, Audience::Everyone),
    };
    let path = crate::notify::conversation_path(done.id);
    crate::notify::emit_logged(state, &[event], &path, &audience, None).await;
    Ok(id)
}

/// Adds a client's attachment to a conversation of any channel: checks limits, re-encodes
/// (images) or re-muxes (voice), seals to the inbox key and, when the conversation has a client
/// public key (web), to the client too; adds the visible thread entry and notifies staff like a
/// client message does. Telegram conversations have no client key.
pub async fn add_from_client(
    state: &AppState,
    conversation: &Conversation,
    upload: Upload,
) -> Result<AttachmentId, AttachmentError> {
    let caption = caption_text(state, upload.caption.as_deref())?;
    charge(state, conversation).await?;
    let prepared = prepare(state, upload.bytes, upload.declared).await?;
    attach(
        state,
        conversation,
        prepared,
        caption,
        upload.message_id,
        true,
    )
    .await
}

/// The client writes on `/c`: a message, a photo with the typed text as its caption, or both.
pub async fn client_reply(
    state: &AppState,
    access: &ClientAccess,
    typed: &str,
    photo: Option<Vec<u8>>,
) -> Result<(), AttachmentError> {
    match photo {
        None => {
            conversations::client_post(state, access, typed).await?;
        }
        Some(bytes) => {
            add_from_client(
                state,
                &access.conversation,
                Upload {
                    bytes,
                    declared: Declared::Photo,
                    caption: Some(typed.to_owned()),
                    message_id: None,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Starts a conversation (see [`conversations::start`]) with an optional photo. The photo is made
/// safe first, so a refused one refuses the whole request before anything is stored; once the
/// conversation exists, a failure to attach it is logged and the client still gets their codename.
pub async fn start_with_photo(
    state: &AppState,
    request: NewRequest,
    photo: Option<Vec<u8>>,
) -> Result<Started, AttachmentError> {
    // The message is checked before the photo's slow processing.
    MessageText::parse(
        &request.message,
        state.settings.conversations.max_message_chars,
    )
    .map_err(ConversationError::from)?;
    let prepared = match photo {
        Some(bytes) => Some(prepare(state, bytes, Declared::Photo).await?),
        None => None,
    };
    let started = conversations::start(state, request).await?;
    if let Some(prepared) = prepared
        && let Err(e) = attach(state, &started.conversation, prepared, None, None, false).await
    {
        tracing::error!(conversation_id = %started.conversation.id, error = %e, "attaching the first photo failed");
    }
    Ok(started)
}

/// An attachment's bytes, opened for the one request that shows them.
pub struct Opened {
    pub kind: AttachmentKind,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Opened({}, {} bytes)", self.media_type, self.bytes.len())
    }
}

fn sealed_of(record: &SealedRecord) -> SealedBytes {
    SealedBytes {
        ciphertext: record.body.clone(),
        for_inbox: record.key_inbox.clone(),
        for_client: record.key_client.clone(),
    }
}

async fn open_with(
    state: &AppState,
    conversation: ConversationId,
    id: AttachmentId,
    open: impl FnOnce(&SealedBytes, &str) -> Option<Vec<u8>>,
) -> Result<Opened, AttachmentError> {
    let stored = state
        .store
        .attachment(conversation, id)
        .await?
        .ok_or(AttachmentError::NotFound)?;
    let bytes = open(&sealed_of(&stored.sealed), &aad(conversation, id))
        .ok_or(AttachmentError::NotFound)?;
    Ok(Opened {
        kind: stored.info.kind,
        media_type: stored.info.media_type,
        bytes,
    })
}

/// One of the client's own attachments, opened with their key.
pub async fn client_open(
    state: &AppState,
    access: &ClientAccess,
    id: AttachmentId,
) -> Result<Opened, AttachmentError> {
    let secret: &SecretKeyBytes = access.secret();
    open_with(state, access.conversation.id, id, |sealed, aad| {
        sealed.open_as_client(secret, aad).ok().map(|b| b.to_vec())
    })
    .await
}

/// An attachment as staff see it, opened with the inbox key their session holds.
pub async fn staff_open(
    state: &AppState,
    staff: &Staff,
    conversation: ConversationId,
    id: AttachmentId,
) -> Result<Opened, AttachmentError> {
    staff.may(Action::ReadAttachment)?;
    let inbox = staff
        .inbox_key()
        .ok_or(AttachmentError::Denied(crate::policy::Denied::NoInboxKey))?;
    open_with(state, conversation, id, |sealed, aad| {
        sealed.open_as_inbox(&inbox, aad).ok().map(|b| b.to_vec())
    })
    .await
}

/// Hangs each attachment on the thread entry that shows it.
pub(crate) fn hang(entries: &mut [conversations::Entry], infos: Vec<AttachmentInfo>) {
    for info in infos {
        if let Some(entry) = entries.iter_mut().find(|e| e.id == info.message_id) {
            entry.attachments.push(info);
        }
    }
}
