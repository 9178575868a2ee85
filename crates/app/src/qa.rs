//! The public question-and-answer archive. A client consents in their thread (and can withdraw
//! until an entry is published); a worker rewrites a solved conversation into a question and an
//! answer with nothing identifying; a second staff member reviews and publishes it under `/qa`,
//! where it is searchable.
//!
//! A draft is made from a client's words, so it is sealed to the inbox key like a message and
//! keeps no link to its conversation: only a keyed hash of the conversation's id (`source`, under
//! the server secret) by which a withdrawn consent or the conversation's deletion finds and
//! deletes it. Publishing writes the reviewed text in the clear; withdrawing deletes the entry.

use crate::keys;
use crate::policy::{Action, Denied, Staff};
use crate::state::AppState;
use netreach_core::qa::{may_draft_from, review};
use netreach_core::{ConversationId, Lang, QaId, QaStatus};
use netreach_crypto::{PublicKeyBytes, Sealed, SecretKeyBytes, SecretToken};
use netreach_store::{QaRecord, SealedRecord, StoreError};
use serde::{Deserialize, Serialize};

/// Purpose of the keyed hash that ties a draft to its conversation without naming it.
const SOURCE_PURPOSE: &str = "qa-source";

/// The keyed hash of a conversation's id that its drafts carry.
pub fn source_of(state: &AppState, conversation: ConversationId) -> String {
    SecretToken::from_presented(&conversation.to_string())
        .hash(&state.secret, SOURCE_PURPOSE)
        .as_str()
        .to_owned()
}

#[derive(Serialize, Deserialize)]
struct DraftText {
    question: String,
    answer: String,
}

fn draft_aad(id: QaId) -> String {
    format!("qa-draft:{id}")
}

fn seal_draft(id: QaId, question: &str, answer: &str, inbox: &PublicKeyBytes) -> SealedRecord {
    let json = serde_json::to_string(&DraftText {
        question: question.to_owned(),
        answer: answer.to_owned(),
    })
    .unwrap_or_default();
    let sealed = Sealed::seal(&json, &draft_aad(id), inbox, None);
    SealedRecord {
        body: sealed.ciphertext,
        key_inbox: sealed.for_inbox,
        key_client: None,
    }
}

/// Fills a sealed draft's question and answer, opened with the inbox key.
fn opened(mut e: QaRecord, key: &SecretKeyBytes) -> Result<QaRecord, QaError> {
    if let Some(draft) = &e.draft {
        let json = Sealed {
            ciphertext: draft.body.clone(),
            for_inbox: draft.key_inbox.clone(),
            for_client: None,
        }
        .open_as_inbox(key, &draft_aad(e.id))
        .map_err(|_| QaError::Store(StoreError::Corrupt("a q&a draft does not open".into())))?;
        let text: DraftText = serde_json::from_str(&json).map_err(|_| {
            QaError::Store(StoreError::Corrupt("a q&a draft does not parse".into()))
        })?;
        e.question = text.question;
        e.answer = text.answer;
    }
    Ok(e)
}

async fn inbox_public(state: &AppState) -> Result<PublicKeyBytes, QaError> {
    match keys::inbox_public(state).await {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(QaError::NotFound),
        Err(keys::KeyError::Store(e)) => Err(QaError::Store(e)),
        Err(e) => Err(QaError::Store(StoreError::Corrupt(e.to_string()))),
    }
}

/// Seals the drafts written before drafts were sealed (migration 0015) and cuts their link to
/// the conversation; returns how many. Runs with the housekeeping, a no-op once none is left.
pub async fn seal_old_drafts(state: &AppState) -> Result<u64, QaError> {
    let old: Vec<QaRecord> = state
        .store
        .qa_entries(Some(QaStatus::Draft), None)
        .await?
        .into_iter()
        .filter(|e| e.draft.is_none())
        .collect();
    if old.is_empty() {
        return Ok(0);
    }
    let inbox = inbox_public(state).await?;
    let mut sealed = 0;
    for e in old {
        let Some(conversation) = e.conversation_id else {
            continue;
        };
        let draft = seal_draft(e.id, &e.question, &e.answer, &inbox);
        let source = source_of(state, conversation);
        if state
            .store
            .update_qa_draft(e.id, draft, &source, None, state.clock.now())
            .await?
        {
            sealed += 1;
        }
    }
    Ok(sealed)
}

#[derive(Debug, thiserror::Error)]
pub enum QaError {
    #[error("the question or the answer is empty or too long")]
    Invalid,
    #[error("no such entry or conversation")]
    NotFound,
    #[error("the client has not consented, or withdrew consent")]
    NoConsent,
    #[error("only a solved conversation can become an entry")]
    NotSolved,
    #[error("the last writer of an entry cannot review it")]
    OwnEntry,
    #[error("the entry is not in a state that allows this")]
    WrongState,
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl QaError {
    pub fn message_id(&self) -> &'static str {
        match self {
            QaError::Invalid => "error-qa-invalid",
            QaError::NotFound => "error-body-404",
            QaError::NoConsent => "error-qa-consent",
            QaError::NotSolved => "error-qa-not-solved",
            QaError::OwnEntry => "error-qa-own-entry",
            QaError::WrongState => "error-qa-state",
            QaError::Denied(crate::policy::Denied::NoInboxKey) => "error-no-inbox-access",
            QaError::Denied(_) => "error-body-403",
            QaError::Store(_) => "error-body-500",
        }
    }
}

/// The client's answer to "may we publish an anonymised version?"; withdrawing deletes drafts.
pub async fn set_consent(
    state: &AppState,
    conversation: ConversationId,
    consent: bool,
) -> Result<(), QaError> {
    let at = consent.then(|| state.clock.now());
    let source = source_of(state, conversation);
    if !state
        .store
        .set_qa_consent(conversation, at, &source)
        .await?
    {
        return Err(QaError::NotFound);
    }
    tracing::info!(%conversation, consent, "q&a consent changed");
    Ok(())
}

pub async fn has_consent(state: &AppState, conversation: ConversationId) -> Result<bool, QaError> {
    Ok(state.store.qa_consent(conversation).await?.is_some())
}

fn texts(question: &str, answer: &str) -> Result<(String, String), QaError> {
    let bounded = crate::input::bounded;
    match (bounded(question, 2000, true), bounded(answer, 8000, true)) {
        (Some(q), Some(a)) => Ok((q, a)),
        _ => Err(QaError::Invalid),
    }
}

/// A worker's rewrite of a solved, consenting conversation; returns the entry's id.
pub async fn draft(
    state: &AppState,
    staff: &Staff,
    conversation: ConversationId,
    question: &str,
    answer: &str,
) -> Result<QaId, QaError> {
    staff.may(Action::DraftQa)?;
    let staff = &staff.user;
    let c = state
        .store
        .conversation(conversation)
        .await?
        .ok_or(QaError::NotFound)?;
    if !may_draft_from(c.status) {
        return Err(QaError::NotSolved);
    }
    if !has_consent(state, conversation).await? {
        return Err(QaError::NoConsent);
    }
    let (question, answer) = texts(question, answer)?;
    let inbox = inbox_public(state).await?;
    let now = state.clock.now();
    let id = QaId::new_random();
    state
        .store
        .create_qa(QaRecord {
            id,
            conversation_id: None,
            lang: c.lang,
            topic: c.topic,
            question: String::new(),
            answer: String::new(),
            status: QaStatus::START,
            written_by: Some(staff.id),
            written_at: now,
            reviewed_by: None,
            published_at: None,
            updated_at: now,
            draft: Some(seal_draft(id, &question, &answer, &inbox)),
            source: Some(source_of(state, conversation)),
        })
        .await?;
    tracing::info!(qa_id = %id, user_id = %staff.id, "q&a entry drafted");
    Ok(id)
}

pub async fn edit(
    state: &AppState,
    staff: &Staff,
    id: QaId,
    question: &str,
    answer: &str,
) -> Result<(), QaError> {
    staff.may(Action::EditQa)?;
    let (question, answer) = texts(question, answer)?;
    let e = load_entry(state, id).await?;
    e.status.edit().map_err(|_| QaError::WrongState)?;
    let (Some(source), Some(_)) = (&e.source, &e.draft) else {
        return Err(QaError::WrongState);
    };
    let draft = seal_draft(id, &question, &answer, &inbox_public(state).await?);
    if !state
        .store
        .update_qa_draft(id, draft, source, Some(staff.user.id), state.clock.now())
        .await?
    {
        return Err(QaError::WrongState);
    }
    Ok(())
}

/// One entry; a draft is opened, which takes the inbox key.
pub async fn entry(state: &AppState, staff: &Staff, id: QaId) -> Result<QaRecord, QaError> {
    staff.may(Action::ListQa)?;
    let e = load_entry(state, id).await?;
    if e.draft.is_none() {
        return Ok(e);
    }
    let key = staff.inbox_key().ok_or(Denied::NoInboxKey)?;
    opened(e, &key)
}

/// The archive's entries in one status (drafts or published), newest first; drafts opened with
/// the inbox key, and left out for staff without it.
pub async fn entries(
    state: &AppState,
    staff: &Staff,
    status: QaStatus,
) -> Result<Vec<QaRecord>, QaError> {
    staff.may(Action::ListQa)?;
    let entries = state.store.qa_entries(Some(status), None).await?;
    // Sealed drafts are listed only for someone who can open them.
    match staff.inbox_key() {
        Some(key) => entries.into_iter().map(|e| opened(e, &key)).collect(),
        None => Ok(entries.into_iter().filter(|e| e.draft.is_none()).collect()),
    }
}

/// A public entry of the archive, for anyone; `NotFound` unless it is published.
pub async fn public_entry(state: &AppState, id: QaId) -> Result<QaRecord, QaError> {
    let e = load_entry(state, id).await?;
    if e.status.is_public() {
        Ok(e)
    } else {
        Err(QaError::NotFound)
    }
}

async fn load_entry(state: &AppState, id: QaId) -> Result<QaRecord, QaError> {
    state.store.qa(id).await?.ok_or(QaError::NotFound)
}

/// Review and publication by someone other than the last writer, while consent holds.
pub async fn publish(state: &AppState, staff: &Staff, id: QaId) -> Result<(), QaError> {
    staff.may(Action::PublishQa)?;
    let e = entry(state, staff, id).await?;
    e.status.publish().map_err(|_| QaError::WrongState)?;
    let staff = &staff.user;
    review(e.written_by, staff.id).map_err(|_| QaError::OwnEntry)?;
    if !state
        .store
        .publish_qa(id, staff.id, &e.question, &e.answer, state.clock.now())
        .await?
    {
        // Refused inside the publishing statement: the reviewer's own edit landed first, or
        // the client withdrew their consent (which deleted the draft).
        let now = load_entry(state, id)
            .await
            .map_err(|_| QaError::NoConsent)?;
        review(now.written_by, staff.id).map_err(|_| QaError::OwnEntry)?;
        return Err(QaError::NoConsent);
    }
    tracing::info!(qa_id = %id, user_id = %staff.id, "q&a entry published");
    crate::audit::record(state, staff, netreach_core::AuditAction::QaPublished, id).await;
    crate::published::refresh_logged(state).await;
    Ok(())
}

/// Takes a published entry off the site and deletes it: nothing of it is kept.
pub async fn withdraw(state: &AppState, staff: &Staff, id: QaId) -> Result<(), QaError> {
    staff.may(Action::PublishQa)?;
    let e = load_entry(state, id).await?;
    e.status.withdraw().map_err(|_| QaError::WrongState)?;
    if !state.store.withdraw_qa(id).await? {
        return Err(QaError::WrongState);
    }
    tracing::info!(qa_id = %id, "q&a entry withdrawn and deleted");
    crate::audit::record(
        state,
        &staff.user,
        netreach_core::AuditAction::QaWithdrawn,
        id,
    )
    .await;
    crate::published::refresh_logged(state).await;
    Ok(())
}

/// The published entries in one language, newest first.
pub async fn published(state: &AppState, lang: Option<Lang>) -> Result<Vec<QaRecord>, QaError> {
    Ok(state
        .store
        .qa_entries(Some(QaStatus::Published), lang)
        .await?)
}
