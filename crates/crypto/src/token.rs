//! Random bearer secrets and their keyed hashes.
//!
//! A [`SecretToken`] is what the browser cookie or the API client holds. The database keeps only
//! its [`TokenHash`]: HMAC-SHA256 under the [`ServerSecret`], which lives outside the database, so
//! a copy of the database cannot even be used to test guessed tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The install-wide secret kept outside the database (a file in the data directory with mode
/// 0600, or configuration). At least 32 bytes.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ServerSecret(Vec<u8>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ServerSecretError {
    #[error("the server secret is empty")]
    Empty,
    #[error("the server secret must be at least 32 characters long")]
    TooShort,
    #[error("the server secret is a placeholder from the documentation; generate a real one")]
    Placeholder,
}

impl ServerSecret {
    pub const MIN_LEN: usize = 32;

    /// Accepts a configured secret, refusing empty, short and documented placeholder values.
    pub fn parse(value: &str) -> Result<Self, ServerSecretError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(ServerSecretError::Empty);
        }
        let lowered = value.to_ascii_lowercase();
        if [
            "change-me",
            "changeme",
            "replace-me",
            "replaceme",
            "your-secret",
            "example",
            "xxxxxxxx",
        ]
        .iter()
        .any(|p| lowered.contains(p))
        {
            return Err(ServerSecretError::Placeholder);
        }
        if value.len() < Self::MIN_LEN {
            return Err(ServerSecretError::TooShort);
        }
        Ok(Self(value.as_bytes().to_vec()))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// A fresh random secret, as text suitable for a file.
    pub fn generate_text() -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let text = URL_SAFE_NO_PAD.encode(bytes);
        bytes.zeroize();
        text
    }

    /// A key for encrypting small secrets the server itself must read without anyone signed in
    /// (e.g. a Telegram bot token): a copy of the database alone cannot open them.
    pub fn wrap_key(&self, purpose: &str) -> crate::WrapKey {
        crate::WrapKey::from_bytes(self.mac("netreach server wrap key v1", purpose.as_bytes()))
    }

    fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable_hmac(),
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

#[cold]
fn unreachable_hmac() -> ! {
    panic!("HMAC-SHA256 accepts keys of any length")
}

impl fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSecret(<redacted>)")
    }
}

/// A random 256-bit bearer secret, shown once to its holder.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretToken(String);

impl SecretToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = Self(format!("nr_{}", URL_SAFE_NO_PAD.encode(bytes)));
        bytes.zeroize();
        token
    }

    /// Wraps a token presented by a client (cookie or header); it is only ever hashed.
    pub fn from_presented(value: &str) -> Self {
        Self(value.trim().to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The keyed hash stored in place of the token. `purpose` separates kinds of token, so a
    /// session cookie can never be replayed as an API token.
    pub fn hash(&self, secret: &ServerSecret, purpose: &str) -> TokenHash {
        TokenHash(hex(&secret.mac(purpose, self.0.as_bytes())))
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

/// The stored form of a [`SecretToken`]: lowercase hex of its HMAC.
#[derive(Debug, Clone, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random password for generated accounts (the demo admin): 20 characters from an alphabet
/// without look-alikes, about 114 bits.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| {
            let i = (rng.next_u32() as usize) % ALPHABET.len();
            char::from(ALPHABET[i])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> ServerSecret {
        ServerSecret::parse("0123456789abcdefghijklmnopqrstuvwxyzABCD").unwrap()
    }

    #[test]
    fn server_secrets_refuse_weak_values() {
        assert_eq!(
            ServerSecret::parse("  ").err(),
            Some(ServerSecretError::Empty)
        );
        assert_eq!(
            ServerSecret::parse("short").err(),
            Some(ServerSecretError::TooShort)
        );
        assert_eq!(
            ServerSecret::parse("change-me-change-me-change-me-change-me").err(),
            Some(ServerSecretError::Placeholder)
        );
        assert!(ServerSecret::parse(&ServerSecret::generate_text()).is_ok());
    }

    #[test]
    fn token_hashes_depend_on_token_secret_and_purpose() {
        let token = SecretToken::generate();
        assert!(token.expose().starts_with("nr_"));
        let h = token.hash(&secret(), "session");
        assert_eq!(
            h,
            SecretToken::from_presented(token.expose()).hash(&secret(), "session")
        );
        assert_ne!(h, token.hash(&secret(), "api"));
        let other = ServerSecret::parse("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxw").unwrap();
        assert_ne!(h, token.hash(&other, "session"));
        assert_eq!(h.as_str().len(), 64);
    }

    #[test]
    fn known_answer_hmac() {
        let h = SecretToken::from_presented("nr_test").hash(&secret(), "session");
        // Pinned once: a change here means every stored session and token hash breaks.
        assert_eq!(
            h.as_str(),
            "3c9c03eeeb861ad1cd8eb9d8bde8c3f4c30987bb3a4d051bd743b7d57ccde753"
        );
    }

    #[test]
    fn secrets_never_show_in_debug() {
        assert_eq!(format!("{:?}", secret()), "ServerSecret(<redacted>)");
        assert_eq!(
            format!("{:?}", SecretToken::generate()),
            "SecretToken(<redacted>)"
        );
    }

    #[test]
    fn random_passwords_are_long_and_differ() {
        let a = random_password();
        assert_eq!(a.len(), 20);
        assert_ne!(a, random_password());
    }
}
