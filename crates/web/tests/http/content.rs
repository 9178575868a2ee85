use netreach_testkit::TestApp;
use serde_json::Value;

const CATEGORIES: [&str; 7] = [
    "dangerous",
    "unsafe",
    "caution",
    "low_risk_synergy",
    "low_risk_no_synergy",
    "low_risk_decrease",
    "unknown",
];

#[tokio::test]
async fn the_knowledge_base_is_public_in_both_languages_with_sources() {
    let app = TestApp::spawn().await;
    let index = app.browser.get_text("/kb").await;
    assert!(index.contains("/kb/naloxone") && index.contains("Overdose or emergency"));
    let article = app.browser.get("/kb/naloxone").await;
    assert_eq!(article.status(), 200);
    let html = article.text().await.unwrap();
    assert!(html.contains("<h2>Sources</h2>") && html.contains("World Health Organization"));
    assert!(html.contains("not medical advice"));
    assert!(
        html.contains("/kb/naloxone?lang=ru"),
        "link to the Russian version"
    );
    assert!(!html.to_lowercase().contains("<script"));
    assert!(
        html.len() < 16 * 1024,
        "article page is {} bytes",
        html.len()
    );
    let ru = app.new_browser().get_text("/kb/naloxone?lang=ru").await;
    assert!(
        ru.contains("<html lang=\"ru\">") && ru.contains("Источники") && ru.contains("Налоксон"),
        "{ru}"
    );
    assert_eq!(app.browser.get("/kb/no-such-article").await.status(), 404);
}

#[tokio::test]
async fn substance_profiles_show_effects_risks_advice_and_sources() {
    let app = TestApp::spawn().await;
    let list = app.browser.get_text("/substances").await;
    assert!(list.contains("/substances/heroin") && list.contains("/substances/alpha-pvp"));
    let heroin = app.browser.get_text("/substances/heroin").await;
    for part in [
        "Effects",
        "Risks",
        "Safer use",
        "Sources",
        "opioid",
        "not medical advice",
    ] {
        assert!(heroin.contains(part), "{part} missing");
    }
    let ru = app
        .new_browser()
        .get_text("/substances/heroin?lang=ru")
        .await;
    assert!(ru.contains("Героин") && ru.contains("Как снизить риски"));
    assert_eq!(
        app.browser.get("/substances/unobtainium").await.status(),
        404
    );
}

#[tokio::test]
async fn the_checker_works_without_javascript_and_ranks_danger_first() {
    let app = TestApp::spawn().await;
    let form = app.browser.get_text("/check").await;
    assert!(form.contains("type=\"checkbox\" name=\"s\" value=\"heroin\""));
    let result = app
        .browser
        .get_text("/check?s=cannabis&s=heroin&s=alcohol")
        .await;
    let first = result.find("risk-").unwrap();
    assert!(
        result[first..].starts_with("risk-dangerous"),
        "most dangerous first"
    );
    assert!(
        result.contains("Heroin + Alcohol")
            || result.contains("Alcohol + Heroin")
            || result.contains("heroin"),
        "{result}"
    );
    assert!(result.contains("Ask a worker about this"));
    assert!(
        app.browser
            .get_text("/check?s=heroin")
            .await
            .contains("Choose at least two substances.")
    );
    let seven = "/check?s=heroin&s=alcohol&s=cocaine&s=mdma&s=ketamine&s=lsd&s=ghb";
    assert!(
        app.browser
            .get_text(seven)
            .await
            .contains("Choose at most six substances.")
    );
    let filtered = app.browser.get_text("/check?q=мефедрон").await;
    assert!(
        filtered.contains("value=\"mephedrone\"") && !filtered.contains("value=\"heroin\""),
        "filter by a Russian name"
    );
    assert!(!result.to_lowercase().contains("<script"));
}

#[tokio::test]
async fn the_check_api_answers_with_categories_notes_and_sources() {
    let app = TestApp::spawn().await;
    let body: Value = reqwest::get(app.url("/api/v1/check?s=heroin&s=alcohol"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pair = &body["pairs"][0];
    assert_eq!(pair["category"], "dangerous", "{body}");
    assert!(pair["note"].as_str().unwrap().len() > 20);
    assert!(!pair["sources"].as_array().unwrap().is_empty());
    let ru: Value = reqwest::get(app.url("/api/v1/check?s=tramadol&s=ssris&s=mdma&lang=ru"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pairs = ru["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    for p in pairs {
        assert!(CATEGORIES.contains(&p["category"].as_str().unwrap()));
    }
    assert!(
        pairs[0]["note"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('а'..='я').contains(&c))
    );
    for bad in [
        "/api/v1/check?s=heroin",
        "/api/v1/check?s=heroin&s=unobtainium",
        "/api/v1/check",
    ] {
        let response = reqwest::get(app.url(bad)).await.unwrap();
        assert_eq!(response.status(), 422, "{bad}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["code"].is_string());
    }
}

#[tokio::test]
async fn search_finds_articles_and_substances_in_either_language() {
    let app = TestApp::spawn().await;
    let body: Value = reqwest::get(app.url("/api/v1/search?q=naloxone&lang=en"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let results = body["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["kind"] == "article" && r["url"] == "/kb/naloxone?lang=en"),
        "{body}"
    );
    let typo: Value = reqwest::get(app.url("/api/v1/search?q=haroin"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        typo["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["slug"] == "heroin")
    );
    let page = app
        .browser
        .get_text("/search?q=%D0%B3%D0%B5%D1%80%D0%BE%D0%B8%D0%BD&lang=ru")
        .await;
    assert!(page.contains("/substances/heroin?lang=ru"), "{page}");
    assert!(
        app.new_browser()
            .get_text("/search?q=zzzzqqq")
            .await
            .contains("Nothing found")
    );
}

#[tokio::test]
async fn placeholders_become_the_configured_numbers_on_every_page_that_shows_pack_text() {
    let app = TestApp::spawn_on(
        netreach_testkit::TestDb::new(netreach_testkit::TestBackend::Sqlite).await,
        |s| {
            s.conversations.emergency_number = "1313".into();
            s.conversations.crisis_line = Some("116 123 <b>".into());
        },
    )
    .await;
    let mut files = netreach_content::bundled_files();
    for (path, text) in files.iter_mut() {
        if path == "kb/mental-health-crisis.en.md" {
            text.push_str("\n{{crisis_line}}\n\n- {{naloxone_contact}}\n");
        }
        if path == "combinations/pairs.toml" {
            *text = text.replacen(
                "call an ambulance and use the recovery position",
                "call {{emergency_number}} and use the recovery position",
                1,
            );
        }
    }
    netreach_app::published::import_files(&app.state, files)
        .await
        .unwrap();

    let overdose = app.browser.get_text("/kb/overdose-response?lang=ru").await;
    assert!(overdose.contains("Вызовите скорую: 1313."), "{overdose}");
    assert!(!overdose.contains("{{"));
    let heroin = app
        .new_browser()
        .get_text("/substances/heroin?lang=ru")
        .await;
    assert!(heroin.contains("1313") && !heroin.contains("{{"));

    let crisis = app.new_browser().get_text("/kb/mental-health-crisis").await;
    assert!(
        crisis.contains("<p>Crisis line: 116 123 &lt;b&gt;.</p>"),
        "set: the value, escaped, in a sentence"
    );
    assert!(
        crisis.contains(
            "<li>To find naloxone or treatment near you, ask us in the anonymous chat. <a href=\"/ask?lang=en\">Start an anonymous chat</a></li>"
        ),
        "unset: where to ask, with a link"
    );

    let check = app
        .new_browser()
        .get_text("/check?s=heroin&s=xylazine")
        .await;
    assert!(
        check.contains("call 1313 and use the recovery position"),
        "{check}"
    );
    let api: Value = app
        .browser
        .get("/api/v1/check?s=heroin&s=xylazine&lang=en")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        api["pairs"][0]["note"]
            .as_str()
            .unwrap()
            .contains("call 1313 and use")
    );
}

#[tokio::test]
async fn the_checker_understands_names_people_use_and_names_what_it_does_not() {
    let app = TestApp::spawn().await;
    // «спиды, героин»: two names from the alias table are chosen and checked at once.
    let page = app
        .browser
        .get_text("/check?q=%D1%81%D0%BF%D0%B8%D0%B4%D1%8B%2C+%D0%93%D0%95%D0%A0%D0%9E%D0%98%D0%9D")
        .await;
    assert!(
        page.contains("value=\"amphetamine\" checked") && page.contains("value=\"heroin\" checked"),
        "{page}"
    );
    assert!(page.contains("Results"), "{page}");

    // A word that is no name in the pack, and a typo with a suggestion that keeps what was chosen.
    let page = app
        .browser
        .get_text("/check?s=heroin&q=heorin%2C+%D0%B1%D0%BB%D0%BE%D1%80%D0%BF&lang=en")
        .await;
    assert!(page.contains("Nothing matched “блорп”."), "{page}");
    assert!(
        page.contains("Nothing matched “heorin”. Did you mean <a href=\"/check?s=heroin&#38;lang=en\">Heroin</a>?"),
        "{page}"
    );
    assert!(
        !page.contains("Choose at least two substances"),
        "the real problem is named"
    );

    // Part of a name still narrows the list, as before.
    let page = app.browser.get_text("/check?q=amphet").await;
    assert!(page.contains("value=\"amphetamine\"") && !page.contains("value=\"heroin\""));
    assert!(!page.contains("Nothing matched"));

    // The API takes the same names.
    let api: Value = app
        .browser
        .get("/api/v1/check?s=speed&s=%D0%B3%D0%B5%D1%80%D0%BE%D0%B8%D0%BD&lang=en")
        .await
        .json()
        .await
        .unwrap();
    let pair = &api["pairs"][0];
    assert!(
        pair["a"] == "amphetamine" || pair["b"] == "amphetamine",
        "{api}"
    );

    // Search understands the same names: an exact one puts its substance first.
    let search = app
        .browser
        .get_text("/search?q=%D0%A1%D0%BF%D0%B8%D0%B4%D1%8B&lang=ru")
        .await;
    let first = search.find("/substances/amphetamine").unwrap_or(usize::MAX);
    let other = search.find("/kb/").unwrap_or(usize::MAX);
    assert!(first < other, "{search}");
}
