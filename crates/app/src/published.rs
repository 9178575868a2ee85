//! The content the public site shows: the pack imported into the database, or the bundled pack
//! until one is imported. Each node keeps a parsed copy and reloads it when the version in the
//! database changes (the database stays the source of truth).

use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_content::aliases::Resolved;
use netreach_content::index::SearchIndex;
use netreach_content::placeholders::{Fill, Local, Sentence};
use netreach_content::render::Rendered;
use netreach_content::search::ExtraDoc;
use netreach_content::{Pack, PackError, bundled_files, read_files, write_files};
use netreach_store::{PackChange, PackVersion, StoreError};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// The parsed pack in use, its Markdown rendered to HTML, its search index, and the database
/// version it came from (0: the bundled pack).
#[derive(Debug)]
pub struct Published {
    inner: RwLock<Current>,
    /// What the pack's placeholders become (from the settings; see [`fill`]).
    fill: Fill,
}

#[derive(Debug, Clone)]
struct Current {
    version: i64,
    pack: Arc<Pack>,
    /// The pack's articles and substance texts as sanitised HTML, rendered when it loads.
    html: Arc<Rendered>,
    /// Published Q&A entries, indexed with the pack, and the archive's stamp they came from.
    qa: Arc<Vec<ExtraDoc>>,
    qa_stamp: i64,
    index: Arc<SearchIndex>,
    /// Pages rendered from this pack, by [`Published::page`]'s key; a new pack starts empty.
    pages: Arc<RwLock<HashMap<String, Arc<str>>>>,
    /// When a supervisor's review in the console published each file (YYYY-MM-DD), by path,
    /// for the files whose text is still the reviewed one ([`console_reviews`]).
    reviews: Arc<HashMap<String, String>>,
}

fn current(
    version: i64,
    pack: Arc<Pack>,
    html: Arc<Rendered>,
    qa: Arc<Vec<ExtraDoc>>,
    qa_stamp: i64,
    reviews: Arc<HashMap<String, String>>,
) -> Result<Current, ContentError> {
    let index =
        SearchIndex::build_with(&pack, &qa).map_err(|e| ContentError::Index(e.to_string()))?;
    Ok(Current {
        version,
        pack,
        html,
        qa,
        qa_stamp,
        index: Arc::new(index),
        pages: Arc::default(),
        reviews,
    })
}

impl Published {
    pub fn new(pack: Pack, fill: Fill) -> Result<Published, ContentError> {
        let html = Arc::new(Rendered::of(&pack, &fill));
        Ok(Published {
            inner: RwLock::new(current(
                0,
                Arc::new(pack),
                html,
                Arc::default(),
                0,
                Arc::default(),
            )?),
            fill,
        })
    }

    /// What the pack's placeholders become, for texts rendered outside [`Rendered`] (combination
    /// notes, previews in the console).
    pub fn fill(&self) -> &Fill {
        &self.fill
    }

    fn get(&self) -> Current {
        self.inner
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn pack(&self) -> Arc<Pack> {
        self.get().pack
    }

    /// The pack in use with its Markdown already rendered, for the public pages: one snapshot,
    /// so the HTML always belongs to the pack.
    pub fn pack_and_html(&self) -> (Arc<Pack>, Arc<Rendered>) {
        let now = self.get();
        (now.pack, now.html)
    }

    /// A public page made from the pack in use and nothing else (no visitor, no time, no
    /// database), rendered by `render` the first time `key` is asked for and kept until the pack
    /// changes. `key` must name everything besides the pack the page depends on (its path and
    /// language). A failure (a page that does not exist) is not kept, so only the pack's own
    /// pages are, and the memory this takes is bounded by the pack.
    pub fn page<E>(
        &self,
        key: &str,
        render: impl FnOnce(&Pack, &Rendered) -> Result<String, E>,
    ) -> Result<Arc<str>, E> {
        let now = self.get();
        if let Ok(pages) = now.pages.read()
            && let Some(page) = pages.get(key)
        {
            return Ok(page.clone());
        }
        let page: Arc<str> = render(&now.pack, &now.html)?.into();
        if let Ok(mut pages) = now.pages.write() {
            pages.insert(key.to_owned(), page.clone());
        }
        Ok(page)
    }

    /// The search index of the pack in use (rebuilt whenever the pack changes).
    pub fn index(&self) -> Arc<SearchIndex> {
        self.get().index
    }

    pub fn version(&self) -> i64 {
        self.get().version
    }

    fn set(
        &self,
        version: i64,
        pack: Pack,
        reviews: HashMap<String, String>,
    ) -> Result<(), ContentError> {
        let now = self.get();
        let html = Arc::new(Rendered::of(&pack, &self.fill));
        self.replace(current(
            version,
            Arc::new(pack),
            html,
            now.qa,
            now.qa_stamp,
            Arc::new(reviews),
        )?);
        Ok(())
    }

    /// When the file at `path` of the pack in use was reviewed in the console (YYYY-MM-DD), if
    /// its published text is the reviewed revision.
    pub fn reviewed_on(&self, path: &str) -> Option<String> {
        self.get().reviews.get(path).cloned()
    }

    fn replace(&self, next: Current) {
        if let Ok(mut g) = self.inner.write() {
            *g = next;
        }
    }
}

/// What the pack's placeholders become, from `[conversations]` `emergency_number`,
/// `crisis_line` and `naloxone_contact`: the crisis line and the naloxone contact as a sentence
/// in each language, or, when not configured, a sentence sending the reader to the anonymous
/// chat, with a link to start one.
pub fn fill(settings: &crate::settings::Settings, i18n: &netreach_i18n::I18n) -> Fill {
    let c = &settings.conversations;
    let local = |lang: netreach_core::Lang| {
        let t = netreach_i18n::Tr::new(i18n, lang);
        let sentence = |value: &Option<String>, id: &str| match value {
            Some(v) => Sentence {
                text: t.with(id, "number", v.trim()),
                link: None,
            },
            None => Sentence {
                text: t.get(&format!("{id}-unset")),
                link: Some((
                    format!("/ask?lang={}", lang.code()),
                    t.get("placeholder-ask-link"),
                )),
            },
        };
        Local {
            emergency_number: c.emergency_number.trim().to_owned(),
            crisis_line: sentence(&c.crisis_line, "placeholder-crisis-line"),
            naloxone_contact: sentence(&c.naloxone_contact, "placeholder-naloxone-contact"),
        }
    };
    Fill {
        en: local(netreach_core::Lang::En),
        ru: local(netreach_core::Lang::Ru),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("the pack has {} problem(s)", .0.len())]
    Invalid(Vec<PackError>),
    #[error("cannot read or write files: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot build the search index: {0}")]
    Index(String),
    #[error(
        "files the pack does not know: {}; a pack holds substances/<slug>.toml, \
         combinations/<name>.toml, services/<slug>.toml and kb/<slug>.en.md or .ru.md \
         (and its README.md, check_pack.py, kb/check_kb.py); is this the right directory?",
        .0.join(", ")
    )]
    UnknownFiles(Vec<String>),
    #[error("the pack has no substances and no articles; is this the right directory?")]
    Empty,
    #[error(
        "this would remove {} files from the published pack: {}; if that is what you want, run \
         it again with --replace",
        .0.len(),
        .0.join(", ")
    )]
    WouldRemove(Vec<String>),
    #[error("there is no version {0} of the pack to restore (see `netreach content versions`)")]
    NoSuchVersion(i64),
    #[error("version {0} is the pack in use already")]
    InUse(i64),
    #[error(transparent)]
    Denied(#[from] crate::policy::Denied),
}

impl ContentError {
    /// The Fluent message for the console.
    pub fn message_id(&self) -> &'static str {
        match self {
            ContentError::NoSuchVersion(_) => "content-versions-no-such",
            ContentError::InUse(_) => "content-versions-already-in-use",
            ContentError::Invalid(_) => "content-versions-invalid",
            ContentError::Denied(_) => "error-body-403",
            _ => "error-body-500",
        }
    }
}

/// Reloads the pack if the database holds a newer one, and re-indexes the Q&A archive if it
/// changed; returns whether anything changed.
pub async fn refresh(state: &AppState) -> Result<bool, ContentError> {
    let now = state.content.get();
    let version = state.store.content_version().await?;
    let qa_stamp = state.store.qa_stamp().await?;
    let pack_changed = version != 0 && version != now.version;
    if !pack_changed && qa_stamp == now.qa_stamp {
        return Ok(false);
    }
    let (pack, html, reviews) = if pack_changed {
        let files = state.store.content_files().await?;
        let reviews = console_reviews(state, &files).await?;
        let pack = Pack::from_files(files).map_err(ContentError::Invalid)?;
        let html = Rendered::of(&pack, &state.content.fill);
        (Arc::new(pack), Arc::new(html), Arc::new(reviews))
    } else {
        (now.pack, now.html, now.reviews)
    };
    let qa = if qa_stamp == now.qa_stamp {
        now.qa
    } else {
        Arc::new(
            state
                .store
                .qa_entries(Some(netreach_core::QaStatus::Published), None)
                .await?
                .into_iter()
                .map(|e| ExtraDoc {
                    kind: netreach_content::search::Kind::Qa,
                    slug: e.id.to_string(),
                    lang: e.lang,
                    title: e.question.chars().take(120).collect(),
                    body: format!("{} {}", e.question, e.answer),
                })
                .collect(),
        )
    };
    state.content.replace(current(
        version.max(now.version),
        pack,
        html,
        qa,
        qa_stamp,
        reviews,
    )?);
    tracing::info!(version, qa_stamp, "published content reloaded");
    Ok(true)
}

/// When the console's review published each file (YYYY-MM-DD), by path: for every file whose
/// published revision was reviewed and whose text in `files` is still that revision's (an
/// import may have replaced it since).
async fn console_reviews(
    state: &AppState,
    files: &[(String, String)],
) -> Result<HashMap<String, String>, ContentError> {
    let texts: HashMap<&str, &str> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut out = HashMap::new();
    for item in state.store.content_items().await? {
        let Some(version) = item.published_version else {
            continue;
        };
        let path = item.path.to_string();
        let Some(text) = texts.get(path.as_str()) else {
            continue;
        };
        let reviewed = state
            .store
            .content_revisions(&item.path)
            .await?
            .into_iter()
            .find(|r| r.version == version && r.body == *text)
            .and_then(|r| r.reviewed_at);
        if let Some(at) = reviewed {
            out.insert(path, at.date().to_string());
        }
    }
    Ok(out)
}

/// [`refresh`] where a failure is only logged: after a change made on this node, and in the
/// serve loop. The pack in use stays as it was.
pub async fn refresh_logged(state: &AppState) {
    if let Err(e) = refresh(state).await {
        tracing::error!(error = %e, "reloading the published content failed");
    }
}

/// How to import: `dry_run` validates and says what would change without writing; `replace`
/// allows an import that removes more than [`REMOVE_WITHOUT_ASKING`] files.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub replace: bool,
}

/// An import may remove at most this many files of the published pack without `--replace`.
pub const REMOVE_WITHOUT_ASKING: usize = 3;

/// What an import changes, by file path (each list sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

impl Changes {
    /// From the files in use to the files given.
    pub fn between(old: &[(String, String)], new: &[(String, String)]) -> Changes {
        let old: std::collections::BTreeMap<&str, &str> =
            old.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let new: std::collections::BTreeMap<&str, &str> =
            new.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let mut changes = Changes::default();
        for (path, text) in &new {
            match old.get(path) {
                None => changes.added.push((*path).to_owned()),
                Some(before) if before != text => changes.changed.push((*path).to_owned()),
                Some(_) => {}
            }
        }
        changes.removed = old
            .keys()
            .filter(|p| !new.contains_key(*p))
            .map(|p| (*p).to_owned())
            .collect();
        changes
    }
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub files: usize,
    pub substances: usize,
    pub rules: usize,
    pub articles: usize,
    /// The new version; for a dry run, the version in use.
    pub version: i64,
    pub changes: Changes,
    pub dry_run: bool,
    /// Articles and profiles whose file records no review ([`Pack::unreviewed`]).
    pub unreviewed: Vec<String>,
}

/// Files a pack may hold besides its content: its own documentation and validators.
const PACK_DOCUMENTS: [&str; 4] = [
    "README.md",
    "check_pack.py",
    "kb/README.md",
    "kb/check_kb.py",
];

/// The paths that are neither pack files ([`netreach_core::ContentPath`]) nor the pack's own
/// documents. Hidden files and folders (`.git/...`) are not part of a pack and are left out
/// before this is asked.
pub fn unknown_files(files: &[(String, String)]) -> Vec<String> {
    files
        .iter()
        .map(|(path, _)| path)
        .filter(|p| {
            netreach_core::ContentPath::parse(p).is_err() && !PACK_DOCUMENTS.contains(&p.as_str())
        })
        .cloned()
        .collect()
}

fn hidden(path: &str) -> bool {
    path.split('/').any(|part| part.starts_with('.'))
}

/// The files of the pack in use: stored, or the bundled ones before any import.
async fn files_in_use(state: &AppState) -> Result<Vec<(String, String)>, ContentError> {
    let files = state.store.content_files().await?;
    Ok(if files.is_empty() {
        bundled_files()
    } else {
        files
    })
}

/// Validates every file of a pack directory first; only if all are valid, replaces the stored
/// pack with them (exact bytes) in one transaction. Nothing changes when any file is invalid.
pub async fn import(state: &AppState, dir: &Path) -> Result<ImportReport, ContentError> {
    import_files(state, read_files(dir)?).await
}

/// [`import`] for files already read: (path relative to the pack root, text).
pub async fn import_files(
    state: &AppState,
    files: Vec<(String, String)>,
) -> Result<ImportReport, ContentError> {
    import_files_with(state, files, ImportOptions::default()).await
}

/// The import the operator runs (`netreach content import`): refuses files the pack does not
/// know, a pack without substances or articles, and, unless `replace`, one that would remove
/// more than [`REMOVE_WITHOUT_ASKING`] files; validates everything; then, unless `dry_run`,
/// replaces the stored pack in one transaction, the pack it replaces kept as a version.
pub async fn import_files_with(
    state: &AppState,
    files: Vec<(String, String)>,
    options: ImportOptions,
) -> Result<ImportReport, ContentError> {
    let files: Vec<(String, String)> = files.into_iter().filter(|(p, _)| !hidden(p)).collect();
    let unknown = unknown_files(&files);
    if !unknown.is_empty() {
        return Err(ContentError::UnknownFiles(unknown));
    }
    let pack = Pack::from_files(files.clone()).map_err(ContentError::Invalid)?;
    if pack.substances.is_empty() && pack.articles.is_empty() {
        return Err(ContentError::Empty);
    }
    let changes = Changes::between(&files_in_use(state).await?, &files);
    let report = ImportReport {
        files: files.len(),
        substances: pack.substances.len(),
        rules: pack.class_rules.len() + pack.pair_rules.len(),
        articles: pack.articles.len(),
        version: state.content.version(),
        changes,
        dry_run: options.dry_run,
        unreviewed: pack.unreviewed(),
    };
    if options.dry_run {
        return Ok(report);
    }
    if report.changes.removed.len() > REMOVE_WITHOUT_ASKING && !options.replace {
        return Err(ContentError::WouldRemove(report.changes.removed));
    }
    let reviews = console_reviews(state, &files).await?;
    let version = state
        .store
        .replace_content(files, state.clock.now(), PackChange::Import)
        .await?;
    state.content.set(version, pack, reviews)?;
    tracing::info!(version, "content pack imported");
    Ok(ImportReport { version, ..report })
}

/// The versions of the pack, newest first: the one in use, the earlier ones kept, and last the
/// bundled pack (version 0), which can always be brought back.
pub async fn versions_as_operator(state: &AppState) -> Result<Vec<PackVersion>, ContentError> {
    let mut versions = state.store.pack_versions().await?;
    versions.push(PackVersion {
        version: 0,
        made_at: time::OffsetDateTime::UNIX_EPOCH,
        replaced_at: versions.first().map(|v| v.made_at),
        how: PackChange::Import,
        files: bundled_files().len() as i64,
    });
    Ok(versions)
}

/// [`versions_as_operator`] for the console (`EditContent`: anyone who edits content may see
/// the history).
pub async fn versions(state: &AppState, staff: &Staff) -> Result<Vec<PackVersion>, ContentError> {
    staff.may(Action::EditContent)?;
    versions_as_operator(state).await
}

/// Brings back an earlier version of the pack (a supervisor, `RestoreContent`): validated as
/// an import is, then published as a new version, so the pack it replaces is kept too. Other
/// nodes load it within `jobs::reload`'s period.
pub async fn restore(state: &AppState, staff: &Staff, version: i64) -> Result<i64, ContentError> {
    staff.may(Action::RestoreContent)?;
    let new = restore_as_operator(state, version).await?;
    tracing::info!(
        restored = version,
        version = new,
        by = %staff.user.id,
        "content pack version restored"
    );
    Ok(new)
}

/// [`restore`] for the machine's operator (`netreach content restore VERSION`).
pub async fn restore_as_operator(state: &AppState, version: i64) -> Result<i64, ContentError> {
    let in_use = state.store.content_version().await?;
    if version == in_use {
        return Err(ContentError::InUse(version));
    }
    let files = if version == 0 {
        bundled_files()
    } else {
        state
            .store
            .pack_version_files(version)
            .await?
            .ok_or(ContentError::NoSuchVersion(version))?
    };
    let pack = Pack::from_files(files.clone()).map_err(ContentError::Invalid)?;
    let reviews = console_reviews(state, &files).await?;
    let new = state
        .store
        .replace_content(files, state.clock.now(), PackChange::Restore(version))
        .await?;
    state.content.set(new, pack, reviews)?;
    Ok(new)
}

/// Writes the pack in use (stored, or bundled before any import) as files, byte for byte.
pub async fn export(state: &AppState, dir: &Path) -> Result<usize, ContentError> {
    let mut files = state.store.content_files().await?;
    if files.is_empty() {
        files = bundled_files();
    }
    write_files(dir, &files)?;
    Ok(files.len())
}

/// A combination check written out for a message or a post, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSummary {
    pub heading: String,
    /// One line per pair, most dangerous first: "A + B: category. What to know."
    pub pairs: Vec<String>,
    /// The public checker with these substances (`/check?s=..&lang=..`).
    pub path: String,
}

/// What someone typed for the checker, read through the pack's alias table (the same one
/// search uses): the substances found (slugs, in order, no repeats) and each word that matched
/// nothing, with the substance whose name is nearest, if one is near.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Understood {
    pub found: Vec<String>,
    pub unknown: Vec<(String, Option<String>)>,
}

/// Reads `typed` ([`netreach_content::aliases::split_names`]: commas, "+", "and", «и», ...).
pub fn understand(state: &AppState, typed: &str) -> Understood {
    let index = state.content.index();
    let mut out = Understood::default();
    for name in netreach_content::aliases::split_names(typed) {
        match index.aliases().resolve(&name) {
            Resolved::Found(slug) => {
                if !out.found.contains(&slug) {
                    out.found.push(slug);
                }
            }
            Resolved::Unknown { word, suggestion } => out.unknown.push((word, suggestion)),
        }
    }
    out
}

/// Why a check for a reply could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckRefused {
    /// Words that named no substance, each with a suggestion (a slug) when one is near.
    Unknown(Vec<(String, Option<String>)>),
    TooFew,
}

impl CheckRefused {
    /// The message in the reader's language, naming each unknown word and what it may mean.
    pub fn message(&self, state: &AppState, t: &netreach_i18n::Tr<'_>) -> String {
        match self {
            CheckRefused::TooFew => t.get("check-error-too-few"),
            CheckRefused::Unknown(words) => {
                let pack = state.content.pack();
                words
                    .iter()
                    .map(|(word, suggestion)| {
                        let mut line = t.with("check-unknown", "word", word);
                        if let Some(s) = suggestion.as_deref().and_then(|s| pack.substance(s)) {
                            line.push(' ');
                            line.push_str(&t.with("check-did-you-mean", "name", s.name(t.lang)));
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
    }
}

/// Checks the substances named (any name the alias table knows, in either language, separated
/// by commas or "and"; at most six) and writes the result out for a reply.
pub fn check_summary(
    state: &AppState,
    wanted: &str,
    lang: netreach_core::Lang,
) -> Result<CheckSummary, CheckRefused> {
    let pack = state.content.pack();
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let understood = understand(state, wanted);
    if !understood.unknown.is_empty() {
        return Err(CheckRefused::Unknown(understood.unknown));
    }
    let chosen: Vec<&netreach_content::Substance> = understood
        .found
        .iter()
        .filter_map(|slug| pack.substance(slug))
        .take(6)
        .collect();
    if chosen.len() < 2 {
        return Err(CheckRefused::TooFew);
    }
    let pairs = netreach_content::check(&pack, &chosen)
        .into_iter()
        .map(|pair| {
            let label = t.get(&format!(
                "category-{}",
                pair.category.as_str().replace('_', "-")
            ));
            let note = pair
                .note(lang)
                .map(|n| state.content.fill().text(n, lang))
                .unwrap_or_else(|| t.get("check-no-rule"));
            format!(
                "{} + {}: {label}. {note}",
                pair.a.name(lang),
                pair.b.name(lang)
            )
        })
        .collect();
    let slugs: Vec<&str> = chosen.iter().map(|s| s.slug.as_str()).collect();
    Ok(CheckSummary {
        heading: t.get("check-reply-heading"),
        pairs,
        path: format!("/check?s={}&lang={}", slugs.join("&s="), lang.code()),
    })
}
