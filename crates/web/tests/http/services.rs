use netreach_core::Role;
use netreach_testkit::TestApp;

const SERVICE: &str = r#"slug = "harbour-drop-in"
kinds = ["needle_exchange", "naloxone"]
city = "Narva"
address = "Harbour street 3"
contact = "+372 000 0000"
languages = ["ru", "et"]
anonymous = true
free = true
checked_at = "2026-11-20"

[name]
en = "Harbour drop-in"
ru = "Пункт у гавани"

[hours]
en = "Mon–Fri 12:00–20:00"

[description]
en = "Needles, syringes and naloxone; no questions asked."
ru = "Иглы, шприцы и налоксон без лишних вопросов."
"#;

async fn with_service(app: &TestApp, text: &str) -> Result<(), String> {
    let mut files = netreach_content::bundled_files();
    files.push(("services/harbour-drop-in.toml".into(), text.into()));
    netreach_app::published::import_files(&app.state, files)
        .await
        .map(|_| ())
        .map_err(|e| match e {
            netreach_app::published::ContentError::Invalid(errors) => errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            other => other.to_string(),
        })
}

#[tokio::test]
async fn the_services_directory_lists_filters_and_refers_without_javascript() {
    let app = TestApp::spawn().await;
    let empty = app.browser.get_text("/services").await;
    assert!(empty.contains("has not listed any services yet"), "{empty}");
    with_service(&app, SERVICE).await.unwrap();

    let page = app.browser.get_text("/services?lang=ru").await;
    assert!(
        page.contains("Пункт у гавани") && page.contains("без документов"),
        "{page}"
    );
    assert!(
        page.contains("Mon–Fri 12:00–20:00"),
        "falls back to the other language: {page}"
    );
    assert!(!page.contains("<script"));
    let by_kind = app
        .browser
        .get_text("/services?kind=naloxone&lang=en")
        .await;
    assert!(by_kind.contains("Harbour drop-in"));
    let other_kind = app.browser.get_text("/services?kind=shelter&lang=en").await;
    assert!(!other_kind.contains("Harbour drop-in") && other_kind.contains("Nothing matches"));

    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (_, id) =
        crate::conversations::start(&app, "injection", "where can I get clean needles", "en").await;
    let page = anna
        .get_text(&format!(
            "/staff/conversations/{id}?service=harbour-drop-in"
        ))
        .await;
    assert!(
        page.contains("Harbour drop-in (Narva)")
            && page.contains("Opening hours: Mon–Fri 12:00–20:00"),
        "{page}"
    );
    assert!(page.contains("/services?lang=en#harbour-drop-in"), "{page}");
    let unknown = anna
        .get(&format!("/staff/conversations/{id}?service=nowhere"))
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn a_service_file_with_mistakes_is_refused_with_each_problem_named() {
    let app = TestApp::spawn().await;
    let bad = SERVICE
        .replace("\"naloxone\"]", "\"naloxone\", \"party\"]")
        .replace("2026-11-20", "last week");
    let errors = with_service(&app, &bad).await.unwrap_err();
    assert!(
        errors.contains("services/harbour-drop-in.toml: unknown kind \"party\""),
        "{errors}"
    );
    assert!(errors.contains("checked_at must be a date"), "{errors}");
    let typo = SERVICE.replace("city = ", "cty = ");
    let errors = with_service(&app, &typo).await.unwrap_err();
    assert!(
        errors.starts_with("services/harbour-drop-in.toml:"),
        "{errors}"
    );
    assert!(
        app.browser
            .get_text("/services")
            .await
            .contains("has not listed any services yet")
    );
}
