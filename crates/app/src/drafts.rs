//! Reply drafts: what a staff member typed into a conversation's reply box and has not sent,
//! kept so that it survives a reload or a closed tab. A draft is sealed to the inbox key like a
//! message and bound to its conversation and member, so it is never stored in the clear (and
//! never in the browser); one per conversation and member, and each member opens only their own.
//!
//! It goes when the member's reply is sent, with its conversation (the client's deletion,
//! retention), and after [`KEPT_DAYS`] untouched (the housekeeping job).

use crate::conversations::{ConversationError, inbox_public};
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::{ConversationId, MessageError, UserId};
use netreach_crypto::Sealed;
use netreach_store::{ReplyDraft, StoreError};
use time::OffsetDateTime;

/// Days a draft nobody saves again is kept.
pub const KEPT_DAYS: i64 = 7;

fn aad(conversation: ConversationId, user: UserId) -> String {
    format!("draft:{conversation}:{user}")
}

/// A member's own draft, opened for the page that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub text: String,
    pub saved_at: OffsetDateTime,
}

/// What saving a draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Kept, at this time of day in the team's time zone (`HH:MM`).
    Kept { local_time: String },
    /// The box was empty: the draft, if there was one, is gone.
    Deleted,
}

/// Saves the caller's draft of a reply in a conversation; an empty (or blank) box deletes it.
/// Needs what replying needs: the policy's reply action and the inbox key.
pub async fn save(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    typed: &str,
) -> Result<Saved, ConversationError> {
    staff.may(Action::ReplyConversation)?;
    if staff.inbox_key().is_none() {
        return Err(ConversationError::NoInboxAccess);
    }
    let user = staff.user.id;
    if typed.trim().is_empty() {
        state.store.delete_reply_draft(id, user).await?;
        return Ok(Saved::Deleted);
    }
    let max = state.settings.conversations.max_message_chars;
    if typed.chars().count() > max {
        return Err(MessageError::TooLong { max }.into());
    }
    let inbox = inbox_public(state).await?;
    let sealed = Sealed::seal(typed, &aad(id, user), &inbox, None);
    let now = state.clock.now();
    let kept = state
        .store
        .put_reply_draft(&ReplyDraft {
            conversation_id: id,
            user_id: user,
            body: sealed.ciphertext,
            key_inbox: sealed.for_inbox,
            updated_at: now,
        })
        .await?;
    if !kept {
        return Err(ConversationError::NotFound);
    }
    let timezone = state.store.availability().await?.map(|r| r.timezone);
    let (local, _) = crate::availability::local_text(timezone.as_deref(), now);
    let local_time = local.rsplit(' ').next().unwrap_or_default().to_owned();
    Ok(Saved::Kept { local_time })
}

/// The caller's own draft in a conversation, opened with their inbox key; none without the key.
/// A draft that does not open (damaged) is left out rather than failing the page.
pub(crate) async fn own(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
) -> Result<Option<Draft>, StoreError> {
    let Some(key) = staff.inbox_key() else {
        return Ok(None);
    };
    let Some(draft) = state.store.reply_draft(id, staff.user.id).await? else {
        return Ok(None);
    };
    let opened = Sealed {
        ciphertext: draft.body,
        for_inbox: draft.key_inbox,
        for_client: None,
    }
    .open_as_inbox(&key, &aad(id, staff.user.id));
    match opened {
        Ok(text) => Ok(Some(Draft {
            text,
            saved_at: draft.updated_at,
        })),
        Err(_) => {
            tracing::warn!(conversation_id = %id, user_id = %staff.user.id, "a reply draft does not open");
            Ok(None)
        }
    }
}

/// After the member's reply went out: their draft in the conversation is done with. A failure
/// here does not undo the reply; the draft then goes with age.
pub(crate) async fn sent(state: &AppState, user: UserId, id: ConversationId) {
    if let Err(e) = state.store.delete_reply_draft(id, user).await {
        tracing::error!(error = %e, conversation_id = %id, "deleting a sent reply's draft failed");
    }
}

/// Deletes the drafts nobody saved for [`KEPT_DAYS`]; returns how many.
pub async fn purge(state: &AppState) -> Result<u64, StoreError> {
    let before = state.clock.now() - time::Duration::days(KEPT_DAYS);
    state.store.purge_reply_drafts(before).await
}
