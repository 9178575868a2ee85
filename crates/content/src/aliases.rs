//! The names people actually type, in one table built from the pack: slugs, names, the parts of
//! names in brackets ("Amphetamine (speed)"), street names and brand names, in both languages.
//! The checker (public and staff) and search both use it, so what one understands the other does.
//!
//! Matching folds letter case and «ё» to «е», drops quotes and squeezes spaces. A word that
//! matches nothing gets the nearest alias as a suggestion (Damerau-Levenshtein distance, one
//! edit for short words, two for longer ones, three for long ones).

use crate::Pack;
use netreach_core::Lang;
use std::collections::BTreeMap;

/// What people type, folded, to substance slugs.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    /// Folded alias -> slug. When two substances share an alias, the first in the pack wins.
    map: BTreeMap<String, String>,
}

/// What one typed word became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A substance, by slug.
    Found(String),
    /// Nothing; perhaps the substance (slug) with an alias close to the word.
    Unknown {
        word: String,
        suggestion: Option<String>,
    },
}

/// Lower case, «ё» as «е», no quotes or brackets, single spaces.
pub fn fold(text: &str) -> String {
    let lowered: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c == 'ё' { 'е' } else { c })
        .filter(|c| !"«»\"'“”„`()[]".contains(*c))
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parts of a name: the whole, the part before a bracket, and each item inside the brackets
/// ("GHB (also GBL and 1,4-butanediol)" -> "ghb (also...)", "ghb", "gbl", "1,4-butanediol").
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = vec![name.to_owned()];
    if let Some((before, rest)) = name.split_once('(') {
        parts.push(before.to_owned());
        let inside = rest.split(')').next().unwrap_or(rest);
        for item in inside.split([',', ';']) {
            for piece in item.split(" and ").flat_map(|p| p.split(" и ")) {
                let piece = piece.trim();
                let piece = ["including ", "also ", "включая ", "а также ", "препараты "]
                    .iter()
                    .fold(piece, |p, prefix| p.strip_prefix(prefix).unwrap_or(p));
                parts.push(piece.to_owned());
            }
        }
    }
    parts
}

impl Aliases {
    /// Every name of every substance of the pack.
    pub fn of(pack: &Pack) -> Aliases {
        let mut map = BTreeMap::new();
        for s in &pack.substances {
            let mut names = vec![s.slug.clone(), s.slug.replace('-', " ")];
            for lang in Lang::ALL {
                names.extend(name_parts(s.name(lang)));
                names.extend(s.street_names(lang).iter().cloned());
                names.extend(s.brand_names(lang).iter().cloned());
                names.extend(s.search_aliases(lang).iter().cloned());
            }
            for name in names {
                let folded = fold(&name);
                if folded.chars().count() >= 2 {
                    map.entry(folded).or_insert_with(|| s.slug.clone());
                }
            }
        }
        Aliases { map }
    }

    /// The substance a word names exactly (after folding).
    pub fn find(&self, word: &str) -> Option<&str> {
        self.map.get(&fold(word)).map(String::as_str)
    }

    /// Every alias with its substance's slug, folded (for forum watch's matcher).
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.map
            .iter()
            .map(|(alias, slug)| (alias.as_str(), slug.as_str()))
    }

    /// Every alias of one substance, folded (for the search index).
    pub fn of_substance<'a>(&'a self, slug: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.map
            .iter()
            .filter(move |(_, s)| s.as_str() == slug)
            .map(|(alias, _)| alias.as_str())
    }

    /// The substance whose alias is nearest to a word that matched nothing, if one is near.
    pub fn suggest(&self, word: &str) -> Option<&str> {
        let word = fold(word);
        let len = word.chars().count();
        let allowed = match len {
            0..=2 => return None,
            3..=5 => 1,
            6..=9 => 2,
            _ => 3,
        };
        self.map
            .iter()
            .map(|(alias, slug)| (strsim::damerau_levenshtein(&word, alias), alias, slug))
            .filter(|(distance, _, _)| *distance <= allowed)
            .min_by_key(|(distance, alias, _)| (*distance, alias.len()))
            .map(|(_, _, slug)| slug.as_str())
    }

    /// Each word typed, found or not (with a suggestion).
    pub fn resolve(&self, word: &str) -> Resolved {
        match self.find(word) {
            Some(slug) => Resolved::Found(slug.to_owned()),
            None => Resolved::Unknown {
                word: word.trim().to_owned(),
                suggestion: self.suggest(word).map(str::to_owned),
            },
        }
    }
}

/// Splits what someone typed into the names of substances: commas, semicolons, pluses, new
/// lines, and the words "and", "with", «и», «с», «плюс» between names.
pub fn split_names(typed: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in typed.split([',', ';', '+', '\n', '/']) {
        let mut current: Vec<&str> = Vec::new();
        for word in piece.split_whitespace() {
            if ["and", "with", "и", "с", "плюс", "&"].contains(&word.to_lowercase().as_str())
            {
                if !current.is_empty() {
                    out.push(current.join(" "));
                    current.clear();
                }
            } else {
                current.push(word);
            }
        }
        if !current.is_empty() {
            out.push(current.join(" "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_slang_clients_type_finds_its_profile() {
        let pack = crate::Pack::bundled().unwrap();
        let aliases = Aliases::of(&pack);
        for (typed, slug) in [
            ("мет", "methamphetamine"),
            ("Фен", "amphetamine"),
            ("меф", "mephedrone"),
            ("meth", "methamphetamine"),
            ("ксанакс", "benzodiazepines"),
            ("трамал", "tramadol"),
            ("соль", "alpha-pvp"),
            ("гера", "heroin"),
            ("кет", "ketamine"),
            ("шишки", "cannabis"),
        ] {
            assert_eq!(aliases.find(typed), Some(slug), "{typed}");
        }
    }

    use super::*;

    fn aliases() -> (Pack, Aliases) {
        let pack = Pack::bundled().unwrap_or_else(|e| panic!("{e:?}"));
        let aliases = Aliases::of(&pack);
        (pack, aliases)
    }

    #[test]
    fn names_in_either_language_and_their_bracketed_parts_are_aliases() {
        let (_, a) = aliases();
        for (typed, slug) in [
            ("heroin", "heroin"),
            ("ГЕРОИН", "heroin"),
            ("Speed", "amphetamine"),
            ("спиды", "amphetamine"),
            ("ecstasy", "mdma"),
            ("экстази", "mdma"),
            ("крокодил", "desomorphine"),
            ("GBL", "ghb"),
            ("alpha pvp", "alpha-pvp"),
            ("  Dextromethorphan  ", "dxm"),
            ("димедрол", "diphenhydramine"),
        ] {
            assert_eq!(a.find(typed), Some(slug), "{typed}");
        }
    }

    #[test]
    fn yo_and_ye_fold_together() {
        assert_eq!(fold("Ёжик «Зелёный»"), "ежик зеленый");
        let mut a = Aliases::default();
        a.map.insert(fold("Зелёный"), "x".into());
        assert_eq!(a.find("зеленый"), Some("x"));
        assert_eq!(a.find("ЗЕЛЁНЫЙ"), Some("x"));
    }

    #[test]
    fn a_near_miss_is_suggested_and_nonsense_is_not() {
        let (_, a) = aliases();
        assert_eq!(a.suggest("heorin"), Some("heroin"));
        assert_eq!(a.suggest("гироин"), Some("heroin"));
        assert_eq!(a.suggest("metadone"), Some("methadone"));
        assert_eq!(a.suggest("zzzzzzzz"), None);
        assert_eq!(a.suggest("ab"), None);
        assert_eq!(
            a.resolve("heorin"),
            Resolved::Unknown {
                word: "heorin".into(),
                suggestion: Some("heroin".into())
            }
        );
    }

    #[test]
    fn typed_lists_split_into_names() {
        assert_eq!(
            split_names("heroin, xanax + alcohol"),
            vec!["heroin", "xanax", "alcohol"]
        );
        assert_eq!(split_names("героин и алкоголь"), vec!["героин", "алкоголь"]);
        assert_eq!(
            split_names("alpha pvp with mdma"),
            vec!["alpha pvp", "mdma"]
        );
        assert!(split_names(" , ").is_empty());
    }
}
