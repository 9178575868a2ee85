//! Risk-signal matching: many phrases at once over forum text, in English and Russian, with
//! inflected forms.
//!
//! Text and phrases go through the same normalisation: words are runs of letters and digits,
//! lower-cased, «ё» read as «е», and each word is reduced to its Snowball stem (the Russian
//! stemmer for words with Cyrillic letters, the English one otherwise), so "overdosed" meets
//! "overdose" and «передозировки» meets «передозировка». The stems are joined with single spaces
//! and one Aho-Corasick automaton finds every phrase (itself a sequence of stems) in one pass.
//! Phrases are padded with spaces, so they only ever match whole words.
//!
//! Stemming is the costly step, so a word is only stemmed when its first three letters begin
//! some stem of the lexicon (a stem is a prefix of the lower-cased word for the Snowball
//! algorithms, apart from a final letter or two); every other word becomes a placeholder that
//! no phrase contains.

use aho_corasick::{AhoCorasick, MatchKind};
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// One phrase of the lexicon and the signal it raises (`overdose`, `adulterant`,
/// `substance:heroin`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub phrase: String,
    pub signal: String,
}

impl Term {
    pub fn new(phrase: &str, signal: &str) -> Term {
        Term {
            phrase: phrase.to_owned(),
            signal: signal.to_owned(),
        }
    }
}

/// Where a phrase was found: the byte range in the original text and its signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Shared with the matcher: a hit costs no allocation for its names.
    pub signal: Arc<str>,
    /// The phrase of the lexicon that matched, as written there.
    pub phrase: Arc<str>,
}

/// The compiled lexicon. Build once, match many texts.
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// Pattern index -> the term's (signal, phrase).
    terms: Vec<(Arc<str>, Arc<str>)>,
    /// The first three letters of every stem, packed (see [`key`]).
    prefixes: HashSet<u64, BuildHasherDefault<KeyHasher>>,
    /// Every stem of the lexicon (and, for a stem ending in "i", the same with "y", as the
    /// English stemmer turns "injury" into "injuri"), and a bit per length in characters.
    stems: HashSet<String, BuildHasherDefault<KeyHasher>>,
    stem_lengths: u64,
    english: Stemmer,
    russian: Stemmer,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("terms", &self.terms.len())
            .finish()
    }
}

/// A word of a text: its byte range and its stem (or the placeholder).
struct Word {
    start: usize,
    end: usize,
}

/// A character lower-cased, «ё» as «е»: ASCII and Cyrillic (most of forum text) without the
/// Unicode tables, the rest through them.
fn fold_char(c: char) -> impl Iterator<Item = char> {
    let quick = match c {
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        _ if c.is_ascii() => Some(c),
        'Ё' | 'ё' => Some('е'),
        // А..Я -> а..я
        '\u{0410}'..='\u{042F}' => char::from_u32(c as u32 + 0x20),
        // Ѐ..Џ -> ѐ..џ
        '\u{0400}'..='\u{040F}' => char::from_u32(c as u32 + 0x50),
        '\u{0430}'..='\u{045F}' => Some(c),
        _ => None,
    };
    let slow = quick
        .is_none()
        .then(|| c.to_lowercase().map(|c| if c == 'ё' { 'е' } else { c }));
    quick.into_iter().chain(slow.into_iter().flatten())
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// The first three letters of a word, folded and packed into one number (a word of one or two
/// letters is padded with spaces).
fn key(word: &str) -> u64 {
    let mut chars = word.chars().map(|c| fold_char(c).next().unwrap_or(c));
    let mut k = 0u64;
    for _ in 0..3 {
        k = (k << 21) | u64::from(chars.next().unwrap_or(' '));
    }
    k
}

/// A multiplicative hash for the packed keys (they are already well spread) and FNV-1a for the
/// stems: SipHash would cost more than the lookups save, and its protection against flooding is not
/// needed: both sets are fixed when the matcher is built, forum words are only looked up.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

const PLACEHOLDER: &str = "\u{1}";

impl Matcher {
    /// Compiles the terms (empty phrases, or phrases with no word, are skipped).
    pub fn new(terms: impl IntoIterator<Item = Term>) -> Matcher {
        let mut matcher = Matcher {
            automaton: None,
            terms: Vec::new(),
            prefixes: HashSet::default(),
            stems: HashSet::default(),
            stem_lengths: 0,
            english: Stemmer::create(Algorithm::English),
            russian: Stemmer::create(Algorithm::Russian),
        };
        let mut patterns = Vec::new();
        let mut seen = HashSet::new();
        for term in terms {
            let stems: Vec<String> = words(&term.phrase)
                .map(|w| matcher.stem(&fold(&term.phrase[w.start..w.end])))
                .collect();
            if stems.is_empty() {
                continue;
            }
            let pattern = format!(" {} ", stems.join(" "));
            if !seen.insert((pattern.clone(), term.signal.clone())) {
                continue;
            }
            for stem in &stems {
                matcher.prefixes.insert(key(stem));
                let length = stem.chars().count().min(63);
                matcher.stem_lengths |= 1 << length;
                matcher.stems.insert(stem.clone());
                if let Some(base) = stem.strip_suffix('i') {
                    matcher.stems.insert(format!("{base}y"));
                }
            }
            patterns.push(pattern);
            matcher.terms.push((
                Arc::from(term.signal.as_str()),
                Arc::from(term.phrase.as_str()),
            ));
        }
        matcher.automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        matcher
    }

    /// How many phrases the matcher knows.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    fn stem(&self, folded: &str) -> String {
        let stemmer = if folded.chars().any(is_cyrillic) {
            &self.russian
        } else {
            &self.english
        };
        stemmer.stem(folded).into_owned()
    }

    /// Whether some stem of the lexicon is a prefix of the folded word: the Snowball stemmers
    /// only cut endings, so a word that begins with no stem cannot stem to one (and is not
    /// stemmed, the costly step).
    fn begins_with_a_stem(&self, folded: &str) -> bool {
        folded
            .char_indices()
            .skip(1)
            .map(|(at, _)| at)
            .chain([folded.len()])
            .enumerate()
            .any(|(i, at)| {
                let length = (i + 1).min(63);
                self.stem_lengths & (1 << length) != 0 && self.stems.contains(&folded[..at])
            })
    }

    /// Every phrase found in the text, in order of position (overlapping ones included).
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        // The normalised text, and for each word where it starts there.
        let mut normal = String::with_capacity(text.len() + 2);
        let mut starts: Vec<(usize, Word)> = Vec::new();
        let mut folded = String::new();
        normal.push(' ');
        for word in words(text) {
            let original = &text[word.start..word.end];
            starts.push((normal.len(), word));
            // Most words begin no stem: they are neither folded nor stemmed.
            if self.prefixes.contains(&key(original)) && {
                folded.clear();
                folded.extend(original.chars().flat_map(fold_char));
                self.begins_with_a_stem(&folded)
            } {
                normal.push_str(&self.stem(&folded));
            } else {
                normal.push_str(PLACEHOLDER);
            }
            normal.push(' ');
        }
        let mut hits = Vec::new();
        for m in automaton.find_overlapping_iter(&normal) {
            // The pattern starts with the space before its first word and ends with the
            // space after its last one.
            let first = starts.partition_point(|(at, _)| *at < m.start() + 1);
            let last = starts.partition_point(|(at, _)| *at < m.end() - 1);
            let (Some((_, a)), Some((_, b))) = (starts.get(first), starts.get(last - 1)) else {
                continue;
            };
            let (signal, phrase) = &self.terms[m.pattern().as_usize()];
            hits.push(Hit {
                start: a.start,
                end: b.end,
                signal: signal.clone(),
                phrase: phrase.clone(),
            });
        }
        hits.sort_by_key(|h| (h.start, h.end));
        hits
    }
}

/// Lower case with «ё» as «е».
fn fold(word: &str) -> String {
    word.chars().flat_map(fold_char).collect()
}

/// The words of a text: maximal runs of letters and digits (an apostrophe or hyphen inside a
/// word splits it, as the phrases are split the same way).
fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    // The character at a byte offset (a char boundary), with its length; ASCII without decoding.
    let char_at = move |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else if b == 0xD0 || b == 0xD1 {
            // U+0400..U+047F: Cyrillic letters, two bytes.
            (true, 2)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (alnum, len) = char_at(at);
            if alnum {
                break;
            }
            at += len;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() {
            let (alnum, len) = char_at(at);
            if !alnum {
                break;
            }
            at += len;
        }
        Some(Word { start, end: at })
    })
}

/// A piece of text around the first hit, at most `max` characters (plus an ellipsis at each
/// cut end), whitespace squeezed, with the byte ranges (within the snippet) of the hits inside.
pub fn snippet(text: &str, hits: &[Hit], max: usize) -> (String, Vec<(usize, usize)>) {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let map = whitespace_map(text);
    let hits: Vec<(usize, usize)> = hits
        .iter()
        .filter_map(|h| Some((map(h.start)?, map(h.end)?)))
        .collect();
    let first = hits.first().map_or(0, |h| h.0);
    // Byte offset of every character, and the end.
    let offsets: Vec<usize> = flat
        .char_indices()
        .map(|(i, _)| i)
        .chain([flat.len()])
        .collect();
    let first_char = offsets.partition_point(|&o| o < first);
    let mut from_char = first_char.saturating_sub(max / 3);
    let to_char = (from_char + max).min(offsets.len() - 1);
    if to_char - from_char < max {
        from_char = to_char.saturating_sub(max);
    }
    let mut from = offsets[from_char];
    let mut to = offsets[to_char];
    // Cut between words where one can.
    if from > 0
        && let Some(space) = flat[from..first.max(from)].find(' ')
    {
        from += space + 1;
    }
    if to < flat.len()
        && let Some(space) = flat[from..to].rfind(' ')
        && from + space > first
    {
        to = from + space;
    }
    let prefix = if from > 0 { "…" } else { "" };
    let mut out = String::with_capacity(to - from + 8);
    out.push_str(prefix);
    out.push_str(&flat[from..to]);
    if to < flat.len() {
        out.push('…');
    }
    let shift = prefix.len();
    let ranges = hits
        .into_iter()
        .filter(|(s, e)| *s >= from && *e <= to)
        .map(|(s, e)| (s - from + shift, e - from + shift))
        .collect();
    (out, ranges)
}

/// Maps byte offsets of `text` to offsets in the text with whitespace runs squeezed to one
/// space and trimmed (what [`snippet`] shows).
fn whitespace_map(text: &str) -> impl Fn(usize) -> Option<usize> {
    let mut table = Vec::with_capacity(text.len() + 1);
    let mut out = 0usize;
    let mut in_space = true; // leading whitespace is dropped
    let mut pending_space = false;
    for (i, c) in text.char_indices() {
        while table.len() < i {
            table.push(out);
        }
        if c.is_whitespace() {
            if !in_space {
                pending_space = true;
            }
            in_space = true;
            table.push(out);
        } else {
            if pending_space {
                out += 1;
                pending_space = false;
            }
            in_space = false;
            table.push(out);
            out += c.len_utf8();
        }
    }
    while table.len() <= text.len() {
        table.push(out);
    }
    move |i| table.get(i).copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        Matcher::new([
            Term::new("overdose", "overdose"),
            Term::new("bad batch", "bad_batch"),
            Term::new("fentanyl", "adulterant"),
            Term::new("передозировка", "overdose"),
            Term::new("новая партия", "bad_batch"),
            Term::new("нитазены", "adulterant"),
            Term::new("can't wake", "unconscious"),
        ])
    }

    fn signals(text: &str) -> Vec<String> {
        matcher()
            .find(text)
            .into_iter()
            .map(|h| h.signal.to_string())
            .collect()
    }

    #[test]
    fn english_inflected_forms_match() {
        assert_eq!(
            signals("My friend overdosed, a BAD BATCHES everywhere, fentanyl in it"),
            ["overdose", "bad_batch", "adulterant"]
        );
        assert_eq!(signals("two overdoses last night"), ["overdose"]);
    }

    #[test]
    fn russian_inflected_forms_match() {
        assert_eq!(
            signals("Вчера была передозировка после новой партии, нитазены?"),
            ["overdose", "bad_batch", "adulterant"]
        );
        assert_eq!(
            signals("от передозировки, с новыми партиями"),
            ["overdose", "bad_batch"]
        );
        assert_eq!(signals("Нитазен в ней"), ["adulterant"]);
    }

    #[test]
    fn only_whole_words_match() {
        assert!(signals("a badbatch of fentanylish stuff").is_empty());
        assert!(signals("Which VPN do you use for this board?").is_empty());
    }

    #[test]
    fn hits_point_at_the_original_text() {
        let text = "Осторожно: ПЕРЕДОЗИРОВКА у друга";
        let hits = matcher().find(text);
        assert_eq!(&text[hits[0].start..hits[0].end], "ПЕРЕДОЗИРОВКА");
        let text = "we can't   wake him";
        let hits = matcher().find(text);
        assert_eq!(&text[hits[0].start..hits[0].end], "can't   wake");
    }

    #[test]
    fn snippet_keeps_the_hit_and_marks_it() {
        let long = format!(
            "{} bad batch here {}",
            "word ".repeat(200),
            "tail ".repeat(200)
        );
        let hits = matcher().find(&long);
        let (snip, ranges) = snippet(&long, &hits, 120);
        assert!(snip.chars().count() <= 124, "{}", snip.chars().count());
        let (s, e) = ranges[0];
        assert_eq!(&snip[s..e], "bad batch");
        let short = "Вчера  передозировка\nбыла";
        let hits = matcher().find(short);
        let (snip, ranges) = snippet(short, &hits, 120);
        assert_eq!(snip, "Вчера передозировка была");
        assert_eq!(&snip[ranges[0].0..ranges[0].1], "передозировка");
    }
}
