//! Forum watch, the parts with no database: fetching feeds and pages politely ([`fetch`]),
//! turning them into posts ([`extract`]), and finding risk signals in posts ([`Matcher`], with
//! the default [`lexicon`]).

pub mod charset;
pub mod extract;
pub mod fetch;
pub mod lexicon;
mod matcher;

pub use extract::{ForumPost, Selectors};
pub use matcher::{Hit, MEMO_WORDS, Matcher, Scratch, Term, snippet};
