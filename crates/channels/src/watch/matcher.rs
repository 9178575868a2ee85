//! Risk-signal matching: many phrases at once over forum text, in English and Russian, with
//! inflected forms.
//!
//! Text and phrases go through the same normalisation: words are runs of letters and digits,
//! lower-cased, «ё» read as «е», and each word is reduced to its Snowball stem (the Russian
//! stemmer for words with Cyrillic letters, the English one otherwise), so "overdosed" meets
//! "overdose" and «передозировки» meets «передозировка». A phrase is a sequence of stems, and it
//! matches where the text's words stem to it, one after the other.
//!
//! Stemming is the costly step, so only the words that may stem to a stem of the lexicon are
//! stemmed. The Snowball algorithms cut endings (apart from an English final "y" read as "i"), so
//! such a word begins with a stem of the lexicon; a stem of one or two letters counts only as
//! the whole word (else every word beginning with "e" or «с» would be stemmed). One pass folds
//! the text (ASCII eight bytes at a time and Cyrillic by table, without the Unicode tables, and
//! every other character to a space), keeping byte offsets where it can; a scan of the folded
//! words admits those that begin with a stem (a bit per first two bytes, then the stems that
//! begin with the same three or four); only those are stemmed, each distinct word once per
//! [`Scratch`]. Each stem of the lexicon has a number, each phrase is a sequence of numbers,
//! and the phrases are found among the admitted words by their first stem. (A first version
//! ran Aho-Corasick over the stream of stems; profiling showed the byte-wise automata to be most
//! of the cost, and over whole stems a table of phrases by first stem does the same work.)
//! Buffers are reused across posts through a [`Scratch`].

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeSet;
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
    /// Which folded words may stem to a stem of the lexicon.
    beginnings: Beginnings,
    /// Every stem of the lexicon's phrases, numbered.
    ids: foldhash::HashMap<Box<str>, u32>,
    /// The stem numbers of the words the phrases are written with and of the stems themselves
    /// (folded): the commonest admitted words, known without stemming (the same memo as a
    /// [`Scratch`] keeps, filled in advance).
    known: foldhash::HashMap<Box<[u8]>, Option<u32>>,
    /// Each phrase as its stems' numbers.
    phrases: Vec<Vec<u32>>,
    /// A stem's number -> the phrases that begin with it.
    starting: Vec<Vec<usize>>,
    /// Each phrase's (signal, phrase as written).
    terms: Vec<(Arc<str>, Arc<str>)>,
    english: Stemmer,
    russian: Stemmer,
}

/// The stems of the lexicon (and their "y" variants) by how words beginning with them begin.
#[derive(Default)]
struct Beginnings {
    /// A bit per first two bytes of a word (a space after a word of one byte): whether some
    /// stem begins so. Most words stop here.
    pairs: Vec<u64>,
    /// The first bytes of a stem (see [`key`]) -> the stems that begin so, each with whether it is of one or two letters (so must be the whole word).
    stems: foldhash::HashMap<u32, Vec<Beginning>>,
}

/// A stem (folded, as bytes) and whether it is of one or two letters.
type Beginning = (Box<[u8]>, bool);

/// A word's first two bytes (a word of one byte with a space).
fn pair(word: &[u8]) -> usize {
    usize::from(word[0]) | usize::from(word.get(1).copied().unwrap_or(b' ')) << 8
}

/// A word's first three bytes, or four when it begins with a character of two bytes or more (a
/// stem of three letters has that many), a shorter word padded with spaces.
fn key(word: &[u8]) -> u32 {
    let at = |i: usize| u32::from(word.get(i).copied().unwrap_or(b' '));
    let fourth = if word[0] >= 0x80 { at(3) << 24 } else { 0 };
    at(0) | at(1) << 8 | at(2) << 16 | fourth
}

impl Beginnings {
    fn new<'a>(stems: impl Iterator<Item = &'a String>) -> Beginnings {
        let mut beginnings = Beginnings {
            pairs: vec![0; 1 << 10],
            stems: foldhash::HashMap::default(),
        };
        for stem in stems {
            let bytes = stem.as_bytes();
            if bytes.is_empty() {
                continue;
            }
            let p = pair(bytes);
            beginnings.pairs[p >> 6] |= 1 << (p & 63);
            let short = stem.chars().count() < 3;
            beginnings
                .stems
                .entry(key(bytes))
                .or_default()
                .push((bytes.into(), short));
        }
        beginnings
    }

    /// Whether a folded word (not empty) begins with a stem of three letters or more, or is
    /// a shorter one.
    fn admit(&self, word: &[u8]) -> bool {
        let p = pair(word);
        self.pairs[p >> 6] & (1 << (p & 63)) != 0
            && self.stems.get(&key(word)).is_some_and(|stems| {
                stems.iter().any(|(stem, short)| {
                    if *short {
                        word == &stem[..]
                    } else {
                        word.starts_with(stem)
                    }
                })
            })
    }
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("terms", &self.terms.len())
            .finish()
    }
}

/// What matching keeps between texts: its buffers, and the stems of the words it has stemmed
/// (forum words repeat; each distinct one is stemmed once). One per task, reused across the
/// posts of a fetch; the stems are dropped when it is (and held at most [`MEMO_WORDS`]).
#[derive(Default)]
pub struct Scratch {
    /// A space, the folded text, a space.
    folded: Vec<u8>,
    /// Where folding changed a character's length: (end in `folded`, end in the text).
    shifts: Vec<(usize, usize)>,
    /// The words whose stems are in some phrase, in order: the stem's number and the word's
    /// byte range in the text, with a [`GAP`] where other words came between.
    tokens: Vec<(u32, usize, usize)>,
    /// A folded word -> its stem's number, or `None` when no phrase has its stem.
    memo: foldhash::HashMap<Box<[u8]>, Option<u32>>,
    stemmed: usize,
    looked_up: usize,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch")
            .field("words_looked_up", &self.looked_up)
            .field("words_stemmed", &self.stemmed)
            .finish()
    }
}

/// The most distinct words a [`Scratch`] remembers stems of; then it starts afresh.
pub const MEMO_WORDS: usize = 4096;

impl Scratch {
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// Words that began with a stem of the lexicon (so needed their stem), and how many of them
    /// went through a stemmer (the others were remembered).
    pub fn counts(&self) -> (usize, usize) {
        (self.looked_up, self.stemmed)
    }
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

/// ASCII folded: letters lower-cased, digits kept, everything else a space.
const ASCII: [u8; 128] = {
    let mut table = [b' '; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            table[b] = c;
        } else if c.is_ascii_uppercase() {
            table[b] = c + 32;
        }
        b += 1;
    }
    table
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight bytes of ASCII folded at once (as [`ASCII`] does each), or `None` when one of them is
/// not ASCII. Each comparison adds to every byte at once: a byte below 0x80 plus a constant
/// below 0x80 never carries into the next, and its top bit says whether it reached the bound.
fn fold_ascii8(chunk: &[u8]) -> Option<[u8; 8]> {
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    let x = u64::from_le_bytes(word);
    if x & HIGH != 0 {
        return None;
    }
    // The top bit of each byte: at least `bound`.
    let at_least = |bound: u8| x.wrapping_add(ONES * u64::from(0x80 - bound)) & HIGH;
    let upper = at_least(b'A') & !at_least(b'Z' + 1);
    let lower = at_least(b'a') & !at_least(b'z' + 1);
    let digit = at_least(b'0') & !at_least(b'9' + 1);
    let other = HIGH & !(upper | lower | digit);
    // 0x20 added to capitals; every other byte wholly replaced by a space.
    let lowered = x | (upper >> 2);
    let mask = (other >> 7) * 0xFF;
    Some(((lowered & !mask) | ((ONES * u64::from(b' ')) & mask)).to_le_bytes())
}

/// A two-byte character of U+0400..U+047F (`lead` 0xD0 or 0xD1), folded as [`fold_char`]
/// does, in UTF-8; every one of them is a letter.
const fn fold_cyrillic(lead: u8, next: u8) -> [u8; 2] {
    match (lead, next) {
        // Ё, ё -> е
        (0xD0, 0x81) | (0xD1, 0x91) => [0xD0, 0xB5],
        // Ѐ..Џ (U+0400..) -> ѐ..џ (U+0450..)
        (0xD0, 0x80..=0x8F) => [0xD1, next + 0x10],
        // А..П (U+0410..) -> а..п (U+0430..)
        (0xD0, 0x90..=0x9F) => [0xD0, next + 0x20],
        // Р..Я (U+0420..) -> р..я (U+0440..)
        (0xD0, 0xA0..=0xAF) => [0xD1, next - 0x20],
        // U+0460..U+047F, old letters in capital and small pairs: the capital is even.
        (0xD1, 0xA0..=0xBF) => [0xD1, next | 1],
        _ => [lead, next],
    }
}

/// [`fold_cyrillic`] of every character of U+0400..U+047F, by the low bit of its first byte
/// and the low six of its second.
const CYRILLIC: [[u8; 2]; 128] = {
    let mut table = [[0u8; 2]; 128];
    let mut i = 0;
    while i < 128 {
        let lead = 0xD0 | (i >> 6) as u8;
        let next = 0x80 | (i & 0x3F) as u8;
        table[i] = fold_cyrillic(lead, next);
        i += 1;
    }
    table
};

/// Folds `text` into `out` between two spaces: letters and digits lower-cased (see
/// [`fold_char`]), every other character a space for each of its bytes. A character whose
/// folded form has another length is noted in `shifts`, so offsets can be mapped back.
fn fold_text(text: &str, out: &mut Vec<u8>, shifts: &mut Vec<(usize, usize)>) {
    shifts.clear();
    if !fold_aligned(text, out) {
        fold_shifted(text, out, shifts);
    }
}

/// [`fold_text`] for a text where folding keeps every character's length (nearly all of
/// them): written in place, byte for byte. False, with `out` to be discarded, at the first
/// character where it does not.
fn fold_aligned(text: &str, out: &mut Vec<u8>) -> bool {
    let bytes = text.as_bytes();
    out.clear();
    out.resize(bytes.len() + 2, b' ');
    let folded = &mut out[1..=bytes.len()];
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b < 0x80 {
            // A run of ASCII: eight bytes at a time, then one at a time.
            while let Some(ascii) = bytes.get(at..at + 8).and_then(fold_ascii8) {
                folded[at..at + 8].copy_from_slice(&ascii);
                at += 8;
            }
            while let Some(b) = bytes.get(at).filter(|b| **b < 0x80) {
                folded[at] = ASCII[usize::from(*b)];
                at += 1;
            }
        } else if b & 0xFE == 0xD0 {
            // A run of two-byte Cyrillic.
            while let Some([lead, next]) = bytes
                .get(at..at + 2)
                .and_then(|p| <[u8; 2]>::try_from(p).ok())
                && lead & 0xFE == 0xD0
            {
                let index = usize::from(lead & 1) << 6 | usize::from(next & 0x3F);
                folded[at..at + 2].copy_from_slice(&CYRILLIC[index]);
                at += 2;
            }
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            let len = c.len_utf8();
            if c.is_alphanumeric() {
                let mut buf = [0u8; 8];
                let mut n = 0;
                for f in fold_char(c) {
                    if n + f.len_utf8() > len {
                        return false;
                    }
                    n += f.encode_utf8(&mut buf[n..]).len();
                }
                if n != len {
                    return false;
                }
                folded[at..at + len].copy_from_slice(&buf[..len]);
            }
            at += len;
        }
    }
    true
}

/// [`fold_text`] for any text, noting the characters whose length changed.
fn fold_shifted(text: &str, out: &mut Vec<u8>, shifts: &mut Vec<(usize, usize)>) {
    out.clear();
    out.reserve(text.len() + 2);
    out.push(b' ');
    let mut buf = [0u8; 4];
    for (at, c) in text.char_indices() {
        let len = c.len_utf8();
        if c.is_alphanumeric() || ('\u{0400}'..='\u{047F}').contains(&c) {
            let before = out.len();
            for f in fold_char(c) {
                out.extend_from_slice(f.encode_utf8(&mut buf).as_bytes());
            }
            if out.len() - before != len {
                shifts.push((out.len(), at + len + 1));
            }
        } else {
            out.extend(std::iter::repeat_n(b' ', len));
        }
    }
    out.push(b' ');
}

/// The first offset from `at` in `folded` (which has eight spaces of room at its end) where a
/// word ends (`in_word`: a space), or begins (a byte other than a space).
fn skip(folded: &[u8], mut at: usize, in_word: bool) -> usize {
    while let Some(chunk) = folded.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // Bytes that are spaces become zero.
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b' '));
        // The top bit of each byte that is zero. A borrow out of a zero byte could mark a
        // byte 0x01 above it too, but none is: that would be a '!', which folding never keeps.
        let zero = x.wrapping_sub(ONES) & !x & HIGH;
        let found = if in_word { zero } else { !zero & HIGH };
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    folded.len()
}

/// The offset in the text of an offset in the folded text (a word's start or end).
fn origin(shifts: &[(usize, usize)], at: usize) -> usize {
    let i = shifts.partition_point(|(folded, _)| *folded <= at);
    let (folded, text) = match i {
        0 => (0, 0),
        i => shifts[i - 1],
    };
    // The folded text begins with a space the text does not have.
    (text + (at - folded)).saturating_sub(1)
}

/// In [`Scratch::tokens`], where words in no phrase came between two that are.
const GAP: u32 = u32::MAX;

impl Matcher {
    /// Compiles the terms (empty phrases, or phrases with no word, are skipped).
    pub fn new(terms: impl IntoIterator<Item = Term>) -> Matcher {
        let mut matcher = Matcher {
            beginnings: Beginnings::default(),
            ids: foldhash::HashMap::default(),
            known: foldhash::HashMap::default(),
            phrases: Vec::new(),
            starting: Vec::new(),
            terms: Vec::new(),
            english: Stemmer::create(Algorithm::English),
            russian: Stemmer::create(Algorithm::Russian),
        };
        let mut beginnings = BTreeSet::new();
        let mut written = BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let (mut folded, mut shifts) = (Vec::new(), Vec::new());
        for term in terms {
            fold_text(&term.phrase, &mut folded, &mut shifts);
            let folded = String::from_utf8_lossy(&folded);
            let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
            let stems: Vec<String> = words.iter().map(|w| matcher.stem(w).into_owned()).collect();
            written.extend(words.iter().map(|w| (*w).to_owned()));
            if stems.is_empty() || !seen.insert((stems.clone(), term.signal.clone())) {
                continue;
            }
            let mut phrase = Vec::with_capacity(stems.len());
            for stem in stems {
                // The English stemmer turns "injury" into "injuri": the word begins with "injury".
                if let Some(base) = stem.strip_suffix('i') {
                    beginnings.insert(format!("{base}y"));
                }
                beginnings.insert(stem.clone());
                let next = u32::try_from(matcher.ids.len()).unwrap_or(GAP);
                let id = *matcher.ids.entry(stem.into()).or_insert(next);
                phrase.push(id);
            }
            let index = matcher.phrases.len();
            let first = phrase[0] as usize;
            if matcher.starting.len() <= first {
                matcher.starting.resize(first + 1, Vec::new());
            }
            matcher.starting[first].push(index);
            matcher.phrases.push(phrase);
            matcher.terms.push((
                Arc::from(term.signal.as_str()),
                Arc::from(term.phrase.as_str()),
            ));
        }
        matcher.beginnings = Beginnings::new(beginnings.iter());
        for word in written.into_iter().chain(beginnings) {
            let id = matcher.ids.get(&*matcher.stem(&word)).copied();
            matcher.known.insert(word.into_bytes().into(), id);
        }
        matcher
    }

    /// How many phrases the matcher knows.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    fn stem<'a>(&self, folded: &'a str) -> std::borrow::Cow<'a, str> {
        let stemmer = if folded.bytes().any(|b| (0xD0..=0xD3).contains(&b)) {
            &self.russian
        } else {
            &self.english
        };
        stemmer.stem(folded)
    }

    /// Every phrase found in the text, in order of position (overlapping ones included).
    pub fn find(&self, text: &str) -> Vec<Hit> {
        self.find_with(text, &mut Scratch::new())
    }

    /// [`Matcher::find`], reusing `scratch`'s buffers and the stems it remembers.
    pub fn find_with(&self, text: &str, scratch: &mut Scratch) -> Vec<Hit> {
        if self.phrases.is_empty() {
            return Vec::new();
        }
        let Scratch {
            folded,
            shifts,
            tokens,
            memo,
            stemmed,
            looked_up,
        } = scratch;
        fold_text(text, folded, shifts);
        tokens.clear();
        let mut previous_end = None;
        let length = folded.len();
        // Room to read eight bytes anywhere in the text.
        folded.extend_from_slice(&[b' '; 8]);
        let mut at = 1;
        loop {
            at = skip(folded, at, false);
            if at >= length {
                break;
            }
            let start = at;
            at = skip(folded, at, true);
            let end = at;
            let word = &folded[start..end];
            if !self.beginnings.admit(word) {
                continue;
            }
            *looked_up += 1;
            let id = match self.known.get(word).or_else(|| memo.get(word)) {
                Some(id) => *id,
                None => {
                    *stemmed += 1;
                    let stem = self.stem(std::str::from_utf8(word).unwrap_or_default());
                    let id = self.ids.get(&*stem).copied();
                    if memo.len() >= MEMO_WORDS {
                        memo.clear();
                    }
                    memo.insert(word.into(), id);
                    id
                }
            };
            // A word whose stem is in no phrase is as any other word.
            let Some(id) = id else { continue };
            // A word in between that is in no phrase breaks a phrase.
            if previous_end.is_some_and(|e: usize| folded[e..start].iter().any(|b| *b != b' ')) {
                tokens.push((GAP, 0, 0));
            }
            previous_end = Some(end);
            tokens.push((id, origin(shifts, start), origin(shifts, end)));
        }
        let mut hits = Vec::new();
        for (t, (id, start, _)) in tokens.iter().enumerate() {
            let Some(starting) = self.starting.get(*id as usize) else {
                continue;
            };
            for index in starting {
                let phrase = &self.phrases[*index];
                let Some(words) = tokens.get(t..t + phrase.len()) else {
                    continue;
                };
                if words.iter().zip(phrase).all(|(w, id)| w.0 == *id) {
                    let (signal, phrase) = &self.terms[*index];
                    hits.push(Hit {
                        start: *start,
                        end: words[words.len() - 1].2,
                        signal: signal.clone(),
                        phrase: phrase.clone(),
                    });
                }
            }
        }
        hits.sort_by_key(|h| (h.start, h.end));
        hits
    }
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
    use aho_corasick::AhoCorasick;

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
    fn cyrillic_is_folded_as_the_unicode_tables_fold_it() {
        for c in '\u{0400}'..='\u{047F}' {
            let mut utf8 = [0u8; 2];
            c.encode_utf8(&mut utf8);
            let expected: String = fold_char(c).collect();
            let folded = fold_cyrillic(utf8[0], utf8[1]);
            assert_eq!(std::str::from_utf8(&folded).unwrap(), expected, "{c}");
        }
    }

    #[test]
    fn characters_that_fold_to_another_length_keep_hits_on_the_original_text() {
        // U+212A KELVIN SIGN folds to a one-byte "k", U+0130 to two characters.
        let m = Matcher::new([
            Term::new("ketamine", "substance:ketamine"),
            Term::new("bad batch", "b"),
        ]);
        let text = "İİ \u{212A}ETAMINE ẞ and a İ bad  batch";
        let hits = m.find(text);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(&text[hits[0].start..hits[0].end], "\u{212A}ETAMINE");
        assert_eq!(&text[hits[1].start..hits[1].end], "bad  batch");
    }

    #[test]
    fn short_stems_match_whole_words_only() {
        let m = Matcher::new([
            Term::new("K2", "substance:spice"),
            Term::new("не дышит", "overdose"),
        ]);
        let signals = |t: &str| -> Vec<String> {
            m.find(t)
                .into_iter()
                .map(|h| h.signal.to_string())
                .collect()
        };
        assert_eq!(
            signals("smoked k2, он не дышит"),
            ["substance:spice", "overdose"]
        );
        assert!(signals("k22 нет дышит").is_empty());
        assert!(
            signals("не сейчас дышит").is_empty(),
            "a word in between breaks a phrase"
        );
    }

    #[test]
    fn a_scratch_reused_across_texts_finds_the_same_and_stems_each_word_once() {
        let m = matcher();
        let mut scratch = Scratch::new();
        let texts = [
            "My friend overdosed, a BAD BATCHES everywhere",
            "Вчера была передозировка после новой партии",
            "overdosed again, overdosed twice",
            "",
        ];
        for text in texts {
            assert_eq!(m.find_with(text, &mut scratch), m.find(text), "{text}");
        }
        let (looked_up, stemmed) = scratch.counts();
        assert!(stemmed < looked_up, "{looked_up} {stemmed}");
    }

    const PLACEHOLDER: &str = "\u{1}";

    /// The matcher's behaviour written plainly (and as it was first built, with Aho-Corasick
    /// over the stream of stems): every word split and folded a character at a
    /// time, stemmed when it begins with a stem of three letters or more (or a "y" variant of
    /// one) or is a shorter stem itself, and the phrases found in the stream of every word.
    fn reference(terms: &[Term], text: &str) -> Vec<(usize, usize, String)> {
        let stemmers = (
            Stemmer::create(Algorithm::English),
            Stemmer::create(Algorithm::Russian),
        );
        let stem = |w: &str| -> String {
            if w.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) {
                stemmers.1.stem(w).into_owned()
            } else {
                stemmers.0.stem(w).into_owned()
            }
        };
        let words = |t: &str| -> Vec<(usize, usize, String)> {
            let mut out = Vec::new();
            let mut current: Option<(usize, String)> = None;
            for (i, c) in t.char_indices().chain([(t.len(), ' ')]) {
                let letter =
                    i < t.len() && (c.is_alphanumeric() || ('\u{0400}'..='\u{047F}').contains(&c));
                match (&mut current, letter) {
                    (Some((_, w)), true) => w.extend(fold_char(c)),
                    (None, true) => current = Some((i, fold_char(c).collect())),
                    (Some(_), false) => {
                        if let Some((s, w)) = current.take() {
                            out.push((s, i, w));
                        }
                    }
                    (None, false) => {}
                }
            }
            out
        };
        let mut stems = std::collections::HashSet::new();
        let mut patterns = Vec::new();
        let mut signals = Vec::new();
        for term in terms {
            let s: Vec<String> = words(&term.phrase)
                .into_iter()
                .map(|w| stem(&w.2))
                .collect();
            if s.is_empty() {
                continue;
            }
            for x in &s {
                stems.insert(x.clone());
                if let Some(base) = x.strip_suffix('i') {
                    stems.insert(format!("{base}y"));
                }
            }
            patterns.push(format!(" {} ", s.join(" ")));
            signals.push(term.signal.clone());
        }
        let candidate = |w: &str| {
            stems.iter().any(|s| {
                if s.chars().count() >= 3 {
                    w.starts_with(s.as_str())
                } else {
                    w == s
                }
            })
        };
        let text_words = words(text);
        let mut stream = String::from(" ");
        let mut at = Vec::new();
        for (_, _, w) in &text_words {
            at.push(stream.len());
            stream.push_str(&if candidate(w) {
                stem(w)
            } else {
                PLACEHOLDER.into()
            });
            stream.push(' ');
        }
        let ac = AhoCorasick::new(&patterns).unwrap();
        let mut hits: Vec<(usize, usize, String)> = ac
            .find_overlapping_iter(&stream)
            .map(|m| {
                let first = at.partition_point(|a| *a < m.start() + 1);
                let last = at.partition_point(|a| *a < m.end() - 1) - 1;
                (
                    text_words[first].0,
                    text_words[last].1,
                    signals[m.pattern().as_usize()].clone(),
                )
            })
            .collect();
        hits.sort();
        hits
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_finds_what_the_plain_reading_finds(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "Overdosed", "overdoses", "ПЕРЕДОЗИРОВКИ", "передоз", "bad", "Batch", "batches",
                "новой", "Партии", "партия", "can't", "cant", "wake", "нитазены", "Нитазен",
                "fentanyl", "fentanylish", "injury", "injuries", "injuri", "k2", "K", "не",
                "дышит", "e", "every", "the", "Ё", "ёлка", "İ", "\u{212A}", "ẞ", "ǅ", "Ѡ", "ѡ",
                "😀", "١٢", "\u{0301}", "-", "'", " ", " ", " ", ", ", "\n", "—", "…", "a",
            ]), 0..40),
            reuse in proptest::bool::ANY,
        ) {
            let terms = vec![
                Term::new("overdose", "overdose"),
                Term::new("bad batch", "bad_batch"),
                Term::new("передозировка", "overdose"),
                Term::new("новая партия", "bad_batch"),
                Term::new("нитазены", "adulterant"),
                Term::new("can't wake", "unconscious"),
                Term::new("injury", "wound"),
                Term::new("K2", "substance:spice"),
                Term::new("не дышит", "overdose"),
                Term::new("e", "substance:mdma"),
                Term::new("Ѡ", "odd"),
            ];
            let text: String = pieces.concat();
            let m = Matcher::new(terms.clone());
            let mut scratch = Scratch::new();
            if reuse {
                m.find_with("overdosed injuries K2 Партии", &mut scratch);
            }
            let mut found: Vec<(usize, usize, String)> = m
                .find_with(&text, &mut scratch)
                .into_iter()
                .map(|h| (h.start, h.end, h.signal.to_string()))
                .collect();
            found.sort();
            proptest::prop_assert_eq!(found, reference(&terms, &text));
        }
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
