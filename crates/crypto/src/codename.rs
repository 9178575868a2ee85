//! Client codenames: 7 random words from the English (EFF long list) or Russian word list,
//! shown once. The codename is never stored: Argon2id, keyed with the server secret and salted
//! with the install-wide salt, turns it into a lookup id and the client's X25519 key.

use crate::envelope::SecretKeyBytes;
use crate::token::ServerSecret;
use argon2::{Algorithm, Argon2, Params, Version};
use netreach_core::Lang;
use rand::RngCore;
use std::fmt;
use std::sync::LazyLock;
use zeroize::{Zeroize, Zeroizing};

/// Words in a codename.
pub const WORDS: usize = 7;

/// EFF words a client should never have to carry in a codename: police, prison, drugs, crime,
/// weapons, religion and similar. Dropping them keeps well over 80 bits.
const ENGLISH_EXCLUDED: &[&str] = &[
    "arrest",
    "backstab",
    "constable",
    "dealer",
    "enslave",
    "handgun",
    "imprison",
    "islamic",
    "islamist",
    "jailbird",
    "jailbreak",
    "jailer",
    "jailhouse",
    "junkie",
    "opium",
    "overkill",
    "police",
    "prison",
    "racism",
    "smuggler",
    "smuggling",
    "unisexual",
    "undead",
];

static ENGLISH: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    eff_wordlist::large::LIST
        .iter()
        .map(|(_, w)| *w)
        .filter(|w| !ENGLISH_EXCLUDED.contains(w))
        .collect()
});

static RUSSIAN: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("../wordlists/ru.txt")
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
});

/// The word list for a language.
pub fn wordlist(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &ENGLISH,
        Lang::Ru => &RUSSIAN,
    }
}

static LOOKUP: LazyLock<[std::collections::HashSet<&'static str>; 2]> = LazyLock::new(|| {
    [
        wordlist(Lang::En).iter().copied().collect(),
        wordlist(Lang::Ru).iter().copied().collect(),
    ]
});

/// Whether a text holds a run of seven consecutive codename words of one list, anywhere in it,
/// normalised like a typed codename. Any codename pasted into a message is caught this way
/// without a key derivation: the words alone give it away, whoever's codename it is.
pub fn contains_codename(text: &str) -> bool {
    let words = Zeroizing::new(normalise(text));
    LOOKUP.iter().any(|list| {
        let mut run = 0;
        words.iter().any(|word| {
            run = if list.contains(word.as_str()) {
                run + 1
            } else {
                0
            };
            run >= WORDS
        })
    })
}

/// Bits of entropy in a codename of the given language.
pub fn entropy_bits(lang: Lang) -> f64 {
    WORDS as f64 * (wordlist(lang).len() as f64).log2()
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodenameError {
    #[error("a codename has exactly 7 words")]
    WrongLength,
    #[error("a word is not in the codename word list")]
    UnknownWord,
}

/// A codename as typed or generated, normalised: lower case, `ё` as `е`, single spaces.
#[derive(Clone, PartialEq, Eq)]
pub struct Codename {
    text: String,
    lang: Lang,
}

impl Drop for Codename {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl fmt::Debug for Codename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Codename(<redacted>)")
    }
}

fn normalise(input: &str) -> Vec<String> {
    input
        .to_lowercase()
        .replace('ё', "е")
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '/' | '_' | '+'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Codename {
    /// Seven words drawn uniformly from the language's list.
    pub fn generate(lang: Lang) -> Codename {
        let list = wordlist(lang);
        let mut rng = rand::rng();
        let words: Vec<&str> = (0..WORDS)
            .map(|_| {
                // Rejection sampling keeps the choice uniform.
                let n = list.len() as u32;
                let zone = u32::MAX - (u32::MAX % n);
                loop {
                    let r = rng.next_u32();
                    if r < zone {
                        return list[(r % n) as usize];
                    }
                }
            })
            .collect();
        Codename {
            text: words.join(" "),
            lang,
        }
    }

    /// Parses what a person typed, tolerating case, extra spaces and punctuation.
    pub fn parse(input: &str) -> Result<Codename, CodenameError> {
        let words = Zeroizing::new(normalise(input));
        if words.len() != WORDS {
            return Err(CodenameError::WrongLength);
        }
        for lang in Lang::ALL {
            let list = wordlist(lang);
            if words.iter().all(|w| list.contains(&w.as_str())) {
                return Ok(Codename {
                    text: words.join(" "),
                    lang,
                });
            }
        }
        Err(CodenameError::UnknownWord)
    }

    pub fn expose(&self) -> &str {
        &self.text
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The words, for the confirmation step ("type word 4").
    pub fn words(&self) -> Vec<&str> {
        self.text.split(' ').collect()
    }

    /// Derives the lookup id and the client key. Slow by design (Argon2id, 19 MiB): run it off
    /// the async runtime and under a global budget.
    pub fn derive(
        &self,
        install_salt: &[u8],
        secret: &ServerSecret,
    ) -> Result<ClientKeys, crate::CryptoError> {
        let mut out = Zeroizing::new([0u8; 64]);
        let params =
            Params::new(19 * 1024, 2, 1, Some(64)).map_err(|_| crate::CryptoError::Malformed)?;
        // Fail closed: an error must never yield a fixed key that every codename would share.
        Argon2::new_with_secret(secret.bytes(), Algorithm::Argon2id, Version::V0x13, params)
            .and_then(|argon| {
                argon.hash_password_into(self.text.as_bytes(), install_salt, &mut out[..])
            })
            .map_err(|_| crate::CryptoError::Malformed)?;
        let lookup_id = out[..32].iter().map(|b| format!("{b:02x}")).collect();
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&out[32..]);
        let secret = SecretKeyBytes::from_seed(seed);
        seed.zeroize();
        Ok(ClientKeys { lookup_id, secret })
    }
}

/// What a codename derives: the id conversations are found by, and the client's secret key.
#[derive(Debug, Clone)]
pub struct ClientKeys {
    pub lookup_id: String,
    pub secret: SecretKeyBytes,
}

/// A recovery phrase: 24 words of the English list (about 310 bits), shown once when the inbox
/// key is created. It wraps the inbox key like a password, without the slow derivation.
pub fn recovery_phrase() -> String {
    let list = wordlist(Lang::En);
    let mut rng = rand::rng();
    (0..24)
        .map(|_| list[(rng.next_u32() as usize) % list.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// The wrap key a recovery phrase gives (normalised like a codename).
pub fn recovery_key(phrase: &str) -> crate::WrapKey {
    use sha2::{Digest, Sha256};
    let words = Zeroizing::new(normalise(phrase).join(" "));
    let mut hasher = Sha256::new();
    hasher.update(b"netreach recovery v1\0");
    hasher.update(words.as_bytes());
    crate::WrapKey::from_bytes(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> ServerSecret {
        ServerSecret::parse("0123456789abcdefghijklmnopqrstuvwxyzABCD").unwrap()
    }

    /// A known answer for the derivation and its pinned parameters (Argon2id v1.3, 19 MiB, 2
    /// passes, 1 lane, keyed with the server secret). If this changes, every existing codename
    /// stops opening its conversation: never change it without a migration path.
    #[test]
    fn the_codename_derivation_gives_the_known_answer() {
        let codename =
            Codename::parse("abacus abdomen abdominal abide abiding ability ablaze").unwrap();
        let keys = codename.derive(b"netreach-kat-salt", &secret()).unwrap();
        let public: String = keys
            .secret
            .public()
            .0
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            (keys.lookup_id.as_str(), public.as_str()),
            (
                "81132630593e0142561f2c1ce167944e3f9714b4e2ffef1c8c67590a5388cf32",
                "bc5e109c11aea07a1df3d2648361cd528e7e71ff5c927b23b2e8ff49510f4f2d"
            )
        );
    }

    #[test]
    fn a_codename_is_found_anywhere_in_a_text_but_six_words_are_not_one() {
        for lang in Lang::ALL {
            let codename = Codename::generate(lang);
            let words = codename.words();
            let pasted = format!(
                "hi, my code is: {}. thanks!",
                codename.expose().to_uppercase()
            );
            assert!(contains_codename(&pasted), "{lang}");
            assert!(contains_codename(&words.join("\n")), "{lang}");
            assert!(!contains_codename(&words[..6].join(" ")), "{lang}");
            let broken = format!("{} 123 {}", words[..3].join(" "), words[3..].join(" "));
            assert!(!contains_codename(&broken), "{lang}");
        }
        let mixed: Vec<&str> = wordlist(Lang::En)[..4]
            .iter()
            .chain(&wordlist(Lang::Ru)[..3])
            .copied()
            .collect();
        assert!(
            !contains_codename(&mixed.join(" ")),
            "a codename is of one list"
        );
        assert!(!contains_codename(
            "I took two pills last night and my friend will not wake up, what should I do"
        ));
    }

    fn check_list(lang: Lang, min: usize) {
        let list = wordlist(lang);
        assert!(list.len() >= min, "{lang}: {} words", list.len());
        let mut sorted = list.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), list.len(), "{lang}: duplicates");
        for pair in sorted.windows(2) {
            assert!(
                !pair[1].starts_with(pair[0]),
                "{lang}: {} is a prefix of {}",
                pair[0],
                pair[1]
            );
        }
        for word in list {
            assert_eq!(
                normalise(word),
                vec![word.to_string()],
                "{lang}: {word} does not survive normalisation"
            );
        }
        assert!(
            entropy_bits(lang) >= 80.0,
            "{lang}: {} bits",
            entropy_bits(lang)
        );
    }

    #[test]
    fn word_lists_are_large_distinct_and_prefix_free() {
        check_list(Lang::En, 7700);
        for word in ENGLISH_EXCLUDED {
            assert!(!wordlist(Lang::En).contains(word), "{word} is excluded");
        }
        check_list(Lang::Ru, 2800);
    }

    #[test]
    fn generated_codenames_parse_back_in_their_language() {
        for lang in Lang::ALL {
            let codename = Codename::generate(lang);
            assert_eq!(codename.words().len(), WORDS);
            let typed = format!(
                "  {}  ",
                codename.expose().to_uppercase().replace(' ', ",  ")
            );
            let parsed = Codename::parse(&typed).unwrap();
            assert_eq!(parsed, codename);
            assert_eq!(parsed.lang(), lang);
        }
    }

    #[test]
    fn malformed_codenames_are_refused() {
        assert_eq!(
            Codename::parse("one two three").err(),
            Some(CodenameError::WrongLength)
        );
        assert_eq!(
            Codename::parse("abacus abacus abacus abacus abacus abacus zzzzzz").err(),
            Some(CodenameError::UnknownWord)
        );
        assert_eq!(
            format!("{:?}", Codename::generate(Lang::En)),
            "Codename(<redacted>)"
        );
    }

    #[test]
    fn derivation_is_deterministic_and_depends_on_salt_and_secret() {
        let codename =
            Codename::parse("abacus abdomen abdominal abide abiding ability ablaze").unwrap();
        let a = codename.derive(b"install-salt-16b", &secret()).unwrap();
        let b = codename.derive(b"install-salt-16b", &secret()).unwrap();
        assert_eq!(a.lookup_id, b.lookup_id);
        assert_eq!(a.secret.public(), b.secret.public());
        assert_eq!(a.lookup_id.len(), 64);
        let other_salt = codename.derive(b"another-salt-16b", &secret()).unwrap();
        assert_ne!(a.lookup_id, other_salt.lookup_id);
        let other_secret = codename
            .derive(
                b"install-salt-16b",
                &ServerSecret::parse("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxw").unwrap(),
            )
            .unwrap();
        assert_ne!(a.lookup_id, other_secret.lookup_id);
        assert_ne!(a.secret.public(), other_secret.secret.public());
    }

    #[test]
    fn derivation_fails_closed_on_a_bad_salt() {
        let codename = Codename::generate(Lang::En);
        assert!(
            codename.derive(b"", &secret()).is_err(),
            "an empty salt must not derive a key"
        );
    }

    #[test]
    fn recovery_phrases_are_24_words_and_normalise() {
        let phrase = recovery_phrase();
        assert_eq!(phrase.split(' ').count(), 24);
        let key = recovery_key(&phrase);
        let again = recovery_key(&format!(" {} ", phrase.to_uppercase()));
        let wrapped = key.encrypt(b"x", "r");
        assert_eq!(again.decrypt(&wrapped, "r").unwrap(), b"x");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn words(lang: Lang) -> impl Strategy<Value = Vec<&'static str>> {
            proptest::collection::vec(proptest::sample::select(wordlist(lang)), WORDS)
        }

        /// How a person might type seven words: any case, any separators, `ё` for `е`.
        fn typed(words: &[&str], upper: &[bool], separators: &[&str]) -> String {
            let mut out = String::from(separators[WORDS]);
            for (i, word) in words.iter().enumerate() {
                let word = if upper[i] {
                    word.to_uppercase()
                } else {
                    (*word).to_owned()
                };
                out.push_str(&word.replacen('е', "ё", 1));
                out.push_str(separators[i]);
            }
            out
        }

        fn separators() -> impl Strategy<Value = Vec<&'static str>> {
            proptest::collection::vec(
                proptest::sample::select(vec![" ", "  ", "\n", ", ", ". ", " / ", "\t", "_", "+"]),
                WORDS + 1,
            )
        }

        proptest! {
            #[test]
            fn any_seven_list_words_parse_to_the_same_codename_however_typed(
                en in words(Lang::En),
                ru in words(Lang::Ru),
                upper in proptest::collection::vec(any::<bool>(), WORDS),
                separators in separators(),
            ) {
                for (lang, words) in [(Lang::En, en), (Lang::Ru, ru)] {
                    let plain = Codename::parse(&words.join(" ")).unwrap();
                    prop_assert_eq!(plain.expose(), words.join(" ").replace('ё', "е"));
                    prop_assert_eq!(plain.lang(), lang);
                    let messy = Codename::parse(&typed(&words, &upper, &separators)).unwrap();
                    prop_assert_eq!(messy.expose(), plain.expose());
                    prop_assert!(contains_codename(&typed(&words, &upper, &separators)));
                    // Parsing what was parsed changes nothing.
                    let again = Codename::parse(plain.expose()).unwrap();
                    prop_assert_eq!(again.expose(), plain.expose());
                }
            }

            #[test]
            fn parsing_never_panics_and_only_accepts_seven_list_words(input in "\\PC{0,200}") {
                if let Ok(codename) = Codename::parse(&input) {
                    prop_assert_eq!(codename.words().len(), WORDS);
                    let list = wordlist(codename.lang());
                    prop_assert!(codename.words().iter().all(|w| list.contains(w)));
                }
                let _ = contains_codename(&input);
            }
        }
    }
}
