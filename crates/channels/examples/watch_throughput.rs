//! Risk-signal matching throughput on one core: MB of forum text per second, and lower-casing the
//! same text as a yardstick measured in the same run. The corpus is the one `netreach bench
//! --watch` uses (ten English and Russian sentences in posts of three to eight).
//!
//! ```text
//! cargo run --release -p netreach-channels --example watch_throughput -- [MB] [--pack] [--only PHASE]
//! ```
//!
//! `MB` is the corpus size (default 32); `--pack` adds every substance name of the bundled pack
//! to the default lexicon, as the bench and the app do; `--only match` (one `Scratch` across the
//! posts, as a fetch matches), `--only fresh` (a new one per post), `--only lower` or `--only none`
//! runs just that phase, for `valgrind --tool=callgrind`: the instructions of a phase are its
//! run's total less that of `--only none` (see BENCHMARKS.md).
#![allow(clippy::print_stdout)]

use netreach_channels::watch::lexicon::default_terms;
use netreach_channels::watch::{Matcher, Scratch, Term};
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

/// About `bytes` of forum posts of 3 to 8 sentences each, deterministic (as the bench's).
fn corpus(bytes: usize) -> Vec<String> {
    let mut posts = Vec::new();
    let (mut total, mut seed) = (0usize, 7u64);
    while total < bytes {
        let mut post = String::new();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        for k in 0..3 + (seed >> 60) as usize % 6 {
            post.push_str(SENTENCES[((seed >> 33) as usize + k * 7) % SENTENCES.len()]);
            post.push(' ');
        }
        total += post.len();
        posts.push(post);
    }
    posts
}

fn terms(pack: bool) -> Vec<Term> {
    let mut terms = default_terms();
    if pack {
        match netreach_content::Pack::bundled() {
            Ok(pack) => terms.extend(
                netreach_content::aliases::Aliases::of(&pack)
                    .entries()
                    .map(|(alias, slug)| Term::new(alias, &format!("substance:{slug}"))),
            ),
            Err(errors) => println!("the bundled pack has {} errors", errors.len()),
        }
    }
    terms
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let megabytes = args
        .iter()
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(32);
    let pack = args.iter().any(|a| a == "--pack");
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let run = |phase: &str| only.is_none_or(|o| o == phase);

    let matcher = Matcher::new(terms(pack));
    let posts = corpus(megabytes * 1024 * 1024);
    let total: usize = posts.iter().map(String::len).sum();
    let mb = total as f64 / (1024.0 * 1024.0);
    println!(
        "{} phrases, {mb:.1} MB in {} posts",
        matcher.len(),
        posts.len()
    );
    let mut baseline = None;
    if run("lower") {
        let clock = Instant::now();
        let lowered: usize = posts.iter().map(|p| p.to_lowercase().len()).sum();
        let seconds = clock.elapsed().as_secs_f64();
        println!("lower-casing {:.1} MB/s ({lowered} bytes)", mb / seconds);
        baseline = Some(seconds);
    }
    let ratio =
        |seconds: f64| baseline.map_or(String::new(), |b| format!(", ratio {:.2}", b / seconds));
    if run("match") {
        let clock = Instant::now();
        let mut scratch = Scratch::new();
        let hits: usize = posts
            .iter()
            .map(|p| matcher.find_with(p, &mut scratch).len())
            .sum();
        let seconds = clock.elapsed().as_secs_f64();
        let (looked_up, stemmed) = scratch.counts();
        println!(
            "matching as a fetch (one Scratch) {:.1} MB/s{}: {hits} hits, {looked_up} words needed a stem, {stemmed} stemmed",
            mb / seconds,
            ratio(seconds)
        );
    }
    if run("fresh") {
        let clock = Instant::now();
        let hits: usize = posts.iter().map(|p| matcher.find(p).len()).sum();
        let seconds = clock.elapsed().as_secs_f64();
        println!(
            "matching post by post (a new Scratch each) {:.1} MB/s{}: {hits} hits",
            mb / seconds,
            ratio(seconds)
        );
    }
}
