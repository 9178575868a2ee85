//! Tags, first-response times, working hours, canned replies, shared budgets, the content pack,
//! password resets and reopening.

use super::*;
use netreach_core::CannedId;
use netreach_store::{AvailabilityRecord, CannedReply, KEPT_PACK_VERSIONS, PackChange, TeamStore};

#[tokio::test]
async fn tags_label_conversations_and_filter_the_inbox() {
    on_each_backend(|store| async move {
        let a = store
            .create_conversation(new_conversation("a", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let b = store
            .create_conversation(new_conversation("b", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        store.add_tag(a.id, "follow-up").await.unwrap();
        store.add_tag(a.id, "follow-up").await.unwrap();
        store.add_tag(a.id, "нужен-врач").await.unwrap();
        store.add_tag(b.id, "follow-up").await.unwrap();
        assert_eq!(store.tags(a.id).await.unwrap().len(), 2);
        assert_eq!(
            store.all_tags().await.unwrap()[0],
            ("follow-up".to_owned(), 2)
        );
        let filtered = store
            .list_conversations(&InboxFilter {
                limit: 10,
                tag: Some("нужен-врач".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            filtered.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![a.id]
        );
        store.remove_tag(a.id, "follow-up").await.unwrap();
        assert_eq!(
            store.tags(a.id).await.unwrap(),
            vec!["нужен-врач".to_owned()]
        );
        store.delete_conversation(a.id).await.unwrap();
        assert_eq!(
            store.all_tags().await.unwrap(),
            vec![("follow-up".to_owned(), 1)],
            "tags outlived their conversation"
        );
    })
    .await;
}

#[tokio::test]
async fn first_response_times_cover_the_requested_period() {
    on_each_backend(|store| async move {
        let worker = store
            .create_user(new_user("vera", Role::Worker))
            .await
            .unwrap();
        for (i, (start, wait)) in [(0, 5), (10, 20), (-40 * 24 * 60, 1)].iter().enumerate() {
            let created = t0() + Duration::minutes(*start);
            let c = store
                .create_conversation(
                    new_conversation(&format!("r{i}"), Topic::Other, created),
                    vec![],
                )
                .await
                .unwrap();
            let reply = msg(
                MessageKind::Message,
                Author::Staff,
                Some(worker.id),
                created + Duration::minutes(*wait),
                b"r",
            );
            store
                .add_message(c.id, reply, Status::WaitingForClient, None)
                .await
                .unwrap();
        }
        store
            .create_conversation(new_conversation("unanswered", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let mut times = store
            .first_response_seconds(t0() - Duration::days(30))
            .await
            .unwrap();
        times.sort_unstable();
        assert_eq!(times, vec![300, 1200]);
    })
    .await;
}

#[tokio::test]
async fn availability_and_canned_replies_are_stored_and_replaced() {
    on_each_backend(|store| async move {
        assert_eq!(store.availability().await.unwrap(), None);
        assert!(
            !store.set_away(true, t0()).await.unwrap(),
            "away switch without a schedule"
        );
        let record = AvailabilityRecord {
            timezone: "Europe/Moscow".into(),
            hours: "09:00-18:00;;;;;;".into(),
            holidays: "2026-01-07".into(),
            away: false,
            updated_at: t0(),
        };
        store.put_availability(record.clone()).await.unwrap();
        assert_eq!(store.availability().await.unwrap(), Some(record.clone()));
        assert!(store.set_away(true, t0()).await.unwrap());
        assert!(store.availability().await.unwrap().unwrap().away);
        let replaced = AvailabilityRecord {
            timezone: "UTC".into(),
            ..record
        };
        store.put_availability(replaced).await.unwrap();
        assert_eq!(store.availability().await.unwrap().unwrap().timezone, "UTC");

        let id = CannedId::new_random();
        let reply = CannedReply {
            id,
            lang: Lang::Ru,
            title: "Привет".into(),
            body: "Здравствуйте, {worker}".into(),
            updated_at: t0(),
            tags: Vec::new(),
            status: None,
        };
        store.put_canned_reply(reply.clone()).await.unwrap();
        store
            .put_canned_reply(CannedReply {
                id: CannedId::new_random(),
                lang: Lang::En,
                title: "Hi".into(),
                body: "Hello".into(),
                updated_at: t0(),
                tags: Vec::new(),
                status: None,
            })
            .await
            .unwrap();
        assert_eq!(
            store.canned_replies(Some(Lang::Ru)).await.unwrap(),
            vec![reply.clone()]
        );
        assert_eq!(store.canned_replies(None).await.unwrap().len(), 2);
        store
            .put_canned_reply(CannedReply {
                title: "Привет!".into(),
                ..reply
            })
            .await
            .unwrap();
        assert_eq!(
            store.canned_reply(id).await.unwrap().unwrap().title,
            "Привет!"
        );
        assert!(store.delete_canned_reply(id).await.unwrap());
        assert!(!store.delete_canned_reply(id).await.unwrap());
        assert_eq!(store.canned_reply(id).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn budgets_count_uses_per_window_for_every_node() {
    on_each_backend(|store| async move {
        let minute = Duration::minutes(1);
        assert_eq!(
            store.charge_budget("lookups", t0(), minute).await.unwrap(),
            1
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(10), minute)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store.charge_budget("starts", t0(), minute).await.unwrap(),
            1,
            "budgets are separate"
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(59), minute)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(61), minute)
                .await
                .unwrap(),
            1,
            "a new window starts"
        );
        assert_eq!(
            store
                .charge_budget("lookups", t0() + Duration::seconds(62), minute)
                .await
                .unwrap(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn the_content_pack_is_replaced_whole_and_versioned() {
    on_each_backend(|store| async move {
        assert_eq!(store.content_version().await.unwrap(), 0);
        assert!(store.content_files().await.unwrap().is_empty());
        let first = vec![
            ("kb/a.en.md".to_owned(), "+++\nÀ é ё\n".to_owned()),
            ("substances/x.toml".to_owned(), "slug = \"x\"\n".to_owned()),
        ];
        assert_eq!(
            store
                .replace_content(first.clone(), t0(), PackChange::Import)
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.content_files().await.unwrap(), first);
        let second = vec![("kb/b.ru.md".to_owned(), "текст".to_owned())];
        assert_eq!(
            store
                .replace_content(second.clone(), t0(), PackChange::Import)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store.content_files().await.unwrap(),
            second,
            "old files must go"
        );
        assert_eq!(store.content_version().await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn every_replaced_pack_is_kept_as_a_version_that_can_be_read_back() {
    on_each_backend(|store| async move {
        assert!(store.pack_versions().await.unwrap().is_empty());
        assert_eq!(store.pack_version_files(1).await.unwrap(), None);
        let first = vec![
            ("kb/a.en.md".to_owned(), "first ё".to_owned()),
            ("substances/x.toml".to_owned(), "x".to_owned()),
        ];
        let second = vec![("kb/b.ru.md".to_owned(), "второй".to_owned())];
        let later = t0() + Duration::hours(1);
        store
            .replace_content(first.clone(), t0(), PackChange::Import)
            .await
            .unwrap();
        store
            .replace_content(second.clone(), later, PackChange::Publish)
            .await
            .unwrap();
        let v3 = store
            .replace_content(first.clone(), later, PackChange::Restore(1))
            .await
            .unwrap();
        assert_eq!(v3, 3);
        let versions = store.pack_versions().await.unwrap();
        let summary: Vec<(i64, PackChange, i64, Option<OffsetDateTime>)> = versions
            .iter()
            .map(|v| (v.version, v.how, v.files, v.replaced_at))
            .collect();
        assert_eq!(
            summary,
            vec![
                (3, PackChange::Restore(1), 2, None),
                (2, PackChange::Publish, 1, Some(later)),
                (1, PackChange::Import, 2, Some(later)),
            ]
        );
        assert_eq!(versions[2].made_at, t0());
        assert_eq!(
            store.pack_version_files(1).await.unwrap(),
            Some(first.clone())
        );
        assert_eq!(store.pack_version_files(2).await.unwrap(), Some(second));
        assert_eq!(store.pack_version_files(3).await.unwrap(), Some(first));
        assert_eq!(store.pack_version_files(4).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn only_the_newest_pack_versions_are_kept() {
    on_each_backend(|store| async move {
        for i in 0..KEPT_PACK_VERSIONS + 3 {
            store
                .replace_content(
                    vec![("kb/a.en.md".to_owned(), format!("text {i}"))],
                    t0(),
                    PackChange::Import,
                )
                .await
                .unwrap();
        }
        let versions = store.pack_versions().await.unwrap();
        assert_eq!(
            versions.len() as i64,
            KEPT_PACK_VERSIONS + 1,
            "kept + in use"
        );
        let oldest = versions.last().unwrap().version;
        assert_eq!(oldest, 3);
        assert_eq!(store.pack_version_files(2).await.unwrap(), None);
        assert_eq!(
            store.pack_version_files(3).await.unwrap(),
            Some(vec![("kb/a.en.md".to_owned(), "text 2".to_owned())])
        );
    })
    .await;
}

#[tokio::test]
async fn a_reset_ends_sessions_tokens_and_access_while_a_change_keeps_tokens_and_access() {
    on_each_backend(|store| async move {
        let user = store
            .create_user(new_user("olga", Role::Worker))
            .await
            .unwrap();
        let keys = StaffKeys {
            public_key: vec![1; 32],
            wrapped_secret_key: vec![2; 72],
            key_salt: vec![3; 16],
        };
        store
            .create_session(session("s1", user.id, Duration::hours(1)))
            .await
            .unwrap();
        store
            .create_api_token(token(user.id, "t1", None))
            .await
            .unwrap();
        store.grant_inbox(user.id, vec![9], t0()).await.unwrap();
        assert!(
            store
                .change_credentials(user.id, "changed", Some(keys.clone()), t0())
                .await
                .unwrap()
        );
        assert!(
            store.session("s1", t0()).await.unwrap().is_none(),
            "a password change ends sessions"
        );
        assert!(
            store.use_api_token("t1", t0()).await.unwrap().is_some(),
            "own change keeps tokens"
        );
        assert!(
            store.inbox_grant(user.id).await.unwrap().is_some(),
            "own change keeps access"
        );
        let changed = store.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(
            (changed.password_hash.as_str(), changed.keys),
            ("changed", Some(keys))
        );

        store
            .create_session(session("s2", user.id, Duration::hours(1)))
            .await
            .unwrap();
        let new_keys = StaffKeys {
            public_key: vec![4; 32],
            wrapped_secret_key: vec![5; 72],
            key_salt: vec![6; 16],
        };
        assert!(
            store
                .reset_credentials(user.id, "reset", new_keys.clone(), t0())
                .await
                .unwrap()
        );
        assert!(store.session("s2", t0()).await.unwrap().is_none());
        assert!(
            store.use_api_token("t1", t0()).await.unwrap().is_none(),
            "a reset must revoke API tokens"
        );
        assert!(
            store.inbox_grant(user.id).await.unwrap().is_none(),
            "a reset ends access"
        );
        assert_eq!(
            store.user_by_id(user.id).await.unwrap().unwrap().keys,
            Some(new_keys)
        );
        assert!(
            !store
                .reset_credentials(
                    UserId::new_random(),
                    "x",
                    StaffKeys {
                        public_key: vec![],
                        wrapped_secret_key: vec![],
                        key_salt: vec![]
                    },
                    t0()
                )
                .await
                .unwrap()
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_message_reopens_a_solved_conversation_and_clears_its_closing_time() {
    on_each_backend(|store| async move {
        let c = store
            .create_conversation(new_conversation("reopen", Topic::Other, t0()), vec![])
            .await
            .unwrap();
        let solve = ConversationUpdate {
            status: Some(Status::Solved),
            ..Default::default()
        };
        let Guarded::Done(solved) = store
            .update_conversation(c.id, None, solve, t0())
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(solved.closed_at, Some(t0()));
        let later = t0() + Duration::days(20);
        let message = msg(
            MessageKind::Message,
            Author::Client,
            None,
            later,
            b"one more thing",
        );
        let Guarded::Done(reopened) = store
            .add_message(c.id, message, Status::Open, None)
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!((reopened.status, reopened.closed_at), (Status::Open, None));
        assert_eq!(
            store
                .purge_conversations(t0() + Duration::days(31), RetentionPolicy::default(), 10)
                .await
                .unwrap(),
            [],
            "deleted on its old closing time"
        );
    })
    .await;
}

#[tokio::test]
async fn staff_search_finds_the_teams_records_in_any_letter_case_and_takes_wildcards_literally() {
    on_each_backend(|store| async move {
        let reply = |title: &str, body: &str| CannedReply {
            id: CannedId::new_random(),
            lang: Lang::Ru,
            title: title.into(),
            body: body.into(),
            updated_at: t0(),
            tags: Vec::new(),
            status: None,
        };
        store
            .put_canned_reply(reply("Налоксон", "Где взять НАЛОКСОН бесплатно"))
            .await
            .unwrap();
        store
            .put_canned_reply(reply("Testing", "100% sure? Use a_test kit"))
            .await
            .unwrap();
        let found = store.find_staff_items("налоксон", 20).await.unwrap();
        assert_eq!(found.canned.len(), 1, "Cyrillic folds on both backends");
        assert_eq!(found.canned[0].1, "Налоксон");
        assert_eq!(
            store
                .find_staff_items("НаЛоКсОн", 20)
                .await
                .unwrap()
                .canned
                .len(),
            1
        );
        assert_eq!(
            store
                .find_staff_items("100%", 20)
                .await
                .unwrap()
                .canned
                .len(),
            1
        );
        assert!(
            store.find_staff_items("%", 20).await.unwrap().canned.len() == 1
                && store
                    .find_staff_items("a_t", 20)
                    .await
                    .unwrap()
                    .canned
                    .len()
                    == 1
                && store
                    .find_staff_items("x_t", 20)
                    .await
                    .unwrap()
                    .canned
                    .is_empty(),
            "% and _ are literal"
        );
        for i in 0..5 {
            store
                .put_canned_reply(reply(&format!("Reply {i}"), "common words"))
                .await
                .unwrap();
        }
        assert_eq!(
            store
                .find_staff_items("common", 3)
                .await
                .unwrap()
                .canned
                .len(),
            3
        );
    })
    .await;
}

#[tokio::test]
async fn a_canned_reply_keeps_the_tags_and_status_that_make_it_a_macro() {
    on_each_backend(|store| async move {
        let id = CannedId::new_random();
        let mac = CannedReply {
            id,
            lang: Lang::En,
            title: "Naloxone sent".into(),
            body: "We have sent the kit.".into(),
            updated_at: t0(),
            tags: vec!["naloxone".into(), "сдано".into()],
            status: Some(netreach_core::Status::Solved),
        };
        store.put_canned_reply(mac.clone()).await.unwrap();
        let read = store.canned_reply(id).await.unwrap().unwrap();
        assert_eq!(read, mac);
        assert!(read.is_macro());
        store
            .put_canned_reply(CannedReply {
                tags: Vec::new(),
                status: None,
                ..mac
            })
            .await
            .unwrap();
        let plain = store.canned_replies(Some(Lang::En)).await.unwrap();
        assert_eq!(plain.len(), 1);
        assert!(!plain[0].is_macro(), "{plain:?}");
    })
    .await;
}

#[tokio::test]
async fn saved_views_belong_to_their_member_and_are_replaced_by_name() {
    on_each_backend(|store| async move {
        let anna = store
            .create_user(new_user("anna", Role::Worker))
            .await
            .unwrap();
        let boris = store
            .create_user(new_user("boris", Role::Worker))
            .await
            .unwrap();
        let view = |user, name: &str, query: &str| netreach_store::SavedView {
            id: uuid::Uuid::new_v4(),
            user_id: user,
            name: name.into(),
            query: query.into(),
            created_at: t0(),
        };
        store
            .put_saved_view(&view(anna.id, "New", "status=new"))
            .await
            .unwrap();
        store
            .put_saved_view(&view(anna.id, "HIV", "tag=hiv"))
            .await
            .unwrap();
        store
            .put_saved_view(&view(anna.id, "New", "status=new&assigned=mine"))
            .await
            .unwrap();
        let mine = store.saved_views(anna.id).await.unwrap();
        let names: Vec<_> = mine
            .iter()
            .map(|v| (v.name.as_str(), v.query.as_str()))
            .collect();
        assert_eq!(
            names,
            [("HIV", "tag=hiv"), ("New", "status=new&assigned=mine")]
        );
        assert!(store.saved_views(boris.id).await.unwrap().is_empty());
        assert!(!store.delete_saved_view(boris.id, mine[0].id).await.unwrap());
        assert!(store.delete_saved_view(anna.id, mine[0].id).await.unwrap());
        assert_eq!(store.saved_views(anna.id).await.unwrap().len(), 1);
    })
    .await;
}
