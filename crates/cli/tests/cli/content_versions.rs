//! A safe `content import` (unknown files, an empty pack, removals, `--dry-run`) and the pack's
//! versions (`content versions`, `content restore`), on both backends.

use super::*;

async fn content_on(data: &Path, db: &TestDb, args: &[&str]) -> (bool, String, String) {
    let out = netreach(data)
        .args(["--database-url", &db.url, "content"])
        .args(args)
        .output()
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn bundled_into(dir: &Path) {
    netreach_content::write_files(dir, &netreach_content::bundled_files()).unwrap();
}

#[tokio::test]
async fn an_import_refuses_unknown_files_an_empty_pack_and_unasked_removals_and_changes_nothing() {
    for backend in TestBackend::all() {
        let db = TestDb::new(backend).await;
        netreach_store::Store::close(&db.store().await).await;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let dir_arg = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();

        // The accident: a folder holding only notes.txt, or only a stray broken.md.
        std::fs::create_dir_all(dir.path().join("notes")).unwrap();
        std::fs::write(dir.path().join("notes/notes.txt"), "shopping list").unwrap();
        let (ok, _, err) = content_on(&data, &db, &["import", &dir_arg("notes")]).await;
        assert!(!ok, "{backend:?}");
        assert!(
            err.contains("files the pack does not know: notes.txt")
                && err.contains("nothing was imported"),
            "{backend:?}: {err}"
        );
        std::fs::create_dir_all(dir.path().join("stray")).unwrap();
        std::fs::write(dir.path().join("stray/broken.md"), "# hi").unwrap();
        let (ok, _, err) = content_on(&data, &db, &["import", &dir_arg("stray")]).await;
        assert!(!ok && err.contains("broken.md"), "{backend:?}: {err}");

        // Known names, but nothing in them: no substances and no articles.
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        std::fs::write(dir.path().join("empty/README.md"), "a pack").unwrap();
        let (ok, _, err) = content_on(&data, &db, &["import", &dir_arg("empty")]).await;
        assert!(
            !ok && err.contains("no substances and no articles"),
            "{backend:?}: {err}"
        );

        // Four articles fewer: refused without --replace, naming them.
        let smaller = dir.path().join("smaller");
        bundled_into(&smaller);
        let gone = [
            "kb/pep.en.md",
            "kb/pep.ru.md",
            "kb/prep.en.md",
            "kb/prep.ru.md",
        ];
        for path in gone {
            std::fs::remove_file(smaller.join(path)).unwrap();
        }
        let (ok, _, err) = content_on(&data, &db, &["import", &dir_arg("smaller")]).await;
        assert!(!ok, "{backend:?}");
        assert!(
            err.contains("would remove 4 files")
                && gone.iter().all(|p| err.contains(p))
                && err.contains("--replace"),
            "{backend:?}: {err}"
        );
        let (_, versions, _) = content_on(&data, &db, &["versions"]).await;
        assert_eq!(
            versions.lines().count(),
            2,
            "{backend:?}: nothing was imported, only the bundled pack is listed: {versions}"
        );

        // With --replace it goes through and names what it removed.
        let (ok, out, err) =
            content_on(&data, &db, &["import", &dir_arg("smaller"), "--replace"]).await;
        assert!(ok, "{backend:?}: {err}");
        assert!(
            out.contains("4 file(s) removed") && out.contains("  kb/pep.en.md"),
            "{out}"
        );
    }
}

#[tokio::test]
async fn a_dry_run_says_what_would_be_added_changed_and_removed_and_writes_nothing() {
    for backend in TestBackend::all() {
        let db = TestDb::new(backend).await;
        netreach_store::Store::close(&db.store().await).await;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let edited = dir.path().join("edited");
        bundled_into(&edited);
        std::fs::remove_file(edited.join("kb/pep.en.md")).unwrap();
        let article = std::fs::read_to_string(edited.join("kb/naloxone.en.md")).unwrap();
        std::fs::write(
            edited.join("kb/naloxone.en.md"),
            article.replacen("title = \"", "title = \"Edited: ", 1),
        )
        .unwrap();
        let new = std::fs::read_to_string(edited.join("kb/pep.ru.md"))
            .unwrap()
            .replace("slug = \"pep\"", "slug = \"pep-copy\"");
        std::fs::write(edited.join("kb/pep-copy.ru.md"), new).unwrap();

        let (ok, out, err) = content_on(
            &data,
            &db,
            &["import", edited.to_str().unwrap(), "--dry-run"],
        )
        .await;
        assert!(ok, "{backend:?}: {err}");
        for line in [
            "1 file(s) would be added",
            "  kb/pep-copy.ru.md",
            "1 file(s) would be changed",
            "  kb/naloxone.en.md",
            "1 file(s) would be removed",
            "  kb/pep.en.md",
            "nothing was written",
            "articles and profiles record no review",
        ] {
            assert!(out.contains(line), "{backend:?}: {line:?} missing in {out}");
        }
        let (_, versions, _) = content_on(&data, &db, &["versions"]).await;
        assert_eq!(versions.lines().count(), 2, "{backend:?}: {versions}");
    }
}

#[tokio::test]
async fn every_import_keeps_the_pack_it_replaces_and_restore_brings_one_back() {
    for backend in TestBackend::all() {
        let db = TestDb::new(backend).await;
        netreach_store::Store::close(&db.store().await).await;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = dir.path().join("first");
        bundled_into(&first);
        let (ok, _, err) = content_on(&data, &db, &["import", first.to_str().unwrap()]).await;
        assert!(ok, "{backend:?}: {err}");
        let second = dir.path().join("second");
        bundled_into(&second);
        let article = std::fs::read_to_string(second.join("kb/naloxone.en.md")).unwrap();
        std::fs::write(
            second.join("kb/naloxone.en.md"),
            article.replacen("title = \"", "title = \"Second: ", 1),
        )
        .unwrap();
        let (ok, out, err) = content_on(&data, &db, &["import", second.to_str().unwrap()]).await;
        assert!(
            ok && out.contains("(version 2)"),
            "{backend:?}: {out} {err}"
        );

        let (ok, versions, _) = content_on(&data, &db, &["versions"]).await;
        assert!(ok);
        let rows: Vec<Vec<&str>> = versions
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(rows.len(), 3, "{backend:?}: {versions}");
        assert_eq!(
            (rows[0][0], rows[0][2], rows[0][3]),
            ("2", "in use", "import")
        );
        assert_eq!((rows[1][0], rows[1][3]), ("1", "import"));
        assert_eq!((rows[2][0], rows[2][3]), ("0", "bundled"));

        let (ok, _, err) = content_on(&data, &db, &["restore", "2"]).await;
        assert!(!ok && err.contains("in use already"), "{err}");
        let (ok, _, err) = content_on(&data, &db, &["restore", "9"]).await;
        assert!(!ok && err.contains("no version 9"), "{err}");
        let (ok, out, err) = content_on(&data, &db, &["restore", "1"]).await;
        assert!(
            ok && out.contains("restored version 1 as version 3"),
            "{backend:?}: {out} {err}"
        );

        let back = dir.path().join("back");
        let (ok, _, _) = content_on(&data, &db, &["export", back.to_str().unwrap()]).await;
        assert!(ok);
        assert!(
            !std::fs::read_to_string(back.join("kb/naloxone.en.md"))
                .unwrap()
                .contains("Second: "),
            "{backend:?}: the restored pack is the first one"
        );
        let (_, versions, _) = content_on(&data, &db, &["versions"]).await;
        assert!(
            versions.lines().nth(1).unwrap().contains("restore:1"),
            "{versions}"
        );
    }
}
