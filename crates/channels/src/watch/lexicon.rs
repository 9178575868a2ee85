//! The default lexicon of risk signals, in English and Russian. Supervisors add and remove
//! phrases in the console; these are where every install starts. A phrase is written in its
//! dictionary form: the matcher stems both the phrase and the text, so inflected forms match.
//! Substance names and street names come from the content pack, not from here.

use super::matcher::Term;

/// The signals a phrase can raise, in the order the console lists them.
pub const SIGNALS: &[&str] = &[
    "overdose",
    "unconscious",
    "bad_batch",
    "adulterant",
    "wound",
    "seizure",
    "suicide",
];

/// `(signal, phrases)` of the default lexicon.
const DEFAULT: &[(&str, &[&str])] = &[
    (
        "overdose",
        &[
            "overdose",
            "overdosed",
            "overdosing",
            "od'd",
            "od'ing",
            "turned blue",
            "went blue",
            "blue lips",
            "stopped breathing",
            "not breathing",
            "narcan",
            "naloxone",
            "передозировка",
            "передоз",
            "передознулся",
            "передознулась",
            "откачали",
            "откачивать",
            "посинел",
            "посинела",
            "синие губы",
            "не дышит",
            "перестал дышать",
            "перестала дышать",
            "налоксон",
        ],
    ),
    (
        "unconscious",
        &[
            "can't wake",
            "cannot wake",
            "won't wake",
            "wont wake",
            "unconscious",
            "unresponsive",
            "passed out",
            "blacked out",
            "не могу разбудить",
            "не просыпается",
            "без сознания",
            "потерял сознание",
            "потеряла сознание",
            "отключился",
            "отключилась",
            "вырубился",
            "вырубилась",
        ],
    ),
    (
        "bad_batch",
        &[
            "bad batch",
            "new batch",
            "strange batch",
            "batch is different",
            "bunk",
            "cut with",
            "laced",
            "плохая партия",
            "новая партия",
            "странная партия",
            "паленая партия",
            "левая партия",
            "бодяжный",
            "бодяга",
            "разбавлен",
            "с примесью",
        ],
    ),
    (
        "adulterant",
        &[
            "fentanyl",
            "fent",
            "carfentanil",
            "nitazene",
            "nitazenes",
            "isotonitazene",
            "protonitazene",
            "metonitazene",
            "xylazine",
            "tranq",
            "medetomidine",
            "фентанил",
            "карфентанил",
            "нитазен",
            "нитазены",
            "изотонитазен",
            "протонитазен",
            "ксилазин",
            "медетомидин",
        ],
    ),
    (
        "wound",
        &[
            "abscess",
            "wound",
            "wounds",
            "infected",
            "infection",
            "necrosis",
            "rotting skin",
            "абсцесс",
            "язва",
            "гниет",
            "некроз",
            "нарыв",
            "воспалилось",
            "заражение",
            "гнойная рана",
            "открытая рана",
        ],
    ),
    (
        "seizure",
        &[
            "seizure",
            "seizures",
            "convulsions",
            "convulsing",
            "судороги",
            "припадок",
            "эпилептический",
        ],
    ),
    (
        "suicide",
        &[
            "suicide",
            "suicidal",
            "kill myself",
            "end it all",
            "want to die",
            "don't want to live",
            "no reason to live",
            "самоубийство",
            "суицид",
            "покончить с собой",
            "убить себя",
            "хочу умереть",
            "не хочу жить",
            "незачем жить",
        ],
    ),
];

/// The default lexicon, every phrase with its signal.
pub fn default_terms() -> Vec<Term> {
    DEFAULT
        .iter()
        .flat_map(|(signal, phrases)| phrases.iter().map(|p| Term::new(p, signal)))
        .collect()
}

/// Whether a signal name is one of the lexicon's (substance signals are `substance:<slug>`).
pub fn is_signal(name: &str) -> bool {
    SIGNALS.contains(&name)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::watch::Matcher;

    #[test]
    fn every_default_signal_is_listed() {
        for (signal, phrases) in DEFAULT {
            assert!(is_signal(signal), "{signal}");
            assert!(!phrases.is_empty());
        }
    }

    #[test]
    fn the_default_lexicon_finds_the_classic_warning_posts() {
        let m = Matcher::new(default_terms());
        let signals = |t: &str| -> Vec<String> {
            let mut s: Vec<String> = m
                .find(t)
                .into_iter()
                .map(|h| h.signal.to_string())
                .collect();
            s.dedup();
            s
        };
        assert!(signals("I can't wake him up").contains(&"unconscious".into()));
        assert!(signals("this batch is different, be careful").contains(&"bad_batch".into()));
        assert!(signals("У друга судорога, что делать").contains(&"seizure".into()));
        assert!(signals("Абсцессы на ноге после уколов").contains(&"wound".into()));
        assert!(
            signals("Which VPN do you use for this board? Mine keeps dropping the connection.")
                .is_empty()
        );
        assert!(signals("Nice weather, the shipping was fast and stealth was good").is_empty());
    }
}
