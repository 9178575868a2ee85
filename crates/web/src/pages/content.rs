//! Public content pages: the knowledge base, substance profiles, the combination checker and
//! search. No JavaScript: the checker is a plain form. Every page says the content is
//! harm-reduction information, not medical advice, and names its sources.

use super::{Chrome, render};
use crate::error::PageError;
use crate::routes::Routes;
use crate::state::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use netreach_app::policy::Action;
use netreach_content::search::Kind;
use netreach_content::{Article, Source, Substance, check};
use netreach_core::Lang;
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new()
        .get("/kb", Action::ReadPublic, kb_index)
        .get("/kb/{slug}", Action::ReadPublic, kb_article)
        .get("/substances", Action::ReadPublic, substances_index)
        .get("/substances/{slug}", Action::ReadPublic, substance_page)
        .get("/check", Action::ReadPublic, checker)
        .get("/search", Action::ReadPublic, search_page)
}

struct ArticleLink {
    slug: String,
    title: String,
    summary: String,
}

struct TopicGroup {
    label: String,
    articles: Vec<ArticleLink>,
}

#[derive(Template)]
#[template(path = "content/kb_index.html")]
struct KbIndex<'a> {
    chrome: Chrome<'a>,
    groups: Vec<TopicGroup>,
}

async fn kb_index(State(state): State<AppState>, Extension(lang): Extension<Lang>) -> Response {
    let pack = state.content.pack();
    let chrome = Chrome::new(&state, lang, "kb-title", "/kb", None);
    let mut groups: Vec<TopicGroup> = Vec::new();
    for topic in netreach_core::Topic::ALL {
        let mut articles: Vec<ArticleLink> = pack
            .articles
            .iter()
            .filter(|a| a.lang == lang && a.topic == topic.as_str())
            .map(|a| ArticleLink {
                slug: a.slug.clone(),
                title: a.title.clone(),
                summary: a.summary.clone(),
            })
            .collect();
        articles.sort_by(|a, b| a.title.cmp(&b.title));
        if !articles.is_empty() {
            groups.push(TopicGroup {
                label: chrome.t.get(&format!("topic-{}", topic.as_str())),
                articles,
            });
        }
    }
    render(&KbIndex { chrome, groups })
}

struct SourceView {
    id: String,
    text: String,
    link: Option<String>,
}

fn sources(list: &[Source]) -> Vec<SourceView> {
    list.iter()
        .map(|s| SourceView {
            id: s.id.clone(),
            text: format!("{}. {}, {}.", s.title, s.publisher, s.year),
            link: s.link(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "content/article.html")]
struct ArticlePage<'a> {
    chrome: Chrome<'a>,
    /// Rendered when the pack loaded.
    body: &'a str,
    sources: Vec<SourceView>,
    other: Option<String>,
    /// When it was reviewed for the organisation; `None`: it awaits that review.
    reviewed_on: Option<String>,
}

/// When a pack file was reviewed: the date its file records, else the console review that
/// published its current text.
fn reviewed_on(state: &AppState, recorded: &str, path: &str) -> Option<String> {
    let recorded = recorded.trim();
    if recorded.is_empty() {
        state.content.reviewed_on(path)
    } else {
        Some(recorded.to_owned())
    }
}

fn find_article<'p>(
    pack: &'p netreach_content::Pack,
    slug: &str,
    lang: Lang,
) -> Option<&'p Article> {
    pack.article(slug, lang)
        .or_else(|| pack.article(slug, lang.other()))
}

/// The whole page is made once per pack, language and slug (`Published::page`): it depends on
/// nothing else, and rendering it on every request was most of what was left of its cost.
async fn kb_article(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let page = state
        .content
        .page(&format!("/kb/{slug}?lang={}", lang.code()), |pack, html| {
            let article = find_article(pack, &slug, lang).ok_or(PageError::NotFound)?;
            let mut chrome = Chrome::new(&state, lang, "kb-title", &format!("/kb/{slug}"), None);
            chrome.title = article.title.clone();
            let other = pack
                .translation(article)
                .map(|t| format!("/kb/{}?lang={}", t.slug, t.lang.code()));
            let body = html.article(article);
            page_text(&ArticlePage {
                chrome,
                body: &body,
                sources: sources(&article.sources),
                other,
                reviewed_on: reviewed_on(
                    &state,
                    &article.reviewed_at,
                    &format!("kb/{}.{}.md", article.slug, article.lang.code()),
                ),
            })
        })?;
    Ok(Html(page.to_string()).into_response())
}

/// A template's text, for a page that is kept (`Published::page`).
fn page_text(template: &impl Template) -> Result<String, PageError> {
    template
        .render()
        .map_err(|e| PageError::Internal(format!("template: {e}")))
}

struct SubstanceLink {
    slug: String,
    name: String,
    class: String,
}

#[derive(Template)]
#[template(path = "content/substances.html")]
struct SubstancesIndex<'a> {
    chrome: Chrome<'a>,
    substances: Vec<SubstanceLink>,
}

fn class_label(chrome: &Chrome<'_>, class: &str) -> String {
    chrome.t.get(&format!("class-{}", class.replace('_', "-")))
}

async fn substances_index(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
) -> Response {
    let pack = state.content.pack();
    let chrome = Chrome::new(&state, lang, "substances-title", "/substances", None);
    let mut substances: Vec<SubstanceLink> = pack
        .substances
        .iter()
        .map(|s| SubstanceLink {
            slug: s.slug.clone(),
            name: s.name(lang).to_owned(),
            class: class_label(&chrome, &s.class),
        })
        .collect();
    substances.sort_by_key(|s| s.name.to_lowercase());
    render(&SubstancesIndex { chrome, substances })
}

#[derive(Template)]
#[template(path = "content/substance.html")]
struct SubstancePage<'a> {
    chrome: Chrome<'a>,
    slug: String,
    name: String,
    class: String,
    street_names: String,
    routes: String,
    onset: Option<String>,
    duration: Option<String>,
    /// Summary, effects, risks and advice: HTML rendered when the pack loaded.
    summary: &'a str,
    effects: &'a str,
    risks: &'a str,
    advice: &'a str,
    sources: Vec<SourceView>,
    reviewed_on: Option<String>,
}

/// Kept like an article page (`Published::page`).
async fn substance_page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let key = format!("/substances/{slug}?lang={}", lang.code());
    let page = state.content.page(&key, |pack, html| {
        let s: &Substance = pack.substance(&slug).ok_or(PageError::NotFound)?;
        let texts = html.substance(&s.slug, lang).ok_or(PageError::NotFound)?;
        let mut chrome = Chrome::new(
            &state,
            lang,
            "substances-title",
            &format!("/substances/{slug}"),
            None,
        );
        chrome.title = s.name(lang).to_owned();
        let timed = |t: &netreach_content::Timed| match lang {
            Lang::En => format!("{} [{}]", t.en, t.source),
            Lang::Ru => format!("{} [{}]", t.ru, t.source),
        };
        let timing = s.timing.clone().unwrap_or_default();
        page_text(&SubstancePage {
            class: class_label(&chrome, &s.class),
            slug: s.slug.clone(),
            name: s.name(lang).to_owned(),
            street_names: s.street_names(lang).join(", "),
            routes: s.routes.list.join(", "),
            onset: timing.onset.as_ref().map(timed),
            duration: timing.duration.as_ref().map(timed),
            summary: &texts.summary,
            effects: &texts.effects,
            risks: &texts.risks,
            advice: &texts.advice,
            sources: sources(&s.sources),
            reviewed_on: reviewed_on(
                &state,
                &s.reviewed_at,
                &format!("substances/{}.toml", s.slug),
            ),
            chrome,
        })
    })?;
    Ok(Html(page.to_string()).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CheckQuery {
    /// Chosen substance slugs (`s=heroin&s=alcohol`).
    #[serde(default)]
    s: Vec<String>,
    /// Narrows the list of substances to choose from, in either language.
    #[serde(default)]
    q: String,
}

struct Choice {
    slug: String,
    name: String,
    checked: bool,
}

struct PairView {
    a: String,
    b: String,
    category: &'static str,
    label: String,
    note: String,
    sources: Vec<SourceView>,
}

/// A word typed into the checker that named no substance, and what it may have meant.
struct UnknownView {
    message: String,
    /// (name, link to the checker with it chosen)
    suggestion: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "content/check.html")]
struct CheckPage<'a> {
    chrome: Chrome<'a>,
    choices: Vec<Choice>,
    q: String,
    pairs: Vec<PairView>,
    error: Option<String>,
    unknown: Vec<UnknownView>,
}

/// What the form sent: `s` (chosen, slugs or any name) and `q` (typed names, comma-separated,
/// read through the alias table search uses; a word that is part of a name narrows the list).
async fn checker(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    axum_extra_query: axum::extract::RawQuery,
) -> Response {
    let pack = state.content.pack();
    let query: CheckQuery = axum_extra_query
        .0
        .as_deref()
        .map(parse_check_query)
        .unwrap_or_default();
    let chrome = Chrome::new(&state, lang, "check-title", "/check", None);
    let typed = crate::published::understand(&state, &format!("{},{}", query.s.join(","), query.q));
    let chosen_slugs = typed.found;
    // A word that is no name but part of some (a few letters typed) narrows the list instead.
    let mut narrowed: Vec<&str> = Vec::new();
    let mut unknown = Vec::new();
    for (word, suggestion) in typed.unknown {
        let needle = netreach_content::aliases::fold(&word);
        let partial: Vec<&str> = pack
            .substances
            .iter()
            .filter(|s| {
                needle.chars().count() >= 3
                    && state
                        .content
                        .index()
                        .aliases()
                        .of_substance(&s.slug)
                        .any(|alias| alias.contains(&needle))
            })
            .map(|s| s.slug.as_str())
            .collect();
        if partial.is_empty() {
            let mut with: Vec<String> = chosen_slugs.clone();
            let suggestion = suggestion
                .as_deref()
                .and_then(|slug| pack.substance(slug))
                .map(|s| {
                    if !with.contains(&s.slug) {
                        with.push(s.slug.clone());
                    }
                    let query: String = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(with.iter().map(|slug| ("s", slug.as_str())))
                        .append_pair("lang", lang.code())
                        .finish();
                    (s.name(lang).to_owned(), format!("/check?{query}"))
                });
            unknown.push(UnknownView {
                message: chrome.t.with("check-unknown", "word", &word),
                suggestion,
            });
        } else {
            narrowed.extend(partial);
        }
    }
    let listing_all = query.q.trim().is_empty() && narrowed.is_empty();
    let mut choices: Vec<Choice> = pack
        .substances
        .iter()
        .filter(|s| {
            listing_all || chosen_slugs.contains(&s.slug) || narrowed.contains(&s.slug.as_str())
        })
        .map(|s| Choice {
            slug: s.slug.clone(),
            name: s.name(lang).to_owned(),
            checked: chosen_slugs.contains(&s.slug),
        })
        .collect();
    choices.sort_by_key(|c| c.name.to_lowercase());
    let chosen: Vec<&Substance> = chosen_slugs
        .iter()
        .filter_map(|slug| pack.substance(slug))
        .collect();
    let error = match chosen.len() {
        0 => None,
        1 if unknown.is_empty() && narrowed.is_empty() => Some(chrome.t.get("check-error-too-few")),
        n if n > 6 => Some(chrome.t.get("check-error-too-many")),
        _ => None,
    };
    let pairs = if error.is_none() && chosen.len() >= 2 {
        check(&pack, &chosen)
            .into_iter()
            .map(|p| PairView {
                a: p.a.name(lang).to_owned(),
                b: p.b.name(lang).to_owned(),
                category: p.category.as_str(),
                label: chrome.t.get(&format!(
                    "category-{}",
                    p.category.as_str().replace('_', "-")
                )),
                note: p
                    .note(lang)
                    .map(|n| state.content.fill().text(n, lang))
                    .unwrap_or_else(|| chrome.t.get("check-no-rule")),
                sources: p.rule.map(|r| sources(&r.sources)).unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&CheckPage {
        chrome,
        choices,
        q: query.q,
        pairs,
        error,
        unknown,
    })
}

/// `s` repeats, which a plain struct query extractor does not collect.
fn parse_check_query(raw: &str) -> CheckQuery {
    let mut query = CheckQuery::default();
    for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
        match k.as_ref() {
            "s" if query.s.len() < 20 && !query.s.contains(&v.to_string()) => {
                query.s.push(v.into_owned())
            }
            "q" => query.q = v.chars().take(100).collect(),
            _ => {}
        }
    }
    query
}

pub fn parse_slugs(raw: Option<&str>) -> Vec<String> {
    raw.map(parse_check_query).unwrap_or_default().s
}

struct HitView {
    url: String,
    title: String,
    kind_label: String,
    lang: &'static str,
}

#[derive(Template)]
#[template(path = "content/search.html")]
struct SearchPage<'a> {
    chrome: Chrome<'a>,
    q: String,
    hits: Vec<HitView>,
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search_page(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Query(query): Query<SearchQuery>,
) -> Response {
    let chrome = Chrome::new(&state, lang, "search-title", "/search", None);
    let q: String = query.q.chars().take(100).collect();
    let hits = state
        .content
        .index()
        .search(&q, lang, 20)
        .into_iter()
        .map(|h| HitView {
            url: hit_url(&h),
            kind_label: chrome.t.get(match h.kind {
                Kind::Article => "search-kind-article",
                Kind::Substance => "search-kind-substance",
                Kind::Qa => "search-kind-qa",
            }),
            title: h.title,
            lang: h.lang.code(),
        })
        .collect();
    render(&SearchPage { chrome, q, hits })
}

/// Where a search hit lives on the public site.
pub fn hit_url(hit: &netreach_content::search::Hit) -> String {
    hit.path()
}
