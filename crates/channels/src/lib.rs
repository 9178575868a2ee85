//! Outreach channels: rendering a post written once in Markdown for each venue's markup
//! (BBCode forums, Markdown forums, Telegram HTML, plain text), escaping everything the author
//! typed so that no markup can be smuggled through ([`render`]); and sending to Telegram channels
//! and groups through the Bot API ([`telegram`]); and fetching forum feeds and pages and
//! finding risk signals in their posts ([`watch`]).

pub mod render;
pub mod telegram;
pub mod watch;

pub use render::{Markup, render, visible_length};
