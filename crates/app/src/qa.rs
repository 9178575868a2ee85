//! The public question-and-answer archive. A client consents in their thread (and can withdraw
//! until an entry is published); a worker rewrites a solved conversation into a question and an
//! answer with nothing identifying; a second staff member reviews and publishes it under `/qa`,
//! where it is searchable. A published entry keeps no link to its conversation.

use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_core::qa::{may_draft_from, review};
use netreach_core::{ConversationId, Lang, QaId, QaStatus};
use netreach_store::{QaRecord, StoreError};

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
    if !state.store.set_qa_consent(conversation, at).await? {
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
    let now = state.clock.now();
    let id = QaId::new_random();
    state
        .store
        .create_qa(QaRecord {
            id,
            conversation_id: Some(conversation),
            lang: c.lang,
            topic: c.topic,
            question,
            answer,
            status: QaStatus::START,
            written_by: Some(staff.id),
            written_at: now,
            reviewed_by: None,
            published_at: None,
            updated_at: now,
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
    let staff = &staff.user;
    let (question, answer) = texts(question, answer)?;
    let e = load_entry(state, id).await?;
    e.status.edit().map_err(|_| QaError::WrongState)?;
    if !state
        .store
        .update_qa(id, &question, &answer, staff.id, state.clock.now())
        .await?
    {
        return Err(QaError::WrongState);
    }
    Ok(())
}

pub async fn entry(state: &AppState, staff: &Staff, id: QaId) -> Result<QaRecord, QaError> {
    staff.may(Action::ListQa)?;
    load_entry(state, id).await
}

/// The archive's entries in one status (drafts or published), newest first.
pub async fn entries(
    state: &AppState,
    staff: &Staff,
    status: QaStatus,
) -> Result<Vec<QaRecord>, QaError> {
    staff.may(Action::ListQa)?;
    Ok(state.store.qa_entries(Some(status), None).await?)
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
    let staff = &staff.user;
    let e = load_entry(state, id).await?;
    e.status.publish().map_err(|_| QaError::WrongState)?;
    review(e.written_by, staff.id).map_err(|_| QaError::OwnEntry)?;
    if !state
        .store
        .publish_qa(id, staff.id, state.clock.now())
        .await?
    {
        // Refused inside the publishing statement: the reviewer's own edit landed first, or
        // the client withdrew their consent.
        let now = load_entry(state, id).await?;
        review(now.written_by, staff.id).map_err(|_| QaError::OwnEntry)?;
        return Err(QaError::NoConsent);
    }
    tracing::info!(qa_id = %id, user_id = %staff.id, "q&a entry published");
    crate::published::refresh_logged(state).await;
    Ok(())
}

pub async fn withdraw(state: &AppState, staff: &Staff, id: QaId) -> Result<(), QaError> {
    staff.may(Action::PublishQa)?;
    let e = load_entry(state, id).await?;
    e.status.withdraw().map_err(|_| QaError::WrongState)?;
    if !state.store.withdraw_qa(id, state.clock.now()).await? {
        return Err(QaError::WrongState);
    }
    tracing::info!(qa_id = %id, "q&a entry withdrawn");
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
