//! Venues, posts with versions and approvals, and the publication log / send queue.

use super::{new_user, on_each_backend, t0};
use netreach_core::{
    Lang, Permission, PostId, PublicationId, PublicationStatus, Role, VenueId, VenueKind,
};
use netreach_store::{
    AccountStore, Guarded, PostRecord, PublicationFilter, PublicationRecord, PublishingStore,
    SendOutcome, VenueRecord,
};
use time::Duration;

/// A fixed id named by a short word; ids sort as their words do.
fn id<T: From<uuid::Uuid>>(name: &str) -> T {
    let mut bytes = [0u8; 16];
    bytes[..name.len()].copy_from_slice(name.as_bytes());
    T::from(uuid::Uuid::from_bytes(bytes))
}

fn venue(venue_id: VenueId, name: &str) -> VenueRecord {
    VenueRecord {
        id: venue_id,
        name: name.into(),
        kind: VenueKind::TelegramChannel,
        address: "https://t.me/example".into(),
        lang: Lang::Ru,
        markup: "telegram_html".into(),
        rules: "No links to shops".into(),
        permission: Permission::Granted,
        permission_at: Some(t0()),
        permission_contact: "admin of the channel".into(),
        notes: String::new(),
        needs_approval: true,
        char_limit: Some(4096),
        telegram_chat: Some("@example".into()),
        has_bot_token: false,
        push_alerts: true,
        last_sent_at: None,
        created_at: t0(),
        updated_at: t0(),
    }
}

fn queued(publication_id: PublicationId, venue_id: VenueId, due_in: Duration) -> PublicationRecord {
    PublicationRecord {
        id: publication_id,
        venue_id,
        post_id: None,
        post_version: None,
        alert_id: None,
        body: format!("text {publication_id}"),
        created_by: None,
        created_at: t0(),
        status: PublicationStatus::Scheduled,
        url: String::new(),
        followup: String::new(),
        attempts: 0,
        next_attempt_at: Some(t0() + due_in),
        last_error: String::new(),
        published_at: None,
        updated_at: t0(),
    }
}

#[tokio::test]
async fn venues_are_registered_edited_and_keep_their_token_apart() {
    on_each_backend(|store| async move {
        let mut v = venue(id("v1"), "Channel");
        store.create_venue(v.clone()).await.unwrap();
        store
            .create_venue(venue(id("v0"), "Another forum"))
            .await
            .unwrap();
        assert_eq!(store.venue(id("v1")).await.unwrap(), Some(v.clone()));
        let names: Vec<_> = store
            .venues()
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(names, ["Another forum", "Channel"]);
        v.permission = Permission::Refused;
        v.char_limit = None;
        v.updated_at = t0() + Duration::hours(1);
        assert!(store.update_venue(v.clone()).await.unwrap());
        assert_eq!(store.venue(id("v1")).await.unwrap(), Some(v.clone()));
        assert!(store.venue_bot_token(id("v1")).await.unwrap().is_none());
        assert!(
            store
                .set_venue_bot_token(id("v1"), Some(vec![7; 60]))
                .await
                .unwrap()
        );
        assert_eq!(
            store.venue_bot_token(id("v1")).await.unwrap(),
            Some(vec![7; 60])
        );
        let stored = store.venue(id("v1")).await.unwrap().unwrap();
        assert!(stored.has_bot_token);
        // Editing the other fields leaves the token alone.
        assert!(store.update_venue(v.clone()).await.unwrap());
        assert!(store.venue_bot_token(id("v1")).await.unwrap().is_some());
        assert!(store.set_venue_bot_token(id("v1"), None).await.unwrap());
        assert!(!store.venue(id("v1")).await.unwrap().unwrap().has_bot_token);
        assert!(!store.update_venue(venue(id("nope"), "x")).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn every_post_save_is_a_version_and_approval_is_per_version() {
    on_each_backend(|store| async move {
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let boris = store
            .create_user(new_user("boris", Role::Supervisor))
            .await
            .unwrap();
        let post = PostRecord {
            id: id("p1"),
            title: "Naloxone".into(),
            body: "**Carry** naloxone".into(),
            version: 1,
            created_by: Some(anna.id),
            created_at: t0(),
            updated_at: t0(),
        };
        store.create_post(post.clone()).await.unwrap();
        assert_eq!(store.post(id("p1")).await.unwrap(), Some(post));
        let later = t0() + Duration::minutes(5);
        assert_eq!(
            store
                .update_post(id("p1"), 1, "Naloxone saves", "v2", boris.id, later)
                .await
                .unwrap(),
            Guarded::Done(2)
        );
        assert_eq!(
            store
                .update_post(id("p1"), 1, "stale", "stale", anna.id, later)
                .await
                .unwrap(),
            Guarded::Conflict
        );
        assert_eq!(
            store
                .update_post(id("nope"), 1, "x", "x", anna.id, later)
                .await
                .unwrap(),
            Guarded::Missing
        );
        let current = store.post(id("p1")).await.unwrap().unwrap();
        assert_eq!((current.version, current.body.as_str()), (2, "v2"));
        let versions = store.post_versions(id("p1")).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].version, 2);
        assert_eq!(versions[0].edited_by, Some(boris.id));
        assert_eq!(versions[1].body, "**Carry** naloxone");
        assert!(
            store
                .approve_post_version(id("p1"), 2, anna.id, later)
                .await
                .unwrap()
        );
        assert!(
            !store
                .approve_post_version(id("p1"), 2, anna.id, later)
                .await
                .unwrap(),
            "approved twice"
        );
        assert!(
            !store
                .approve_post_version(id("p1"), 9, anna.id, later)
                .await
                .unwrap()
        );
        let versions = store.post_versions(id("p1")).await.unwrap();
        assert_eq!(versions[0].approved_by, Some(anna.id));
        assert_eq!(versions[1].approved_by, None);
        assert_eq!(store.posts().await.unwrap().len(), 1);
        let p1: PostId = id("p1");
        assert_eq!(
            store.post_titles(&[p1, id("nope"), p1]).await.unwrap(),
            [(p1, "Naloxone saves".to_owned())],
            "the titles of the posts named, each once"
        );
        assert!(store.post_titles(&[]).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_publication_log_filters_and_records_what_staff_enter() {
    on_each_backend(|store| async move {
        store
            .create_venue(venue(id("v1"), "Channel"))
            .await
            .unwrap();
        store.create_venue(venue(id("v2"), "Forum")).await.unwrap();
        let mut manual = queued(id("m1"), id("v2"), Duration::ZERO);
        manual.status = PublicationStatus::Live;
        manual.next_attempt_at = None;
        store.create_publication(manual).await.unwrap();
        store
            .create_publication(queued(id("q1"), id("v1"), Duration::ZERO))
            .await
            .unwrap();
        let all = store
            .publications(&PublicationFilter {
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        let forum = store
            .publications(&PublicationFilter {
                venue_id: Some(id("v2")),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(forum.len(), 1);
        assert_eq!(forum[0].id, id::<PublicationId>("m1"));
        let live = store
            .publications(&PublicationFilter {
                status: Some(PublicationStatus::Scheduled),
                venue_id: Some(id("v1")),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(live.len(), 1);
        let later = t0() + Duration::hours(2);
        assert!(
            store
                .update_publication(
                    id("m1"),
                    "http://forum.onion/t/9",
                    PublicationStatus::Removed,
                    "two replies",
                    later
                )
                .await
                .unwrap()
        );
        let m1 = store.publication(id("m1")).await.unwrap().unwrap();
        assert_eq!(m1.url, "http://forum.onion/t/9");
        assert_eq!(m1.status, PublicationStatus::Removed);
        assert_eq!(m1.followup, "two replies");
        assert!(
            !store
                .update_publication(id("nope"), "", PublicationStatus::Live, "", later)
                .await
                .unwrap()
        );
    })
    .await;
}

#[tokio::test]
async fn due_sends_are_claimed_once_spaced_per_venue_and_retried_after_their_lease() {
    on_each_backend(|store| async move {
        store
            .create_venue(venue(id("v1"), "Channel"))
            .await
            .unwrap();
        store.create_venue(venue(id("v2"), "Group")).await.unwrap();
        for (id, v, due) in [
            (id("a"), id("v1"), 0),
            (id("b"), id("v1"), 1),
            (id("c"), id("v2"), 2),
            (id("later"), id("v2"), 3600),
        ] {
            store
                .create_publication(queued(id, v, Duration::seconds(due)))
                .await
                .unwrap();
        }
        let now = t0() + Duration::seconds(10);
        let spacing = Duration::seconds(3);
        let lease = now + Duration::seconds(60);
        let first = store
            .claim_due_publications(now, spacing, lease, 10)
            .await
            .unwrap();
        let ids: Vec<PublicationId> = first.iter().map(|p| p.id).collect();
        assert_eq!(ids, [id("a"), id("c")], "one per venue, only what is due");
        assert!(
            first
                .iter()
                .all(|p| p.status == PublicationStatus::Sending && p.attempts == 1)
        );
        // Claimed rows are leased: a second claim (another node) gets only what is left.
        let second = store
            .claim_due_publications(now, spacing, lease, 10)
            .await
            .unwrap();
        assert_eq!(
            second.iter().map(|p| p.id).collect::<Vec<PublicationId>>(),
            [id("b")]
        );
        store
            .finish_send(
                id("a"),
                SendOutcome::Sent {
                    url: "https://t.me/example/5".into(),
                },
                now,
            )
            .await
            .unwrap();
        let retry_at = now + Duration::seconds(30);
        store
            .finish_send(
                id("c"),
                SendOutcome::Retry {
                    at: retry_at,
                    error: "429".into(),
                },
                now,
            )
            .await
            .unwrap();
        let a = store.publication(id("a")).await.unwrap().unwrap();
        assert_eq!(
            (a.status.as_str(), a.url.as_str()),
            ("live", "https://t.me/example/5")
        );
        assert_eq!(a.published_at, Some(now));
        let c = store.publication(id("c")).await.unwrap().unwrap();
        assert_eq!(
            (c.status.as_str(), c.last_error.as_str()),
            ("scheduled", "429")
        );
        // The venue just sent: nothing for it within the spacing, even when due.
        let soon = now + Duration::seconds(1);
        assert!(
            store
                .claim_due_publications(retry_at + Duration::seconds(1), spacing, lease, 10)
                .await
                .unwrap()
                .iter()
                .any(|p| p.id == id("c"))
        );
        assert!(
            store
                .claim_due_publications(soon, spacing, soon + Duration::seconds(60), 10)
                .await
                .unwrap()
                .is_empty()
        );
        // id("b") was never finished (its node died): after the lease it is due again.
        let after_lease = lease + Duration::seconds(1);
        let again = store
            .claim_due_publications(
                after_lease,
                spacing,
                after_lease + Duration::seconds(60),
                10,
            )
            .await
            .unwrap();
        assert!(
            again.iter().any(|p| p.id == id("b") && p.attempts == 2),
            "{again:?}"
        );
        store
            .finish_send(
                id("b"),
                SendOutcome::Failed {
                    error: "chat not found".into(),
                },
                after_lease,
            )
            .await
            .unwrap();
        let b = store.publication(id("b")).await.unwrap().unwrap();
        assert_eq!(
            (b.status.as_str(), b.last_error.as_str()),
            ("failed", "chat not found")
        );
    })
    .await;
}

#[tokio::test]
async fn posts_await_approval_until_their_current_version_is_approved_or_published() {
    on_each_backend(|store| async move {
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        assert_eq!(store.posts_awaiting_approval().await.unwrap(), 0);
        for name in ["p1", "p2", "p3"] {
            store
                .create_post(PostRecord {
                    id: id(name),
                    title: name.into(),
                    body: "text".into(),
                    version: 1,
                    created_by: Some(anna.id),
                    created_at: t0(),
                    updated_at: t0(),
                })
                .await
                .unwrap();
        }
        assert_eq!(store.posts_awaiting_approval().await.unwrap(), 3);
        store
            .approve_post_version(id("p1"), 1, anna.id, t0())
            .await
            .unwrap();
        store
            .create_venue(venue(id("v1"), "Channel"))
            .await
            .unwrap();
        store
            .create_publication(PublicationRecord {
                post_id: Some(id("p2")),
                post_version: Some(1),
                ..queued(id("q1"), id("v1"), Duration::ZERO)
            })
            .await
            .unwrap();
        assert_eq!(store.posts_awaiting_approval().await.unwrap(), 1);
        // An edit makes a new version that waits again.
        store
            .update_post(id("p1"), 1, "p1", "edited", anna.id, t0())
            .await
            .unwrap();
        assert_eq!(store.posts_awaiting_approval().await.unwrap(), 2);
    })
    .await;
}
