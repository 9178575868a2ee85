//! Loading and validating a pack: from the copy compiled into the binary or from a directory.

use crate::model::{Article, FrontMatter, RuleFile, RuleMap, SERVICE_KINDS, Service, Substance};
use crate::placeholders;
use include_dir::{Dir, include_dir};
use netreach_core::Lang;
use netreach_core::combination::pair_key;
use std::fmt;
use std::path::Path;

static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../content");

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A loaded, validated pack.
#[derive(Debug, Clone, Default)]
pub struct Pack {
    pub substances: Vec<Substance>,
    pub class_rules: RuleMap,
    pub pair_rules: RuleMap,
    pub articles: Vec<Article>,
    /// The services directory, by city then name.
    pub services: Vec<Service>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn toml_error(file: &str, text: &str, e: &toml::de::Error, line_offset: usize) -> PackError {
    PackError {
        file: file.to_owned(),
        line: e.span().map(|s| line_of(text, s.start) + line_offset),
        message: e.message().to_owned(),
    }
}

/// The files of the pack compiled into the binary: (path relative to the pack root, text).
pub fn bundled_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    collect(&BUNDLED, &mut files);
    files.sort();
    files
}

/// Every text file under a directory: (path relative to it, text exactly as read), sorted.
pub fn read_files(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    read_files_with(dir, &mut || {})
}

/// [`read_files`], calling `on_file` after each file read (for a progress bar).
pub fn read_files_with(
    dir: &Path,
    on_file: &mut dyn FnMut(),
) -> std::io::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    read_dir(dir, dir, &mut files, on_file)?;
    files.sort();
    Ok(files)
}

/// How many files are under a directory (to size a progress bar before reading them).
pub fn count_files(dir: &Path) -> std::io::Result<u64> {
    let mut n = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        n += if path.is_dir() {
            count_files(&path)?
        } else {
            1
        };
    }
    Ok(n)
}

/// Writes files under a directory, creating folders; the bytes are exactly the texts given.
pub fn write_files(dir: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (path, text) in files {
        if path.split('/').any(|part| part == ".." || part.is_empty()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("unsafe path {path}"),
            ));
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, text)?;
    }
    Ok(())
}

impl Pack {
    /// The pack compiled into the binary.
    pub fn bundled() -> Result<Pack, Vec<PackError>> {
        Pack::from_files(bundled_files())
    }

    /// A pack in a directory with the same layout (`substances/`, `combinations/`, `kb/`).
    pub fn load(dir: &Path) -> Result<Pack, Vec<PackError>> {
        let files = read_files(dir).map_err(|e| {
            vec![PackError {
                file: dir.display().to_string(),
                line: None,
                message: e.to_string(),
            }]
        })?;
        Pack::from_files(files)
    }

    /// Parses and validates files given as (path relative to the pack root, text).
    pub fn from_files(mut files: Vec<(String, String)>) -> Result<Pack, Vec<PackError>> {
        files.sort();
        let mut pack = Pack::default();
        let mut errors = Vec::new();
        for (path, text) in &files {
            if path.starts_with("substances/") && path.ends_with(".toml") {
                match toml::from_str::<Substance>(text) {
                    Ok(s) => {
                        let expected = path
                            .trim_start_matches("substances/")
                            .trim_end_matches(".toml");
                        if s.slug != expected {
                            errors.push(err(
                                path,
                                format!("slug {:?} does not match the file name", s.slug),
                            ));
                        }
                        check_common(path, s.reused_text, s.sources.is_empty(), &mut errors);
                        check_review_date(path, &s.reviewed_at, &mut errors);
                        for texts in [&s.en, &s.ru] {
                            for prose in
                                [&texts.summary, &texts.effects, &texts.risks, &texts.advice]
                            {
                                check_prose(path, text, prose, &mut errors);
                            }
                        }
                        pack.substances.push(s);
                    }
                    Err(e) => errors.push(toml_error(path, text, &e, 0)),
                }
            } else if path.starts_with("combinations/") && path.ends_with(".toml") {
                let target = if path.ends_with("pairs.toml") {
                    &mut pack.pair_rules
                } else {
                    &mut pack.class_rules
                };
                match toml::from_str::<RuleFile>(text) {
                    Ok(file) => {
                        for rule in file.rule {
                            check_prose(path, text, &rule.en, &mut errors);
                            check_prose(path, text, &rule.ru, &mut errors);
                            if rule.sources.is_empty() {
                                errors.push(err(
                                    path,
                                    format!("rule {} + {} has no source", rule.a, rule.b),
                                ));
                            }
                            let key = pair_key(&rule.a, &rule.b);
                            if target.insert(key, rule).is_some() {
                                errors.push(err(path, "two rules for the same pair".into()));
                            }
                        }
                    }
                    Err(e) => errors.push(toml_error(path, text, &e, 0)),
                }
            } else if path.starts_with("services/") && path.ends_with(".toml") {
                match toml::from_str::<Service>(text) {
                    Ok(s) => {
                        check_service(path, &s, &mut errors);
                        pack.services.push(s);
                    }
                    Err(e) => errors.push(toml_error(path, text, &e, 0)),
                }
            } else if path.starts_with("kb/") && path.ends_with(".md") {
                match article(path, text) {
                    Ok(a) => {
                        check_review_date(path, &a.reviewed_at, &mut errors);
                        for prose in [&a.title, &a.summary, &a.body] {
                            check_prose(path, text, prose, &mut errors);
                        }
                        // Titles and summaries are shown as plain text in lists, search
                        // results and links, where nothing fills a placeholder.
                        if a.title.contains("{{") || a.summary.contains("{{") {
                            errors.push(err(
                                path,
                                "placeholders belong in the body, not in the title or summary"
                                    .into(),
                            ));
                        }
                        pack.articles.push(a)
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        validate_references(&pack, &mut errors);
        pack.services
            .sort_by(|a, b| (&a.city, &a.name.en).cmp(&(&b.city, &b.name.en)));
        if errors.is_empty() {
            Ok(pack)
        } else {
            Err(errors)
        }
    }

    pub fn substance(&self, slug: &str) -> Option<&Substance> {
        self.substances.iter().find(|s| s.slug == slug)
    }

    pub fn service(&self, slug: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.slug == slug)
    }

    pub fn article(&self, slug: &str, lang: Lang) -> Option<&Article> {
        self.articles
            .iter()
            .find(|a| a.slug == slug && a.lang == lang)
    }

    /// The articles and profiles whose file records no review (`reviewed_at` empty), by path:
    /// they await the organisation's own clinical review. (A review in the console is recorded
    /// in the database, not in the file.)
    pub fn unreviewed(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .articles
            .iter()
            .filter(|a| a.reviewed_at.trim().is_empty())
            .map(|a| format!("kb/{}.{}.md", a.slug, a.lang.code()))
            .chain(
                self.substances
                    .iter()
                    .filter(|s| s.reviewed_at.trim().is_empty())
                    .map(|s| format!("substances/{}.toml", s.slug)),
            )
            .collect();
        out.sort();
        out
    }

    /// The same article in the other language, if it exists.
    pub fn translation(&self, article: &Article) -> Option<&Article> {
        self.articles
            .iter()
            .find(|a| a.translation_key == article.translation_key && a.lang != article.lang)
    }
}

fn err(file: &str, message: String) -> PackError {
    PackError {
        file: file.to_owned(),
        line: None,
        message,
    }
}

/// Checks a text readers see (placeholders, no literal numbers, see [`placeholders::check`]);
/// each problem is reported at the first line of the file holding the offending line.
fn check_prose(path: &str, file_text: &str, prose: &str, errors: &mut Vec<PackError>) {
    for problem in placeholders::check(prose) {
        let line_text = prose.lines().nth(problem.line - 1).unwrap_or("").trim();
        let line = (!line_text.is_empty())
            .then(|| file_text.find(line_text))
            .flatten()
            .map(|offset| line_of(file_text, offset));
        errors.push(PackError {
            file: path.to_owned(),
            line,
            message: problem.message,
        });
    }
}

fn check_review_date(path: &str, reviewed_at: &str, errors: &mut Vec<PackError>) {
    let date = time::macros::format_description!("[year]-[month]-[day]");
    if !reviewed_at.trim().is_empty() && time::Date::parse(reviewed_at.trim(), &date).is_err() {
        errors.push(err(
            path,
            "reviewed_at must be a date, YYYY-MM-DD (or empty until reviewed)".into(),
        ));
    }
}

fn check_common(path: &str, reused_text: bool, no_sources: bool, errors: &mut Vec<PackError>) {
    if reused_text {
        errors.push(err(
            path,
            "reused_text must be false: the pack's text is our own".into(),
        ));
    }
    if no_sources {
        errors.push(err(
            path,
            "no sources: every profile, rule and article cites its facts".into(),
        ));
    }
}

fn check_service(path: &str, s: &Service, errors: &mut Vec<PackError>) {
    let expected = path
        .trim_start_matches("services/")
        .trim_end_matches(".toml");
    if s.slug != expected {
        errors.push(err(
            path,
            format!("slug {:?} does not match the file name", s.slug),
        ));
    }
    if s.name.en.trim().is_empty() && s.name.ru.trim().is_empty() {
        errors.push(err(path, "the service has no name".into()));
    }
    if s.city.trim().is_empty() {
        errors.push(err(path, "the service has no city".into()));
    }
    if s.kinds.is_empty() {
        errors.push(err(path, "the service has no kinds".into()));
    }
    for kind in &s.kinds {
        if !SERVICE_KINDS.contains(&kind.as_str()) {
            errors.push(err(
                path,
                format!(
                    "unknown kind {kind:?}; use one of {}",
                    SERVICE_KINDS.join(", ")
                ),
            ));
        }
    }
    if let Some(url) = &s.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        errors.push(err(
            path,
            format!("url {url:?} must start with http:// or https://"),
        ));
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    if time::Date::parse(&s.checked_at, &date).is_err() {
        errors.push(err(path, "checked_at must be a date, YYYY-MM-DD".into()));
    }
}

fn article(path: &str, text: &str) -> Result<Article, PackError> {
    let rest = text
        .strip_prefix("+++\n")
        .ok_or_else(|| err(path, "the file must start with +++ front matter".into()))?;
    let end = rest
        .find("\n+++")
        .ok_or_else(|| err(path, "the front matter has no closing +++".into()))?;
    let front: FrontMatter =
        toml::from_str(&rest[..end]).map_err(|e| toml_error(path, &rest[..end], &e, 1))?;
    let lang = Lang::parse(&front.lang)
        .ok_or_else(|| err(path, format!("unknown lang {:?}", front.lang)))?;
    let mut errors = Vec::new();
    check_common(
        path,
        front.reused_text,
        front.sources.is_empty(),
        &mut errors,
    );
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    let body = rest[end + 4..].trim_start_matches('\n').to_owned();
    Ok(Article {
        slug: front.slug,
        lang,
        translation_key: front.translation_key,
        title: front.title,
        summary: front.summary,
        topic: front.topic,
        tags: front.tags,
        confidence: front.confidence,
        reviewed_by: front.reviewed_by,
        reviewed_at: front.reviewed_at,
        sources: front.sources,
        body,
    })
}

fn validate_references(pack: &Pack, errors: &mut Vec<PackError>) {
    let classes: std::collections::BTreeSet<&str> =
        pack.substances.iter().map(|s| s.class.as_str()).collect();
    for rule in pack.class_rules.values() {
        for class in [&rule.a, &rule.b] {
            if !classes.contains(class.as_str()) {
                errors.push(err(
                    "combinations/classes.toml",
                    format!("unknown class {class:?}"),
                ));
            }
        }
    }
    for rule in pack.pair_rules.values() {
        for slug in [&rule.a, &rule.b] {
            if pack.substance(slug).is_none() {
                errors.push(err(
                    "combinations/pairs.toml",
                    format!("unknown substance {slug:?}"),
                ));
            }
        }
    }
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((
                file.path().to_string_lossy().replace('\\', "/"),
                text.to_owned(),
            ));
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

fn read_dir(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, String)>,
    on_file: &mut dyn FnMut(),
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_dir(root, &path, out, on_file)?;
            continue;
        }
        on_file();
        if let Ok(text) = std::fs::read_to_string(&path) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_with_its_file_and_line() {
        let files = vec![
            ("substances/bad.toml".to_owned(), "slug = \"bad\"\nclass = 3\n".to_owned()),
            ("kb/x.en.md".to_owned(), "no front matter".to_owned()),
            (
                "combinations/pairs.toml".to_owned(),
                "[[rule]]\na = \"x\"\nb = \"y\"\ncategory = \"fine\"\nconfidence = \"low\"\nen = \"\"\nru = \"\"\nsources = []\n".to_owned(),
            ),
        ];
        let errors = Pack::from_files(files).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|e| e.starts_with("substances/bad.toml:2:")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.starts_with("kb/x.en.md: the file must start")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.starts_with("combinations/pairs.toml:4:")),
            "{text:?}"
        );
    }

    #[test]
    fn a_literal_number_or_an_unknown_placeholder_in_the_text_is_refused_with_its_line() {
        let mut files = bundled_files();
        let (_, text) = files
            .iter_mut()
            .find(|(p, _)| p == "kb/overdose-response.ru.md")
            .unwrap();
        *text = text.replacen("{{emergency_number}}", "103", 1);
        text.push_str("\n{{ambulance}}\n");
        *text = text.replacen("title = \"", "title = \"{{emergency_number}} ", 1);
        let (_, heroin) = files
            .iter_mut()
            .find(|(p, _)| p == "substances/heroin.toml")
            .unwrap();
        *heroin = heroin.replacen("{{emergency_number}}", "+7 495 123-45-67", 1);
        let line_of = |files: &[(String, String)], path: &str, needle: &str| {
            let (_, text) = files.iter().find(|(p, _)| p == path).unwrap();
            text.lines().position(|l| l.contains(needle)).unwrap() + 1
        };
        let article_line = line_of(&files, "kb/overdose-response.ru.md", "103");
        let heroin_line = line_of(&files, "substances/heroin.toml", "+7 495");
        let text: Vec<String> = Pack::from_files(files)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(
            text.iter().any(|e| e
                == "kb/overdose-response.ru.md: placeholders belong in the body, not in the title or summary"),
            "{text:?}"
        );
        assert!(
            text[0].starts_with(&format!(
                "kb/overdose-response.ru.md:{article_line}: \"103\" looks like"
            )),
            "{text:?}"
        );
        assert!(
            text[1].contains("unknown placeholder {{ambulance}}"),
            "{text:?}"
        );
        assert!(
            text[3].starts_with(&format!(
                "substances/heroin.toml:{heroin_line}: \"+7 495 123-45-67\""
            )),
            "{text:?}"
        );
    }

    #[test]
    fn items_never_reviewed_are_listed_and_a_review_date_must_be_a_date() {
        let pack = Pack::bundled().unwrap_or_else(|e| panic!("{e:?}"));
        let unreviewed = pack.unreviewed();
        assert!(unreviewed.contains(&"substances/heroin.toml".to_owned()));
        assert!(unreviewed.contains(&"kb/naloxone.en.md".to_owned()));
        let mut files = bundled_files();
        for (path, text) in files.iter_mut() {
            if path == "kb/naloxone.en.md" {
                *text = text.replacen("reviewed_at = \"\"", "reviewed_at = \"2026-12-01\"", 1);
            }
            if path == "kb/naloxone.ru.md" {
                *text = text.replacen("reviewed_at = \"\"", "reviewed_at = \"soon\"", 1);
            }
        }
        let errors = Pack::from_files(files.clone()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .to_string()
                .starts_with("kb/naloxone.ru.md: reviewed_at must be a date")
        );
        files.retain(|(p, _)| p != "kb/naloxone.ru.md");
        let pack = Pack::from_files(files).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!pack.unreviewed().contains(&"kb/naloxone.en.md".to_owned()));
    }

    mod properties {
        use super::super::Pack;
        use proptest::prelude::*;

        fn front_matter_line() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("slug = \"x\"".to_owned()),
                Just("title = \"T\"".to_owned()),
                Just("summary = \"S {{emergency_number}}\"".to_owned()),
                Just("lang = \"en\"".to_owned()),
                Just("[[sources]]".to_owned()),
                Just("id = \"S1\"".to_owned()),
                Just("reviewed_at = \"2026-13-45\"".to_owned()),
                "[a-z_]{1,8} = \"[^\"\\n]{0,12}\"",
                "[^\n]{0,30}",
            ]
        }

        proptest! {
            /// Any article file, with or without front matter, is accepted or refused with errors
            /// that name it: never a panic, never an error about another file.
            #[test]
            fn any_article_file_is_accepted_or_refused_by_name(
                lines in proptest::collection::vec(front_matter_line(), 0..10),
                fenced in any::<bool>(),
                body in "[^\u{0}]{0,80}",
            ) {
                let matter = lines.join("\n");
                let text = if fenced {
                    format!("+++\n{matter}\n+++\n{body}")
                } else {
                    format!("{matter}\n{body}")
                };
                let files = vec![("kb/fuzzed.en.md".to_owned(), text)];
                if let Err(errors) = Pack::from_files(files) {
                    prop_assert!(!errors.is_empty());
                    for e in errors {
                        let said = e.to_string();
                        prop_assert!(
                            said.starts_with("kb/fuzzed.en.md") || !said.contains(".md"),
                            "{said}"
                        );
                    }
                }
            }
        }
    }
}
