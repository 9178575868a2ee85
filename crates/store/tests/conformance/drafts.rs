//! Reply drafts (migration 0029): one per conversation and member, replaced on save, deleted by
//! the member, by age, and with the conversation.

use super::*;
use netreach_store::{DraftStore, ReplyDraft};

fn draft(
    conversation: ConversationId,
    user: UserId,
    body: &[u8],
    at: OffsetDateTime,
) -> ReplyDraft {
    ReplyDraft {
        conversation_id: conversation,
        user_id: user,
        body: body.to_vec(),
        key_inbox: vec![9; 80],
        updated_at: at,
    }
}

#[tokio::test]
async fn a_reply_draft_belongs_to_one_member_is_replaced_and_goes_with_its_conversation() {
    on_each_backend(|store| async move {
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let boris = store
            .create_user(new_user("boris", Role::Worker))
            .await
            .unwrap();
        let c = store
            .create_conversation(new_conversation("a", Topic::Legal, t0()), vec![])
            .await
            .unwrap();
        assert!(
            store
                .put_reply_draft(&draft(c.id, anna.id, b"first", t0()))
                .await
                .unwrap()
        );
        let later = t0() + Duration::minutes(5);
        assert!(
            store
                .put_reply_draft(&draft(c.id, anna.id, b"second", later))
                .await
                .unwrap()
        );
        assert_eq!(
            store.reply_draft(c.id, anna.id).await.unwrap(),
            Some(draft(c.id, anna.id, b"second", later)),
            "one draft per member, the newest"
        );
        assert_eq!(store.reply_draft(c.id, boris.id).await.unwrap(), None);

        // Nothing is written for a conversation that is not there.
        let gone = ConversationId::new_random();
        assert!(
            !store
                .put_reply_draft(&draft(gone, anna.id, b"x", t0()))
                .await
                .unwrap()
        );
        assert_eq!(store.reply_draft(gone, anna.id).await.unwrap(), None);

        assert!(store.delete_reply_draft(c.id, anna.id).await.unwrap());
        assert!(!store.delete_reply_draft(c.id, anna.id).await.unwrap());

        // Age: only drafts saved before the cut go.
        store
            .put_reply_draft(&draft(c.id, anna.id, b"old", t0()))
            .await
            .unwrap();
        store
            .put_reply_draft(&draft(c.id, boris.id, b"new", later))
            .await
            .unwrap();
        assert_eq!(
            store
                .purge_reply_drafts(t0() + Duration::minutes(1))
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.reply_draft(c.id, anna.id).await.unwrap(), None);
        assert!(store.reply_draft(c.id, boris.id).await.unwrap().is_some());

        // Deleting the conversation takes its drafts along.
        assert!(store.delete_conversation(c.id).await.unwrap());
        let left = sqlx::query("SELECT COUNT(*) AS n FROM reply_drafts")
            .fetch_one(store.pool())
            .await
            .unwrap()
            .try_get::<i64, _>("n")
            .unwrap();
        assert_eq!(left, 0);
    })
    .await;
}
