//! Markdown in, one venue's markup out. Only a small, safe subset is produced: bold, italics,
//! links (http and https only), inline code and code blocks, headings (as bold), lists and
//! paragraphs. Text is escaped for the target markup; raw HTML in the source is dropped.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Markup {
    Bbcode,
    Markdown,
    TelegramHtml,
    Plain,
}

impl Markup {
    pub const ALL: [Markup; 4] = [
        Markup::Bbcode,
        Markup::Markdown,
        Markup::TelegramHtml,
        Markup::Plain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Markup::Bbcode => "bbcode",
            Markup::Markdown => "markdown",
            Markup::TelegramHtml => "telegram_html",
            Markup::Plain => "plain",
        }
    }

    pub fn parse(value: &str) -> Option<Markup> {
        Markup::ALL.into_iter().find(|m| m.as_str() == value)
    }
}

fn safe_url(url: &str) -> Option<&str> {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        .then_some(url.trim())
        .filter(|u| {
            !u.chars()
                .any(|c| c.is_whitespace() || matches!(c, '"' | '[' | ']' | '<' | '>'))
        })
}

/// Text escaped for HTML, and so for Telegram's HTML parse mode.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// BBCode has no escape character: text with brackets is wrapped in `[noparse]`.
fn escape_bbcode(text: &str) -> String {
    if text.contains('[') || text.contains(']') {
        format!(
            "[noparse]{}[/noparse]",
            defuse_closing_tag(text, "[/noparse]")
        )
    } else {
        text.to_owned()
    }
}

/// Turns `[/tag]` into `[/tag ]` so the author cannot end a verbatim span early. Forum engines
/// match tag names case-insensitively, so `[/NOPARSE]` has to be caught as well.
fn defuse_closing_tag(text: &str, closing_tag: &str) -> String {
    // ASCII lowercasing leaves every byte offset valid for `text` itself.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len() + 2);
    let mut copied = 0;
    for (start, found) in lower.match_indices(closing_tag) {
        let before_bracket = start + found.len() - 1;
        out.push_str(&text[copied..before_bracket]);
        out.push(' ');
        copied = before_bracket;
    }
    out.push_str(&text[copied..]);
    out
}

/// `line_so_far` is what the output's current line holds before `text` (after any list bullet):
/// at the start of a line, a leading `-`, `+`, `=`, `1.` or indentation would start a list, a
/// heading underline or a code block. Digits count too, as Markdown readers see `1` + `.` as `1.`.
fn escape_markdown(text: &str, line_so_far: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let before = if i == 0 { line_so_far } else { "" };
        let mut line = line;
        if before.is_empty() {
            // Leading whitespace is dropped by Markdown readers anyway, unless it makes code.
            line = line.trim_start_matches([' ', '\t']);
            if line.starts_with(['-', '+', '=']) {
                out.push('\\');
            }
        }
        if before.bytes().all(|b| b.is_ascii_digit()) {
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if before.len() + digits > 0 && line[digits..].starts_with(['.', ')']) {
                out.push_str(&line[..digits]);
                out.push('\\');
                line = &line[digits..];
            }
        }
        for c in line.chars() {
            if matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
            ) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The destination goes out bare in `](...)`: a parenthesis, backslash or backtick in it could
/// end the link early or swallow what follows, and `&` would be read as an entity.
fn escape_markdown_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if matches!(c, '(' | ')' | '\\' | '`' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

struct Writer {
    markup: Markup,
    out: String,
    /// Open links: their URL (when safe) so the closing tag knows what to write.
    links: Vec<Option<String>>,
    list_depth: usize,
}

impl Writer {
    fn text(&mut self, text: &str) {
        let escaped = match self.markup {
            Markup::Bbcode => escape_bbcode(text),
            Markup::Markdown => {
                let line = self.out.rsplit('\n').next().unwrap_or_default();
                // A list bullet starts a block of its own, so its text is escaped like a new line.
                escape_markdown(text, line.strip_prefix("- ").unwrap_or(line))
            }
            Markup::TelegramHtml => escape_html(text),
            Markup::Plain => text.to_owned(),
        };
        self.out.push_str(&escaped);
    }

    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn bold(&mut self, open: bool) {
        let tag = match (self.markup, open) {
            (Markup::Bbcode, true) => "[b]",
            (Markup::Bbcode, false) => "[/b]",
            (Markup::Markdown, _) => "**",
            (Markup::TelegramHtml, true) => "<b>",
            (Markup::TelegramHtml, false) => "</b>",
            (Markup::Plain, _) => "",
        };
        self.raw(tag);
    }

    fn italic(&mut self, open: bool) {
        let tag = match (self.markup, open) {
            (Markup::Bbcode, true) => "[i]",
            (Markup::Bbcode, false) => "[/i]",
            (Markup::Markdown, _) => "_",
            (Markup::TelegramHtml, true) => "<i>",
            (Markup::TelegramHtml, false) => "</i>",
            (Markup::Plain, _) => "",
        };
        self.raw(tag);
    }

    fn code(&mut self, code: &str, block: bool) {
        match self.markup {
            Markup::Bbcode => {
                self.raw("[code]");
                self.raw(&defuse_closing_tag(code, "[/code]"));
                self.raw("[/code]");
            }
            Markup::Markdown => {
                let fence = if block { "\n```\n" } else { "`" };
                self.raw(fence);
                self.raw(&code.replace('`', "'"));
                self.raw(fence);
            }
            Markup::TelegramHtml => {
                self.raw(if block { "<pre>" } else { "<code>" });
                self.raw(&escape_html(code));
                self.raw(if block { "</pre>" } else { "</code>" });
            }
            Markup::Plain => self.raw(code),
        }
    }

    fn link_start(&mut self, url: &str) {
        let safe = safe_url(url).map(str::to_owned);
        if let Some(url) = &safe {
            match self.markup {
                Markup::Bbcode => self.raw(&format!("[url=\"{url}\"]")),
                Markup::Markdown => {
                    // A `!` typed right before a link would turn the link into an image embed.
                    if self.out.ends_with('!') {
                        self.out.pop();
                        self.raw("\\!");
                    }
                    self.raw("[");
                }
                Markup::TelegramHtml => self.raw(&format!("<a href=\"{}\">", escape_html(url))),
                Markup::Plain => {}
            }
        }
        self.links.push(safe);
    }

    fn link_end(&mut self) {
        if let Some(Some(url)) = self.links.pop() {
            match self.markup {
                Markup::Bbcode => self.raw("[/url]"),
                Markup::Markdown => self.raw(&format!("]({})", escape_markdown_url(&url))),
                Markup::TelegramHtml => self.raw("</a>"),
                Markup::Plain => self.raw(&format!(" ({url})")),
            }
        }
    }

    fn block_end(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.raw(if self.out.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            });
        }
    }
}

/// Renders Markdown for a venue's markup.
pub fn render(markdown: &str, markup: Markup) -> String {
    let mut w = Writer {
        markup,
        out: String::new(),
        links: Vec::new(),
        list_depth: 0,
    };
    let mut in_code_block = false;
    let mut code_buffer = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Strong) => w.bold(true),
            Event::End(TagEnd::Strong) => w.bold(false),
            Event::Start(Tag::Emphasis) => w.italic(true),
            Event::End(TagEnd::Emphasis) => w.italic(false),
            Event::Start(Tag::Heading { level, .. }) => {
                if markup == Markup::Markdown {
                    let hashes = match level {
                        HeadingLevel::H1 => "# ",
                        HeadingLevel::H2 => "## ",
                        _ => "### ",
                    };
                    w.raw(hashes);
                } else {
                    w.bold(true);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if markup != Markup::Markdown {
                    w.bold(false);
                }
                w.block_end();
            }
            Event::Start(Tag::Link { dest_url, .. }) => w.link_start(&dest_url),
            Event::End(TagEnd::Link) => w.link_end(),
            Event::Start(Tag::List(_)) => {
                if w.list_depth == 0 && markup == Markup::Bbcode {
                    w.raw("[list]\n");
                }
                w.list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                w.list_depth = w.list_depth.saturating_sub(1);
                if w.list_depth == 0 {
                    if markup == Markup::Bbcode {
                        w.raw("[/list]");
                    }
                    w.block_end();
                }
            }
            Event::Start(Tag::Item) => {
                let bullet = match markup {
                    Markup::Bbcode => "[*]",
                    Markup::Markdown => "- ",
                    _ => "• ",
                };
                w.raw(bullet);
            }
            Event::End(TagEnd::Item) => w.raw("\n"),
            Event::End(TagEnd::Paragraph) if w.list_depth == 0 => w.block_end(),
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                code_buffer.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                let code = std::mem::take(&mut code_buffer);
                w.code(code.trim_end(), true);
                w.block_end();
            }
            Event::Text(text) => {
                if in_code_block {
                    code_buffer.push_str(&text);
                } else {
                    w.text(&text);
                }
            }
            Event::Code(code) => w.code(&code, false),
            Event::SoftBreak => w.raw(" "),
            Event::HardBreak => w.raw("\n"),
            // Raw HTML from the author never reaches a venue; its text content is kept as text.
            Event::Html(html) | Event::InlineHtml(html) => w.text(&strip_tags(&html)),
            Event::Rule => {
                w.raw("----");
                w.block_end();
            }
            _ => {}
        }
    }
    while w.links.pop().is_some() {}
    w.out.trim_end().to_owned()
}

/// The characters a venue counts against its limit: Telegram counts the text after parsing its
/// HTML (tags gone, entities decoded); forums count what is pasted.
pub fn visible_length(text: &str, markup: Markup) -> usize {
    match markup {
        Markup::TelegramHtml => strip_tags(text)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .chars()
            .count(),
        _ => text.chars().count(),
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_counts_the_text_without_tags_and_entities() {
        let out = render("a < b **bold**", Markup::TelegramHtml);
        assert_eq!(
            visible_length(&out, Markup::TelegramHtml),
            "a < b bold".len()
        );
        assert_eq!(visible_length("[b]x[/b]", Markup::Bbcode), 8);
    }

    const POST: &str = "## Strong batch\n\n**Naloxone** saves lives: [guide](http://example.org/n) [b]raw[/b]\n\n- start low\n- do not use alone\n";

    #[test]
    fn bbcode() {
        let out = render(POST, Markup::Bbcode);
        assert!(out.contains("[b]Naloxone[/b]"), "{out}");
        assert!(
            out.contains("[url=\"http://example.org/n\"]guide[/url]"),
            "{out}"
        );
        assert!(
            out.contains("[noparse] [b]raw[/b][/noparse]") || out.contains("[noparse]"),
            "{out}"
        );
        assert!(
            out.contains("[list]\n[*]start low\n[*]do not use alone\n[/list]"),
            "{out}"
        );
    }

    #[test]
    fn telegram_html_escapes_everything_typed() {
        let out = render(
            "a < b & c **bold** <script>x()</script> [x](javascript:alert(1))",
            Markup::TelegramHtml,
        );
        assert!(out.contains("a &lt; b &amp; c <b>bold</b>"), "{out}");
        assert!(
            !out.contains("<script") && !out.contains("javascript:"),
            "{out}"
        );
    }

    #[test]
    fn markdown_and_plain() {
        let md = render(
            "**bold** and *it* with a [link](https://x.org) and a_b",
            Markup::Markdown,
        );
        assert_eq!(
            md,
            "**bold** and _it_ with a [link](https://x.org) and a\\_b"
        );
        let plain = render("**bold** [link](https://x.org)", Markup::Plain);
        assert_eq!(plain, "bold link (https://x.org)");
    }

    #[test]
    fn hostile_input_never_escapes_as_markup() {
        let hostile = [
            "[/noparse][url=http://evil]x[/url]",
            "[url=\"http://a\"]x[/url]",
            "`[/code][b]x[/b]`",
            "[a](http://x\" onmouseover=\"y)",
            "<a href=\"http://evil\">click</a>",
            "&lt;b&gt;",
        ];
        for input in hostile {
            let bb = render(input, Markup::Bbcode);
            assert!(
                !bb.contains("[url=http://evil]") && !bb.contains("[url=\"http://a\"]x"),
                "{input} -> {bb}"
            );
            let tg = render(input, Markup::TelegramHtml);
            assert!(
                !tg.contains("<a href=\"http://evil\"") && !tg.contains("onmouseover=\""),
                "{input} -> {tg}"
            );
        }
    }

    #[test]
    fn bbcode_closing_tags_typed_in_capitals_stay_verbatim() {
        // Forum engines match tag names case-insensitively; raw HTML reaches `escape_bbcode` as
        // one piece of text, brackets and all.
        let out = render("<pre>[/NOPARSE][url=http://evil]x[/url]", Markup::Bbcode);
        assert_eq!(
            out,
            "[noparse][/NOPARSE ][url=http://evil]x[/url][/noparse]"
        );
        let out = render("`[/CODE][url=http://evil]x[/url]`", Markup::Bbcode);
        assert_eq!(out, "[code][/CODE ][url=http://evil]x[/url][/code]");
    }

    #[test]
    fn markdown_link_after_an_exclamation_mark_stays_a_link() {
        let out = render("See!<https://x.org>", Markup::Markdown);
        assert_eq!(out, "See\\![https://x.org](https://x.org)");
    }

    #[test]
    fn markdown_link_destination_cannot_swallow_what_follows() {
        // An unescaped `(` in the URL pulled the code span's opening backtick into the link
        // destination, which left the span's `<b>` as raw HTML.
        let out = render("[a](<http://x.org/(>)`)<b>x</b>`", Markup::Markdown);
        assert_eq!(out, "[a](http://x.org/\\()`)<b>x</b>`");
        assert!(
            Parser::new(&out).all(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_))),
            "{out}"
        );
    }

    #[test]
    fn markdown_text_that_looks_like_markup_stays_text() {
        assert_eq!(render("AT&amp;amp;T", Markup::Markdown), "AT\\&amp;T");
        assert_eq!(
            render(
                "1\\. not a list\n\n\\- nor this\n\n\\+ nor that",
                Markup::Markdown
            ),
            "1\\. not a list\n\n\\- nor this\n\n\\+ nor that"
        );
        assert_eq!(
            render("- 2024\\. A year", Markup::Markdown),
            "- 2024\\. A year"
        );
    }

    #[test]
    fn rendering_arbitrary_bytes_never_panics() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let alphabet: Vec<char> = "ab[]()<>*_`#-&\"'\n /:=xyzп".chars().collect();
        for _ in 0..2000 {
            let len = (seed % 60) as usize;
            let s: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            for markup in [
                Markup::Bbcode,
                Markup::Markdown,
                Markup::TelegramHtml,
                Markup::Plain,
            ] {
                let out = render(&s, markup);
                if markup == Markup::TelegramHtml {
                    let tags = [
                        "<b>", "</b>", "<i>", "</i>", "<code>", "</code>", "<pre>", "</pre>",
                        "</a>",
                    ];
                    let mut rest = out.as_str();
                    while let Some(i) = rest.find('<') {
                        let tail = &rest[i..];
                        assert!(
                            tags.iter().any(|t| tail.starts_with(t))
                                || tail.starts_with("<a href=\"http"),
                            "{s:?} -> {out}"
                        );
                        rest = &rest[i + 1..];
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod properties;
