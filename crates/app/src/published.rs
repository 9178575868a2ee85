//! The content the public site shows: the pack imported into the database, or the bundled pack
//! until one is imported. Each node keeps a parsed copy and reloads it when the version in the
//! database changes (the database stays the source of truth).

use crate::state::AppState;
use netreach_content::index::SearchIndex;
use netreach_content::render::Rendered;
use netreach_content::search::ExtraDoc;
use netreach_content::placeholders::{Fill, Local, Sentence};
use netreach_content::{Pack, PackError, bundled_files, read_files, write_files};
use netreach_store::StoreError;
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
}

fn current(
    version: i64,
    pack: Arc<Pack>,
    html: Arc<Rendered>,
    qa: Arc<Vec<ExtraDoc>>,
    qa_stamp: i64,
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
    })
}

impl Published {
    pub fn new(pack: Pack, fill: Fill) -> Result<Published, ContentError> {
        let html = Arc::new(Rendered::of(&pack, &fill));
        Ok(Published {
            inner: RwLock::new(current(0, Arc::new(pack), html, Arc::default(), 0)?),
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

    fn set(&self, version: i64, pack: Pack) -> Result<(), ContentError> {
        let now = self.get();
        let html = Arc::new(Rendered::of(&pack, &self.fill));
        self.replace(current(
            version,
            Arc::new(pack),
            html,
            now.qa,
            now.qa_stamp,
        )?);
        Ok(())
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
    let (pack, html) = if pack_changed {
        let files = state.store.content_files().await?;
        let pack = Pack::from_files(files).map_err(ContentError::Invalid)?;
        let html = Rendered::of(&pack, &state.content.fill);
        (Arc::new(pack), Arc::new(html))
    } else {
        (now.pack, now.html)
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
    state
        .content
        .replace(current(version.max(now.version), pack, html, qa, qa_stamp)?);
    tracing::info!(version, qa_stamp, "published content reloaded");
    Ok(true)
}

/// [`refresh`] where a failure is only logged: after a change made on this node, and in the
/// serve loop. The pack in use stays as it was.
pub async fn refresh_logged(state: &AppState) {
    if let Err(e) = refresh(state).await {
        tracing::error!(error = %e, "reloading the published content failed");
    }
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub files: usize,
    pub substances: usize,
    pub rules: usize,
    pub articles: usize,
    pub version: i64,
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
    let pack = Pack::from_files(files.clone()).map_err(ContentError::Invalid)?;
    let report = ImportReport {
        files: files.len(),
        substances: pack.substances.len(),
        rules: pack.class_rules.len() + pack.pair_rules.len(),
        articles: pack.articles.len(),
        version: 0,
    };
    let version = state
        .store
        .replace_content(files, state.clock.now())
        .await?;
    state.content.set(version, pack)?;
    Ok(ImportReport { version, ..report })
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

/// Checks the substances named (slugs or names in either language, comma-separated; at most
/// six); `None` when fewer than two are recognised.
pub fn check_summary(
    state: &AppState,
    wanted: &str,
    lang: netreach_core::Lang,
) -> Option<CheckSummary> {
    let pack = state.content.pack();
    let t = netreach_i18n::Tr::new(&state.i18n, lang);
    let chosen: Vec<&netreach_content::Substance> = wanted
        .split(',')
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            pack.substances.iter().find(|s| {
                s.slug == w
                    || netreach_core::Lang::ALL
                        .iter()
                        .any(|l| s.name(*l).to_lowercase() == w)
            })
        })
        .take(6)
        .collect();
    if chosen.len() < 2 {
        return None;
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
    Some(CheckSummary {
        heading: t.get("check-reply-heading"),
        pairs,
        path: format!("/check?s={}&lang={}", slugs.join("&s="), lang.code()),
    })
}
