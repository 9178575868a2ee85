//! The question-and-answer archive and the consent it rests on.

use super::{new_conversation, new_user, on_each_backend, t0};
use netreach_core::{Lang, QaId, QaStatus, Role, Topic};
use netreach_store::{AccountStore, ConversationStore, QaRecord, QaStore};
use time::Duration;

fn draft(
    id: QaId,
    conversation: netreach_core::ConversationId,
    by: netreach_core::UserId,
) -> QaRecord {
    QaRecord {
        id,
        conversation_id: Some(conversation),
        lang: Lang::Ru,
        topic: Topic::Substances,
        question: "Можно ли смешивать?".into(),
        answer: "Нет, это опасно.".into(),
        status: QaStatus::Draft,
        written_by: Some(by),
        written_at: t0(),
        reviewed_by: None,
        published_at: None,
        updated_at: t0(),
    }
}

#[tokio::test]
async fn an_entry_is_published_only_with_consent_and_then_forgets_its_conversation() {
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
        assert!(store.set_qa_consent(c.id, Some(t0())).await.unwrap());
        assert_eq!(store.qa_consent(c.id).await.unwrap(), Some(t0()));
        store.create_qa(draft(q1, c.id, anna.id)).await.unwrap();
        let later = t0() + Duration::hours(1);
        assert!(
            store
                .update_qa(q1, "Q?", "A.", boris.id, later)
                .await
                .unwrap()
        );
        let edited = store.qa(q1).await.unwrap().unwrap();
        assert_eq!(
            (edited.question.as_str(), edited.written_by),
            ("Q?", Some(boris.id))
        );
        let stamp = store.qa_stamp().await.unwrap();
        // The last writer cannot publish, checked in the publishing statement itself (a
        // reviewer's own edit racing their publish loses).
        assert!(!store.publish_qa(q1, boris.id, later).await.unwrap());
        assert_eq!(store.qa_stamp().await.unwrap(), stamp);
        assert!(store.publish_qa(q1, anna.id, later).await.unwrap());
        let published = store.qa(q1).await.unwrap().unwrap();
        assert_eq!(published.status, QaStatus::Published);
        assert_eq!(
            published.conversation_id, None,
            "link to the conversation cut"
        );
        assert_eq!(published.reviewed_by, Some(anna.id));
        assert_ne!(store.qa_stamp().await.unwrap(), stamp);
        assert!(
            !store.update_qa(q1, "x", "y", anna.id, later).await.unwrap(),
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
        assert!(store.withdraw_qa(q1, later).await.unwrap());
        assert_ne!(store.qa_stamp().await.unwrap(), before_withdrawal);
        assert!(
            store
                .qa_entries(Some(QaStatus::Published), None)
                .await
                .unwrap()
                .is_empty()
        );
        let after_withdrawal = store.qa_stamp().await.unwrap();
        assert!(!store.withdraw_qa(q1, later).await.unwrap());
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
        for c in [c1.id, c2.id] {
            store.set_qa_consent(c, Some(t0())).await.unwrap();
        }
        store.create_qa(draft(d1, c1.id, anna.id)).await.unwrap();
        store.create_qa(draft(d2, c2.id, anna.id)).await.unwrap();
        assert!(store.set_qa_consent(c1.id, None).await.unwrap());
        assert!(
            store.qa(d1).await.unwrap().is_none(),
            "draft kept after consent withdrawn"
        );
        assert!(!store.publish_qa(d1, anna.id, t0()).await.unwrap());
        store.delete_conversation(c2.id).await.unwrap();
        assert!(store.qa(d2).await.unwrap().is_none());
        // Without consent a draft cannot be published, even if one exists.
        let c3 = store
            .create_conversation(new_conversation("l3", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        store.create_qa(draft(d3, c3.id, anna.id)).await.unwrap();
        assert!(!store.publish_qa(d3, anna.id, t0()).await.unwrap());
        assert_eq!(store.qa(d3).await.unwrap().unwrap().status, QaStatus::Draft);
        assert_eq!(store.qa_stamp().await.unwrap(), 0, "drafts are not public");
    })
    .await;
}
