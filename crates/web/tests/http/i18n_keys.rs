//! Every message id the web and app crates use exists in English and Russian: ids in templates and in
//! the code (`t.get("...")`, `message_id: "..."`, error and flash ids), and the ids built from
//! enum values (topics, statuses, roles, days).

use netreach_core::{Lang, Role, Status, Topic};
use netreach_i18n::I18n;
use std::path::Path;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "html")
        ) {
            out.push(path);
        }
    }
}

/// String literals that follow one of the markers, up to the closing quote.
fn literals_after(text: &str, marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        rest = &rest[i + marker.len()..];
        let trimmed = rest.trim_start();
        if let Some(body) = trimmed.strip_prefix('"')
            && let Some(end) = body.find('"')
        {
            found.push(body[..end].to_owned());
        }
    }
    found
}

fn is_message_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && s.contains('-')
}

#[test]
fn every_message_id_used_by_the_web_crate_exists_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    files(&root.join("templates"), &mut paths);
    // The services name the messages their errors show (`message_id`), and the ones they write
    // into posts and replies.
    files(&root.join("../app/src"), &mut paths);
    let mut ids = std::collections::BTreeSet::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        for marker in [
            "t.get(",
            "t.with(",
            "t.count(",
            "message_id:",
            "title_for_status",
            "Some(",
            "=>",
            "get_with(",
            "message_id(),",
        ] {
            for literal in literals_after(&text, marker) {
                if is_message_id(&literal)
                    && [
                        "error-",
                        "flash-",
                        "login-",
                        "setup-",
                        "recovery-",
                        "home-",
                        "nav-",
                        "inbox-",
                        "conversation-",
                        "canned-",
                        "availability-",
                        "dashboard-",
                        "tokens-",
                        "users-",
                        "account-",
                        "ask-",
                        "codename-",
                        "enter-",
                        "thread-",
                        "first-aid-",
                        "deleted-",
                        "thanks-",
                        "day-",
                        "role-",
                        "topic-",
                        "status-",
                        "staff-status-",
                        "duration-",
                        "language-",
                        "footer-",
                        "field-",
                        "hint-",
                    ]
                    .iter()
                    .any(|p| literal.starts_with(p))
                {
                    ids.insert(literal);
                }
            }
        }
    }
    for topic in Topic::ALL {
        ids.insert(format!("topic-{}", topic.as_str()));
    }
    for status in Status::ALL {
        ids.insert(format!("status-{}", status.as_str()));
        ids.insert(format!("staff-status-{}", status.as_str()));
    }
    for role in Role::ALL {
        ids.insert(format!("role-{role}"));
    }
    assert!(ids.len() > 150, "the scan found only {} ids", ids.len());
    let i18n = I18n::load().unwrap();
    let missing: Vec<String> = ids
        .iter()
        .flat_map(|id| {
            Lang::ALL
                .iter()
                .filter(|l| !i18n.has(**l, id))
                .map(move |l| format!("{l}: {id}"))
        })
        .collect();
    assert!(missing.is_empty(), "missing messages: {missing:?}");
}
