//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything an author (or an
//! attacker who got into the content) could use to run script or load from elsewhere.

use crate::placeholders::Fill;
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

/// The Markdown of a pack, rendered and sanitised once when the pack loads, with its
/// placeholders filled ([`crate::placeholders`]): parsing and sanitising were most of the time a
/// public page took (BENCHMARKS.md), and the text only changes with the pack (or the settings,
/// which need a restart).
#[derive(Debug)]
pub struct Rendered {
    fill: Fill,
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

/// Markdown rendered, sanitised and its placeholders filled for `lang`.
pub fn filled(source: &str, fill: &Fill, lang: Lang) -> String {
    fill.html(&markdown(source), lang)
}

fn texts(source: &Texts, fill: &Fill, lang: Lang) -> Texts {
    Texts {
        summary: filled(&source.summary, fill, lang),
        effects: filled(&source.effects, fill, lang),
        risks: filled(&source.risks, fill, lang),
        advice: filled(&source.advice, fill, lang),
    }
}

impl Rendered {
    /// Renders every article body and every substance text of the pack.
    pub fn of(pack: &Pack, fill: &Fill) -> Rendered {
        let mut articles: HashMap<String, [Option<String>; 2]> = HashMap::new();
        for a in &pack.articles {
            articles.entry(a.slug.clone()).or_default()[slot(a.lang)] =
                Some(filled(&a.body, fill, a.lang));
        }
        let substances = pack
            .substances
            .iter()
            .map(|s| {
                (
                    s.slug.clone(),
                    [texts(&s.en, fill, Lang::En), texts(&s.ru, fill, Lang::Ru)],
                )
            })
            .collect();
        Rendered {
            fill: fill.clone(),
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
            None => std::borrow::Cow::Owned(filled(&article.body, &self.fill, article.lang)),
        }
    }

    /// What the placeholders are filled with, for the pack's plain texts (combination notes).
    pub fn fill(&self) -> &Fill {
        &self.fill
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
        let fill = crate::placeholders::tests::fill();
        let rendered = Rendered::of(&pack, &fill);
        for a in &pack.articles {
            let html = rendered.article(a);
            assert_eq!(html, fill.html(&markdown(&a.body), a.lang), "{}", a.slug);
            assert!(!html.contains("{{"), "{}: a placeholder left", a.slug);
        }
        for s in &pack.substances {
            for lang in Lang::ALL {
                let html = rendered.substance(&s.slug, lang).unwrap();
                let want = |t: &str| fill.html(&markdown(t), lang);
                assert_eq!(html.risks, want(&s.texts(lang).risks), "{}", s.slug);
                assert_eq!(html.advice, want(&s.texts(lang).advice), "{}", s.slug);
                assert!(!html.advice.contains("{{"), "{}", s.slug);
            }
        }
        let overdose = pack.article("overdose-response", Lang::Ru).unwrap();
        assert!(
            overdose.body.contains("{{emergency_number}}")
                && rendered.article(overdose).contains("112"),
            "the Russian first aid names the configured number"
        );
        assert!(rendered.substance("no-such-substance", Lang::En).is_none());
    }

    mod properties {
        use super::super::markdown;
        use proptest::prelude::*;

        /// Pieces an author, or someone who broke into the content, might combine.
        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Zа-яА-Я0-9 .,!?]{0,20}",
                Just("<script>alert(1)</script>".to_owned()),
                Just("<img src=x onerror=alert(1)>".to_owned()),
                Just("[click](javascript:alert(1))".to_owned()),
                Just("[ok](https://example.org/a?b=<c>)".to_owned()),
                Just("<a href=\"javascript:alert(1)\">x</a>".to_owned()),
                Just("<iframe src=//evil.example></iframe>".to_owned()),
                Just("![pic](https://evil.example/track.png)".to_owned()),
                Just("<style>body{}</style>".to_owned()),
                Just("**bold** _it_ `code`".to_owned()),
                Just("\n\n- item\n".to_owned()),
                Just("<".to_owned()),
                Just("\"".to_owned()),
            ]
        }

        proptest! {
            #[test]
            fn rendered_markdown_never_carries_script_frames_images_or_script_links(
                pieces in proptest::collection::vec(piece(), 0..12)
            ) {
                let html = markdown(&pieces.concat());
                // Text nodes have `<` escaped, so every `<` left starts a tag: look inside tags.
                for tag in html.split('<').skip(1) {
                    let tag = tag.split('>').next().unwrap_or("").to_lowercase();
                    for banned in ["script", "iframe", "img", "style"] {
                        prop_assert!(!tag.starts_with(banned), "<{tag}> in {html}");
                    }
                    prop_assert!(!tag.contains("href=\"javascript:"), "<{tag}> in {html}");
                    prop_assert!(!tag.contains(" onerror"), "<{tag}> in {html}");
                }
            }
        }
    }
}
