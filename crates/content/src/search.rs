//! Search results; the index itself is in [`crate::index`].

use netreach_core::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Article,
    Substance,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub lang: Lang,
    pub score: u32,
}
