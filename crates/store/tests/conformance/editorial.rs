//! The editorial workflow: revisions, states, and publishing that rewrites the pack atomically.

use super::{new_user, on_each_backend, t0};
use netreach_core::{ContentPath, ContentState, Role};
use netreach_store::{AccountStore, EditorialStore, Guarded, TeamStore};
use time::Duration;

#[tokio::test]
async fn revisions_move_to_review_and_publishing_replaces_the_pack_once() {
    on_each_backend(|store| async move {
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let sveta = store
            .create_user(new_user("sveta", Role::Supervisor))
            .await
            .unwrap();
        let a = ContentPath::parse("kb/a.en.md").unwrap();
        let b_path = ContentPath::parse("kb/b.en.md").unwrap();
        let v1 = store
            .replace_content(
                vec![("kb/a.en.md".into(), "old".into())],
                t0(),
                netreach_store::PackChange::Import,
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .save_revision(&a, Some("old"), "new", None, anna.id, t0())
                .await
                .unwrap(),
            Guarded::Done(2),
            "the published text becomes revision 1"
        );
        assert_eq!(
            store
                .save_revision(&a, None, "stale", None, anna.id, t0())
                .await
                .unwrap(),
            Guarded::Conflict
        );
        let revisions = store.content_revisions(&a).await.unwrap();
        assert_eq!(revisions.len(), 2);
        assert_eq!(
            (revisions[1].body.as_str(), revisions[1].edited_by),
            ("old", None)
        );
        let item = store.content_item(&a).await.unwrap().unwrap();
        assert_eq!(
            (
                item.state.as_str(),
                item.head_version,
                item.published_version
            ),
            ("draft", 2, Some(1))
        );
        let later = t0() + Duration::minutes(1);
        let files = vec![("kb/a.en.md".to_owned(), "new".to_owned())];
        assert_eq!(
            store
                .publish_revision(&a, 2, sveta.id, files.clone(), v1, later)
                .await
                .unwrap(),
            Guarded::Conflict,
            "not in review yet"
        );
        assert!(
            !store
                .set_content_state(&a, ContentState::InReview, ContentState::Draft, later)
                .await
                .unwrap(),
            "a step from a state the file is not in changes nothing"
        );
        assert!(
            store
                .set_content_state(&a, ContentState::Draft, ContentState::InReview, later)
                .await
                .unwrap()
        );
        assert_eq!(
            store
                .publish_revision(&a, 2, sveta.id, files.clone(), v1 + 5, later)
                .await
                .unwrap(),
            Guarded::Conflict,
            "the pack changed since"
        );
        let Guarded::Done(v2) = store
            .publish_revision(&a, 2, sveta.id, files.clone(), v1, later)
            .await
            .unwrap()
        else {
            panic!("not published");
        };
        assert_eq!(v2, v1 + 1);
        assert_eq!(store.content_files().await.unwrap(), files);
        let item = store.content_item(&a).await.unwrap().unwrap();
        assert_eq!(
            (item.state.as_str(), item.published_version),
            ("published", Some(2))
        );
        assert_eq!(
            store.content_revisions(&a).await.unwrap()[0].reviewed_by,
            Some(sveta.id)
        );

        // Archiving a file never edited here records its text first.
        let files = vec![
            ("kb/a.en.md".to_owned(), "new".to_owned()),
            ("kb/b.en.md".to_owned(), "b".to_owned()),
        ];
        let v3 = store
            .replace_content(files, later, netreach_store::PackChange::Import)
            .await
            .unwrap();
        assert_eq!(
            store
                .archive_item(
                    &b_path,
                    Some("b"),
                    vec![("kb/a.en.md".into(), "new".into())],
                    v3,
                    later
                )
                .await
                .unwrap(),
            Guarded::Done(v3 + 1)
        );
        let b = store.content_item(&b_path).await.unwrap().unwrap();
        assert_eq!((b.state.as_str(), b.published_version), ("archived", None));
        assert_eq!(store.content_revisions(&b_path).await.unwrap()[0].body, "b");
        assert_eq!(store.content_files().await.unwrap().len(), 1);
        assert_eq!(store.content_items().await.unwrap().len(), 2);
    })
    .await;
}
