use crate::conversations::staff_token;
use netreach_core::Role;
use netreach_testkit::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn an_anonymous_report_becomes_a_verified_published_then_withdrawn_alert() {
    let app = TestApp::spawn().await;
    let sup = staff_token(&app, "sveta", Role::Supervisor).await;
    let client = reqwest::Client::new();
    let canary = format!("ReportCanary{}", uuid::Uuid::new_v4().simple());
    let report = client
        .post(app.url("/api/v1/alerts/reports"))
        .json(&json!({"sold_as": "heroin", "appearance": "grey powder", "region": "St Petersburg", "what_happened": format!("two overdoses {canary}")}))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 202);
    let report_id = report.json::<Value>().await.unwrap()["report_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !app.db.raw_contents().await.contains(&canary),
        "report stored in plaintext"
    );

    let body = json!({"report_id": report_id, "severity": "danger", "regions": ["St Petersburg"], "substances": ["heroin"],
        "text": {"en": {"title": "Strong batch of heroin", "body": "Start with a small amount & carry naloxone."},
                 "ru": {"title": "Сильная партия героина", "body": "Начинайте с малой дозы и имейте налоксон."}},
        "expires_at": "2026-03-09T09:00:00Z"});
    let created = client
        .post(app.url("/api/v1/staff/alerts"))
        .bearer_auth(&sup)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let feed = client
        .get(app.url("/alerts.atom?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!feed.contains("Strong batch"), "public before publication");
    let early = client
        .post(app.url(&format!("/api/v1/staff/alerts/{id}/publish")))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 409, "published before verification");
    let verified: Value = client
        .post(app.url(&format!("/api/v1/staff/alerts/{id}/verify")))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verified["verified"], true, "a supervisor verifies alone");
    assert_eq!(
        client
            .post(app.url(&format!("/api/v1/staff/alerts/{id}/publish")))
            .bearer_auth(&sup)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );

    let en = client
        .get(app.url("/alerts.atom?lang=en"))
        .send()
        .await
        .unwrap();
    assert!(
        en.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let en = en.text().await.unwrap();
    assert!(en.starts_with("<?xml") && en.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert!(
        en.contains("Strong batch of heroin")
            // The body as HTML (`&amp;`), escaped once more as the XML text of type="html".
            && en.contains("Start with a small amount &amp;amp; carry naloxone.")
    );
    let ru = client
        .get(app.url("/alerts.atom?lang=ru"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ru.contains("Сильная партия героина"));
    assert!(
        app.browser
            .get_text("/alerts")
            .await
            .contains("Strong batch of heroin")
    );
    assert!(
        app.browser
            .get_text("/")
            .await
            .contains("Strong batch of heroin"),
        "active alerts on the home page"
    );
    let list: Value = client
        .get(app.url("/api/v1/staff/alerts?status=published"))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["id"], id.as_str());

    app.clock.advance(time::Duration::days(8));
    assert!(
        !app.browser
            .get_text("/")
            .await
            .contains("Strong batch of heroin"),
        "expired alert still on the home page"
    );
    let expired = client
        .get(app.url("/alerts.atom?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        expired.contains("[expired] Strong batch of heroin"),
        "{expired}"
    );
    assert_eq!(
        client
            .post(app.url(&format!("/api/v1/staff/alerts/{id}/withdraw")))
            .bearer_auth(&sup)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(
        !client
            .get(app.url("/alerts.atom?lang=en"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("Strong batch")
    );
    assert_eq!(
        app.browser.get(&format!("/alerts/{id}")).await.status(),
        404
    );
}

#[tokio::test]
async fn workers_need_a_second_verifier_and_bad_alerts_are_refused() {
    let app = TestApp::spawn().await;
    let anna = staff_token(&app, "anna", Role::Worker).await;
    let boris = staff_token(&app, "boris", Role::Worker).await;
    let client = reqwest::Client::new();
    let good = json!({"severity": "warning", "substances": ["mdma"],
        "text": {"en": {"title": "Strong pills", "body": "Half a pill first."}, "ru": {"title": "Сильные таблетки", "body": "Сначала половину."}},
        "expires_at": "2026-03-05T00:00:00Z"});
    let id = client
        .post(app.url("/api/v1/staff/alerts"))
        .bearer_auth(&anna)
        .json(&good)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first: Value = client
        .post(app.url(&format!("/api/v1/staff/alerts/{id}/verify")))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["verified"], false);
    let again: Value = client
        .post(app.url(&format!("/api/v1/staff/alerts/{id}/verify")))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["verified"], false,
        "the same person twice is not two people"
    );
    let second: Value = client
        .post(app.url(&format!("/api/v1/staff/alerts/{id}/verify")))
        .bearer_auth(&boris)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["verified"], true);
    for (field, value) in [
        ("severity", json!("apocalyptic")),
        ("expires_at", json!("2020-01-01T00:00:00Z")),
        ("substances", json!(["unobtainium"])),
    ] {
        let mut bad = good.clone();
        bad[field] = value;
        let response = client
            .post(app.url("/api/v1/staff/alerts"))
            .bearer_auth(&anna)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert!(
            response.status() == 422 || response.status() == 400,
            "{field}: {}",
            response.status()
        );
    }
    let anonymous = client
        .post(app.url("/api/v1/staff/alerts"))
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn the_report_form_works_without_javascript_and_flags_contact_details() {
    let app = TestApp::spawn().await;
    app.create_user("anna", Role::Admin, "anna-long-password")
        .await;
    let form = app.browser.get_text("/alerts/report").await;
    assert!(form.contains("name=\"sold_as\"") && !form.to_lowercase().contains("<script"));
    let missing = app
        .browser
        .post_form(
            "/alerts/report",
            &[("sold_as", "cocaine"), ("region", "Tallinn")],
        )
        .await;
    assert_eq!(missing.status(), 422);
    let page = missing.text().await.unwrap();
    assert!(page.contains("Fill in what it was sold as") && page.contains("value=\"Tallinn\""));
    let sent = app
        .browser
        .post_form(
            "/alerts/report",
            &[
                ("sold_as", "cocaine"),
                ("region", "Tallinn"),
                ("what_happened", "call me on +372 5555 1234"),
            ],
        )
        .await;
    assert_eq!(sent.status(), 200);
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("The team will look at your report.")
    );
    let reader = app.staff("rita", Role::Worker).await;
    let reports = netreach_app::alerts::reports(&app.state, &reader)
        .await
        .unwrap();
    assert_eq!(reports.len(), 1);
    assert!(
        reports[0].flagged,
        "contact details must be flagged for staff"
    );
    assert_eq!(reports[0].content.as_ref().unwrap().sold_as, "cocaine");
    assert!(netreach_app::alerts::looks_like_contact(
        "write to me at someone@example.org"
    ));
    assert!(!netreach_app::alerts::looks_like_contact(
        "grey powder, two overdoses"
    ));
}

#[tokio::test]
async fn reports_are_rate_limited_and_deleted_after_their_retention() {
    let db = netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| s.alerts.reports_per_minute = 2).await;
    app.create_user("anna", Role::Admin, "anna-long-password")
        .await;
    let send = || {
        reqwest::Client::new()
            .post(app.url("/api/v1/alerts/reports"))
            .json(&json!({"sold_as": "mdma", "region": "Riga", "what_happened": "very strong"}))
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 202);
    assert_eq!(send().await.unwrap().status(), 202);
    assert_eq!(send().await.unwrap().status(), 429);
    app.clock.advance(time::Duration::days(91));
    assert_eq!(
        netreach_app::alerts::purge_reports(&app.state)
            .await
            .unwrap(),
        2
    );
    assert!(
        netreach_app::alerts::reports(&app.state, &app.staff("rita", Role::Worker).await)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_console_runs_the_whole_alert_workflow_without_javascript() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_in("root", Role::Admin).await;
    reqwest::Client::new()
        .post(app.url("/api/v1/alerts/reports"))
        .json(&json!({"sold_as": "ketamine", "region": "Vilnius", "what_happened": "blue crystals, strong", "test_result": "reagent: unclear"}))
        .send()
        .await
        .unwrap();
    let page = admin.get_text("/staff/alerts").await;
    assert!(
        page.contains("blue crystals, strong") && page.contains("Vilnius"),
        "reports readable in the console"
    );
    let bad = admin
        .post_form(
            "/staff/alerts",
            &[
                ("severity", "danger"),
                ("title_en", "Strong ketamine"),
                ("body_en", "Go slow."),
                ("title_ru", ""),
                ("body_ru", ""),
                ("expires", "someday"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let kept = bad.text().await.unwrap();
    assert!(
        kept.contains("Check the alert") && kept.contains("Strong ketamine"),
        "input kept"
    );
    let saved = admin
        .post_form(
            "/staff/alerts",
            &[
                ("severity", "danger"),
                ("regions", "Vilnius"),
                ("substances", "ketamine"),
                ("title_en", "Strong ketamine"),
                ("body_en", "Go slow."),
                ("title_ru", "Сильный кетамин"),
                ("body_ru", "Не спешите."),
                ("expires", "2026-03-20"),
            ],
        )
        .await;
    assert_eq!(
        saved.headers()["location"],
        "/staff/alerts?done=alert-saved"
    );
    let id = app.state.store.alerts(None).await.unwrap()[0].id;
    for action in ["verify", "publish"] {
        let response = admin
            .post_form(&format!("/staff/alerts/{id}/{action}"), &[])
            .await;
        assert_eq!(
            response.headers()["location"],
            format!("/staff/alerts?done=alert-{action}")
        );
    }
    assert!(
        app.browser
            .get_text("/alerts")
            .await
            .contains("Strong ketamine")
    );
    for (lang, title) in [("en", "Strong ketamine"), ("ru", "Сильный кетамин")] {
        let feed = app
            .browser
            .get_text(&format!("/alerts.atom?lang={lang}"))
            .await;
        assert_well_formed_atom(&feed, title);
    }
    admin
        .post_form(&format!("/staff/alerts/{id}/withdraw"), &[])
        .await;
    assert!(
        !app.browser
            .get_text("/alerts")
            .await
            .contains("Strong ketamine")
    );
    assert_eq!(
        app.new_browser().get("/staff/alerts").await.status(),
        303,
        "strangers go to sign-in"
    );
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| {
        c.tag_name().name() == name
            && c.tag_name().namespace() == Some("http://www.w3.org/2005/Atom")
    })
}

/// Parses the feed as XML and checks what RFC 4287 requires of a feed and its entries.
fn assert_well_formed_atom(feed: &str, title: &str) {
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    let doc = roxmltree::Document::parse(feed).expect("the feed is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(ATOM));
    assert_eq!(root.tag_name().name(), "feed");
    for required in ["id", "title", "updated"] {
        assert!(child(root, required).is_some(), "feed without <{required}>");
    }
    let entries: Vec<_> = root
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert!(!entries.is_empty(), "no entries");
    for entry in &entries {
        for required in ["id", "title", "updated", "link"] {
            assert!(
                child(*entry, required).is_some(),
                "entry without <{required}>"
            );
        }
        let updated = child(*entry, "updated").unwrap().text().unwrap();
        time::OffsetDateTime::parse(updated, &time::format_description::well_known::Rfc3339)
            .expect("updated is RFC 3339");
    }
    assert!(
        entries
            .iter()
            .any(|e| child(*e, "title").unwrap().text() == Some(title)),
        "no entry titled {title}"
    );
}

#[tokio::test]
async fn staff_alerts_keep_to_the_configured_regions_and_unknown_filters_are_refused() {
    let db = netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await;
    let app = TestApp::spawn_on(db, |s| {
        s.alerts.regions = vec!["Tallinn".into(), "Narva".into()];
    })
    .await;
    let sup = staff_token(&app, "sveta", Role::Supervisor).await;
    let client = reqwest::Client::new();
    let alert = |region: &str| {
        json!({"severity": "warning", "regions": [region],
            "text": {"en": {"title": "t", "body": "b"}, "ru": {"title": "т", "body": "б"}},
            "expires_at": "2026-03-09T09:00:00Z"})
    };
    let outside = client
        .post(app.url("/api/v1/staff/alerts"))
        .bearer_auth(&sup)
        .json(&alert("Moscow, Tverskaya 5"))
        .send()
        .await
        .unwrap();
    assert_eq!(outside.status(), 422);
    let body: Value = outside.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_region");
    let inside = client
        .post(app.url("/api/v1/staff/alerts"))
        .bearer_auth(&sup)
        .json(&alert("narva"))
        .send()
        .await
        .unwrap();
    assert_eq!(inside.status(), 201);
    let bogus = client
        .get(app.url("/api/v1/staff/alerts?status=everything"))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), 422);
}

#[tokio::test]
async fn text_that_is_no_id_is_not_found_as_before_ids_were_typed() {
    let app = TestApp::spawn().await;
    let sup = staff_token(&app, "sveta", Role::Supervisor).await;
    let client = reqwest::Client::new();
    for path in [
        "/api/v1/staff/alerts/a1/verify",
        "/api/v1/staff/alerts/a1/publish",
        "/api/v1/staff/alerts/a1/withdraw",
    ] {
        let response = client
            .post(app.url(path))
            .bearer_auth(&sup)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["error"]["code"],
            "not_found"
        );
    }
    for path in ["/api/v1/staff/venues/v1", "/api/v1/staff/posts/p1"] {
        let response = client
            .get(app.url(path))
            .bearer_auth(&sup)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let unknown_venue = client
        .get(app.url("/api/v1/staff/publications?venue_id=v1"))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown_venue.status(),
        200,
        "a filter on no venue lists nothing"
    );
    assert_eq!(
        unknown_venue.json::<Value>().await.unwrap()["items"],
        json!([])
    );
    for path in ["/alerts/a1", "/qa/q1"] {
        assert_eq!(app.browser.get(path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn verifiers_see_the_whole_alert_as_published_and_its_markdown_is_rendered_everywhere() {
    let app = TestApp::spawn().await;
    let (wendy, _) = app.signed_in("wendy", Role::Worker).await;
    let (walt, _) = app.signed_in("walt", Role::Worker).await;
    let (sam, _) = app.signed_in("sam", Role::Supervisor).await;
    let saved = wendy
        .post_form(
            "/staff/alerts",
            &[
                ("severity", "danger"),
                ("regions", "Narva, Tallinn"),
                ("substances", "heroin, fentanyl"),
                ("title_en", "Strong heroin"),
                ("body_en", "**Use less**, do not use alone.\n\n- call {{emergency_number}}\n- <script>x()</script>"),
                ("title_ru", "Сильный героин"),
                ("body_ru", "**Уменьшите дозу**, не употребляйте в одиночку."),
                ("expires", "2026-03-20"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let id = app.state.store.alerts(None).await.unwrap()[0].id;

    wendy
        .post_form(&format!("/staff/alerts/{id}/verify"), &[])
        .await;
    let mine = wendy.get_text("/staff/alerts").await;
    assert!(mine.contains("Verifications: 1 of 2") && mine.contains("You have verified it"));
    assert!(
        !mine.contains(&format!("/staff/alerts/{id}/verify")),
        "no second verification by the same person"
    );
    let theirs = walt.get_text("/staff/alerts").await;
    for part in [
        "Verifications: 1 of 2",
        "<strong>Danger</strong> · <strong>being verified</strong>",
        "As published in English",
        "<strong>Use less</strong>, do not use alone.",
        "<li>call 112</li>",
        "As published in Russian",
        "<strong>Уменьшите дозу</strong>",
        "Сильный героин",
        "Regions: Narva, Tallinn",
        "<a href=\"/substances/heroin\">Heroin</a>",
        "<a href=\"/substances/fentanyl\">Fentanyl</a>",
        &format!("/staff/alerts/{id}/verify"),
    ] {
        assert!(
            theirs.contains(part),
            "{part:?} missing for the second verifier"
        );
    }
    assert!(!theirs.contains("<script>x()"), "sanitised like an article");
    walt.post_form(&format!("/staff/alerts/{id}/verify"), &[])
        .await;
    sam.post_form(&format!("/staff/alerts/{id}/publish"), &[])
        .await;

    for path in ["/", "/alerts", &format!("/alerts/{id}")] {
        let page = app.new_browser().get_text(path).await;
        assert!(
            page.contains("<strong>Use less</strong>") && !page.contains("**Use less**"),
            "{path}: {page}"
        );
    }
    let ru = app
        .new_browser()
        .get_text(&format!("/alerts/{id}?lang=ru"))
        .await;
    assert!(
        ru.contains("<strong>Уменьшите дозу</strong>")
            && ru.contains("<a href=\"/substances/heroin\">Героин</a>")
    );
    let feed = app.new_browser().get_text("/alerts.atom?lang=en").await;
    assert_well_formed_atom(&feed, "Strong heroin");
    assert!(
        feed.contains("<content type=\"html\">&lt;p&gt;&lt;strong&gt;Use less&lt;/strong&gt;"),
        "{feed}"
    );
}
