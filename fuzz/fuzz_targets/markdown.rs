//! Markdown from the content pack and staff, rendered and sanitised for the public pages.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let html = netreach_content::render::markdown(text);
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script survived sanitising");
    assert!(
        !lower.contains("href=\"javascript:"),
        "a javascript: link survived sanitising"
    );
});
