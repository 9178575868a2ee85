//! Staff Markdown rendered for forums and Telegram: no markup of the target may come through
//! from the text itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use netreach_channels::render::{Markup, render, visible_length};

fuzz_target!(|text: &str| {
    for markup in Markup::ALL {
        let out = render(text, markup);
        let _ = visible_length(&out, markup);
    }
});
