//! Netreach's cryptography behind one narrow boundary: typed secrets with redacted `Debug`,
//! zeroized on drop, never `Serialize`d.
//!
//! - [`password`]: Argon2id password hashes (slow by design: call them from `spawn_blocking`).
//! - [`envelope`]: encryption at rest (inbox and staff keypairs, wrapping, sealed bodies and
//!   attachments).
//! - [`token`]: random bearer secrets (session cookies, API tokens, setup links) and the keyed
//!   hashes that are all the database ever keeps of them.
//! - [`push`]: Web Push to staff browsers (the server's VAPID key, RFC 8291 encryption).
//! - [`totp`]: RFC 6238 codes for two-factor sign-in, the enrolment QR code, recovery codes.

pub mod codename;
pub mod envelope;
pub mod password;
pub mod push;
pub mod token;
pub mod totp;

pub use codename::{ClientKeys, Codename, CodenameError};
pub use envelope::{CryptoError, PublicKeyBytes, Sealed, SealedBytes, SecretKeyBytes, WrapKey};
pub use password::{PasswordHash, hash_password, verify_password};
pub use push::{PushKeyError, PushTarget, VapidKey};
pub use token::{SecretToken, ServerSecret, ServerSecretError, TokenHash, random_password};
pub use totp::TotpSecret;
