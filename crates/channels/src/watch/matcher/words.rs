//! The matcher's word tables, for folded words read straight out of the folded text: which
//! words may stem to a stem of the lexicon ([`Beginnings`]), and folded words with a number
//! each ([`WordTable`], open addressing on the word's bytes read as two `u64`s, no hasher).

use super::fold::load;

/// The stems of the lexicon (and their "y" variants) by how words beginning with them begin.
#[derive(Default)]
pub(super) struct Beginnings {
    /// A bit per hash of a stem's first three letters (or of a stem of one or two letters,
    /// whole): a word whose such bit is clear begins with no stem. Most words stop here.
    bloom: Vec<u64>,
    /// The first bytes of a stem (see [`key`]) -> the stems that begin so, each with whether it
    /// is of one or two letters (so must be the whole word).
    stems: foldhash::HashMap<u32, Vec<Beginning>>,
}

/// A stem (folded, as bytes) and whether it is of one or two letters.
type Beginning = (Box<[u8]>, bool);

/// Bits of the hash that index [`Beginnings::bloom`]: 8 KiB, a few thousand stems at most.
const BLOOM_BITS: u32 = 16;

/// A word's first three bytes, or four when it begins with a character of two bytes or more (a
/// stem of three letters has that many), a shorter word padded with spaces.
fn key(word: &[u8]) -> u32 {
    let at = |i: usize| u32::from(word.get(i).copied().unwrap_or(b' '));
    let fourth = if word[0] >= 0x80 { at(3) << 24 } else { 0 };
    at(0) | at(1) << 8 | at(2) << 16 | fourth
}

/// Where [`Beginnings::bloom`] has the bit of a word whose first eight bytes are `head` (zeros
/// after a shorter word): the hash of its first three letters, or of all of it when it has
/// fewer (at most its first eight bytes either way, so a word and a stem it begins with agree).
fn bloom_index(head: u64) -> usize {
    // The bytes that begin a character (not 0b10xx_xxxx; a zero after the word counts): the
    // fourth of them is where the first three letters end.
    let mut starts = !(head & !(head << 1)) & 0x8080_8080_8080_8080;
    for _ in 0..3 {
        starts &= starts.wrapping_sub(1);
    }
    let bytes = (starts.trailing_zeros() / 8).max(1);
    let prefix = head & (u64::MAX >> (64 - 8 * bytes));
    (prefix.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BLOOM_BITS)) as usize
}

/// A folded word's first eight bytes (zeros after a shorter word).
#[inline]
pub(super) fn head(text: &[u8], start: usize, end: usize) -> u64 {
    load(text, start) & low_bytes(end - start)
}

/// A mask of the low `n` bytes of a `u64` (all of them from eight).
fn low_bytes(n: usize) -> u64 {
    if n >= 8 { u64::MAX } else { (1 << (8 * n)) - 1 }
}

impl Beginnings {
    pub(super) fn new<'a>(stems: impl Iterator<Item = &'a String>) -> Beginnings {
        let mut beginnings = Beginnings {
            bloom: vec![0; 1 << (BLOOM_BITS - 6)],
            stems: foldhash::HashMap::default(),
        };
        for stem in stems {
            let bytes = stem.as_bytes();
            if bytes.is_empty() {
                continue;
            }
            let b = bloom_index(head(bytes, 0, bytes.len()));
            beginnings.bloom[b >> 6] |= 1 << (b & 63);
            let short = stem.chars().count() < 3;
            beginnings
                .stems
                .entry(key(bytes))
                .or_default()
                .push((bytes.into(), short));
        }
        beginnings
    }

    /// Whether a folded word (its [`head`]) may begin with a stem: false for most words that
    /// do not.
    #[inline]
    pub(super) fn may_admit(&self, head: u64) -> bool {
        let b = bloom_index(head);
        self.bloom
            .get(b >> 6)
            .is_some_and(|bits| bits & (1 << (b & 63)) != 0)
    }

    /// Whether a folded word (not empty) begins with a stem of three letters or more, or is
    /// a shorter one.
    pub(super) fn admit(&self, word: &[u8]) -> bool {
        self.stems.get(&key(word)).is_some_and(|stems| {
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

/// A folded word with its bytes read as two numbers: the first eight and the next eight (zeros
/// after a shorter word); a longer word is told from others by its bytes.
pub(super) struct Word<'a> {
    pub(super) bytes: &'a [u8],
    head: u64,
    tail: u64,
}

impl<'a> Word<'a> {
    /// The word at `start..end` of `text` (quickest with eight bytes after `end`).
    pub(super) fn of(text: &'a [u8], start: usize, end: usize) -> Word<'a> {
        let head = head(text, start, end);
        let tail = load(text, start + 8) & low_bytes((end - start).saturating_sub(8));
        Word {
            bytes: text.get(start..end).unwrap_or_default(),
            head,
            tail,
        }
    }

    fn hash(&self) -> u64 {
        hash(self.head, self.tail, self.bytes.len() as u64)
    }
}

fn hash(head: u64, tail: u64, len: u64) -> u64 {
    (head ^ tail.rotate_left(29) ^ len).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Folded words, each with a number: open addressing with linear probing over slots that hold
/// an entry's place, entries that hold a word's two numbers (so most comparisons are two
/// integer ones), and the bytes of the words longer than sixteen.
#[derive(Default)]
pub(super) struct WordTable {
    /// A power of two of them, at most half in use; 0 is empty, else an entry's index + 1.
    slots: Vec<u32>,
    entries: Vec<Entry>,
    long: Vec<u8>,
}

struct Entry {
    head: u64,
    tail: u64,
    len: u32,
    /// Where the word's bytes are in [`WordTable::long`] when it is longer than sixteen.
    at: u32,
    value: u32,
}

impl WordTable {
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn clear(&mut self) {
        self.slots.fill(0);
        self.entries.clear();
        self.long.clear();
    }

    #[inline]
    pub(super) fn get(&self, word: &Word<'_>) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = (word.hash() >> 32) as usize & mask;
        loop {
            let entry = self
                .entries
                .get((self.slots[slot] as usize).checked_sub(1)?)?;
            if entry.head == word.head
                && entry.tail == word.tail
                && entry.len as usize == word.bytes.len()
                && (word.bytes.len() <= 16
                    || self
                        .long
                        .get(entry.at as usize..entry.at as usize + word.bytes.len())
                        == Some(word.bytes))
            {
                return Some(entry.value);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Adds a word not in the table.
    pub(super) fn insert(&mut self, word: &Word<'_>, value: u32) {
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let at = self.long.len();
        if word.bytes.len() > 16 {
            self.long.extend_from_slice(word.bytes);
        }
        self.entries.push(Entry {
            head: word.head,
            tail: word.tail,
            len: u32::try_from(word.bytes.len()).unwrap_or(u32::MAX),
            at: u32::try_from(at).unwrap_or(u32::MAX),
            value,
        });
        let index = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.place(word.hash(), index);
    }

    fn place(&mut self, hash: u64, index: u32) {
        let mask = self.slots.len() - 1;
        let mut slot = (hash >> 32) as usize & mask;
        while self.slots[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = index;
    }

    fn grow(&mut self) {
        self.slots = vec![0; (self.slots.len() * 2).max(64)];
        for i in 0..self.entries.len() {
            let e = &self.entries[i];
            let hash = hash(e.head, e.tail, u64::from(e.len));
            self.place(hash, u32::try_from(i + 1).unwrap_or(u32::MAX));
        }
    }
}
