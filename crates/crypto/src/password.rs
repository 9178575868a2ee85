//! Argon2id password hashes in PHC string format, with pinned parameters.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;

/// A PHC-format Argon2id hash, as stored in the database.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash read back from storage.
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

/// OWASP's recommended Argon2id setting (19 MiB, 2 passes, 1 lane).
pub(crate) fn argon2() -> Argon2<'static> {
    // These constants are valid; `Params::new` only fails on out-of-range values.
    let params = Params::new(19 * 1024, 2, 1, Some(32)).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random salt. Slow (tens of milliseconds): run it off the async
/// runtime.
pub fn hash_password(password: &str) -> PasswordHash {
    let salt = SaltString::generate(&mut OsRng);
    match argon2().hash_password(password.as_bytes(), &salt) {
        Ok(hash) => PasswordHash(hash.to_string()),
        // Hashing only fails for parameter or output-length errors, which the pinned settings rule
        // out; an unusable hash is the safe failure (nobody can sign in with it).
        Err(_) => PasswordHash(String::from("!unusable")),
    }
}

/// Checks a password against a stored hash in constant time. A malformed hash never verifies.
pub fn verify_password(password: &str, hash: &PasswordHash) -> bool {
    match argon2::PasswordHash::new(&hash.0) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A real hash of a random password, to verify against when the username is unknown, so that
/// unknown and known usernames take the same time.
pub fn dummy_hash() -> &'static PasswordHash {
    static DUMMY: std::sync::OnceLock<PasswordHash> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&crate::token::random_password()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery staple");
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapler", &hash));
    }

    #[test]
    fn known_answer_with_pinned_parameters() {
        // Produced once by this module's parameters; guards against a silent parameter change.
        use argon2::password_hash::SaltString;
        let salt = SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").unwrap();
        let hash = argon2()
            .hash_password(b"password", &salt)
            .unwrap()
            .to_string();
        assert_eq!(
            hash,
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$K13EBUiG7JV+9ZxztmHFTdb7J0WQsnj2V8bZaqyPptE"
        );
        assert!(verify_password(
            "password",
            &PasswordHash::from_stored(hash)
        ));
    }

    #[test]
    fn malformed_hashes_never_verify() {
        assert!(!verify_password(
            "",
            &PasswordHash::from_stored("!unusable".into())
        ));
        assert!(!verify_password(
            "x",
            &PasswordHash::from_stored(String::new())
        ));
    }

    #[test]
    fn debug_never_shows_the_hash() {
        assert_eq!(format!("{:?}", hash_password("abc")), "PasswordHash(..)");
    }
}
