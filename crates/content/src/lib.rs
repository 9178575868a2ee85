//! The content pack: knowledge-base articles (Markdown with TOML front matter), substance
//! profiles and combination rules (TOML), written by the project from cited public sources.
//!
//! [`Pack::bundled`] is the pack compiled into the binary from `content/`; [`Pack::load`] reads
//! the same layout from any directory. Loading validates everything and reports every problem
//! with its file (and line where the parser knows it). [`check`] answers "what happens if I mix
//! these", and [`search`] finds articles and substances in either language.

pub mod aliases;
pub mod index;
mod model;
mod pack;
pub mod placeholders;
pub mod render;
pub mod search;

pub use model::{
    Article, Bilingual, Rule, SERVICE_KINDS, Service, Source, Substance, Texts, Timed, Timing,
};
pub use pack::{
    Pack, PackError, bundled_files, count_files, read_files, read_files_with, write_files,
};

use netreach_core::Lang;
use netreach_core::combination::{Category, pairs, resolve};

/// One pair in a combination check.
#[derive(Debug, Clone)]
pub struct CheckedPair<'p> {
    pub a: &'p Substance,
    pub b: &'p Substance,
    pub category: Category,
    /// The rule's explanation in the language asked for; `None` when no rule exists.
    pub rule: Option<&'p Rule>,
}

impl CheckedPair<'_> {
    pub fn note(&self, lang: Lang) -> Option<&str> {
        self.rule.map(|r| match lang {
            Lang::En => r.en.as_str(),
            Lang::Ru => r.ru.as_str(),
        })
    }
}

/// Every pair of the given substances, most dangerous first.
pub fn check<'p>(pack: &'p Pack, chosen: &[&'p Substance]) -> Vec<CheckedPair<'p>> {
    let mut out: Vec<CheckedPair<'p>> = pairs(chosen)
        .into_iter()
        .map(|(a, b)| {
            let rule = resolve(
                (&a.slug, &a.class),
                (&b.slug, &b.class),
                |k| pack.pair_rules.get(k),
                |k| pack.class_rules.get(k),
            );
            CheckedPair {
                a,
                b,
                category: rule.map(|r| r.category).unwrap_or(Category::Unknown),
                rule,
            }
        })
        .collect();
    out.sort_by_key(|p| p.category.danger_rank());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_pack_loads_and_is_complete() {
        let pack = Pack::bundled().unwrap_or_else(|errors| panic!("{errors:#?}"));
        assert!(
            pack.substances.len() >= 40,
            "{} substances",
            pack.substances.len()
        );
        let en = pack.articles.iter().filter(|a| a.lang == Lang::En).count();
        let ru = pack.articles.iter().filter(|a| a.lang == Lang::Ru).count();
        assert!(en >= 25 && ru >= 25, "{en} EN and {ru} RU articles");
        for slug in [
            "heroin",
            "methadone",
            "alcohol",
            "ghb",
            "mdma",
            "alpha-pvp",
            "fentanyl",
            "xylazine",
        ] {
            assert!(pack.substance(slug).is_some(), "{slug} missing");
        }
    }

    #[test]
    fn every_profile_rule_and_article_has_a_source() {
        let pack = Pack::bundled().unwrap_or_else(|errors| panic!("{errors:#?}"));
        assert!(pack.substances.iter().all(|s| !s.sources.is_empty()));
        assert!(
            pack.class_rules
                .values()
                .chain(pack.pair_rules.values())
                .all(|r| !r.sources.is_empty())
        );
        assert!(pack.articles.iter().all(|a| !a.sources.is_empty()));
    }

    #[test]
    fn every_pair_of_classes_has_a_rule() {
        let pack = Pack::bundled().unwrap_or_else(|errors| panic!("{errors:#?}"));
        let mut classes: Vec<&str> = pack.substances.iter().map(|s| s.class.as_str()).collect();
        classes.sort_unstable();
        classes.dedup();
        for (i, a) in classes.iter().enumerate() {
            for b in &classes[i..] {
                let key = netreach_core::combination::pair_key(a, b);
                assert!(pack.class_rules.contains_key(&key), "no rule for {a} + {b}");
            }
        }
    }

    #[test]
    fn the_checker_sorts_by_danger_and_uses_pair_overrides() {
        let pack = Pack::bundled().unwrap_or_else(|errors| panic!("{errors:#?}"));
        let chosen: Vec<&Substance> = ["heroin", "alcohol", "cannabis"]
            .iter()
            .map(|s| pack.substance(s).unwrap())
            .collect();
        let result = check(&pack, &chosen);
        assert_eq!(result.len(), 3);
        assert_eq!(result[0].category, Category::Dangerous, "heroin + alcohol");
        assert!(
            result
                .windows(2)
                .all(|w| w[0].category.danger_rank() <= w[1].category.danger_rank())
        );
        let tramadol = [
            pack.substance("tramadol").unwrap(),
            pack.substance("ssris").unwrap(),
        ];
        let result = check(&pack, &tramadol);
        assert_eq!(result[0].category, Category::Dangerous);
        assert!(result[0].note(Lang::En).unwrap().contains("seizures"));
    }

    #[test]
    fn a_class_rule_with_itself_fires_for_two_different_substances_of_that_class() {
        let pack = Pack::bundled().unwrap_or_else(|errors| panic!("{errors:#?}"));
        let mut checked = 0;
        for (i, a) in pack.substances.iter().enumerate() {
            for b in &pack.substances[i + 1..] {
                let key = netreach_core::combination::pair_key(&a.slug, &b.slug);
                if a.class != b.class || pack.pair_rules.contains_key(&key) {
                    continue;
                }
                let own = netreach_core::combination::pair_key(&a.class, &a.class);
                let result = check(&pack, &[a, b]);
                let rule = result[0]
                    .rule
                    .unwrap_or_else(|| panic!("{} + {}", a.slug, b.slug));
                assert!(
                    std::ptr::eq(rule, &pack.class_rules[&own]),
                    "{} + {} did not use the {} + {} rule",
                    a.slug,
                    b.slug,
                    a.class,
                    a.class
                );
                checked += 1;
            }
        }
        assert!(checked > 0, "no two substances share a class");
    }
}
