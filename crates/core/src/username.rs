//! Staff usernames: lowercase, short, unambiguous.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid staff username: 3 to 32 characters of `a-z`, `0-9`, `.`, `_`, `-`, starting with a
/// letter or digit. Input is trimmed and lower-cased before checking.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UsernameError {
    #[error("a username needs at least 3 characters")]
    TooShort,
    #[error("a username has at most 32 characters")]
    TooLong,
    #[error(
        "a username may only contain a-z, 0-9, '.', '_' and '-', and starts with a letter or digit"
    )]
    BadCharacter,
}

impl Username {
    pub fn parse(input: &str) -> Result<Self, UsernameError> {
        let name = input.trim().to_lowercase();
        let len = name.chars().count();
        if len < 3 {
            return Err(UsernameError::TooShort);
        }
        if len > 32 {
            return Err(UsernameError::TooLong);
        }
        let first_ok = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if !first_ok || !rest_ok {
            return Err(UsernameError::BadCharacter);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = UsernameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised() {
        assert_eq!(Username::parse("  Anna.K ").unwrap().as_str(), "anna.k");
    }

    #[test]
    fn bad_usernames_are_rejected_with_a_reason() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::TooShort));
        assert_eq!(
            Username::parse(&"a".repeat(33)),
            Err(UsernameError::TooLong)
        );
        assert_eq!(Username::parse("anna k"), Err(UsernameError::BadCharacter));
        assert_eq!(Username::parse("-anna"), Err(UsernameError::BadCharacter));
        assert_eq!(Username::parse("аня123"), Err(UsernameError::BadCharacter));
    }
}
