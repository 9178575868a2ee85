//! The lexicon in force: the default phrases of each risk signal, with the supervisors' edits
//! (phrases added, default phrases removed), and every name of every substance of the published
//! content pack. Supervisors edit it in the console with a box that shows what a sample matches.

use super::WatchError;
use crate::policy::{Action, Staff};
use crate::state::AppState;
use netreach_channels::watch::lexicon::{SIGNALS, default_terms, is_signal};
use netreach_channels::watch::{Hit, Matcher, Term};
use netreach_core::AuditAction;
use netreach_store::{StoreError, WatchTermRecord};
use std::collections::BTreeSet;

/// The prefix of a substance's signal: `substance:heroin`.
pub const SUBSTANCE: &str = "substance:";

/// One phrase of the lexicon, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconEntry {
    pub signal: String,
    pub phrase: String,
    /// Part of the default lexicon (else added by a supervisor).
    pub default: bool,
    /// A default phrase a supervisor removed.
    pub removed: bool,
}

/// Words the alias table takes from the pack's names ("... and others") that name no
/// substance: as forum words they would match everywhere.
const NOT_NAMES: &[&str] = &["другие", "другое", "другой", "others", "other", "etc"];

/// The risk phrases in force (defaults less removals, plus additions).
fn risk_terms(edits: &[WatchTermRecord]) -> Vec<Term> {
    let removed: BTreeSet<(&str, &str)> = edits
        .iter()
        .filter(|e| e.removed)
        .map(|e| (e.phrase.as_str(), e.signal.as_str()))
        .collect();
    let mut terms: Vec<Term> = default_terms()
        .into_iter()
        .filter(|t| !removed.contains(&(t.phrase.as_str(), t.signal.as_str())))
        .collect();
    terms.extend(
        edits
            .iter()
            .filter(|e| !e.removed)
            .map(|e| Term::new(&e.phrase, &e.signal)),
    );
    terms
}

/// The matcher in force: risk phrases and substance names.
pub(crate) async fn matcher(state: &AppState) -> Result<Matcher, StoreError> {
    let edits = state.store.watch_terms().await?;
    let mut terms = risk_terms(&edits);
    let index = state.content.index();
    terms.extend(
        index
            .aliases()
            .entries()
            .filter(|(alias, _)| !NOT_NAMES.contains(alias))
            .map(|(alias, slug)| Term::new(alias, &format!("{SUBSTANCE}{slug}"))),
    );
    Ok(Matcher::new(terms))
}

/// What a text raised: the distinct risk signals, the distinct substances (slugs), both in order
/// of first appearance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    pub risks: Vec<String>,
    pub substances: Vec<String>,
}

impl Signals {
    pub fn of(hits: &[Hit]) -> Signals {
        let mut s = Signals::default();
        for hit in hits {
            match hit.signal.strip_prefix(SUBSTANCE) {
                Some(slug) => {
                    if !s.substances.iter().any(|x| x == slug) {
                        s.substances.push(slug.to_owned());
                    }
                }
                None => {
                    if !s.risks.iter().any(|r| **r == *hit.signal) {
                        s.risks.push(hit.signal.to_string());
                    }
                }
            }
        }
        s
    }

    /// Whether the post belongs in the queue: a risk signal, two substances or more (a mix),
    /// or a question about a substance.
    pub fn worth_queueing(&self, text: &str) -> bool {
        !self.risks.is_empty()
            || self.substances.len() >= 2
            || (!self.substances.is_empty() && text.contains('?'))
    }

    /// As stored: risk signals, then `substance:<slug>`.
    pub fn names(&self) -> Vec<String> {
        self.risks
            .iter()
            .cloned()
            .chain(self.substances.iter().map(|s| format!("{SUBSTANCE}{s}")))
            .collect()
    }
}

/// Every phrase of the lexicon, defaults and edits, by signal.
pub async fn lexicon(state: &AppState, staff: &Staff) -> Result<Vec<LexiconEntry>, WatchError> {
    staff.may(Action::ReadWatchQueue)?;
    let edits = state.store.watch_terms().await?;
    let mut entries: Vec<LexiconEntry> = default_terms()
        .into_iter()
        .map(|t| LexiconEntry {
            removed: edits
                .iter()
                .any(|e| e.removed && e.phrase == t.phrase && e.signal == t.signal),
            signal: t.signal,
            phrase: t.phrase,
            default: true,
        })
        .collect();
    entries.extend(edits.iter().filter(|e| !e.removed).map(|e| LexiconEntry {
        signal: e.signal.clone(),
        phrase: e.phrase.clone(),
        default: false,
        removed: false,
    }));
    entries.sort_by_key(|e| {
        (
            SIGNALS
                .iter()
                .position(|s| *s == e.signal)
                .unwrap_or(usize::MAX),
            e.default,
            e.phrase.clone(),
        )
    });
    Ok(entries)
}

fn phrase(text: &str) -> Result<String, WatchError> {
    let phrase = crate::input::bounded(text, 80, true).ok_or(WatchError::Invalid("phrase"))?;
    if phrase.contains('\n') || !phrase.chars().any(char::is_alphanumeric) {
        return Err(WatchError::Invalid("phrase"));
    }
    Ok(phrase.to_lowercase())
}

/// Adds a phrase to a signal (or brings back a default phrase that was removed).
pub async fn add_term(
    state: &AppState,
    staff: &Staff,
    signal: &str,
    text: &str,
) -> Result<(), WatchError> {
    staff.may(Action::ManageWatch)?;
    if !is_signal(signal) {
        return Err(WatchError::Invalid("signal"));
    }
    let phrase = phrase(text)?;
    let is_default = default_terms()
        .iter()
        .any(|t| t.phrase == phrase && t.signal == signal);
    if is_default {
        state.store.delete_watch_term(&phrase, signal).await?;
    } else {
        state
            .store
            .put_watch_term(WatchTermRecord {
                phrase,
                signal: signal.to_owned(),
                removed: false,
                created_by: Some(staff.user.id),
                created_at: state.clock.now(),
            })
            .await?;
    }
    crate::audit::record(
        state,
        &staff.user,
        AuditAction::SettingsChanged,
        "watch-lexicon",
    )
    .await;
    Ok(())
}

/// Removes a phrase: an added one is deleted, a default one is marked removed.
pub async fn remove_term(
    state: &AppState,
    staff: &Staff,
    signal: &str,
    text: &str,
) -> Result<(), WatchError> {
    staff.may(Action::ManageWatch)?;
    let phrase = phrase(text)?;
    let is_default = default_terms()
        .iter()
        .any(|t| t.phrase == phrase && t.signal == signal);
    if is_default {
        state
            .store
            .put_watch_term(WatchTermRecord {
                phrase,
                signal: signal.to_owned(),
                removed: true,
                created_by: Some(staff.user.id),
                created_at: state.clock.now(),
            })
            .await?;
    } else if !state.store.delete_watch_term(&phrase, signal).await? {
        return Err(WatchError::NotFound);
    }
    crate::audit::record(
        state,
        &staff.user,
        AuditAction::SettingsChanged,
        "watch-lexicon",
    )
    .await;
    Ok(())
}

/// What a sample text matches, for the test box.
#[derive(Debug, Clone, Default)]
pub struct TestedText {
    pub text: String,
    /// Byte ranges of the phrases found, with their signal and phrase.
    pub hits: Vec<Hit>,
    pub signals: Vec<String>,
    /// Whether such a post would enter the queue.
    pub queued: bool,
}

pub async fn test_text(
    state: &AppState,
    staff: &Staff,
    text: &str,
) -> Result<TestedText, WatchError> {
    staff.may(Action::ReadWatchQueue)?;
    let text = crate::input::bounded(text, 20_000, false).ok_or(WatchError::Invalid("text"))?;
    let hits = matcher(state).await?.find(&text);
    let signals = Signals::of(&hits);
    Ok(TestedText {
        queued: signals.worth_queueing(&text),
        signals: signals.names(),
        hits,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(signal: &str) -> Hit {
        Hit {
            start: 0,
            end: 1,
            signal: signal.into(),
            phrase: "x".into(),
        }
    }

    #[test]
    fn a_risk_signal_a_mix_or_a_question_about_a_substance_queues_a_post() {
        let risk = Signals::of(&[hit("overdose"), hit("overdose")]);
        assert_eq!(risk.risks, ["overdose"]);
        assert!(risk.worth_queueing("no question"));
        let mix = Signals::of(&[hit("substance:heroin"), hit("substance:alcohol")]);
        assert!(mix.worth_queueing("heroin and alcohol tonight"));
        assert_eq!(mix.names(), ["substance:heroin", "substance:alcohol"]);
        let one = Signals::of(&[hit("substance:heroin"), hit("substance:heroin")]);
        assert!(!one.worth_queueing("got some heroin"));
        assert!(one.worth_queueing("is this heroin any good?"));
        assert!(!Signals::default().worth_queueing("Which VPN?"));
    }

    #[test]
    fn removed_defaults_leave_the_lexicon_and_added_phrases_join_it() {
        let edits = [
            WatchTermRecord {
                phrase: "narcan".into(),
                signal: "overdose".into(),
                removed: true,
                created_by: None,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
            },
            WatchTermRecord {
                phrase: "lips went grey".into(),
                signal: "overdose".into(),
                removed: false,
                created_by: None,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
            },
        ];
        let terms = risk_terms(&edits);
        assert!(!terms.iter().any(|t| t.phrase == "narcan"));
        assert!(terms.iter().any(|t| t.phrase == "lips went grey"));
        assert!(terms.iter().any(|t| t.phrase == "naloxone"));
    }
}
