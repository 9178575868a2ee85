//! The shared inbox as staff use it, through the console or the API: the list with its counts, a
//! conversation with everything its page shows, replies, notes, assignment, status and tags.
//!
//! Every function takes the acting [`Staff`] member and asks the policy first. Reading the list
//! needs only a staff role; anything that reads a thread's text or changes a conversation needs the
//! inbox key as well (the policy's `Inbox` rows), and assigning to someone other than oneself, or
//! taking a conversation away from someone else, needs a supervisor.

use crate::audit;
use crate::conversations::{
    self, ConversationError, Entry, Reader, guarded, inbox_public, open_entry, seal_message,
};
use crate::notify::{self, Audience, Event};
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::AuditAction;
use netreach_core::follow_up;
use netreach_core::{Author, MessageText};
use netreach_core::{CannedId, ConversationId, Lang, MessageId, Status, UserId};
use netreach_crypto::SecretKeyBytes;
use netreach_store::{Conversation, InboxFilter};
use netreach_store::{ConversationUpdate, MessageKind, StaffUser};
use std::collections::HashMap;
use time::OffsetDateTime;

mod bulk;
mod views;

pub use bulk::{BULK_MAX, Bulk, BulkOutcome, bulk};
pub use views::{VIEWS_MAX, delete_view, save_view, saved_views};

/// One page of the inbox and what its filters show.
#[derive(Debug)]
pub struct InboxView {
    pub items: Vec<Conversation>,
    /// Who is who, for the "assigned to" column.
    pub usernames: HashMap<UserId, String>,
    /// Conversations per status, for the status filter.
    pub status_counts: Vec<(Status, u64)>,
    /// Conversations per tag, for the tag filter.
    pub tag_counts: Vec<(String, u64)>,
    /// How long each conversation still without a first answer has waited, in working minutes.
    pub waiting: HashMap<ConversationId, crate::targets::Waiting>,
    /// The team's time zone, for the times shown (follow-ups).
    pub timezone: Option<String>,
    /// The opening of each conversation's newest client message, opened with the caller's
    /// inbox key for this page only (never stored in the clear); empty without the key.
    pub previews: HashMap<ConversationId, String>,
}

/// How many characters of a client's message the inbox shows.
pub const PREVIEW_CHARS: usize = 90;

/// The first line of a message, cut at [`PREVIEW_CHARS`] characters with an ellipsis.
pub fn preview(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default().trim();
    if line.chars().count() > PREVIEW_CHARS || text.trim().lines().nth(1).is_some() {
        let cut: String = line.chars().take(PREVIEW_CHARS).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_owned()
    }
}

/// The preview lines of `items`, opened with the caller's key (none without it).
async fn previews(
    state: &AppState,
    staff: &Staff,
    items: &[Conversation],
) -> Result<HashMap<ConversationId, String>, ConversationError> {
    let Some(key) = staff.inbox_key() else {
        return Ok(HashMap::new());
    };
    let ids: Vec<ConversationId> = items.iter().map(|c| c.id).collect();
    Ok(state
        .store
        .last_client_messages(&ids)
        .await?
        .iter()
        .filter_map(|(id, record)| {
            let body = open_entry(record, *id, Reader::Inbox(Some(&key))).body?;
            Some((*id, preview(&body)))
        })
        .collect())
}

/// A page of the inbox (console), with the names and counts its filters show.
pub async fn inbox(
    state: &AppState,
    staff: &Staff,
    filter: &InboxFilter,
) -> Result<InboxView, ConversationError> {
    staff.may(Action::ListConversations)?;
    let now = state.clock.now();
    // The counts are kept by the database (migration 0011): one row per status and per tag.
    let items = state.store.list_conversations(&at(filter, now)).await?;
    let clock = crate::targets::clock(state).await?;
    Ok(InboxView {
        waiting: items
            .iter()
            .filter_map(|c| clock.waiting(c, now).map(|w| (c.id, w)))
            .collect(),
        previews: previews(state, staff, &items).await?,
        items,
        timezone: state.store.availability().await?.map(|r| r.timezone),
        usernames: usernames(state).await?,
        status_counts: state.store.status_counts().await?,
        tag_counts: state.store.all_tags().await?,
    })
}

/// A page of the inbox (API): the conversations only.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &InboxFilter,
) -> Result<Vec<Conversation>, ConversationError> {
    staff.may(Action::ListConversations)?;
    let now = state.clock.now();
    Ok(state.store.list_conversations(&at(filter, now)).await?)
}

/// The conversation waiting longest for the team: urgent first, then new (no answer yet) before
/// open (the client wrote again), each the oldest activity first; those put aside are left out.
pub async fn next_waiting(
    state: &AppState,
    staff: &Staff,
) -> Result<Option<ConversationId>, ConversationError> {
    staff.may(Action::ListConversations)?;
    let now = state.clock.now();
    let mut best: Option<Conversation> = None;
    for status in [Status::New, Status::Open] {
        let filter = InboxFilter {
            status: Some(status),
            limit: 1,
            oldest_first: true,
            follow_ups: netreach_store::FollowUpFilter::NotPending,
            now: Some(now),
            ..InboxFilter::default()
        };
        if let Some(c) = state.store.list_conversations(&filter).await?.pop() {
            // An urgent open one goes before a new one that is not urgent.
            if best.as_ref().is_none_or(|b| c.urgent && !b.urgent) {
                best = Some(c);
            }
        }
    }
    Ok(best.map(|c| c.id))
}

/// The filter with follow-ups judged now.
fn at(filter: &InboxFilter, now: OffsetDateTime) -> InboxFilter {
    InboxFilter {
        now: Some(now),
        ..filter.clone()
    }
}

async fn usernames(state: &AppState) -> Result<HashMap<UserId, String>, ConversationError> {
    Ok(state
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.username.to_string()))
        .collect())
}

/// A conversation as its console page shows it.
#[derive(Debug)]
pub struct ConversationView {
    /// The thread, opened when the caller holds the inbox key.
    pub thread: StaffView,
    pub readable: bool,
    pub usernames: HashMap<UserId, String>,
    /// Active staff who can be assigned, by name.
    pub assignable: Vec<(UserId, String)>,
    pub tags: Vec<String>,
    /// The canned replies in the conversation's language: id and title.
    pub canned: Vec<(CannedId, String)>,
    /// Those of them that are macros (they also tag or set the status), whole.
    pub macros: Vec<netreach_store::CannedReply>,
    pub qa_consent: bool,
    pub deletion_due: OffsetDateTime,
    /// The chosen canned reply's text with its placeholders filled in, for the reply box.
    pub canned_text: Option<String>,
    /// The team's time zone, for follow-up times shown and typed.
    pub timezone: Option<String>,
    /// The caller's own unsent reply, opened with their inbox key.
    pub draft: Option<crate::drafts::Draft>,
}

/// A conversation as staff see it (API): the thread, opened when the caller holds the key.
pub async fn thread(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
) -> Result<StaffView, ConversationError> {
    staff.may(Action::ReadConversation)?;
    let view = conversations::staff_view(state, id, staff.inbox_key().as_ref()).await?;
    audit::record(state, &staff.user, AuditAction::ConversationOpened, id).await;
    Ok(view)
}

/// A conversation with everything its console page shows; `canned` fills the reply box.
pub async fn conversation(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    canned: Option<CannedId>,
) -> Result<ConversationView, ConversationError> {
    let thread = thread(state, staff, id).await?;
    // Opening the conversation reads the console notices about it.
    if let Err(e) = notify::mark_read(state, staff, Some(&notify::conversation_path(id))).await {
        tracing::error!(error = %e, "marking notices read failed");
    }
    let c = &thread.conversation;
    let users = state.store.list_users().await?;
    let canned_text = match canned {
        Some(canned) => state
            .store
            .canned_reply(canned)
            .await?
            .map(|r| filled(state, staff, &r.body)),
        None => None,
    };
    let replies = state.store.canned_replies(Some(c.lang)).await?;
    Ok(ConversationView {
        usernames: users
            .iter()
            .map(|u| (u.id, u.username.to_string()))
            .collect(),
        assignable: users
            .iter()
            .filter(|u| u.is_active())
            .map(|u| (u.id, u.username.to_string()))
            .collect(),
        tags: state.store.tags(id).await?,
        canned: replies.iter().map(|r| (r.id, r.title.clone())).collect(),
        macros: replies.into_iter().filter(|r| r.is_macro()).collect(),
        qa_consent: state.store.qa_consent(id).await?.is_some(),
        deletion_due: conversations::deletion_due(state, c),
        readable: staff.has_inbox(),
        canned_text,
        timezone: state.store.availability().await?.map(|r| r.timezone),
        draft: crate::drafts::own(state, staff, id).await?,
        thread,
    })
}

/// A canned reply's text with its placeholders filled in.
fn filled(state: &AppState, staff: &Staff, body: &str) -> String {
    body.replace("{worker}", staff.user.username.as_str())
        .replace("{org}", &state.settings.org_name)
}

/// Applies a macro: sends its reply (placeholders filled in), then adds its tags and sets its
/// status, each through the same service (and policy) as alone. Every permission is asked first,
/// so a macro is not applied in part for want of one; `expected_version` guards the reply.
pub async fn apply_macro(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    canned: CannedId,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    staff.may(Action::ReplyConversation)?;
    staff.may(Action::TagConversation)?;
    staff.may(Action::SetConversationStatus)?;
    let mac = state
        .store
        .canned_reply(canned)
        .await?
        .ok_or(ConversationError::NotFound)?;
    let text = filled(state, staff, &mac.body);
    // The macro's text is not the member's draft: that stays for their own reply.
    let mut c = send_reply(state, staff, id, &text, expected_version).await?;
    for tag in &mac.tags {
        add_tag(state, staff, id, tag).await?;
    }
    if let Some(status) = mac.status {
        c = set_status(state, staff, id, status, None).await?;
    }
    tracing::info!(conversation_id = %id, user_id = %staff.user.id, "macro applied");
    Ok(c)
}

/// The language a conversation is held in, for text a worker inserts into a reply.
pub async fn language(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
) -> Result<Lang, ConversationError> {
    staff.may(Action::ReadConversation)?;
    Ok(existing(state, id).await?.lang)
}

async fn existing(state: &AppState, id: ConversationId) -> Result<Conversation, ConversationError> {
    state
        .store
        .conversation(id)
        .await?
        .ok_or(ConversationError::NotFound)
}

/// A reply to the client (sealed to the inbox and the client); the member's draft in the
/// conversation goes once it is sent.
pub async fn reply(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    typed: &str,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    let c = send_reply(state, staff, id, typed, expected_version).await?;
    crate::drafts::sent(state, staff.user.id, id).await;
    Ok(c)
}

async fn send_reply(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    typed: &str,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    staff.may(Action::ReplyConversation)?;
    let key = staff.inbox_key();
    conversations::staff_reply(
        state,
        &staff.user,
        key.as_ref(),
        id,
        typed,
        expected_version,
    )
    .await
}

/// An internal note, never shown to the client.
pub async fn note(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    typed: &str,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    staff.may(Action::NoteConversation)?;
    let key = staff.inbox_key();
    let c = conversations::staff_note(
        state,
        &staff.user,
        key.as_ref(),
        id,
        typed,
        expected_version,
    )
    .await?;
    audit::record(state, &staff.user, AuditAction::NoteAdded, id).await;
    // Mentions are read from the text while it is in hand; only who was mentioned goes on.
    let mentioned = netreach_core::notification::mentions(typed);
    if !mentioned.is_empty() {
        let users: Vec<UserId> = state
            .store
            .list_users()
            .await?
            .into_iter()
            .filter(|u| mentioned.iter().any(|m| m == u.username.as_str()))
            .map(|u| u.id)
            .collect();
        notify::emit_logged(
            state,
            &[Event::Mentioned],
            &notify::conversation_path(id),
            &Audience::Only(users),
            Some(staff.user.id),
        )
        .await;
    }
    Ok(c)
}

/// Whom a conversation is to be assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    Nobody,
    Me,
    User(UserId),
}

/// Assigns a conversation: anyone with inbox access may claim it or give back their own; giving
/// it to someone else, or taking it from someone else, is a supervisor's call.
pub async fn assign(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    to: Assignee,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    staff.may(Action::AssignConversation)?;
    let me = staff.user.id;
    let target = match to {
        Assignee::Nobody => None,
        Assignee::Me => Some(me),
        Assignee::User(user) => Some(user),
    };
    let current = existing(state, id).await?;
    let takes_from_someone_else = current.assigned_to.is_some_and(|u| u != me);
    if target.is_some_and(|u| u != me) || takes_from_someone_else {
        staff.may(Action::AssignToOthers)?;
    }
    let user = match target {
        Some(user) if user == me => Some(staff.user.clone()),
        Some(user) => Some(
            state
                .store
                .user_by_id(user)
                .await?
                .filter(|u| u.is_active())
                .ok_or(ConversationError::UnknownAssignee)?,
        ),
        None => None,
    };
    let c = conversations::assign(state, id, user.as_ref(), expected_version).await?;
    let action = if target == Some(me) {
        AuditAction::ConversationClaimed
    } else {
        AuditAction::ConversationAssigned
    };
    audit::record(state, &staff.user, action, id).await;
    if let Some(assignee) = target.filter(|u| *u != me) {
        notify::emit_logged(
            state,
            &[Event::Assigned],
            &notify::conversation_path(id),
            &Audience::Only(vec![assignee]),
            Some(me),
        )
        .await;
    }
    Ok(c)
}

/// Sets the status by hand (open, waiting for the client, solved, archived).
pub async fn set_status(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    status: Status,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    staff.may(Action::SetConversationStatus)?;
    let c = conversations::set_status(state, id, status, expected_version).await?;
    audit::record(state, &staff.user, AuditAction::ConversationStatus, id).await;
    Ok(c)
}

/// Puts a conversation aside until `when` (out of the inbox until then; back, marked, at that
/// time or when the client writes), or with `None` takes it back now.
pub async fn follow_up(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    when: Option<follow_up::When>,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    staff.may(Action::FollowUpConversation)?;
    let c = set_follow_up(state, id, when, expected_version).await?;
    audit::record(state, &staff.user, AuditAction::ConversationFollowUp, id).await;
    Ok(c)
}

/// A time a worker typed into the console (`YYYY-MM-DDTHH:MM`, as a `datetime-local` field
/// sends it), read in the team's time zone (UTC when none is set).
pub async fn local_time(
    state: &AppState,
    typed: &str,
) -> Result<OffsetDateTime, ConversationError> {
    let timezone = state.store.availability().await?.map(|r| r.timezone);
    crate::availability::from_local(timezone.as_deref(), typed.trim())
        .ok_or(ConversationError::BadFollowUp)
}

/// A tag: 1 to 32 lower-case letters (any script), digits or dashes. Short labels from a small
/// alphabet keep tags from turning into free-text notes about a client.
pub fn tag(input: &str) -> Option<String> {
    let tag = input.trim().to_lowercase().replace(' ', "-");
    let ok = (1..=32).contains(&tag.chars().count())
        && tag.chars().all(|c| c.is_alphanumeric() || c == '-');
    ok.then_some(tag)
}

/// Adds a tag to a conversation.
pub async fn add_tag(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    typed: &str,
) -> Result<(), ConversationError> {
    staff.may(Action::TagConversation)?;
    existing(state, id).await?;
    let tag = tag(typed).ok_or(ConversationError::BadTag)?;
    Ok(state.store.add_tag(id, &tag).await?)
}

/// Removes a tag from a conversation.
pub async fn remove_tag(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    tag: &str,
) -> Result<(), ConversationError> {
    staff.may(Action::TagConversation)?;
    Ok(state.store.remove_tag(id, tag.trim()).await?)
}

// --- The operator's side: no policy check. The functions above (and the CLI, which acts as the
// machine's operator) call these after the check. ---

/// A conversation as staff see it.
#[derive(Debug)]
pub struct StaffView {
    pub conversation: Conversation,
    pub entries: Vec<Entry>,
}

pub async fn staff_view(
    state: &AppState,
    id: ConversationId,
    inbox: Option<&SecretKeyBytes>,
) -> Result<StaffView, ConversationError> {
    let conversation = state
        .store
        .conversation(id)
        .await?
        .ok_or(ConversationError::NotFound)?;
    let records = state.store.messages(id, true).await?;
    let mut entries: Vec<Entry> = records
        .iter()
        .map(|r| open_entry(r, id, Reader::Inbox(inbox)))
        .collect();
    crate::attachments::hang(&mut entries, state.store.attachments(id).await?);
    Ok(StaffView {
        conversation,
        entries,
    })
}

/// A staff reply (sealed to the inbox and the client); the status becomes "waiting for client".
/// With `expected_version`, refused if someone changed the conversation meanwhile.
pub async fn staff_reply(
    state: &AppState,
    staff: &StaffUser,
    inbox: Option<&SecretKeyBytes>,
    id: ConversationId,
    typed: &str,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    let (done, message) = staff_write(
        state,
        staff,
        inbox,
        id,
        typed,
        MessageKind::Message,
        expected_version,
    )
    .await?;
    tracing::info!(conversation_id = %id, user_id = %staff.id, "staff replied");
    if done.channel == "telegram"
        && let Some(key) = inbox
    {
        crate::telegram::deliver(state, key, &done, message, typed.trim()).await?;
    }
    Ok(done)
}

/// Sends a Telegram reply that did not arrive again, with the member's inbox key.
pub async fn resend(
    state: &AppState,
    staff: &Staff,
    id: ConversationId,
    message: MessageId,
) -> Result<bool, ConversationError> {
    staff.may(Action::ReplyConversation)?;
    let key = staff.inbox_key().ok_or(ConversationError::NoInboxAccess)?;
    let conversation = state
        .store
        .conversation(id)
        .await?
        .ok_or(ConversationError::NotFound)?;
    let records = state.store.messages(id, true).await?;
    let record = records
        .iter()
        .find(|r| r.id == message && r.author == Author::Staff && r.kind == MessageKind::Message)
        .ok_or(ConversationError::NotFound)?;
    let text = open_entry(record, id, Reader::Inbox(Some(&key)))
        .body
        .ok_or(ConversationError::NoInboxAccess)?;
    let delivery = crate::telegram::deliver(state, &key, &conversation, message, &text).await?;
    Ok(delivery == crate::telegram::Delivery::Sent)
}

/// An internal note: sealed to the inbox only, never shown to the client; the status stays.
pub async fn staff_note(
    state: &AppState,
    staff: &StaffUser,
    inbox: Option<&SecretKeyBytes>,
    id: ConversationId,
    typed: &str,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    staff_write(
        state,
        staff,
        inbox,
        id,
        typed,
        MessageKind::Note,
        expected_version,
    )
    .await
    .map(|(done, _)| done)
}

/// Writing needs the inbox key: staff who cannot read a thread do not answer into it.
async fn staff_write(
    state: &AppState,
    staff: &StaffUser,
    inbox_key: Option<&SecretKeyBytes>,
    id: ConversationId,
    typed: &str,
    kind: MessageKind,
    expected_version: Option<i64>,
) -> Result<(Conversation, MessageId), ConversationError> {
    if inbox_key.is_none() {
        return Err(ConversationError::NoInboxAccess);
    }
    let text = MessageText::parse(typed, state.settings.conversations.max_message_chars)?;
    let inbox = inbox_public(state).await?;
    let current = state
        .store
        .conversation(id)
        .await?
        .ok_or(ConversationError::NotFound)?;
    let sealed = seal_message(
        &current,
        kind,
        Author::Staff,
        Some(staff.id),
        text.as_str(),
        &inbox,
        state.clock.now(),
    );
    let status = if kind == MessageKind::Message {
        current.status.after_staff_reply()
    } else {
        current.status
    };
    let message = sealed.id;
    let done = guarded(
        state
            .store
            .add_message(id, sealed, status, expected_version)
            .await?,
    )?;
    if current.first_response_at.is_none() && done.first_response_at.is_some() {
        // Metadata for the weekly report; a failure here does not undo the answer.
        if let Err(e) = crate::targets::record_first_response(state, &done, staff.id).await {
            tracing::error!(error = %e, conversation_id = %id, "recording the first response failed");
        }
    }
    Ok((done, message))
}

/// Assigns (or unassigns, with `None`) a conversation, respecting the caseload cap.
pub async fn assign_to(
    state: &AppState,
    id: ConversationId,
    to: Option<&StaffUser>,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    let cap = u64::from(state.settings.conversations.caseload_cap);
    if let Some(user) = to {
        let current = state
            .store
            .conversation(id)
            .await?
            .ok_or(ConversationError::NotFound)?;
        if cap > 0
            && current.assigned_to != Some(user.id)
            && state.store.open_caseload(user.id).await? >= cap
        {
            return Err(ConversationError::CaseloadFull);
        }
    }
    let update = ConversationUpdate {
        assigned_to: Some(to.map(|u| u.id)),
        ..ConversationUpdate::default()
    };
    let done = guarded(
        state
            .store
            .update_conversation(id, expected_version, update, state.clock.now())
            .await?,
    )?;
    tracing::info!(conversation_id = %id, assigned = to.is_some(), "conversation assignment changed");
    Ok(done)
}

/// Sets (or with `None` clears) a conversation's follow-up; the time must be in the future and
/// before retention deletes the conversation.
pub async fn set_follow_up(
    state: &AppState,
    id: ConversationId,
    when: Option<follow_up::When>,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    let now = state.clock.now();
    let follow_up_at = match when {
        Some(when) => {
            let current = existing(state, id).await?;
            let deletion = conversations::deletion_due(state, &current);
            Some(follow_up::due_at(when, now, deletion)?)
        }
        None => None,
    };
    let update = ConversationUpdate {
        follow_up_at: Some(follow_up_at),
        ..ConversationUpdate::default()
    };
    let done = guarded(
        state
            .store
            .update_conversation(id, expected_version, update, now)
            .await?,
    )?;
    tracing::info!(conversation_id = %id, set = follow_up_at.is_some(), "follow-up changed");
    Ok(done)
}

pub async fn change_status(
    state: &AppState,
    id: ConversationId,
    status: Status,
    expected_version: Option<i64>,
) -> Result<Conversation, ConversationError> {
    if !status.settable_by_staff() {
        return Err(ConversationError::BadStatus);
    }
    let update = ConversationUpdate {
        status: Some(status),
        ..ConversationUpdate::default()
    };
    guarded(
        state
            .store
            .update_conversation(id, expected_version, update, state.clock.now())
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::tag;

    #[test]
    fn a_preview_is_the_first_line_cut_with_an_ellipsis() {
        assert_eq!(super::preview("  short question "), "short question");
        assert_eq!(super::preview("first line\nsecond"), "first line…");
        let long = "я".repeat(100);
        let cut = super::preview(&long);
        assert_eq!(cut.chars().count(), super::PREVIEW_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(super::preview(""), "");
    }

    #[test]
    fn tags_are_short_lowercase_labels_not_notes() {
        assert_eq!(tag(" Needs Follow up ").as_deref(), Some("needs-follow-up"));
        assert_eq!(tag("ВИЧ").as_deref(), Some("вич"));
        assert_eq!(tag(""), None);
        assert_eq!(tag("lives at 5 main st."), None);
        assert_eq!(tag(&"a".repeat(33)), None);
    }
}
