//! Links in staff replies, made clickable for the client, safely: the text is escaped first, and
//! only `https://` addresses and this site's own paths (`/kb/...`, `/check?...`, ...) become
//! links, with `rel="noopener noreferrer"` and no referrer. Every other scheme (`javascript:`,
//! `data:`, `http:`) stays plain text.

/// This site's paths a reply may link to.
const SITE_PATHS: &[&str] = &[
    "/kb",
    "/check",
    "/services",
    "/substances",
    "/alerts",
    "/qa",
    "/search",
    "/ask",
];

/// Characters that may appear in a link; anything else ends it.
fn in_link(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&()*+,;=%".contains(c)
}

/// Text escaped for HTML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `candidate` (a run of link characters) is a link we make clickable.
fn linkable(candidate: &str) -> bool {
    if let Some(rest) = candidate.strip_prefix("https://") {
        let host: &str = rest.split(['/', '?', '#']).next().unwrap_or("");
        return !host.is_empty() && host.contains('.') && !host.contains('@');
    }
    SITE_PATHS.iter().any(|p| {
        candidate
            .strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
    }) && !candidate.starts_with("//")
}

/// The text as HTML, escaped, with its links made clickable.
pub fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while !rest.is_empty() {
        // The next place a link could start: "https://" or "/" after a space or the start.
        let start = rest.char_indices().find(|&(i, c)| {
            let after_boundary = i == 0
                || rest[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_whitespace() || "(\"'«".contains(p));
            after_boundary && (c == '/' || rest[i..].starts_with("https://"))
        });
        let Some((i, _)) = start else {
            out.push_str(&escape(rest));
            break;
        };
        out.push_str(&escape(&rest[..i]));
        let tail = &rest[i..];
        let end = tail.find(|c: char| !in_link(c)).unwrap_or(tail.len());
        let mut candidate = &tail[..end];
        // Sentence punctuation after a link is not part of it.
        while let Some(last) = candidate.chars().last()
            && ".,;:!?)".contains(last)
        {
            candidate = &candidate[..candidate.len() - last.len_utf8()];
        }
        if candidate.is_empty() {
            out.push_str(&escape(&tail[..1]));
            rest = &tail[1..];
            continue;
        }
        if linkable(candidate) {
            let href = escape(candidate);
            out.push_str(&format!(
                "<a href=\"{href}\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">{href}</a>"
            ));
        } else {
            out.push_str(&escape(candidate));
        }
        rest = &tail[candidate.len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::linkify;

    #[test]
    fn site_paths_and_https_become_links_and_everything_else_stays_text() {
        let html = linkify(
            "See /kb/naloxone?lang=en, then https://example.org/a?b=1&c=2. Not javascript:alert(1) \
             nor http://plain.example nor //evil.example <b>bold</b> \"quoted\"",
        );
        assert!(html.contains(
            "<a href=\"/kb/naloxone?lang=en\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">/kb/naloxone?lang=en</a>,"
        ), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\""),
            "{html}"
        );
        assert!(
            html.contains("c=2</a>. Not"),
            "trailing period left out: {html}"
        );
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("href=\"http://"), "{html}");
        assert!(!html.contains("href=\"//"), "{html}");
        assert!(
            html.contains("&lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;"),
            "{html}"
        );
        assert_eq!(
            linkify("/check?s=heroin&s=alcohol"),
            "<a href=\"/check?s=heroin&amp;s=alcohol\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">/check?s=heroin&amp;s=alcohol</a>"
        );
        assert_eq!(linkify("a/kb/x and /kbx"), "a/kb/x and /kbx");
        assert_eq!(
            linkify("https://\"onmouseover=x"),
            "https://&quot;onmouseover=x"
        );
        assert_eq!(linkify("Привет, мир"), "Привет, мир");
    }
}
