//! Forum pages and feeds in the encoding they declare. Russian-language forums still serve
//! windows-1251 and KOI8-R; read as UTF-8, their posts would be garbage that matches nothing.
//!
//! The order is the HTML standard's, simplified: a byte-order mark, then the `charset` of the
//! `Content-Type` header, then a `charset=` (a `<meta>` tag) or `encoding="..."` (an XML
//! declaration) in the first 1024 bytes, else UTF-8. The decoding itself is `encoding_rs`'s.

use encoding_rs::{Encoding, UTF_8};

/// How far into a document a declaration is looked for.
const PRESCAN: usize = 1024;

/// A document turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding it was read in (`UTF-8`, `windows-1251`...).
    pub encoding: &'static str,
    /// Whether the document or its header named that encoding (else UTF-8 was assumed).
    pub declared: bool,
    /// Whether some bytes were not valid in that encoding (each became U+FFFD).
    pub malformed: bool,
}

/// Decodes `bytes` in the encoding they declare, given the response's `Content-Type` (or an
/// upload's declared type), if any.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, declared, skip) = match Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (encoding, true, bom),
        None => match content_type
            .and_then(charset_param)
            .or_else(|| prescan(&bytes[..bytes.len().min(PRESCAN)]))
        {
            Some(encoding) => (encoding, true, 0),
            None => (UTF_8, false, 0),
        },
    };
    let (text, malformed) = encoding.decode_without_bom_handling(&bytes[skip..]);
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        declared,
        malformed,
    }
}

/// The encoding named by a `charset=` parameter.
fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| label(value.trim().trim_matches(['"', '\''])))
            .flatten()
    })
}

/// An encoding label; UTF-16 named inside the document (without a byte-order mark) is read as
/// UTF-8, as browsers do, since the bytes that named it are ASCII.
fn label(value: &str) -> Option<&'static Encoding> {
    Encoding::for_label(value.as_bytes()).map(Encoding::output_encoding)
}

/// A `charset=` or `encoding=` declaration near the start of the document.
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    for key in [&b"charset="[..], &b"encoding="[..]] {
        let Some(at) = find(&lower, key) else {
            continue;
        };
        let rest = &lower[at + key.len()..];
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
            .unwrap_or(rest.len());
        if let Some(encoding) = std::str::from_utf8(&rest[..end]).ok().and_then(label) {
            return Some(encoding);
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cp1251(text: &str) -> Vec<u8> {
        encoding_rs::WINDOWS_1251.encode(text).0.into_owned()
    }

    #[test]
    fn a_page_is_read_in_the_encoding_its_header_or_meta_tag_or_declaration_names() {
        let body = cp1251("<p>передоз, не могу разбудить</p>");
        let by_header = decode(&body, Some("text/html; charset=windows-1251"));
        assert_eq!(by_header.text, "<p>передоз, не могу разбудить</p>");
        assert_eq!(
            (by_header.encoding, by_header.declared, by_header.malformed),
            ("windows-1251", true, false)
        );

        let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body>".to_vec();
        page.extend(cp1251("бодяжат фентанилом"));
        assert!(
            decode(&page, Some("text/html"))
                .text
                .ends_with("бодяжат фентанилом")
        );
        let mut meta = b"<meta charset='koi8-r'>".to_vec();
        meta.extend(encoding_rs::KOI8_R.encode("ксилазин").0.iter());
        assert_eq!(decode(&meta, None).text, "<meta charset='koi8-r'>ксилазин");
        let mut feed = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss>".to_vec();
        feed.extend(cp1251("соль"));
        assert!(decode(&feed, None).text.ends_with("<rss>соль"));
    }

    #[test]
    fn a_byte_order_mark_wins_and_an_undeclared_page_is_utf8() {
        let bom = [b"\xEF\xBB\xBF".as_slice(), "соль".as_bytes()].concat();
        let read = decode(&bom, Some("text/html; charset=windows-1251"));
        assert_eq!((read.text.as_str(), read.encoding), ("соль", "UTF-8"));
        let plain = decode("мефедрон".as_bytes(), None);
        assert_eq!(
            (plain.text.as_str(), plain.declared, plain.malformed),
            ("мефедрон", false, false)
        );
        let wrong = decode(&cp1251("мефедрон"), None);
        assert!(
            !wrong.declared && wrong.malformed,
            "undeclared windows-1251 is not UTF-8"
        );
        let unknown = decode(b"x", Some("text/html; charset=no-such-thing"));
        assert_eq!(unknown.encoding, "UTF-8");
    }
}
