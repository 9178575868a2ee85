//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything an author (or an
//! attacker who got into the content) could use to run script or load from elsewhere.

use crate::{Article, Pack, Texts};
use netreach_core::Lang;
use pulldown_cmark::{Options, Parser, html};
use std::collections::HashMap;

/// Renders Markdown and sanitises the result. Raw HTML in the source never survives unsanitised;
/// links get `rel="noopener noreferrer"`; images are dropped (no external requests).
pub fn markdown(source: &str) -> String {
    let mut raw = String::new();
    html::push_html(
        &mut raw,
        Parser::new_ext(
            source,
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
        ),
    );
    ammonia::Builder::default()
        .rm_tags(&["img"])
        .link_rel(Some("noopener noreferrer"))
        .clean(&raw)
        .to_string()
}

/// The Markdown of a pack, rendered and sanitised once when the pack loads: parsing and
/// sanitising were most of the time a public page took (BENCHMARKS.md), and the text only
/// changes with the pack.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Article bodies by slug, one slot per language.
    articles: HashMap<String, [Option<String>; 2]>,
    /// Substance texts by slug, one slot per language.
    substances: HashMap<String, [Texts; 2]>,
}

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Ru => 1,
    }
}

fn texts(source: &Texts) -> Texts {
    Texts {
        summary: markdown(&source.summary),
        effects: markdown(&source.effects),
        risks: markdown(&source.risks),
        advice: markdown(&source.advice),
    }
}

impl Rendered {
    /// Renders every article body and every substance text of the pack.
    pub fn of(pack: &Pack) -> Rendered {
        let mut articles: HashMap<String, [Option<String>; 2]> = HashMap::new();
        for a in &pack.articles {
            articles.entry(a.slug.clone()).or_default()[slot(a.lang)] = Some(markdown(&a.body));
        }
        let substances = pack
            .substances
            .iter()
            .map(|s| (s.slug.clone(), [texts(&s.en), texts(&s.ru)]))
            .collect();
        Rendered {
            articles,
            substances,
        }
    }

    /// The article's body as HTML; an article from another pack than this one's is rendered
    /// now.
    pub fn article<'a>(&'a self, article: &Article) -> std::borrow::Cow<'a, str> {
        match self
            .articles
            .get(&article.slug)
            .and_then(|langs| langs[slot(article.lang)].as_deref())
        {
            Some(html) => std::borrow::Cow::Borrowed(html),
            None => std::borrow::Cow::Owned(markdown(&article.body)),
        }
    }

    /// A substance's summary, effects, risks and advice as HTML, in one language.
    pub fn substance(&self, slug: &str, lang: Lang) -> Option<&Texts> {
        self.substances.get(slug).map(|langs| &langs[slot(lang)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markdown_is_neutralised() {
        let out = markdown(
            "# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![i](http://tracker.example/p.png) <a href=\"https://ok.example\" onclick=\"x()\">ok</a>",
        );
        assert!(out.contains("<h1>Hi</h1>"));
        assert!(
            !out.contains("<script") && !out.contains("javascript:") && !out.contains("onclick")
        );
        assert!(!out.contains("<img") && !out.contains("tracker.example"));
        assert!(out.contains("rel=\"noopener noreferrer\""));
    }

    #[test]
    fn the_rendered_pack_is_what_rendering_each_text_gives() {
        let pack = Pack::bundled().unwrap_or_else(|e| panic!("{e:?}"));
        let rendered = Rendered::of(&pack);
        for a in &pack.articles {
            assert_eq!(rendered.article(a), markdown(&a.body), "{}", a.slug);
        }
        for s in &pack.substances {
            for lang in Lang::ALL {
                let html = rendered.substance(&s.slug, lang).unwrap();
                assert_eq!(html.risks, markdown(&s.texts(lang).risks), "{}", s.slug);
                assert_eq!(html.advice, markdown(&s.texts(lang).advice), "{}", s.slug);
            }
        }
        assert!(rendered.substance("no-such-substance", Lang::En).is_none());
    }
}
