//! Codename parsing and the seven-words-in-a-row check take whatever a client types.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(codename) = netreach_crypto::Codename::parse(text) {
        assert_eq!(codename.words().len(), 7);
        let again =
            netreach_crypto::Codename::parse(codename.expose()).expect("a parsed codename parses");
        assert_eq!(again.expose(), codename.expose());
        assert!(netreach_crypto::codename::contains_codename(text));
    }
    let _ = netreach_crypto::codename::contains_codename(text);
});
