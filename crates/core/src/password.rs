//! The rule a new staff password must meet. Checking a password against its hash lives in the
//! crypto crate; this is only the policy.

use std::fmt;

/// A password that meets the policy: 12 to 256 characters, not all the same character.
/// Long passphrases are encouraged; no composition rules (NIST SP 800-63B).
pub struct NewPassword(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("a password needs at least 12 characters")]
    TooShort,
    #[error("a password has at most 256 characters")]
    TooLong,
    #[error("a password cannot be one character repeated")]
    Repetitive,
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
        Ok(Self(input))
    }

    pub fn expose(&self) -> &str {
        &self.0
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
            format!(
                "{:?}",
                NewPassword::parse("correct horse battery".into()).unwrap()
            ),
            "NewPassword(<redacted>)"
        );
    }
}
