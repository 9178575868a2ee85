//! Folding forum text for the matcher: letters and digits lower-cased («ё» read as «е»), every
//! other character a space for each of its bytes, byte offsets kept where folding keeps a
//! character's length (nearly always), and a bit per folded byte marking the words.
//!
//! ASCII and the Cyrillic letters of Russian are most of forum text, so they are folded eight
//! bytes at a time by bit arithmetic on a `u64` (SWAR), without the Unicode tables: ASCII
//! letters by comparing every byte at once, Cyrillic by checking that four two-byte letters are
//! already small (they are copied) and reading the rest, a letter at a time, from a table.

/// A character lower-cased, «ё» as «е»: ASCII and Cyrillic (most of forum text) without the
/// Unicode tables, the rest through them.
pub(super) fn fold_char(c: char) -> impl Iterator<Item = char> {
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
const SPACES: u64 = ONES * b' ' as u64;

/// Eight bytes from `at`, spaces after the end of `bytes`.
#[inline]
pub(super) fn load(bytes: &[u8], at: usize) -> u64 {
    match bytes
        .get(at..at + 8)
        .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
    {
        Some(word) => u64::from_le_bytes(word),
        None => load_end(bytes, at),
    }
}

/// [`load`] near the end of `bytes`.
#[cold]
fn load_end(bytes: &[u8], at: usize) -> u64 {
    let mut word = [b' '; 8];
    let rest = bytes.get(at..).unwrap_or_default();
    word[..rest.len().min(8)].copy_from_slice(&rest[..rest.len().min(8)]);
    u64::from_le_bytes(word)
}

/// The top bit of each byte of `x` whose low seven bits are at least `bound` (below 0x80):
/// adding to the low seven bits of every byte at once never carries into the next.
fn at_least(x: u64, bound: u8) -> u64 {
    (x & !HIGH).wrapping_add(ONES * u64::from(0x80 - bound)) & HIGH
}

/// The top bit of each byte of `x` that is `b`.
fn equal(x: u64, b: u8) -> u64 {
    let z = x ^ (ONES * u64::from(b));
    let nonzero = (z & !HIGH).wrapping_add(!HIGH) | z;
    !nonzero & HIGH
}

/// One bit per byte from the top bits of `x`'s bytes: byte i's bit (at 8i + 7) lands at 56 + i
/// of the product, and no two products share a bit.
fn gather(top: u64) -> u64 {
    (top >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// A two-byte character of U+0400..U+047F (`lead` 0xD0 or 0xD1), folded as [`fold_char`]
/// does, in UTF-8; every one of them is a letter.
pub(super) const fn fold_cyrillic(lead: u8, next: u8) -> [u8; 2] {
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

/// Folds `text` into `out`, then a space and eight more of room: letters and digits
/// lower-cased (see [`fold_char`]), every other character a space for each of its bytes. Marks
/// the words' bytes in `marks`, a bit per byte (bit `i % 64` of `marks[i / 64]`). A character
/// whose folded form has another length is noted in `shifts`, so offsets can be mapped back.
pub(super) fn fold_text(
    text: &str,
    out: &mut Vec<u8>,
    marks: &mut Vec<u64>,
    shifts: &mut Vec<(usize, usize)>,
) {
    shifts.clear();
    if !fold_aligned(text, out, marks) {
        fold_shifted(text, out, shifts);
        mark_words(out, marks);
    }
}

/// [`fold_text`] for a text where folding keeps every character's length (nearly all of
/// them): written in place, byte for byte. False, with `out` and `marks` to be discarded, at
/// the first character where it does not.
///
/// Eight bytes at a time while they are ASCII, small Cyrillic letters, or capital ones (which
/// the table folds afterwards, rarely more than one a chunk): ASCII is folded and classified by
/// comparing every byte at once, the second byte of a Cyrillic letter is known by the byte
/// before it (the chunk's bytes shifted by one, with the last of the chunk before). A chunk with
/// any other character is folded a character at a time, up to the next multiple of eight.
fn fold_aligned(text: &str, out: &mut Vec<u8>, marks: &mut Vec<u64>) -> bool {
    let bytes = text.as_bytes();
    let n = bytes.len();
    out.clear();
    out.resize(n + 9, b' ');
    marks.clear();
    marks.resize(out.len().div_ceil(64), 0);
    let (mut at, mut before) = (0, b' ');
    while at < n {
        let x = load(bytes, at);
        let ascii = !x & HIGH;
        // ASCII letters are those that are between "a" and "z" with 0x20 set; capitals had it
        // clear (bit 5, shifted to the top bit).
        let small = x | (ONES * 0x20);
        let letter = at_least(small, b'a') & !at_least(small, b'z' + 1);
        let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
        let alnum = (letter | digit) & ascii;
        let upper = letter & !(x << 2) & ascii;
        let mut capitals = 0;
        if ascii != HIGH {
            // First bytes other than those of U+0400..U+047F (0xD0, 0xD1): another character.
            // (Their second bytes are in the chunk, or this one began where such a character
            // ended.)
            let first = x & (x << 1) & HIGH;
            let other = first & !equal(x & (ONES * 0xFE), 0xD0);
            if other != 0 {
                match fold_chars(text, out, marks, at) {
                    Some(next) => at = next,
                    None => return false,
                }
                before = bytes[at - 1];
                continue;
            }
            // Capitals, «ё» and the old letters: the second bytes Ѐ..Я after 0xD0, ё and
            // U+0460.. after 0xD1 (the byte before is odd).
            let second = x & !(x << 1) & HIGH;
            let after_d1 = ((x << 8 | u64::from(before)) << 7) & second;
            let after_d0 = second & !after_d1;
            capitals =
                (after_d0 & !at_least(x, 0x30)) | (after_d1 & (equal(x, 0x91) | at_least(x, 0x20)));
        }
        let spaces = ((ascii & !alnum) >> 7) * 0xFF;
        let folded = ((x | (upper >> 2)) & !spaces) | (SPACES & spaces);
        if let Some(chunk) = out.get_mut(at..at + 8) {
            chunk.copy_from_slice(&folded.to_le_bytes());
        }
        marks[at / 64] |= gather(alnum | (x & HIGH)) << (at % 64);
        while capitals != 0 {
            let second = at + (capitals.trailing_zeros() / 8) as usize;
            let index = usize::from(bytes[second - 1] & 1) << 6 | usize::from(bytes[second] & 0x3F);
            out[second - 1..=second].copy_from_slice(&CYRILLIC[index]);
            capitals &= capitals - 1;
        }
        before = (x >> 56) as u8;
        at += 8;
    }
    true
}

/// Folds `text` a character at a time from the chunk at `chunk` (a multiple of eight) to the
/// first multiple of eight after it that begins a character, marking the words' bytes. `None`
/// at a character whose folded form has another length.
fn fold_chars(text: &str, out: &mut [u8], marks: &mut [u64], chunk: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mark = |marks: &mut [u64], from: usize, to: usize| {
        for i in from..to {
            marks[i / 64] |= 1 << (i % 64);
        }
    };
    // A chunk may begin with the second byte of a Cyrillic letter (other characters end in the
    // chunk where they begin, or in this loop).
    let mut at = chunk;
    if bytes[at] & 0xC0 == 0x80 {
        at -= 1;
    }
    while at < bytes.len() && (at < chunk + 8 || !at.is_multiple_of(8)) {
        let b = bytes[at];
        if b < 0x80 {
            out[at] = ASCII[usize::from(b)];
            if out[at] != b' ' {
                mark(marks, at, at + 1);
            }
            at += 1;
        } else if b & 0xFE == 0xD0 {
            let index = usize::from(b & 1) << 6 | usize::from(bytes[at + 1] & 0x3F);
            out[at..at + 2].copy_from_slice(&CYRILLIC[index]);
            mark(marks, at, at + 2);
            at += 2;
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            let len = c.len_utf8();
            let mut buf = [b' '; 8];
            if c.is_alphanumeric() {
                let mut folded = 0;
                for f in fold_char(c) {
                    if folded + f.len_utf8() > len {
                        return None;
                    }
                    folded += f.encode_utf8(&mut buf[folded..]).len();
                }
                if folded != len {
                    return None;
                }
                mark(marks, at, at + len);
            }
            out[at..at + len].copy_from_slice(&buf[..len]);
            at += len;
        }
    }
    Some(at)
}

/// [`fold_text`] for any text, noting the characters whose length changed.
fn fold_shifted(text: &str, out: &mut Vec<u8>, shifts: &mut Vec<(usize, usize)>) {
    out.clear();
    out.reserve(text.len() + 9);
    let mut buf = [0u8; 4];
    for (at, c) in text.char_indices() {
        let len = c.len_utf8();
        if c.is_alphanumeric() || ('\u{0400}'..='\u{047F}').contains(&c) {
            let before = out.len();
            for f in fold_char(c) {
                out.extend_from_slice(f.encode_utf8(&mut buf).as_bytes());
            }
            if out.len() - before != len {
                shifts.push((out.len(), at + len));
            }
        } else {
            out.extend(std::iter::repeat_n(b' ', len));
        }
    }
    out.extend_from_slice(&[b' '; 9]);
}

/// Marks in `bits` the bytes of `folded` that are not spaces, a bit per byte (bit `i % 64` of
/// `bits[i / 64]`): the words.
fn mark_words(folded: &[u8], bits: &mut Vec<u64>) {
    bits.clear();
    bits.resize(folded.len().div_ceil(64), 0);
    for (at, c) in folded.chunks(8).enumerate() {
        let x = load(c, 0) ^ SPACES;
        let set = ((x & !HIGH).wrapping_add(!HIGH) | x) & HIGH;
        bits[at / 8] |= gather(set) << (at % 8 * 8);
    }
}

/// The words of a folded text, as byte ranges, read from the marks [`fold_text`] made: a
/// block of 64 marks at a time, the words' starts and ends found by counting zeros.
pub(super) struct Words<'a> {
    marks: &'a [u64],
    block: usize,
    /// The marks of `block` from the end of the last word on.
    bits: u64,
}

impl<'a> Words<'a> {
    pub(super) fn new(marks: &'a [u64]) -> Words<'a> {
        Words {
            marks,
            block: 0,
            bits: marks.first().copied().unwrap_or(0),
        }
    }
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        while self.bits == 0 {
            self.block += 1;
            self.bits = *self.marks.get(self.block)?;
        }
        let start = self.block * 64 + self.bits.trailing_zeros() as usize;
        // The first byte from the start that is not marked (the folded text ends in spaces).
        let mut rest = !self.bits & (u64::MAX << (start % 64));
        while rest == 0 {
            self.block += 1;
            self.bits = *self.marks.get(self.block)?;
            rest = !self.bits;
        }
        let end = self.block * 64 + rest.trailing_zeros() as usize;
        self.bits &= u64::MAX << (end % 64);
        Some((start, end))
    }
}

/// The offset in the text of an offset in the folded text (a word's start or end).
pub(super) fn origin(shifts: &[(usize, usize)], at: usize) -> usize {
    let i = shifts.partition_point(|(folded, _)| *folded <= at);
    let (folded, text) = match i {
        0 => (0, 0),
        i => shifts[i - 1],
    };
    text + (at - folded)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Folding written plainly: a character at a time, through [`fold_char`], and the words'
    /// bytes marked.
    fn plain(text: &str) -> (Vec<u8>, Vec<bool>) {
        let mut out = Vec::new();
        for c in text.chars() {
            let start = out.len();
            if c.is_alphanumeric() || ('\u{0400}'..='\u{047F}').contains(&c) {
                let mut buf = [0u8; 4];
                for f in fold_char(c) {
                    out.extend_from_slice(f.encode_utf8(&mut buf).as_bytes());
                }
            } else {
                out.extend(std::iter::repeat_n(b' ', c.len_utf8()));
            }
            debug_assert!(out.len() > start);
        }
        let marks = out.iter().map(|b| *b != b' ').collect();
        (out, marks)
    }

    proptest::proptest! {
        #[test]
        fn folding_eight_bytes_at_a_time_folds_as_a_character_at_a_time(
            chars in proptest::collection::vec(proptest::sample::select(
                ('\u{0400}'..='\u{047F}')
                    .chain(' '..='~')
                    .chain("\n\t«»—…éÉßİ\u{212A}ẞǅ😀١\u{0301}ѣҐґ".chars())
                    .collect::<Vec<char>>(),
            ), 0..60),
        ) {
            let text: String = chars.into_iter().collect();
            let (mut out, mut marks, mut shifts) = (Vec::new(), Vec::new(), Vec::new());
            fold_text(&text, &mut out, &mut marks, &mut shifts);
            let (expected, words) = plain(&text);
            proptest::prop_assert_eq!(&out[..expected.len()], &expected[..]);
            proptest::prop_assert!(out[expected.len()..].iter().all(|b| *b == b' '));
            let marked: Vec<bool> = (0..out.len())
                .map(|i| marks[i / 64] & (1 << (i % 64)) != 0)
                .collect();
            proptest::prop_assert_eq!(&marked[..expected.len()], &words[..]);
            proptest::prop_assert!(!marked[expected.len()..].iter().any(|m| *m));
        }
    }
}
