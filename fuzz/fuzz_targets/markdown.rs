//! Markdown from the content pack and staff, rendered and sanitised for the public pages.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// The attributes of one tag (the text between `<` and `>`) as (name, value), quotes respected.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut quote = None;
    let mut word = String::new();
    for c in tag.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {
                if let Some((_, value)) = out.last_mut() {
                    value.push(c);
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '=' => out.push((std::mem::take(&mut word), String::new())),
            None if c.is_whitespace() => word.clear(),
            None => word.push(c),
        }
    }
    out
}

fuzz_target!(|text: &str| {
    let html = netreach_content::render::markdown(text);
    // Text nodes have `<` escaped, so every `<` left starts a tag: look inside the tags only
    // (a quote or "javascript:" in plain text is harmless).
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("").to_lowercase();
        for banned in ["script", "iframe", "img", "style", "object", "embed"] {
            assert!(!tag.starts_with(banned), "<{tag}> survived sanitising");
        }
        for (name, value) in attributes(&tag) {
            assert!(
                !name.starts_with("on"),
                "an event handler survived in <{tag}>"
            );
            if name == "href" || name == "src" {
                let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(
                    !value.starts_with("javascript:"),
                    "<{tag}> survived sanitising"
                );
            }
        }
    }
});
