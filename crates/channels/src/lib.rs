//! Outreach channels. For now: rendering a post written once in Markdown for each venue's markup
//! (BBCode forums, Markdown forums, Telegram HTML, plain text), escaping everything the author
//! typed so that no markup can be smuggled through.

pub mod render;

pub use render::{Markup, render};
