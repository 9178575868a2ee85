use netreach_core::Role;
use netreach_testkit::{Browser, TestApp};

const PATH: &str = "kb%2Fnaloxone.en.md";

fn textarea(page: &str) -> String {
    let start = page.find("name=\"text\"").unwrap();
    let start = start + page[start..].find('>').unwrap() + 1;
    let end = start + page[start..].find("</textarea>").unwrap();
    page[start..end]
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn save(browser: &Browser, text: &str, head: &str, action: &str) -> reqwest::Response {
    browser
        .post_form(
            "/staff/content/edit",
            &[
                ("path", "kb/naloxone.en.md"),
                ("text", text),
                ("head", head),
                ("action", action),
            ],
        )
        .await
}

async fn step(browser: &Browser, step: &str) -> reqwest::Response {
    browser
        .post_form(
            "/staff/content/step",
            &[("path", "kb/naloxone.en.md"), ("step", step)],
        )
        .await
}

#[tokio::test]
async fn an_article_is_edited_previewed_reviewed_by_another_supervisor_and_published() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    let (sveta, _) = app.signed_in("sveta", Role::Supervisor).await;
    let list = anna.get_text("/staff/content").await;
    assert!(
        list.contains("kb/naloxone.en.md") && list.contains("substances/heroin.toml"),
        "{list}"
    );

    let page = anna
        .get_text(&format!("/staff/content/edit?path={PATH}"))
        .await;
    let original = textarea(&page);
    assert!(
        original.starts_with("+++\nslug = \"naloxone\""),
        "{original}"
    );
    let edited = original.replace(
        "title = \"Naloxone: the opioid overdose antidote\"",
        "title = \"Naloxone: reverses an opioid overdose\"",
    );
    assert_ne!(edited, original);

    let preview = save(&anna, &edited, "", "preview").await;
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    assert!(
        preview.contains("<h1>Naloxone: reverses an opioid overdose</h1>"),
        "server-rendered preview"
    );
    // No script but the console's own.
    assert!(
        !preview
            .replace("<script src=\"/staff/console.js\" defer></script>", "")
            .contains("<script")
    );

    let broken = edited.replace("confidence = \"high\"", "confidence = ");
    let refused = save(&anna, &broken, "", "save").await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("kb/naloxone.en.md:"),
        "problem with file and line: {refused}"
    );
    assert!(
        textarea(&refused).contains("confidence = \n"),
        "typed text kept"
    );

    let saved = save(&anna, &edited, "", "save").await;
    assert_eq!(saved.status(), 303);
    let public = app.browser.get_text("/kb/naloxone?lang=en").await;
    assert!(
        public.contains("the opioid overdose antidote"),
        "a draft is not public"
    );
    let stale = save(&anna, &edited, "", "save").await;
    assert_eq!(stale.status(), 422, "saved over a newer revision");

    assert_eq!(step(&anna, "submit").await.status(), 303);
    let worker = step(&anna, "publish").await;
    assert_eq!(worker.status(), 403, "workers do not publish");
    let published = step(&sveta, "publish").await;
    assert_eq!(published.status(), 303);
    let (_, action, target) = crate::audit::last(&app).await;
    assert_eq!(
        (action, target.as_str()),
        (
            netreach_core::AuditAction::ContentPublished,
            "kb/naloxone.en.md"
        )
    );
    let public = app.browser.get_text("/kb/naloxone?lang=en").await;
    assert!(
        public.contains("Naloxone: reverses an opioid overdose"),
        "{public}"
    );
    let stored = app.state.store.content_files().await.unwrap();
    assert!(
        stored
            .iter()
            .any(|(p, t)| p == "kb/naloxone.en.md" && *t == edited),
        "export writes the new text"
    );

    // Compare what changed, then restore the original as a new revision.
    let compare = sveta
        .get_text(&format!("/staff/content/edit?path={PATH}&a=1&b=2"))
        .await;
    assert!(
        compare.contains("- title = &quot;Naloxone: the opioid overdose antidote&quot;")
            || compare.contains("- title = &#34;Naloxone: the opioid"),
        "{compare}"
    );
    assert!(compare.contains("Naloxone: reverses an opioid overdose"));
    let restoring = sveta
        .get_text(&format!("/staff/content/edit?path={PATH}&version=1"))
        .await;
    assert_eq!(textarea(&restoring), original);
    assert_eq!(save(&sveta, &original, "2", "save").await.status(), 303);
    step(&sveta, "submit").await;
    let own = step(&sveta, "publish").await;
    assert_eq!(own.status(), 422);
    assert!(
        own.text()
            .await
            .unwrap()
            .contains("another supervisor must review it")
    );
    let never = app.new_browser().get_text("/kb/naloxone?lang=ru").await;
    assert!(
        never.contains("ещё ждёт клинической проверки этой организацией"),
        "the Russian article nobody reviewed says so: {never}"
    );
    let (root, _) = app.signed_in("root", Role::Admin).await;
    assert_eq!(step(&root, "publish").await.status(), 303);
    let after = app.browser.get_text("/kb/naloxone?lang=en").await;
    assert!(after.contains("the opioid overdose antidote"));
    assert!(
        after.contains("Reviewed for this organisation on 2026-03-02."),
        "the console's review is shown with its date: {after}"
    );
    assert!(
        app.new_browser()
            .get_text("/substances/heroin")
            .await
            .contains("own clinical review"),
        "a profile nobody reviewed says so"
    );

    // Someone else's small edit on top does not make the supervisor's own change reviewable by them.
    let text = textarea(
        &root
            .get_text(&format!("/staff/content/edit?path={PATH}"))
            .await,
    );
    let first = save(
        &root,
        &text.replace("antidote", "antidote (1)"),
        "3",
        "save",
    )
    .await;
    assert_eq!(first.status(), 303);
    assert_eq!(
        save(
            &anna,
            &text.replace("antidote", "antidote (2)"),
            "4",
            "save"
        )
        .await
        .status(),
        303
    );
    step(&anna, "submit").await;
    let mixed = step(&root, "publish").await;
    assert_eq!(
        mixed.status(),
        422,
        "root wrote revision 4, which is not yet published"
    );
    assert_eq!(step(&sveta, "publish").await.status(), 303);

    // Archive takes it off the site.
    assert_eq!(step(&root, "archive").await.status(), 303);
    let after = app.browser.get_text("/kb/naloxone?lang=en").await;
    assert!(
        !after.contains("the opioid overdose antidote"),
        "archived article still shown: {after}"
    );
    assert!(
        anna.get_text("/staff/content?state=archived")
            .await
            .contains("kb/naloxone.en.md")
    );
}

#[tokio::test]
async fn archiving_what_others_depend_on_is_refused_and_new_files_are_checked() {
    let app = TestApp::spawn().await;
    let (sveta, _) = app.signed_in("sveta", Role::Supervisor).await;
    let refused = sveta
        .post_form(
            "/staff/content/step",
            &[("path", "substances/heroin.toml"), ("step", "archive")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("unknown substance") && page.contains("heroin"),
        "{page}"
    );
    assert!(
        app.browser
            .get_text("/substances/heroin")
            .await
            .contains("Heroin")
    );

    assert_eq!(
        sveta
            .get("/staff/content/edit?path=..%2Fetc%2Fpasswd")
            .await
            .status(),
        404
    );
    let new = sveta
        .get_text("/staff/content/edit?path=services%2Fnight-bus.toml")
        .await;
    assert!(new.contains("new file"), "{new}");
    let service = "slug = \"night-bus\"\nkinds = [\"needle_exchange\"]\ncity = \"Tartu\"\nchecked_at = \"2026-11-01\"\n\n[name]\nen = \"Night bus\"\n\n[description]\nen = \"Outreach bus.\"\n";
    let saved = sveta
        .post_form(
            "/staff/content/edit",
            &[
                ("path", "services/night-bus.toml"),
                ("text", service),
                ("head", ""),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert!(
        !app.browser
            .get_text("/services")
            .await
            .contains("Night bus"),
        "drafts are not public"
    );
}

#[tokio::test]
async fn staff_search_finds_content_with_edit_links_and_the_teams_own_material() {
    let app = TestApp::spawn().await;
    let (anna, _) = app.signed_in("anna", Role::Worker).await;
    anna.post_form(
        "/staff/posts",
        &[
            ("title", "Xylazine wounds warning"),
            ("markdown", "Tranq causes wounds."),
        ],
    )
    .await;
    let page = anna.get_text("/staff/search?q=haroin").await;
    assert!(
        page.contains("/substances/heroin?lang=en"),
        "typo forgiven: {page}"
    );
    assert!(
        page.contains("/staff/content/edit?path=substances%2Fheroin.toml"),
        "{page}"
    );
    let page = anna.get_text("/staff/search?q=xylazine").await;
    assert!(
        page.contains("Xylazine wounds warning") && page.contains("post"),
        "{page}"
    );
    assert_eq!(
        app.new_browser().get("/staff/search?q=x").await.status(),
        303,
        "staff only"
    );
}

#[tokio::test]
async fn after_an_import_the_editor_opens_what_is_live() {
    let app = TestApp::spawn().await;
    let (sveta, _) = app.signed_in("sveta", Role::Supervisor).await;
    let original = textarea(
        &sveta
            .get_text(&format!("/staff/content/edit?path={PATH}"))
            .await,
    );
    assert_eq!(step(&sveta, "archive").await.status(), 303);
    // An import brings the file back with other text.
    let mut files = netreach_content::bundled_files();
    let imported = original.replace("the opioid overdose antidote", "what it does");
    for (path, text) in &mut files {
        if path == "kb/naloxone.en.md" {
            *text = imported.clone();
        }
    }
    netreach_app::published::import_files(&app.state, files)
        .await
        .unwrap();
    let list = sveta.get_text("/staff/content?state=published").await;
    assert!(
        list.contains("kb/naloxone.en.md"),
        "live again after the import"
    );
    let page = sveta
        .get_text(&format!("/staff/content/edit?path={PATH}"))
        .await;
    assert_eq!(textarea(&page), imported);
}

#[tokio::test]
async fn a_supervisor_brings_back_an_earlier_pack_from_the_console_and_a_worker_cannot() {
    for backend in netreach_testkit::TestBackend::all() {
        let app = netreach_testkit::TestApp::spawn_on(
            netreach_testkit::TestDb::new(backend).await,
            |_| {},
        )
        .await;
        let titled = |title: &str| {
            let mut files = netreach_content::bundled_files();
            for (path, text) in files.iter_mut() {
                if path == "kb/naloxone.en.md" {
                    *text = text.replacen("title = \"", &format!("title = \"{title}"), 1);
                }
            }
            files
        };
        netreach_app::published::import_files(&app.state, titled("First: "))
            .await
            .unwrap();
        netreach_app::published::import_files(&app.state, titled("Second: "))
            .await
            .unwrap();

        let (worker, _) = app.signed_in("wendy", netreach_core::Role::Worker).await;
        let list = worker.get_text("/staff/content/versions").await;
        assert!(
            list.contains("v1 · import") && list.contains("v0"),
            "{backend:?}: {list}"
        );
        assert!(
            !list.contains("Restore this version"),
            "workers see no button"
        );
        let refused = worker
            .post_form("/staff/content/versions/restore", &[("version", "1")])
            .await;
        assert_eq!(refused.status(), 403, "{backend:?}");

        let (sup, _) = app.signed_in("sam", netreach_core::Role::Supervisor).await;
        let list = sup.get_text("/staff/content/versions").await;
        assert!(list.contains("Restore this version"), "{backend:?}");
        let missing = sup
            .post_form("/staff/content/versions/restore", &[("version", "7")])
            .await;
        assert_eq!(missing.status(), 422);
        assert!(
            missing
                .text()
                .await
                .unwrap()
                .contains("There is no version 7 to restore.")
        );
        let done = sup
            .post_form("/staff/content/versions/restore", &[("version", "1")])
            .await;
        assert_eq!(done.status(), 303, "{backend:?}");
        let page = app.new_browser().get_text("/kb/naloxone").await;
        assert!(
            page.contains("First: "),
            "{backend:?}: the restored pack is served"
        );
        let list = sup
            .get_text("/staff/content/versions?done=content-restored")
            .await;
        assert!(
            list.contains("Restored: every server") && list.contains("v3 · restore of v1"),
            "{backend:?}: {list}"
        );
    }
}
