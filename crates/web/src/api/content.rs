//! Content over the JSON API: the combination checker and search.

use super::ErrorBody;
use crate::error::ApiError;
use crate::pages::content::{hit_url, parse_slugs};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use netreach_content::search::Kind;
use netreach_content::{Substance, check as check_pairs};
use netreach_core::Lang;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceRef {
    title: String,
    publisher: String,
    year: u16,
    url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pair {
    a: String,
    b: String,
    /// dangerous, unsafe, caution, low_risk_synergy, low_risk_no_synergy, low_risk_decrease or
    /// unknown (a pair without a rule is unknown, never safe).
    category: String,
    /// The explanation in the language asked for; null when no rule exists.
    note: Option<String>,
    sources: Vec<SourceRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckResult {
    /// Most dangerous first.
    pairs: Vec<Pair>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CheckParams {
    /// A substance slug; repeat for each (2 to 6), e.g. `s=heroin&s=alcohol`.
    #[allow(dead_code)]
    s: Option<Vec<String>>,
    /// `en` or `ru`; default from Accept-Language.
    #[allow(dead_code)]
    lang: Option<String>,
}

fn lang_of(raw: Option<&str>, fallback: Lang) -> Lang {
    raw.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    })
    .unwrap_or(fallback)
}

/// Check what is known about every pair of 2–6 substances.
#[utoipa::path(get, path = "/api/v1/check", tag = "content", params(CheckParams),
    responses((status = 200, body = CheckResult), (status = 422, description = "Unknown substance, or fewer than 2 or more than 6", body = ErrorBody)))]
pub async fn check(
    State(state): State<AppState>,
    axum::Extension(ui_lang): axum::Extension<Lang>,
    RawQuery(raw): RawQuery,
) -> Result<Json<CheckResult>, ApiError> {
    let pack = state.content.pack();
    let index = state.content.index();
    let lang = lang_of(raw.as_deref(), ui_lang);
    let slugs = parse_slugs(raw.as_deref());
    let mut chosen: Vec<&Substance> = Vec::new();
    for slug in &slugs {
        // A slug, or any name the alias table knows (the one the public checker and search use).
        let substance = index
            .aliases()
            .find(slug)
            .and_then(|found| pack.substance(found))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unknown_substance",
                    "error-unknown-substance",
                )
            })?;
        if !chosen.iter().any(|c| c.slug == substance.slug) {
            chosen.push(substance);
        }
    }
    if !(2..=6).contains(&chosen.len()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "choose_2_to_6",
            "error-choose-2-to-6",
        ));
    }
    let pairs = check_pairs(&pack, &chosen)
        .into_iter()
        .map(|p| Pair {
            a: p.a.slug.clone(),
            b: p.b.slug.clone(),
            category: p.category.as_str().to_owned(),
            note: p.note(lang).map(|n| state.content.fill().text(n, lang)),
            sources: p
                .rule
                .map(|r| {
                    r.sources
                        .iter()
                        .map(|s| SourceRef {
                            title: s.title.clone(),
                            publisher: s.publisher.clone(),
                            year: s.year,
                            url: s.link(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok(Json(CheckResult { pairs }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Search words (EN or RU; street names and one typo are found).
    q: Option<String>,
    /// Results in this language come first; default from Accept-Language.
    lang: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// `article` or `substance`.
    kind: String,
    slug: String,
    title: String,
    url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    results: Vec<SearchHit>,
}

/// Search the knowledge base and substance profiles.
#[utoipa::path(get, path = "/api/v1/search", tag = "content", params(SearchParams),
    responses((status = 200, body = SearchResults)))]
pub async fn search(
    State(state): State<AppState>,
    axum::Extension(ui_lang): axum::Extension<Lang>,
    Query(params): Query<SearchParams>,
) -> Json<SearchResults> {
    let lang = params
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(ui_lang);
    let q: String = params.q.unwrap_or_default().chars().take(100).collect();
    let results = state
        .content
        .index()
        .search(&q, lang, 20)
        .into_iter()
        .map(|h| SearchHit {
            kind: match h.kind {
                Kind::Article => "article".into(),
                Kind::Substance => "substance".into(),
                Kind::Qa => "qa".into(),
            },
            url: hit_url(&h),
            slug: h.slug,
            title: h.title,
        })
        .collect();
    Json(SearchResults { results })
}
