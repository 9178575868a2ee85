//! The rule a new staff password must meet. Checking a password against its hash lives in the
//! crypto crate; this is only the policy.

use std::fmt;

/// A password that meets the policy: 12 to 256 characters, not all the same character, and not
/// easy to guess by the zxcvbn estimator (score 3 of 4: resists an offline attack on a slow hash).
/// Long passphrases are encouraged; no composition rules (NIST SP 800-63B).
pub struct NewPassword(String);

/// Why the estimator finds a password easy to guess, for a message that says what to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    KeyboardPattern,
    Repeats,
    CommonPassword,
    Sequence,
    DateOrYear,
    SingleWord,
    Names,
    /// The estimator found it guessable without naming a pattern.
    Guessable,
}

impl Weakness {
    /// The Fluent id of the message explaining it.
    pub fn message_id(self) -> &'static str {
        match self {
            Weakness::KeyboardPattern => "error-password-weak-keyboard",
            Weakness::Repeats => "error-password-weak-repeats",
            Weakness::CommonPassword => "error-password-weak-common",
            Weakness::Sequence => "error-password-weak-sequence",
            Weakness::DateOrYear => "error-password-weak-date",
            Weakness::SingleWord => "error-password-weak-word",
            Weakness::Names => "error-password-weak-names",
            Weakness::Guessable => "error-password-weak",
        }
    }
}

/// The estimator's lowest acceptable score.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("a password needs at least 12 characters")]
    TooShort,
    #[error("a password has at most 256 characters")]
    TooLong,
    #[error("a password cannot be one character repeated")]
    Repetitive,
    #[error("the password is easy to guess ({0:?})")]
    Guessable(Weakness),
}

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(input: String) -> Result<Self, PasswordError> {
        let len = input.chars().count();
        if len < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if len > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let mut chars = input.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(PasswordError::Repetitive);
        }
        let estimate = zxcvbn::zxcvbn(&input, &[]);
        if estimate.score() < MIN_SCORE {
            return Err(PasswordError::Guessable(weakness(&estimate)));
        }
        Ok(Self(input))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn weakness(estimate: &zxcvbn::Entropy) -> Weakness {
    use zxcvbn::feedback::Warning as W;
    match estimate.feedback().and_then(|f| f.warning()) {
        Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => {
            Weakness::KeyboardPattern
        }
        Some(
            W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        ) => Weakness::Repeats,
        Some(
            W::ThisIsATop10Password
            | W::ThisIsATop100Password
            | W::ThisIsACommonPassword
            | W::ThisIsSimilarToACommonlyUsedPassword,
        ) => Weakness::CommonPassword,
        Some(W::SequencesLikeAbcAreEasyToGuess) => Weakness::Sequence,
        Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => Weakness::DateOrYear,
        Some(W::AWordByItselfIsEasyToGuess) => Weakness::SingleWord,
        Some(
            W::NamesAndSurnamesByThemselvesAreEasyToGuess | W::CommonNamesAndSurnamesAreEasyToGuess,
        ) => Weakness::Names,
        None => Weakness::Guessable,
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy() {
        assert_eq!(
            NewPassword::parse("short".into()).err(),
            Some(PasswordError::TooShort)
        );
        assert_eq!(
            NewPassword::parse("a".repeat(300)).err(),
            Some(PasswordError::TooLong)
        );
        assert_eq!(
            NewPassword::parse("x".repeat(20)).err(),
            Some(PasswordError::Repetitive)
        );
        assert!(NewPassword::parse("correct horse battery".into()).is_ok());
        assert_eq!(
            NewPassword::parse("password1234".into()).err(),
            Some(PasswordError::Guessable(Weakness::CommonPassword))
        );
        for weak in ["zxcvbnmasdfgh", "abcabcabcabc", "anna19901990"] {
            assert!(
                matches!(
                    NewPassword::parse(weak.into()),
                    Err(PasswordError::Guessable(_))
                ),
                "{weak}"
            );
        }
        assert_eq!(
            format!(
                "{:?}",
                NewPassword::parse("correct horse battery".into()).unwrap()
            ),
            "NewPassword(<redacted>)"
        );
    }
}
