//! Search over articles and substances in both languages: names, street names, titles,
//! summaries and tags; words match by prefix or with one typo (for words of four letters or
//! more). Results in the visitor's language come first.

use crate::Pack;
use netreach_core::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Article,
    Substance,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub lang: Lang,
    pub score: u32,
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('ё', "е")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Levenshtein distance, stopping early above 1.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        if cur.iter().min().copied().unwrap_or(0) > 1 {
            return false;
        }
        prev = cur;
    }
    prev[b.len()] <= 1
}

fn score(query: &[String], title: &[String], body: &[String]) -> u32 {
    let mut total = 0;
    for q in query {
        let matches = |w: &String| {
            w.starts_with(q.as_str()) || (q.chars().count() >= 4 && within_one_edit(q, w))
        };
        if title.iter().any(matches) {
            total += 3;
        } else if body.iter().any(matches) {
            total += 1;
        } else {
            return 0;
        }
    }
    total
}

/// Finds up to `limit` articles and substances for a query, the visitor's language first.
pub fn search(pack: &Pack, query: &str, lang: Lang, limit: usize) -> Vec<Hit> {
    let query = words(query);
    if query.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for a in &pack.articles {
        let title = words(&a.title);
        let body = words(&format!("{} {} {}", a.summary, a.tags.join(" "), a.topic));
        let s = score(&query, &title, &body);
        if s > 0 {
            hits.push(Hit {
                kind: Kind::Article,
                slug: a.slug.clone(),
                title: a.title.clone(),
                lang: a.lang,
                score: s,
            });
        }
    }
    for s in &pack.substances {
        for l in Lang::ALL {
            let title = words(&format!(
                "{} {} {}",
                s.name(l),
                s.street_names(l).join(" "),
                s.slug
            ));
            let body = words(&s.texts(l).summary);
            let sc = score(&query, &title, &body);
            if sc > 0 {
                hits.push(Hit {
                    kind: Kind::Substance,
                    slug: s.slug.clone(),
                    title: s.name(l).to_owned(),
                    lang: l,
                    score: sc,
                });
            }
        }
    }
    hits.sort_by_key(|h| (h.lang != lang, std::cmp::Reverse(h.score), h.title.clone()));
    // One entry per substance or article slug and language.
    hits.dedup_by(|a, b| a.kind == b.kind && a.slug == b.slug && a.lang == b.lang);
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_name_typo_and_language() {
        let pack = Pack::bundled().unwrap_or_else(|e| panic!("{e:?}"));
        let hits = search(&pack, "naloxone", Lang::En, 10);
        assert!(
            hits.iter()
                .any(|h| h.kind == Kind::Article && h.slug == "naloxone" && h.lang == Lang::En)
        );
        let typo = search(&pack, "naloxon", Lang::En, 10);
        assert!(!typo.is_empty());
        let one_edit = search(&pack, "haroin", Lang::En, 10);
        assert!(one_edit.iter().any(|h| h.slug == "heroin"), "{one_edit:?}");
        let ru = search(&pack, "героин", Lang::Ru, 10);
        assert_eq!(
            ru.first().map(|h| (h.slug.as_str(), h.lang)),
            Some(("heroin", Lang::Ru))
        );
        assert!(search(&pack, "", Lang::En, 10).is_empty());
        assert!(within_one_edit("heroin", "haroin") && !within_one_edit("heroin", "harain"));
    }
}

/// Suggestions for a client's question, computed in memory only: up to `limit` articles and
/// substances in the client's language that share the most meaningful words with it. The
/// question is never indexed, stored or logged.
pub fn suggest(pack: &Pack, question: &str, lang: Lang, limit: usize) -> Vec<Hit> {
    let query: Vec<String> = words(question)
        .into_iter()
        .filter(|w| w.chars().count() >= 4)
        .collect();
    if query.is_empty() {
        return Vec::new();
    }
    let count = |title: &[String], body: &[String]| -> u32 {
        query
            .iter()
            .map(|q| {
                let hit = |w: &String| {
                    w.starts_with(q.as_str()) || (q.chars().count() >= 5 && within_one_edit(q, w))
                };
                if title.iter().any(hit) {
                    3
                } else if body.iter().any(hit) {
                    1
                } else {
                    0
                }
            })
            .sum()
    };
    let mut hits = Vec::new();
    for a in pack.articles.iter().filter(|a| a.lang == lang) {
        let score = count(
            &words(&a.title),
            &words(&format!("{} {}", a.summary, a.tags.join(" "))),
        );
        if score >= 3 {
            hits.push(Hit {
                kind: Kind::Article,
                slug: a.slug.clone(),
                title: a.title.clone(),
                lang,
                score,
            });
        }
    }
    for s in &pack.substances {
        let names = words(&format!(
            "{} {} {}",
            s.name(lang),
            s.street_names(lang).join(" "),
            s.slug
        ));
        let score = count(&names, &[]);
        if score >= 3 {
            hits.push(Hit {
                kind: Kind::Substance,
                slug: s.slug.clone(),
                title: s.name(lang).to_owned(),
                lang,
                score,
            });
        }
    }
    hits.sort_by_key(|h| (std::cmp::Reverse(h.score), h.title.clone()));
    hits.truncate(limit);
    hits
}

#[cfg(test)]
mod suggest_tests {
    use super::*;

    #[test]
    fn suggestions_match_the_question_in_its_language() {
        let pack = Pack::bundled().unwrap_or_else(|e| panic!("{e:?}"));
        let en = suggest(
            &pack,
            "My friend took heroin and now he is not breathing well, do we need naloxone?",
            Lang::En,
            3,
        );
        assert!(!en.is_empty() && en.len() <= 3);
        assert!(en.iter().all(|h| h.lang == Lang::En));
        assert!(
            en.iter()
                .any(|h| h.slug == "heroin" || h.slug == "naloxone"),
            "{en:?}"
        );
        let ru = suggest(
            &pack,
            "Можно ли смешивать мефедрон и алкоголь?",
            Lang::Ru,
            3,
        );
        assert!(
            ru.iter()
                .any(|h| h.slug == "mephedrone" || h.slug == "alcohol"),
            "{ru:?}"
        );
        assert!(suggest(&pack, "hi", Lang::En, 3).is_empty());
    }
}
