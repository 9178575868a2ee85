use crate::conversations::start;
use netreach_core::{Clock, Role};
use netreach_testkit::{TestApp, TestBackend, TestDb};
use serde_json::json;

#[tokio::test]
async fn urgent_conversations_notify_on_call_staff_without_any_content() {
    // One local stand-in answers both the webhook and the Telegram Bot API.
    let fake = netreach_testkit::FakeBotApi::ok().await;
    let (base, seen) = (fake.base.clone(), fake.seen());
    let db = TestDb::new(TestBackend::Sqlite).await;
    let hook = format!("{base}/hook");
    let api = base.clone();
    let app = TestApp::spawn_on(db, move |s| {
        s.notify.webhook_url = Some(hook.into());
        s.notify.telegram_bot_token = Some("123456:SECRET-token".to_owned().into());
        s.notify.telegram_chat_id = Some("-1001".into());
        s.notify.telegram_api_base = api;
    })
    .await;
    app.create_user("anna", Role::Worker, "anna-long-password")
        .await;
    start(&app, "other", "not urgent at all", "en").await;
    let (_, id) = start(&app, "overdose", "SECRETCANARY he is blue", "en").await;
    assert!(
        seen.lock().unwrap().is_empty(),
        "sent by the job, not the request"
    );
    assert_eq!(netreach_app::notify::send_due(&app.state).await.unwrap(), 2);
    assert_eq!(
        netreach_app::notify::send_due(&app.state).await.unwrap(),
        0,
        "delivered notifications leave the outbox"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        2,
        "exactly one webhook and one Telegram message: {seen:?}"
    );
    let hook = seen
        .iter()
        .find(|(path, _)| path == "/hook")
        .expect("webhook");
    let body = &hook.1;
    assert_eq!(body["event"], "urgent_conversation");
    assert_eq!(body["console_path"], format!("/staff/conversations/{id}"));
    let telegram = seen
        .iter()
        .find(|(path, _)| path == "/bot123456:SECRET-token/sendMessage")
        .expect("telegram");
    assert_eq!(telegram.1["chat_id"], "-1001");
    assert_eq!(
        telegram.1["link_preview_options"]["is_disabled"], true,
        "Telegram must not fetch the console address for a preview"
    );
    for (_, body) in &seen {
        let body = body.to_string();
        assert!(
            !body.contains("SECRETCANARY") && !body.contains("blue"),
            "content sent out: {body}"
        );
    }
    assert!(
        !netreach_testkit::captured_logs().contains("SECRET-token"),
        "bot token logged"
    );
}

/// Fails if `text` holds what the every-event test typed or its topic (the canaries, the topic,
/// words of the messages), in any letter case.
fn assert_content_free(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for secret in [
        "notifycanary",
        "publictextmark",
        "overdose",
        "blue",
        "передоз",
        "fainted",
    ] {
        assert!(!lower.contains(secret), "{secret} in {what}: {text}");
    }
}

/// Every event a person can choose, by every transport they can choose, through the SMTP sink
/// a push service and the fake Bot API: the console notices, the e-mails, the pushes and the
/// Telegram messages carry the kind of event and a link, never the text a client or a worker
/// typed, nor the topic.
#[tokio::test]
async fn every_event_reaches_the_people_who_chose_it_without_any_content() {
    use netreach_app::notify::Event;
    for backend in TestBackend::all() {
        let smtp = netreach_testkit::FakeSmtp::start().await;
        let push = netreach_testkit::FakePush::start().await;
        let bot = netreach_testkit::FakeBot::start().await;
        let url = smtp.url.clone();
        let bot_base = bot.base.clone();
        let app = TestApp::spawn_on(TestDb::new(backend).await, move |s| {
            s.telegram.api_base = bot_base;
            s.telegram.poll_seconds = 0;
            s.email.smtp_url = Some(url.into());
            s.email.from = Some("Netreach <netreach@example.org>".into());
            s.push.subject = Some("mailto:team@example.org".into());
            s.push.endpoint_hosts = vec!["127.0.0.1".into()];
        })
        .await;
        let anna_token = crate::conversations::staff_token(&app, "anna", Role::Admin).await;
        let browser = netreach_testkit::FakeBrowser::new(&push, "anna", 9);
        let subscribed = reqwest::Client::new()
            .post(app.url("/api/v1/staff/me/push_subscriptions"))
            .bearer_auth(&anna_token)
            .json(&browser.subscription())
            .send()
            .await
            .unwrap();
        assert_eq!(subscribed.status(), 201);
        // ... and links her own Telegram account to the organisation's bot.
        crate::telegram::connect(&app, &anna_token).await;
        let anna_browser = app.new_browser();
        assert_eq!(
            anna_browser
                .login("anna", "anna-long-password-123")
                .await
                .status(),
            303
        );
        const ANNA_CHAT: i64 = 770_077;
        crate::telegram::link_own_account(&app, &bot, &anna_browser, ANNA_CHAT).await;
        let linked_messages = bot.texts_to(ANNA_CHAT).len();
        let boris = app.staff("boris", Role::Supervisor).await;
        let (vera, _) = app.signed_in("vera", Role::Worker).await;
        // Anna chooses every event by every transport.
        let every: serde_json::Map<String, serde_json::Value> = Event::ALL
            .iter()
            .map(|e| {
                (
                    e.as_str().to_owned(),
                    json!(["console", "email", "telegram", "push"]),
                )
            })
            .collect();
        let put = reqwest::Client::new()
            .put(app.url("/api/v1/staff/me/notifications"))
            .bearer_auth(&anna_token)
            .json(&json!({"email": "anna@example.org", "events": every}))
            .send()
            .await
            .unwrap();
        assert_eq!(put.status(), 200);
        let shown: serde_json::Value = put.json().await.unwrap();
        assert_eq!(shown["email"], "anna@example.org");
        assert_eq!(
            shown["events"]["urgent"],
            json!(["console", "email", "telegram", "push"])
        );
        let got: serde_json::Value = reqwest::Client::new()
            .get(app.url("/api/v1/staff/me/notifications"))
            .bearer_auth(&anna_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(got, shown, "GET answers what PUT stored");

        // What clients and workers type (sealed at rest), and public text (posts and articles,
        // stored in the clear): neither goes into a notification.
        const CANARY: &str = "NOTIFYCANARY";
        const PUBLIC: &str = "PUBLICTEXTMARK";
        // new_conversation + urgent (one e-mail: the urgent one).
        let (codename, id) = start(&app, "overdose", &format!("{CANARY} he is blue"), "en").await;
        // client_reply_unassigned
        let reply = crate::conversations::as_client(
            &app,
            reqwest::Method::POST,
            "/api/v1/conversations/me/messages",
            &codename,
        )
        .json(&json!({"message": format!("{CANARY} still here")}))
        .send()
        .await
        .unwrap();
        assert!(reply.status().is_success());
        let conversation: netreach_core::ConversationId = id.parse().unwrap();
        // assigned (by a supervisor), then client_reply_assigned
        let anna_id = app
            .state
            .store
            .user_by_username(&netreach_core::Username::parse("anna").unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        netreach_app::inbox::assign(
            &app.state,
            &boris,
            conversation,
            netreach_app::inbox::Assignee::User(anna_id),
            None,
        )
        .await
        .unwrap();
        crate::conversations::as_client(
            &app,
            reqwest::Method::POST,
            "/api/v1/conversations/me/messages",
            &codename,
        )
        .json(&json!({"message": format!("{CANARY} again")}))
        .send()
        .await
        .unwrap();
        // mentioned
        netreach_app::inbox::note(
            &app.state,
            &boris,
            conversation,
            &format!("@anna please call back, {CANARY}"),
            None,
        )
        .await
        .unwrap();
        // alert_report
        let report = reqwest::Client::new()
            .post(app.url("/api/v1/alerts/reports"))
            .json(
                &json!({"sold_as": CANARY, "appearance": "blue", "region": "Moscow",
                "what_happened": format!("{CANARY} fainted")}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(report.status(), 202);
        // post_approval
        netreach_app::publishing::create_post(
            &app.state,
            &boris,
            &format!("{PUBLIC} title"),
            &format!("{PUBLIC} body"),
        )
        .await
        .unwrap();
        // content_review: a worker submits a revision; anna is an admin.
        let page = vera
            .get_text("/staff/content/edit?path=kb%2Fnaloxone.en.md")
            .await;
        let start_at = page.find("name=\"text\"").unwrap();
        let start_at = start_at + page[start_at..].find('>').unwrap() + 1;
        let end = start_at + page[start_at..].find("</textarea>").unwrap();
        let text = page[start_at..end]
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let saved = vera
            .post_form(
                "/staff/content/edit",
                &[
                    ("path", "kb/naloxone.en.md"),
                    ("text", &format!("{text}\n\n{PUBLIC} edit\n")),
                    ("head", ""),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(saved.status(), 303);
        let submitted = vera
            .post_form(
                "/staff/content/step",
                &[("path", "kb/naloxone.en.md"), ("step", "submit")],
            )
            .await;
        assert_eq!(submitted.status(), 303);

        // Delivery is the job's, never the request's.
        assert!(smtp.mails().is_empty(), "sent by the job, not the request");
        let mut sent = 0;
        loop {
            let n = netreach_app::notify::send_due(&app.state).await.unwrap();
            if n == 0 {
                break;
            }
            sent += n;
        }
        let emitted = [
            Event::Urgent,
            Event::ClientReplyUnassigned,
            Event::Assigned,
            Event::ClientReplyAssigned,
            Event::Mentioned,
            Event::AlertReport,
            Event::PostApproval,
            Event::ContentReview,
        ];
        let mails = smtp.mails();
        let pushes = push.received();
        let telegrams = bot.texts_to(ANNA_CHAT)[linked_messages..].to_vec();
        assert_eq!(
            (sent, mails.len(), pushes.len(), telegrams.len()),
            (
                3 * emitted.len(),
                emitted.len(),
                emitted.len(),
                emitted.len()
            ),
            "{backend:?}"
        );
        for text in &telegrams {
            assert_content_free("a Telegram message", text);
        }
        for received in &pushes {
            assert_content_free("a push", &browser.open(received).to_string());
        }
        let paths: Vec<String> = pushes
            .iter()
            .map(|p| browser.open(p)["path"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            paths.contains(&format!("/staff/conversations/{id}")),
            "a push names the conversation's console page: {paths:?}"
        );
        for mail in &mails {
            assert!(
                mail.envelope
                    .iter()
                    .any(|l| l.contains("<anna@example.org>"))
            );
            assert_content_free("an e-mail", &mail.data);
        }
        let urgent = mails
            .iter()
            .find(|m| {
                m.data
                    .contains("Subject: Netreach: Urgent conversation waiting")
            })
            .expect("the urgent e-mail");
        assert!(
            urgent.data.contains(&format!("/staff/conversations/{id}")),
            "the link names the conversation: {}",
            urgent.data
        );
        // Console: one notice per event (an urgent conversation is told once, as urgent).
        let anna = app.new_browser();
        assert_eq!(
            anna.login("anna", "anna-long-password-123").await.status(),
            303
        );
        let notices = anna.get_text("/staff/notifications").await;
        for event in &emitted {
            let label = app.state.i18n.get(
                netreach_core::Lang::En,
                &format!("notify-event-{}", event.as_str()),
            );
            assert!(
                notices.contains(&label),
                "{event:?} missing from the console"
            );
        }
        assert!(notices.contains("<title>(8) "), "unread count in the title");
        assert!(!notices.contains(CANARY) && !notices.contains(PUBLIC));
        // Opening the conversation reads its notices.
        anna.get_text(&format!("/staff/conversations/{id}")).await;
        let after = anna.get_text("/staff/notifications").await;
        assert!(after.contains("<title>(3) "), "{backend:?}");
        // The outbox and the notices hold no content either.
        let raw = app.db.raw_contents().await;
        assert!(
            !raw.contains(CANARY),
            "{backend:?}: a canary stored in the clear"
        );
    }
}

/// Shifts, quiet hours and on call decide who hears of an event outside the console; the
/// console always keeps the notice, and an urgent event is never dropped for want of a rota.
#[tokio::test]
async fn quiet_hours_and_shifts_hold_back_ordinary_email_while_urgent_reaches_the_on_call_person() {
    use netreach_app::notify::{Audience, Event, Preferences, Transport, emit, set_preferences};
    let smtp = netreach_testkit::FakeSmtp::start().await;
    let url = smtp.url.clone();
    let app = TestApp::spawn_on(TestDb::new(TestBackend::Sqlite).await, move |s| {
        s.email.smtp_url = Some(url.into());
        s.email.from = Some("netreach@example.org".into());
    })
    .await;
    let anna = app.staff("anna", Role::Worker).await;
    let boris = app.staff("boris", Role::Worker).await;
    let prefs = |email: &str, quiet: &str, on_call: bool| Preferences {
        email: Some(email.into()),
        quiet_hours: quiet.into(),
        on_call,
        events: vec![
            (
                Event::NewConversation,
                vec![Transport::Console, Transport::Email],
            ),
            (Event::Urgent, vec![Transport::Email]),
        ],
    };
    set_preferences(
        &app.state,
        &anna,
        prefs("anna@example.org", "00:00-23:59", false),
    )
    .await
    .unwrap();
    let path = "/staff/conversations/x";
    let everyone = Audience::Everyone;
    let queued = |events: &'static [Event]| {
        let state = app.state.clone();
        let everyone = everyone.clone();
        async move { emit(&state, events, path, &everyone, None).await.unwrap() }
    };
    // No working hours set: the team counts as on shift; anna's quiet hours hold e-mail back.
    assert_eq!(queued(&[Event::NewConversation]).await, 0);
    assert_eq!(
        app.state.store.unread_notices(anna.user.id).await.unwrap(),
        1
    );
    // Urgent, and nobody on call: everyone who chose it, quiet hours or not.
    assert_eq!(queued(&[Event::Urgent]).await, 1);
    // Boris is on call: urgent goes to him only.
    set_preferences(&app.state, &boris, prefs("boris@example.org", "", true))
        .await
        .unwrap();
    assert_eq!(queued(&[Event::Urgent]).await, 1);
    // Off shift (working hours that exclude Monday 09:00 UTC), no quiet hours: ordinary events
    // stay in the console.
    set_preferences(&app.state, &anna, prefs("anna@example.org", "", false))
        .await
        .unwrap();
    assert_eq!(queued(&[Event::NewConversation]).await, 2, "on shift");
    app.state
        .store
        .put_availability(netreach_store::AvailabilityRecord {
            timezone: "UTC".into(),
            hours: ";;;;;10:00-18:00;".into(),
            holidays: String::new(),
            away: false,
            updated_at: app.clock.now(),
        })
        .await
        .unwrap();
    assert_eq!(queued(&[Event::NewConversation]).await, 0, "off shift");
    assert_eq!(queued(&[Event::Urgent]).await, 1, "the on-call person");
    while netreach_app::notify::send_due(&app.state).await.unwrap() > 0 {}
    let to: Vec<String> = smtp
        .mails()
        .iter()
        .flat_map(|m| m.envelope.iter().filter(|l| l.starts_with("RCPT")).cloned())
        .collect();
    assert_eq!(to.len(), 5, "{to:?}");
    assert_eq!(
        to.iter().filter(|l| l.contains("boris@")).count(),
        3,
        "{to:?}"
    );
}

/// First-response targets count working time only; past the target the team (or assignee) is
/// told, past twice the target the supervisors; the inbox marks the conversation.
#[tokio::test]
async fn a_conversation_past_its_target_is_told_then_escalated_counting_working_time_only() {
    use netreach_app::notify::{Event, Preferences, Transport, set_preferences};
    use time::Duration;
    let app = TestApp::spawn().await;
    let anna = app.staff("anna", Role::Worker).await;
    let boris = app.staff("boris", Role::Supervisor).await;
    for who in [&anna, &boris] {
        set_preferences(
            &app.state,
            who,
            Preferences {
                events: vec![(Event::TargetBreached, vec![Transport::Console])],
                ..Preferences::default()
            },
        )
        .await
        .unwrap();
    }
    let unread = |user: netreach_core::UserId| {
        let state = app.state.clone();
        async move { state.store.unread_notices(user).await.unwrap() }
    };
    // Working hours Monday 09:00-10:00 only (the clock starts on Monday 09:00 UTC).
    app.state
        .store
        .put_availability(netreach_store::AvailabilityRecord {
            timezone: "UTC".into(),
            hours: "09:00-10:00;;;;;;".into(),
            holidays: String::new(),
            away: false,
            updated_at: app.clock.now(),
        })
        .await
        .unwrap();
    let (_, id) = start(&app, "legal", "is this allowed", "en").await;
    // A whole day later, only one working hour has passed: within the 2-hour target.
    app.clock.advance(Duration::hours(24));
    assert_eq!(netreach_app::targets::check(&app.state).await.unwrap(), 0);
    // Without working hours every minute counts.
    app.state
        .store
        .put_availability(netreach_store::AvailabilityRecord {
            timezone: "UTC".into(),
            hours: ";;;;;;".into(),
            holidays: String::new(),
            away: false,
            updated_at: app.clock.now(),
        })
        .await
        .unwrap();
    let clock = netreach_app::targets::clock(&app.state).await.unwrap();
    let c = app
        .state
        .store
        .conversation(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let waited = clock.waiting(&c, app.clock.now()).unwrap();
    assert!(waited.breached() && waited.minutes >= 2 * waited.target);
    // Past twice the target at once: the team is told (level 1), then the supervisors (2).
    assert_eq!(netreach_app::targets::check(&app.state).await.unwrap(), 2);
    assert_eq!(
        unread(anna.user.id).await,
        1,
        "unassigned: everyone who chose it"
    );
    assert_eq!(
        unread(boris.user.id).await,
        2,
        "and the supervisors on escalation"
    );
    assert_eq!(
        netreach_app::targets::check(&app.state).await.unwrap(),
        0,
        "told once per step"
    );
    let (browser, _) = app.signed_in("vera", Role::Worker).await;
    let inbox = browser.get_text("/staff/inbox").await;
    assert!(inbox.contains("over target"), "the inbox marks it");
    assert!(
        inbox.contains("http-equiv=\"refresh\""),
        "the inbox refreshes itself"
    );
    // Answered: no longer waiting.
    netreach_app::inbox::reply(&app.state, &anna, c.id, "Here you are.", None)
        .await
        .unwrap();
    let inbox = browser.get_text("/staff/inbox").await;
    assert!(!inbox.contains("over target"));
}
