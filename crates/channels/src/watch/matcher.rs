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
//! the text eight bytes at a time, without branches on the bytes (ASCII and Cyrillic letters
//! lower-cased by bit arithmetic and a table, every other character to a space, byte offsets
//! kept where it can) and marks the words' bytes in a bitmap; the words are read from the
//! bitmap, and a bit per hash of each word's first three letters picks, again without a branch
//! per word, the few that may begin with a stem. Those are looked up in tables keyed by the
//! word's bytes (the lexicon's own words, then the words this [`Scratch`] has met); a word met
//! for the first time is checked against the stems that begin alike and stemmed when it begins
//! with one, each distinct word once per [`Scratch`]. Each stem of the lexicon has a number,
//! each phrase is a sequence of numbers, and the phrases are found among the admitted words by
//! their first stem. (A first version
//! ran Aho-Corasick over the stream of stems; profiling showed the byte-wise automata to be most
//! of the cost, and over whole stems a table of phrases by first stem does the same work.)
//! Buffers are reused across posts through a [`Scratch`].

mod fold;
mod words;

use fold::{Words, fold_text, origin};
#[cfg(test)]
use fold::{fold_char, fold_cyrillic};
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeSet;
use std::sync::Arc;
use words::{Beginnings, Word, WordTable, head};

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
    /// The stem numbers (or [`NO_STEM`]) of the words the phrases are written with and of the
    /// stems themselves (folded), those of them that are admitted: the commonest admitted
    /// words, known without stemming (the same memo as a [`Scratch`] keeps, filled in advance).
    known: WordTable,
    /// Each phrase as its stems' numbers.
    phrases: Vec<Vec<u32>>,
    /// A stem's number -> the phrases that begin with it.
    starting: Vec<Vec<usize>>,
    /// Each phrase's (signal, phrase as written).
    terms: Vec<(Arc<str>, Arc<str>)>,
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

/// What matching keeps between texts: its buffers, and the stems of the words it has stemmed
/// (forum words repeat; each distinct one is stemmed once). One per task, reused across the
/// posts of a fetch; the stems are dropped when it is (and held at most [`MEMO_WORDS`]).
#[derive(Default)]
pub struct Scratch {
    /// The folded text, a space, eight spaces of room.
    folded: Vec<u8>,
    /// A bit per byte of `folded`: whether it is in a word.
    marks: Vec<u64>,
    /// Where folding changed a character's length: (end in `folded`, end in the text).
    shifts: Vec<(usize, usize)>,
    /// The words that may begin with a stem (by [`Beginnings::may_admit`]), in order: their
    /// byte range in `folded` and their place among all the words.
    candidates: Vec<(usize, usize, usize)>,
    /// The words whose stems are in some phrase, in order: the stem's number and the word's
    /// byte range in the text, with a [`GAP`] where other words came between.
    tokens: Vec<(u32, usize, usize)>,
    /// A folded word that may begin with a stem -> its stem's number, [`NO_STEM`] when no
    /// phrase has its stem, or [`NOT_ADMITTED`] when it begins with no stem after all.
    memo: WordTable,
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

/// The most distinct words a [`Scratch`] remembers (their stems, or that they need none); then
/// it starts afresh.
pub const MEMO_WORDS: usize = 8192;

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

/// In [`Scratch::tokens`], where words in no phrase came between two that are.
const GAP: u32 = u32::MAX;
/// In the word tables: the word's stem is in no phrase.
const NO_STEM: u32 = u32::MAX;
/// In [`Scratch::memo`]: the word begins with no stem of the lexicon (though its first letters
/// looked as if it might).
const NOT_ADMITTED: u32 = u32::MAX - 1;

impl Matcher {
    /// Compiles the terms (empty phrases, or phrases with no word, are skipped).
    pub fn new(terms: impl IntoIterator<Item = Term>) -> Matcher {
        let mut matcher = Matcher {
            beginnings: Beginnings::default(),
            ids: foldhash::HashMap::default(),
            known: WordTable::default(),
            phrases: Vec::new(),
            starting: Vec::new(),
            terms: Vec::new(),
            english: Stemmer::create(Algorithm::English),
            russian: Stemmer::create(Algorithm::Russian),
        };
        let mut beginnings = BTreeSet::new();
        let mut written = BTreeSet::new();
        let mut seen = std::collections::HashSet::new();
        let (mut folded, mut marks, mut shifts) = (Vec::new(), Vec::new(), Vec::new());
        for term in terms {
            fold_text(&term.phrase, &mut folded, &mut marks, &mut shifts);
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
                let next = u32::try_from(matcher.ids.len()).unwrap_or(NO_STEM);
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
            let folded = Word::of(word.as_bytes(), 0, word.len());
            if !matcher.beginnings.admit(word.as_bytes()) || matcher.known.get(&folded).is_some() {
                continue;
            }
            let id = matcher.ids.get(&*matcher.stem(&word)).copied();
            matcher.known.insert(&folded, id.unwrap_or(NO_STEM));
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

    /// The stem number of a folded word that may begin with a stem: [`NOT_ADMITTED`] when it
    /// does not, [`NO_STEM`] when its stem is in no phrase.
    fn word_id(
        &self,
        word: &Word<'_>,
        memo: &mut WordTable,
        stemmed: &mut usize,
        looked_up: &mut usize,
    ) -> u32 {
        if let Some(id) = self.known.get(word) {
            *looked_up += 1;
            return id;
        }
        if let Some(id) = memo.get(word) {
            *looked_up += usize::from(id != NOT_ADMITTED);
            return id;
        }
        let id = if self.beginnings.admit(word.bytes) {
            *looked_up += 1;
            *stemmed += 1;
            let stem = self.stem(std::str::from_utf8(word.bytes).unwrap_or_default());
            self.ids.get(&*stem).copied().unwrap_or(NO_STEM)
        } else {
            NOT_ADMITTED
        };
        if memo.len() >= MEMO_WORDS {
            memo.clear();
        }
        memo.insert(word, id);
        id
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
            marks,
            shifts,
            candidates,
            tokens,
            memo,
            stemmed,
            looked_up,
        } = scratch;
        fold_text(text, folded, marks, shifts);
        // First the words that may begin with a stem, without a branch on each word (whether
        // one may is hard to foretell): each is written to the buffer, and kept by counting it.
        candidates.clear();
        let mut buffer = [(0, 0, 0); 64];
        let mut kept = 0;
        for (place, (start, end)) in Words::new(marks).enumerate() {
            buffer[kept % 64] = (start, end, place);
            kept += usize::from(self.beginnings.may_admit(head(folded, start, end)));
            if kept == 64 {
                candidates.extend_from_slice(&buffer);
                kept = 0;
            }
        }
        candidates.extend_from_slice(&buffer[..kept]);
        tokens.clear();
        // Where the last token was among the words: a word in between that is in no phrase
        // breaks a phrase.
        let mut last = None;
        for (start, end, place) in candidates.iter().copied() {
            let id = self.word_id(&Word::of(folded, start, end), memo, stemmed, looked_up);
            // A word whose stem is in no phrase is as any other word.
            if id >= NOT_ADMITTED {
                continue;
            }
            if last.is_some_and(|l: usize| l + 1 != place) {
                tokens.push((GAP, 0, 0));
            }
            last = Some(place);
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
