//! A content pack file as imported: front matter, TOML profiles and rules, placeholders. Any
//! input is either accepted or a list of errors with file and line, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for path in [
        "kb/x.en.md",
        "substances/x.toml",
        "combinations/pairs.toml",
        "services/x.toml",
    ] {
        let _ = netreach_content::Pack::from_files(vec![(path.to_owned(), text.to_owned())]);
    }
});
