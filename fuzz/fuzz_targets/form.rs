//! Form bodies decode the way the console's and the public site's forms do (axum's `Form` is
//! serde_urlencoded into structs of defaulted strings): any bytes are a value or a clean error,
//! and a decoded form encodes and decodes to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Form {
    #[serde(default)]
    message: String,
    #[serde(default)]
    codename: String,
    #[serde(default)]
    version: Option<i64>,
}

fuzz_target!(|body: &[u8]| {
    if let Ok(form) = serde_urlencoded::from_bytes::<Form>(body) {
        let again = serde_urlencoded::to_string(&form).expect("a decoded form encodes");
        let back: Form = serde_urlencoded::from_str(&again).expect("an encoded form decodes");
        assert_eq!(back, form);
    }
    let _ = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body);
});
