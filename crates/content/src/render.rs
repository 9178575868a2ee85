//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything an author (or an
//! attacker who got into the content) could use to run script or load from elsewhere.

use pulldown_cmark::{Options, Parser, html};

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
}
