//! The pack's records as they appear in the files. Unknown fields are refused, so a typo in a
//! content file fails loudly.

use netreach_core::Lang;
use netreach_core::combination::Category;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A cited source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A local id referenced from the text as `[S1]` (profiles) or `[1]` (articles).
    #[serde(default, deserialize_with = "id_as_string")]
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub year: u16,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub doi: Option<String>,
    #[serde(default)]
    pub supports: Option<String>,
}

impl Source {
    /// Where to read it: the URL, or the DOI resolver.
    pub fn link(&self) -> Option<String> {
        self.url
            .clone()
            .or_else(|| self.doi.as_ref().map(|d| format!("https://doi.org/{d}")))
    }
}

fn id_as_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(i64),
    }
    Ok(match Id::deserialize(d)? {
        Id::Text(s) => s,
        Id::Number(n) => n.to_string(),
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub en: String,
    pub ru: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreetNames {
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub ru: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routes {
    #[serde(default)]
    pub list: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timed {
    pub en: String,
    pub ru: String,
    pub source: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timing {
    pub onset: Option<Timed>,
    pub duration: Option<Timed>,
}

/// The text of a profile in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub summary: String,
    pub effects: String,
    pub risks: String,
    pub advice: String,
}

/// A substance profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Substance {
    pub slug: String,
    pub class: String,
    pub confidence: String,
    pub reused_text: bool,
    pub names: Names,
    #[serde(default)]
    pub street_names: StreetNames,
    /// Brand names of medicines (Xanax, «Лирика»), each language's list; optional. The checker
    /// and search understand them like street names.
    #[serde(default)]
    pub brand_names: StreetNames,
    /// Short forms and slang people type ("мет", "фен", "меф"), each language's list: matching
    /// aids for the checker and search, never shown on a page as facts, so they need no source.
    /// The organisation's outreach team keeps them current.
    #[serde(default)]
    pub search_aliases: StreetNames,
    #[serde(default)]
    pub routes: Routes,
    #[serde(default)]
    pub timing: Option<Timing>,
    /// Who reviewed the profile for the organisation (a role, not a name) and when
    /// (YYYY-MM-DD); empty until someone has. The console's review is recorded in the database.
    #[serde(default)]
    pub reviewed_by: String,
    #[serde(default)]
    pub reviewed_at: String,
    pub en: Texts,
    pub ru: Texts,
    pub sources: Vec<Source>,
}

impl Substance {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.names.en,
            Lang::Ru => &self.names.ru,
        }
    }

    pub fn texts(&self, lang: Lang) -> &Texts {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }

    pub fn street_names(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::En => &self.street_names.en,
            Lang::Ru => &self.street_names.ru,
        }
    }

    pub fn brand_names(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::En => &self.brand_names.en,
            Lang::Ru => &self.brand_names.ru,
        }
    }

    pub fn search_aliases(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::En => &self.search_aliases.en,
            Lang::Ru => &self.search_aliases.ru,
        }
    }
}

/// A combination rule (between classes, or an override between two substances).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub a: String,
    pub b: String,
    pub category: Category,
    pub confidence: String,
    pub en: String,
    pub ru: String,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    pub rule: Vec<Rule>,
}

/// The front matter of a knowledge-base article.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatter {
    pub slug: String,
    pub lang: String,
    pub translation_key: String,
    pub title: String,
    pub summary: String,
    pub topic: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub confidence: String,
    pub reused_text: bool,
    #[serde(default)]
    pub reviewed_by: String,
    #[serde(default)]
    pub reviewed_at: String,
    pub sources: Vec<Source>,
}

/// A knowledge-base article in one language.
#[derive(Debug, Clone)]
pub struct Article {
    pub slug: String,
    pub lang: Lang,
    pub translation_key: String,
    pub title: String,
    pub summary: String,
    pub topic: String,
    pub tags: Vec<String>,
    pub confidence: String,
    pub reviewed_by: String,
    pub reviewed_at: String,
    pub sources: Vec<Source>,
    /// The Markdown body.
    pub body: String,
}

pub(crate) type RuleMap = BTreeMap<(String, String), Rule>;

/// What a service in the directory offers.
pub const SERVICE_KINDS: [&str; 10] = [
    "needle_exchange",
    "opioid_agonist_treatment",
    "naloxone",
    "drug_checking",
    "hiv_hepatitis",
    "sexual_health",
    "mental_health",
    "shelter",
    "legal_aid",
    "other",
];

/// A short text in both languages.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub ru: String,
}

impl Bilingual {
    /// The text in `lang`, or in the other language when that one is empty.
    pub fn get(&self, lang: Lang) -> &str {
        let (wanted, other) = match lang {
            Lang::En => (&self.en, &self.ru),
            Lang::Ru => (&self.ru, &self.en),
        };
        if wanted.is_empty() { other } else { wanted }
    }
}

/// A real service people can be referred to: the organisation's own directory, kept as files in
/// the pack (`services/<slug>.toml`) and checked by a person at `checked_at`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub slug: String,
    pub name: Bilingual,
    /// One of [`SERVICE_KINDS`].
    pub kinds: Vec<String>,
    pub city: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub hours: Bilingual,
    /// Phone, messenger or e-mail of the service itself (never a client's).
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub url: Option<String>,
    /// Languages spoken there, e.g. `["ru", "en"]`.
    #[serde(default)]
    pub languages: Vec<String>,
    pub description: Bilingual,
    /// No identity document or registration needed.
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub free: bool,
    /// When someone last checked these details (YYYY-MM-DD), and who (a role, not a name).
    pub checked_at: String,
    #[serde(default)]
    pub checked_by: String,
}
