//! Turning what a forum serves into posts: Atom and RSS feeds (parsed with `roxmltree`, which
//! refuses DTDs and so entity tricks), and HTML thread or board pages with CSS selectors (parsed
//! with `scraper`, as forgiving of broken markup as a browser). A saved page pasted or uploaded
//! by a worker goes through the same extraction.

use scraper::{ElementRef, Html, Selector};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

/// One post as the forum shows it. Nothing about its author beyond the handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumPost {
    /// What identifies the post within its source (the entry id, else the permalink, else a
    /// digest of its text), to see it only once.
    pub key: String,
    /// The permalink, or the page's address.
    pub url: String,
    pub handle: String,
    pub title: String,
    /// Plain text (markup removed).
    pub text: String,
    pub posted_at: Option<OffsetDateTime>,
}

/// Where the parts of a post are on an HTML page: CSS selectors, all but `post` relative to
/// each post element.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    /// One element per post (`article.post`, `div.message`).
    pub post: String,
    /// The author's handle within a post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// The post's text within a post; default: all its text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The post's time (a `datetime` attribute, else its text, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// A link to the post (its `href`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permalink: Option<String>,
}

/// Why a page or feed gave no posts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("not a well-formed feed: {0}")]
    Feed(String),
    #[error("neither an Atom nor an RSS feed")]
    NotAFeed,
    #[error("the CSS selector for {field} is not valid: {selector}")]
    Selector {
        field: &'static str,
        selector: String,
    },
}

/// Longest text kept of one post, in characters.
pub const MAX_POST_CHARS: usize = 20_000;

fn bounded(text: &str) -> String {
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match squeezed.char_indices().nth(MAX_POST_CHARS) {
        Some((cut, _)) => squeezed[..cut].to_owned(),
        None => squeezed,
    }
}

/// The text of an HTML fragment.
pub fn html_text(fragment: &str) -> String {
    let doc = Html::parse_fragment(fragment);
    bounded(&doc.root_element().text().collect::<Vec<_>>().join(" "))
}

fn digest(text: &str) -> String {
    // FNV-1a: only to tell posts apart within one source, not a security boundary.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("text:{h:016x}")
}

fn resolve(base: &str, href: &str) -> String {
    match reqwest::Url::parse(base).and_then(|b| b.join(href)) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url.to_string(),
        _ => base.to_owned(),
    }
}

fn parse_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Rfc2822))
        .ok()
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text_of(node: Option<roxmltree::Node<'_, '_>>) -> String {
    node.map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect::<String>()
    })
    .unwrap_or_default()
}

/// The posts of an Atom or RSS feed, in the feed's order. `base` resolves relative links.
pub fn feed(xml: &str, base: &str) -> Result<Vec<ForumPost>, ExtractError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| ExtractError::Feed(e.to_string()))?;
    let root = doc.root_element();
    let body = |node: Option<roxmltree::Node<'_, '_>>| -> String {
        let Some(node) = node else {
            return String::new();
        };
        let raw = text_of(Some(node));
        // Atom `type="text"` and XHTML content are text already; HTML and RSS descriptions
        // carry escaped markup.
        match node.attribute("type") {
            Some("text") => bounded(&raw),
            _ if raw.contains('<') => html_text(&raw),
            _ => bounded(&raw),
        }
    };
    let mut posts = Vec::new();
    match root.tag_name().name() {
        "feed" => {
            for entry in root
                .children()
                .filter(|c| c.is_element() && c.tag_name().name() == "entry")
            {
                let link = entry
                    .children()
                    .filter(|c| c.is_element() && c.tag_name().name() == "link")
                    .find(|l| matches!(l.attribute("rel"), None | Some("alternate")))
                    .and_then(|l| l.attribute("href"))
                    .map(|href| resolve(base, href))
                    .unwrap_or_else(|| base.to_owned());
                let handle = text_of(child(entry, "author").and_then(|a| child(a, "name")));
                let text = match child(entry, "content") {
                    Some(c) => body(Some(c)),
                    None => body(child(entry, "summary")),
                };
                let id = text_of(child(entry, "id"));
                let time = child(entry, "published").or_else(|| child(entry, "updated"));
                posts.push(ForumPost {
                    key: if id.trim().is_empty() {
                        link.clone()
                    } else {
                        id.trim().to_owned()
                    },
                    url: link,
                    handle: bounded(&handle),
                    title: bounded(&text_of(child(entry, "title"))),
                    text,
                    posted_at: parse_time(&text_of(time)),
                });
            }
        }
        "rss" | "RDF" => {
            let items = root
                .descendants()
                .filter(|c| c.is_element() && c.tag_name().name() == "item");
            for item in items {
                let link = text_of(child(item, "link"));
                let link = if link.trim().is_empty() {
                    base.to_owned()
                } else {
                    resolve(base, link.trim())
                };
                let guid = text_of(child(item, "guid"));
                let handle = child(item, "creator").or_else(|| child(item, "author"));
                let text = match child(item, "encoded") {
                    Some(c) => body(Some(c)),
                    None => body(child(item, "description")),
                };
                posts.push(ForumPost {
                    key: if guid.trim().is_empty() {
                        link.clone()
                    } else {
                        guid.trim().to_owned()
                    },
                    url: link,
                    handle: bounded(&text_of(handle)),
                    title: bounded(&text_of(child(item, "title"))),
                    text,
                    posted_at: parse_time(&text_of(child(item, "pubDate"))),
                });
            }
        }
        _ => return Err(ExtractError::NotAFeed),
    }
    Ok(posts)
}

fn selector(field: &'static str, css: &str) -> Result<Selector, ExtractError> {
    Selector::parse(css).map_err(|_| ExtractError::Selector {
        field,
        selector: css.to_owned(),
    })
}

fn optional(field: &'static str, css: &Option<String>) -> Result<Option<Selector>, ExtractError> {
    match css.as_deref().map(str::trim) {
        Some(css) if !css.is_empty() => selector(field, css).map(Some),
        _ => Ok(None),
    }
}

impl Selectors {
    /// Checks every selector parses.
    pub fn validate(&self) -> Result<(), ExtractError> {
        compile(self).map(|_| ())
    }
}

struct Compiled {
    post: Selector,
    handle: Option<Selector>,
    text: Option<Selector>,
    time: Option<Selector>,
    permalink: Option<Selector>,
}

fn compile(s: &Selectors) -> Result<Compiled, ExtractError> {
    Ok(Compiled {
        post: selector("post", s.post.trim())?,
        handle: optional("handle", &s.handle)?,
        text: optional("text", &s.text)?,
        time: optional("time", &s.time)?,
        permalink: optional("permalink", &s.permalink)?,
    })
}

fn element_text(e: ElementRef<'_>) -> String {
    bounded(&e.text().collect::<Vec<_>>().join(" "))
}

/// The posts of an HTML page by its selectors, in page order. `base` is the page's address.
pub fn html(page: &str, base: &str, selectors: &Selectors) -> Result<Vec<ForumPost>, ExtractError> {
    let c = compile(selectors)?;
    let doc = Html::parse_document(page);
    let mut posts = Vec::new();
    for post in doc.select(&c.post) {
        let first = |s: &Option<Selector>| s.as_ref().and_then(|s| post.select(s).next());
        let text = match first(&c.text) {
            Some(e) => element_text(e),
            None => element_text(post),
        };
        if text.is_empty() {
            continue;
        }
        let permalink = first(&c.permalink)
            .and_then(|a| a.value().attr("href"))
            .map(|href| resolve(base, href));
        let posted_at = first(&c.time).and_then(|t| {
            t.value()
                .attr("datetime")
                .and_then(parse_time)
                .or_else(|| parse_time(&element_text(t)))
        });
        posts.push(ForumPost {
            key: permalink.clone().unwrap_or_else(|| digest(&text)),
            url: permalink.unwrap_or_else(|| base.to_owned()),
            handle: first(&c.handle).map(element_text).unwrap_or_default(),
            title: String::new(),
            text,
            posted_at,
        });
    }
    Ok(posts)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Board</title><id>urn:board</id>
  <entry><title>Bad batch?</title><id>urn:post:1</id><updated>2026-12-01T09:00:00Z</updated>
    <link href="/thread/1#p1"/><author><name>walrus77</name></author>
    <content type="html">&lt;p&gt;Be &lt;b&gt;careful&lt;/b&gt;&lt;/p&gt;</content></entry>
  <entry><title>Q</title><id>urn:post:2</id><link rel="alternate" href="http://x.onion/t/2"/>
    <summary type="text">Plain &lt;not a tag&gt;</summary></entry>
</feed>"#;

    #[test]
    fn atom_entries_become_posts() {
        let posts = feed(ATOM, "http://127.0.0.1:8000/feed.xml").unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].key, "urn:post:1");
        assert_eq!(posts[0].url, "http://127.0.0.1:8000/thread/1#p1");
        assert_eq!(posts[0].handle, "walrus77");
        assert_eq!(posts[0].text, "Be careful");
        assert!(posts[0].posted_at.is_some());
        assert_eq!(posts[1].text, "Plain <not a tag>");
        assert_eq!(posts[1].handle, "");
    }

    #[test]
    fn rss_items_become_posts() {
        let rss = r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
          <item><title>T</title><link>https://f.example/t/9</link><dc:creator>sova</dc:creator>
          <description>&lt;p&gt;передозировка&lt;/p&gt;</description>
          <pubDate>Tue, 01 Dec 2026 09:00:00 +0000</pubDate></item></channel></rss>"#;
        let posts = feed(rss, "https://f.example/rss").unwrap();
        assert_eq!(posts[0].handle, "sova");
        assert_eq!(posts[0].text, "передозировка");
        assert_eq!(posts[0].key, "https://f.example/t/9");
        assert!(posts[0].posted_at.is_some());
    }

    #[test]
    fn entity_declarations_and_garbage_are_refused() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><rss><channel><item><description>&lol;</description></item></channel></rss>"#;
        assert!(feed(bomb, "http://x/").is_err());
        assert!(feed("<html><body>hi</body></html>", "http://x/").is_err());
        assert!(feed("not xml at all", "http://x/").is_err());
    }

    #[test]
    fn html_posts_come_out_by_selectors_even_from_broken_markup() {
        let page = r#"<html><body><div class="post"><span class="who">walrus77</span>
          <a class="perma" href="/t/1#p5">#5</a><time datetime="2026-12-01T09:00:00Z">yesterday</time>
          <div class="body">bad batch <b>around</b><p>unclosed
          </div></div><div class="post"><span class="who">sova</span><div class="body">ok"#;
        let sel = Selectors {
            post: "div.post".into(),
            handle: Some(".who".into()),
            text: Some(".body".into()),
            time: Some("time".into()),
            permalink: Some("a.perma".into()),
        };
        let posts = html(page, "http://127.0.0.1/t/1", &sel).unwrap();
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[0].handle, "walrus77");
        assert_eq!(posts[0].text, "bad batch around unclosed");
        assert_eq!(posts[0].url, "http://127.0.0.1/t/1#p5");
        assert!(posts[0].posted_at.is_some());
        assert_eq!(posts[1].handle, "sova");
        assert!(posts[1].key.starts_with("text:"));
    }

    #[test]
    fn a_bad_selector_is_named() {
        let sel = Selectors {
            post: "div..post".into(),
            ..Selectors::default()
        };
        assert!(matches!(
            sel.validate(),
            Err(ExtractError::Selector { field: "post", .. })
        ));
    }

    #[test]
    fn script_links_are_not_permalinks() {
        let page = r#"<div class="p"><a href="javascript:alert(1)">x</a>text</div>"#;
        let sel = Selectors {
            post: ".p".into(),
            permalink: Some("a".into()),
            ..Selectors::default()
        };
        let posts = html(page, "http://f/t", &sel).unwrap();
        assert_eq!(posts[0].url, "http://f/t");
    }
}
