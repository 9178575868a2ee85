//! Attachments (migration 0024): added with the message that shows them, listed without their
//! bytes, read with them, and gone with the conversation at deletion and at retention.

use super::*;
use netreach_core::AttachmentId;
use netreach_store::{AttachmentKind, NewAttachment};

fn attachment(message: &NewMessage, kind: AttachmentKind, body: &[u8]) -> NewAttachment {
    NewAttachment {
        id: AttachmentId::new_random(),
        message_id: message.id,
        kind,
        media_type: match kind {
            AttachmentKind::Image => "image/jpeg".into(),
            AttachmentKind::Voice => "audio/ogg".into(),
        },
        size: body.len() as i64,
        created_at: message.created_at,
        sealed: SealedRecord {
            body: body.to_vec(),
            key_inbox: vec![1; 80],
            key_client: Some(vec![2; 80]),
        },
    }
}

async fn count_rows(store: &SqlStore) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM attachments")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>("n")
        .unwrap()
}

#[tokio::test]
async fn an_attachment_is_stored_with_its_message_and_read_back_whole() {
    on_each_backend(|store| async move {
        let c = store
            .create_conversation(new_conversation("a", Topic::Injection, t0()), vec![])
            .await
            .unwrap();
        let caption = msg(
            MessageKind::Message,
            Author::Client,
            None,
            t0() + Duration::minutes(1),
            b"sealed caption",
        );
        let photo = attachment(&caption, AttachmentKind::Image, &[0xAB; 300_000]);
        let done = store
            .add_attachment(c.id, caption.clone(), photo.clone(), Status::New)
            .await
            .unwrap();
        let Guarded::Done(after) = done else {
            panic!("not added: {done:?}")
        };
        assert_eq!(after.message_count, 1, "the caption counts as a message");
        assert_eq!(after.last_client_at, Some(t0() + Duration::minutes(1)));
        let voice_message = msg(
            MessageKind::Message,
            Author::Client,
            None,
            t0() + Duration::minutes(2),
            b"",
        );
        let voice = attachment(&voice_message, AttachmentKind::Voice, b"OggS...");
        store
            .add_attachment(c.id, voice_message.clone(), voice.clone(), Status::New)
            .await
            .unwrap();

        let listed = store.attachments(c.id).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].id, photo.id);
        assert_eq!(listed[0].message_id, caption.id);
        assert_eq!(listed[0].kind, AttachmentKind::Image);
        assert_eq!(listed[0].media_type, "image/jpeg");
        assert_eq!(listed[0].size, 300_000);
        assert_eq!(listed[1].kind, AttachmentKind::Voice);
        let messages = store.messages(c.id, false).await.unwrap();
        assert_eq!(
            messages.iter().map(|m| m.id).collect::<Vec<_>>(),
            [caption.id, voice_message.id]
        );

        let read = store.attachment(c.id, photo.id).await.unwrap().unwrap();
        assert_eq!(read.info, listed[0]);
        assert_eq!(read.sealed, photo.sealed);
        let other = store
            .create_conversation(new_conversation("b", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        assert_eq!(
            store.attachment(other.id, photo.id).await.unwrap(),
            None,
            "read only through its own conversation"
        );
        assert!(store.attachments(other.id).await.unwrap().is_empty());

        let missing = msg(MessageKind::Message, Author::Client, None, t0(), b"x");
        let orphan = attachment(&missing, AttachmentKind::Image, b"x");
        assert!(matches!(
            store
                .add_attachment(ConversationId::new_random(), missing, orphan, Status::New)
                .await
                .unwrap(),
            Guarded::Missing
        ));
    })
    .await;
}

#[tokio::test]
async fn attachments_go_with_their_conversation_at_deletion_and_at_retention() {
    on_each_backend(|store| async move {
        let deleted = store
            .create_conversation(new_conversation("d", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let idle = store
            .create_conversation(new_conversation("i", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        for c in [&deleted, &idle] {
            let m = msg(MessageKind::Message, Author::Client, None, t0(), b"");
            let a = attachment(&m, AttachmentKind::Image, &[7; 1000]);
            store.add_attachment(c.id, m, a, Status::New).await.unwrap();
        }
        assert_eq!(count_rows(&store).await, 2);
        assert!(store.delete_conversation(deleted.id).await.unwrap());
        assert_eq!(count_rows(&store).await, 1);
        assert!(store.attachments(deleted.id).await.unwrap().is_empty());
        let gone = store
            .purge_conversations(t0() + Duration::days(91), RetentionPolicy::default(), 100)
            .await
            .unwrap();
        assert_eq!(gone, [idle.id]);
        assert_eq!(count_rows(&store).await, 0, "retention took the attachment");
    })
    .await;
}
