//! A content pack as imported: front matter, TOML profiles and rules, placeholders. Any input is
//! either a valid pack or a list of errors, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for path in ["kb/x.en.md", "substances/x.toml", "combinations/pairs.toml"] {
        let mut files = netreach_content::bundled_files();
        files.retain(|(p, _)| p != path);
        files.push((path.to_owned(), text.to_owned()));
        let _ = netreach_content::Pack::from_files(files);
    }
});
