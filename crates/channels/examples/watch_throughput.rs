//! Risk-signal matching throughput on one core, without the content pack (`netreach bench
//! --watch` measures it with the pack's substance names too): MB of forum text per second with the
//! default lexicon, and lower-casing the same text as a yardstick measured in the same run.
//!
//! `cargo run -p netreach-channels --example watch_throughput` (see BENCHMARKS.md for the profile).
#![allow(clippy::print_stdout)]

use netreach_channels::watch::lexicon::default_terms;
use netreach_channels::watch::{Matcher, Scratch};
use std::time::Instant;

const SENTENCES: &[&str] = &[
    "Which VPN do you use for this board? Mine keeps dropping the connection.",
    "Shipping was fast and the stealth was good, five stars for the vendor.",
    "Be careful, there is a bad batch going around, my friend overdosed last night.",
    "Does anyone know if the new listing is the same as last month's?",
    "Заказ пришёл быстро, упаковка нормальная, всем спасибо за советы.",
    "Вчера у друга была передозировка после новой партии, еле откачали.",
    "Подскажите, какой кошелёк сейчас лучше использовать для оплаты?",
    "The forum was down for maintenance again, admins said it is fixed now.",
    "Is it ok to mix heroin and alcohol or is that a bad idea?",
    "Кто-нибудь пробовал этот магазин? Отзывы какие-то странные.",
];

fn main() {
    let matcher = Matcher::new(default_terms());
    let mut posts = Vec::new();
    let (mut total, mut seed) = (0usize, 7u64);
    while total < 32 * 1024 * 1024 {
        let mut post = String::new();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        for k in 0..3 + (seed >> 60) as usize % 6 {
            post.push_str(SENTENCES[((seed >> 33) as usize + k * 7) % SENTENCES.len()]);
            post.push(' ');
        }
        total += post.len();
        posts.push(post);
    }
    let mb = total as f64 / (1024.0 * 1024.0);
    let clock = Instant::now();
    let lowered: usize = posts.iter().map(|p| p.to_lowercase().len()).sum();
    let baseline = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let mut scratch = Scratch::new();
    let hits: usize = posts
        .iter()
        .map(|p| matcher.find_with(p, &mut scratch).len())
        .sum();
    let matching = clock.elapsed().as_secs_f64();
    println!(
        "{} phrases, {mb:.1} MB in {} posts, {hits} hits ({lowered} bytes lower-cased)",
        matcher.len(),
        posts.len()
    );
    println!(
        "matching {:.1} MB/s, lower-casing {:.1} MB/s, ratio {:.2}",
        mb / matching,
        mb / baseline,
        baseline / matching
    );
}
