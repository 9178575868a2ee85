use super::*;
use proptest::prelude::*;

const MARKUPS: [Markup; 4] = [
    Markup::Bbcode,
    Markup::Markdown,
    Markup::TelegramHtml,
    Markup::Plain,
];

/// Characters and pieces that mean something to pulldown-cmark or to one of the target
/// markups, so that random concatenations hit the escaping paths far more often than
/// arbitrary unicode does.
const MARKUP_CHARS: &str = "[]<>&*_`#|~()\"'\\!-+=:";
const MARKUP_FRAGMENTS: &[&str] = &[
    "1.",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "    ",
    "- ",
    "> ",
    "# ",
    "**",
    "__",
    "```",
    "~~~",
    "[b]",
    "[/b]",
    "[i]",
    "[*]",
    "[list]",
    "[noparse]",
    "[/noparse]",
    "[/NOPARSE]",
    "[/noparse ]",
    "[code]",
    "[/code]",
    "[/Code]",
    "[url=",
    "[url=\"",
    "[url=http://evil]",
    "[/url]",
    "<a href=",
    "<a href=\"http://evil\">",
    "</a>",
    "<b>",
    "</b>",
    "<pre>",
    "<script>",
    "<!-- ",
    " -->",
    "<div>\n",
    "javascript:",
    "http://",
    "https://x.org/a_b(c)",
    "HTTP://X.ORG",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#60;",
    "&#x22;",
    "&amp;lt;",
    "](",
    "](http://x.org)",
    "](javascript:alert(1))",
    "](<http://x.org/a b>)",
    "](<http://x.org/(>)",
    "](http://x.org/\\\\)",
    "[x]: http://x.org\n",
    "<http://x.org>",
    "![i](http://x.org/i.png)",
    "word",
    "слово",
    "日本",
];

fn markup_heavy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(MARKUP_CHARS.chars().collect::<Vec<_>>())
                .prop_map(String::from),
            3 => prop::sample::select(MARKUP_FRAGMENTS).prop_map(str::to_owned),
            1 => "[a-z]{1,6}",
            1 => any::<char>().prop_map(String::from),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), markup_heavy()]
}

/// What an author might type in running text when writing about BBCode, including attempts
/// to close the `[noparse]` wrapper early.
fn author_text() -> impl Strategy<Value = String> {
    const BRACKETED: &[&str] = &[
        "[b]x[/b]",
        "[url=http://evil]y[/url]",
        "[url=\"http://evil\"]y[/url]",
        "[/noparse]",
        "[/NOPARSE]",
        "[/NoParse]",
        "[noparse]",
        "[/noparse][b]x[/b]",
        "[/NOPARSE][url=http://evil]y[/url]",
        "[code]",
        "[/code]",
        "`[/code][b]x[/b]`",
        "`[/CODE][url=http://evil]y[/url]`",
        "[\\*]",
        "[list]",
        "[/list]",
        "[img]http://evil/x.png[/img]",
        "[",
        "]",
        "[[",
        "]]",
        "[/",
        "x]",
    ];
    prop::collection::vec(
        prop_oneof![
            "[a-z]{1,8}",
            prop::sample::select(BRACKETED).prop_map(str::to_owned),
        ],
        1..12,
    )
    .prop_map(|parts| parts.join(" "))
}

fn config() -> ProptestConfig {
    // A failing case is printed in full by the test output; proptest's regressions file
    // would be written next to this source file, where nobody reviews it.
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn is_safe_url(url: &str) -> bool {
    // URL schemes are case-insensitive and the renderer keeps the author's spelling.
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '[' | ']'))
}

/// Reads Telegram HTML the way Telegram's parser does, and returns the `href`s of its links
/// (still entity-escaped), or what is wrong with it.
fn check_telegram_html(html: &str) -> Result<Vec<String>, String> {
    const TAGS: [&str; 9] = [
        "<b>", "</b>", "<i>", "</i>", "<code>", "</code>", "<pre>", "</pre>", "</a>",
    ];
    const ENTITIES: [&str; 4] = ["&lt;", "&gt;", "&amp;", "&quot;"];
    let mut open: Vec<&str> = Vec::new();
    let mut hrefs = Vec::new();
    let mut i = 0;
    while let Some(c) = html[i..].chars().next() {
        let rest = &html[i..];
        match c {
            '<' => {
                let (name, len) = if let Some(tag) = TAGS.iter().find(|t| rest.starts_with(**t)) {
                    (tag.trim_matches(['<', '/', '>']), tag.len())
                } else if let Some(after) = rest.strip_prefix("<a href=\"") {
                    let end = after
                        .find('"')
                        .ok_or_else(|| format!("unterminated href at {i}"))?;
                    if !after[end..].starts_with("\">") {
                        return Err(format!("attribute after href at {i}"));
                    }
                    hrefs.push(after[..end].to_owned());
                    ("a", "<a href=\"".len() + end + 2)
                } else {
                    return Err(format!("unexpected tag at {i}"));
                };
                if open.last().is_some_and(|t| *t == "code" || *t == "pre") {
                    let closes_it = rest.starts_with("</") && open.last() == Some(&name);
                    if !closes_it {
                        return Err(format!("tag inside code at {i}"));
                    }
                }
                if rest.starts_with("</") {
                    if open.pop() != Some(name) {
                        return Err(format!("unbalanced </{name}> at {i}"));
                    }
                } else {
                    open.push(name);
                }
                i += len;
            }
            '&' => {
                let entity = ENTITIES
                    .iter()
                    .find(|e| rest.starts_with(**e))
                    .ok_or_else(|| format!("bare & at {i}"))?;
                i += entity.len();
            }
            '>' | '"' => return Err(format!("unescaped {c} at {i}")),
            _ => i += c.len_utf8(),
        }
    }
    if open.is_empty() {
        Ok(hrefs)
    } else {
        Err(format!("unclosed {open:?}"))
    }
}

/// Reads BBCode the way forum engines do (tag names are case-insensitive, nothing inside
/// `[noparse]` or `[code]` is markup) and returns the live tags, or a malformed span.
fn live_bbcode_tags(bbcode: &str) -> Result<Vec<String>, String> {
    // ASCII lowercasing keeps byte offsets valid for the original string.
    let lower = bbcode.to_ascii_lowercase();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = lower[i..].find(['[', ']']) {
        let start = i + offset;
        let rest = &lower[start..];
        let verbatim = [("[noparse]", "[/noparse]"), ("[code]", "[/code]")]
            .into_iter()
            .find(|(open, _)| rest.starts_with(open));
        if let Some((open, close)) = verbatim {
            let body = start + open.len();
            let end = lower[body..]
                .find(close)
                .ok_or_else(|| format!("{open} at {start} is never closed"))?;
            i = body + end + close.len();
        } else if rest.starts_with('[') {
            let end = rest.find(']').map_or(rest.len(), |e| e + 1);
            tags.push(bbcode[start..start + end].to_owned());
            i = start + end;
        } else {
            tags.push("]".to_owned());
            i = start + 1;
        }
    }
    Ok(tags)
}

fn escape_all_punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn text_of(markdown: &str) -> String {
    Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Text(text) => Some(text.into_string()),
            _ => None,
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rendering_any_input_for_any_markup_never_panics(input in any_input()) {
        for markup in MARKUPS {
            let _ = render(&input, markup);
        }
    }

    #[test]
    fn telegram_html_contains_only_balanced_renderer_tags_and_known_entities(
        input in any_input(),
    ) {
        let out = render(&input, Markup::TelegramHtml);
        if let Err(problem) = check_telegram_html(&out) {
            prop_assert!(false, "{problem}: {input:?} -> {out:?}");
        }
    }

    #[test]
    fn bbcode_output_contains_only_tags_the_renderer_writes(input in any_input()) {
        let out = render(&input, Markup::Bbcode);
        let tags = live_bbcode_tags(&out).map_err(|problem| {
            TestCaseError::fail(format!("{problem}: {input:?} -> {out:?}"))
        })?;
        for tag in tags {
            let known = ["[b]", "[/b]", "[i]", "[/i]", "[/url]", "[list]", "[/list]", "[*]"]
                .contains(&tag.as_str())
                || tag.starts_with("[url=\"");
            prop_assert!(known, "live {tag:?}: {input:?} -> {out:?}");
        }
    }

    #[test]
    fn bbcode_never_makes_brackets_typed_by_the_author_live(input in author_text()) {
        let out = render(&input, Markup::Bbcode);
        let tags = live_bbcode_tags(&out).map_err(|problem| {
            TestCaseError::fail(format!("{problem}: {input:?} -> {out:?}"))
        })?;
        // The input has no Markdown structure, so every live tag would be the author's.
        prop_assert!(tags.is_empty(), "live {tags:?}: {input:?} -> {out:?}");
    }

    #[test]
    fn markdown_output_has_no_html_and_only_http_links(input in any_input()) {
        let out = render(&input, Markup::Markdown);
        for event in Parser::new(&out) {
            match event {
                Event::Html(_) | Event::InlineHtml(_) => {
                    prop_assert!(false, "{event:?}: {input:?} -> {out:?}");
                }
                Event::Start(Tag::Image { .. }) => {
                    prop_assert!(false, "image: {input:?} -> {out:?}");
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let lower = dest_url.to_ascii_lowercase();
                    prop_assert!(
                        lower.starts_with("http://") || lower.starts_with("https://"),
                        "link to {dest_url:?}: {input:?} -> {out:?}"
                    );
                }
                _ => {}
            }
        }
    }

    #[test]
    fn plain_text_comes_back_unchanged_from_markdown_output(
        text in prop_oneof![
            "[^\r\n]*",
            markup_heavy().prop_map(|s| s.replace(['\r', '\n'], " ")),
        ],
    ) {
        // Escaping every punctuation character makes the whole input one run of text; leading
        // whitespace would make it an indented code block instead.
        let input = escape_all_punctuation(text.trim_start());
        let out = render(&input, Markup::Markdown);
        for event in Parser::new(&out) {
            let is_text = matches!(
                event,
                Event::Text(_)
                    | Event::SoftBreak
                    | Event::Start(Tag::Paragraph)
                    | Event::End(TagEnd::Paragraph)
            );
            prop_assert!(is_text, "{event:?}: {input:?} -> {out:?}");
        }
        let (expected, got) = (text_of(&input), text_of(&out));
        prop_assert_eq!(got.trim(), expected.trim(), "{:?} -> {:?}", input, out);
    }

    #[test]
    fn link_targets_are_http_urls_without_delimiters(input in any_input()) {
        let telegram = render(&input, Markup::TelegramHtml);
        let hrefs = check_telegram_html(&telegram).map_err(|problem| {
            TestCaseError::fail(format!("{problem}: {input:?} -> {telegram:?}"))
        })?;
        for href in hrefs {
            let url = href.replace("&amp;", "&");
            prop_assert!(is_safe_url(&url), "href {href:?}: {input:?} -> {telegram:?}");
        }
        let bbcode = render(&input, Markup::Bbcode);
        let tags = live_bbcode_tags(&bbcode).map_err(|problem| {
            TestCaseError::fail(format!("{problem}: {input:?} -> {bbcode:?}"))
        })?;
        for tag in tags {
            if let Some(value) = tag.strip_prefix("[url=") {
                let url = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix("\"]"))
                    .unwrap_or_default();
                prop_assert!(is_safe_url(url), "{tag:?}: {input:?} -> {bbcode:?}");
            }
        }
    }
}
