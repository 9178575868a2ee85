//! The question-and-answer archive and the consent it rests on.

use super::{new_conversation, new_user, on_each_backend, t0};
use netreach_core::{Lang, QaId, QaStatus, Role, Topic};
use netreach_store::{AccountStore, ConversationStore, QaRecord, QaStore, SealedRecord};
use time::Duration;

fn sealed(tag: u8) -> SealedRecord {
    SealedRecord {
        body: vec![tag; 24],
        key_inbox: vec![tag.wrapping_add(1); 16],
        key_client: None,
    }
}

/// A draft as the application writes it: sealed, tied to its conversation only by a source hash.
fn draft(id: QaId, source: &str, by: netreach_core::UserId) -> QaRecord {
    QaRecord {
        id,
        conversation_id: None,
        lang: Lang::Ru,
        topic: Topic::Substances,
        question: String::new(),
        answer: String::new(),
        status: QaStatus::Draft,
        written_by: Some(by),
        written_at: t0(),
        reviewed_by: None,
        published_at: None,
        updated_at: t0(),
        draft: Some(sealed(1)),
        source: Some(source.to_owned()),
    }
}

/// A draft as written before drafts were sealed: plain text, linked to its conversation.
fn old_draft(
    id: QaId,
    conversation: netreach_core::ConversationId,
    by: netreach_core::UserId,
) -> QaRecord {
    QaRecord {
        conversation_id: Some(conversation),
        question: "Можно ли смешивать?".into(),
        answer: "Нет, это опасно.".into(),
        draft: None,
        source: None,
        ..draft(id, "", by)
    }
}

#[tokio::test]
async fn a_sealed_draft_is_published_in_the_clear_by_a_second_person_and_withdrawal_deletes_it() {
    on_each_backend(|store| async move {
        let q1 = QaId::new_random();
        assert_eq!(store.qa_stamp().await.unwrap(), 0, "nothing published yet");
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let boris = store
            .create_user(new_user("boris", Role::Worker))
            .await
            .unwrap();
        let c = store
            .create_conversation(new_conversation("l1", Topic::Substances, t0()), vec![])
            .await
            .unwrap();
        assert_eq!(store.qa_consent(c.id).await.unwrap(), None);
        assert!(
            store
                .set_qa_consent(c.id, Some(t0()), "src-1")
                .await
                .unwrap()
        );
        assert_eq!(store.qa_consent(c.id).await.unwrap(), Some(t0()));
        store.create_qa(draft(q1, "src-1", anna.id)).await.unwrap();
        let stored = store.qa(q1).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.question.as_str(),
                stored.conversation_id,
                stored.draft
            ),
            ("", None, Some(sealed(1))),
            "a draft holds no text in the clear and no link"
        );
        let later = t0() + Duration::hours(1);
        assert!(
            store
                .update_qa_draft(q1, sealed(7), "src-1", Some(boris.id), later)
                .await
                .unwrap()
        );
        let edited = store.qa(q1).await.unwrap().unwrap();
        assert_eq!(
            (edited.draft, edited.written_by, edited.written_at),
            (Some(sealed(7)), Some(boris.id), later)
        );
        let stamp = store.qa_stamp().await.unwrap();
        // The last writer cannot publish, checked in the publishing statement itself (a
        // reviewer's own edit racing their publish loses).
        assert!(
            !store
                .publish_qa(q1, boris.id, "Q?", "A.", later)
                .await
                .unwrap()
        );
        assert_eq!(store.qa_stamp().await.unwrap(), stamp);
        assert!(
            store
                .publish_qa(q1, anna.id, "Q?", "A.", later)
                .await
                .unwrap()
        );
        let published = store.qa(q1).await.unwrap().unwrap();
        assert_eq!(published.status, QaStatus::Published);
        assert_eq!(
            (published.question.as_str(), published.answer.as_str()),
            ("Q?", "A.")
        );
        assert_eq!(
            (published.draft, published.source),
            (None, None),
            "the sealed text and the source hash are forgotten"
        );
        assert_eq!(published.reviewed_by, Some(anna.id));
        assert_ne!(store.qa_stamp().await.unwrap(), stamp);
        assert!(
            !store
                .update_qa_draft(q1, sealed(9), "src-1", Some(anna.id), later)
                .await
                .unwrap(),
            "published entries are not edited as drafts"
        );
        let public = store
            .qa_entries(Some(QaStatus::Published), Some(Lang::Ru))
            .await
            .unwrap();
        assert_eq!(public.len(), 1);
        assert!(
            store
                .qa_entries(Some(QaStatus::Published), Some(Lang::En))
                .await
                .unwrap()
                .is_empty()
        );
        // Deleting the conversation leaves the published entry.
        store.delete_conversation(c.id).await.unwrap();
        assert!(store.qa(q1).await.unwrap().is_some());
        let before_withdrawal = store.qa_stamp().await.unwrap();
        assert!(store.withdraw_qa(q1).await.unwrap());
        assert_ne!(store.qa_stamp().await.unwrap(), before_withdrawal);
        assert!(
            store.qa(q1).await.unwrap().is_none(),
            "withdrawn entries are deleted"
        );
        let after_withdrawal = store.qa_stamp().await.unwrap();
        assert!(!store.withdraw_qa(q1).await.unwrap());
        assert_eq!(
            store.qa_stamp().await.unwrap(),
            after_withdrawal,
            "a refused step leaves the stamp"
        );
    })
    .await;
}

#[tokio::test]
async fn withdrawn_consent_or_a_deleted_conversation_takes_the_drafts_with_it() {
    on_each_backend(|store| async move {
        let (d1, d2, d3) = (QaId::new_random(), QaId::new_random(), QaId::new_random());
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let c1 = store
            .create_conversation(new_conversation("l1", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let c2 = store
            .create_conversation(new_conversation("l2", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        for (c, source) in [(c1.id, "src-1"), (c2.id, "src-2")] {
            store.set_qa_consent(c, Some(t0()), source).await.unwrap();
        }
        store.create_qa(draft(d1, "src-1", anna.id)).await.unwrap();
        store.create_qa(draft(d2, "src-2", anna.id)).await.unwrap();
        assert!(store.set_qa_consent(c1.id, None, "src-1").await.unwrap());
        assert!(
            store.qa(d1).await.unwrap().is_none(),
            "draft kept after consent withdrawn"
        );
        assert!(!store.publish_qa(d1, anna.id, "Q", "A", t0()).await.unwrap());
        // The conversation's deletion: the application deletes its drafts by their source.
        store.delete_conversation(c2.id).await.unwrap();
        assert_eq!(
            store
                .delete_qa_drafts(&["src-2".to_owned(), "src-none".to_owned()])
                .await
                .unwrap(),
            1
        );
        assert!(store.qa(d2).await.unwrap().is_none());
        // A draft from before sealing still needs its conversation's consent to be published,
        // and sealing it cuts the link.
        let c3 = store
            .create_conversation(new_conversation("l3", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        store
            .create_qa(old_draft(d3, c3.id, anna.id))
            .await
            .unwrap();
        assert!(!store.publish_qa(d3, anna.id, "Q", "A", t0()).await.unwrap());
        assert_eq!(store.qa(d3).await.unwrap().unwrap().status, QaStatus::Draft);
        assert!(
            store
                .update_qa_draft(d3, sealed(3), "src-3", None, t0())
                .await
                .unwrap()
        );
        let sealed_now = store.qa(d3).await.unwrap().unwrap();
        assert_eq!(
            (
                sealed_now.question.as_str(),
                sealed_now.conversation_id,
                sealed_now.source.as_deref(),
                sealed_now.written_by
            ),
            ("", None, Some("src-3"), Some(anna.id)),
            "sealing an old draft keeps its writer"
        );
        assert_eq!(store.qa_stamp().await.unwrap(), 0, "drafts are not public");
    })
    .await;
}
