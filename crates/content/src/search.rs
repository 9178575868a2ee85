//! Search results; the index itself is in [`crate::index`].

use netreach_core::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Article,
    Substance,
    /// An entry of the public question-and-answer archive (kept in the database, not the pack).
    Qa,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Substance => "substance",
            Kind::Qa => "qa",
        }
    }
}

/// A published document from outside the pack (a Q&A entry) to index alongside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraDoc {
    pub kind: Kind,
    pub slug: String,
    pub lang: Lang,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub lang: Lang,
    pub score: u32,
}

impl Hit {
    /// The public page of the hit, in its language: `/kb/…`, `/substances/…` or `/qa/…`.
    pub fn path(&self) -> String {
        let section = match self.kind {
            Kind::Article => "kb",
            Kind::Substance => "substances",
            Kind::Qa => "qa",
        };
        format!("/{section}/{}?lang={}", self.slug, self.lang.code())
    }
}
