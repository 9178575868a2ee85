//! Encryption at rest.
//!
//! - [`InboxKeypair`]: the organisation's X25519 keypair; every message body is sealed to it.
//! - [`StaffKeypair`]: each staff member's own X25519 keypair. Its secret is stored only wrapped
//!   under a key derived from the member's password; the inbox secret is granted to a member by
//!   sealing it to their public key, so an admin can grant access without knowing the password.
//! - [`WrapKey`]: a symmetric key (XChaCha20-Poly1305) from a password (Argon2id), from a
//!   high-entropy bearer token (HMAC-SHA256), or from the recovery words.
//! - [`Sealed`]: a body encrypted once under a random data key, that data key sealed
//!   (libsodium-style sealed box: ephemeral X25519 + XSalsa20-Poly1305) to the inbox and,
//!   for web clients, to the client's key. Associated data binds each ciphertext to its row.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use crypto_box::aead::OsRng;
use crypto_box::{PublicKey, SecretKey};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("decryption failed: wrong key or tampered data")]
    Decrypt,
    #[error("malformed key or ciphertext")]
    Malformed,
}

/// An X25519 public key, safe to store in plaintext.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKeyBytes(pub [u8; 32]);

impl PublicKeyBytes {
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        bytes
            .try_into()
            .map(PublicKeyBytes)
            .map_err(|_| CryptoError::Malformed)
    }
    fn key(&self) -> PublicKey {
        PublicKey::from(self.0)
    }
}

impl fmt::Debug for PublicKeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({:02x}{:02x}..)", self.0[0], self.0[1])
    }
}

/// An X25519 secret key, zeroized on drop, never printed.
#[derive(Clone)]
pub struct SecretKeyBytes(SecretKey);

impl SecretKeyBytes {
    pub fn generate() -> Self {
        SecretKeyBytes(SecretKey::generate(&mut OsRng))
    }

    /// From 32 bytes of key material (e.g. a key derivation's output).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        SecretKeyBytes(SecretKey::from(seed))
    }

    pub fn public(&self) -> PublicKeyBytes {
        PublicKeyBytes(*self.0.public_key().as_bytes())
    }

    fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::Malformed)?;
        Ok(SecretKeyBytes(SecretKey::from(array)))
    }

    /// Seals this secret to a recipient's public key.
    pub fn seal_to(&self, recipient: &PublicKeyBytes) -> Vec<u8> {
        seal_bytes(&self.to_bytes()[..], recipient)
    }

    /// Opens a secret sealed with [`SecretKeyBytes::seal_to`].
    pub fn open_sealed(sealed: &[u8], recipient: &SecretKeyBytes) -> Result<Self, CryptoError> {
        let bytes = Zeroizing::new(open_bytes(sealed, recipient)?);
        Self::from_bytes(&bytes)
    }

    /// Wraps this secret under a symmetric key, bound to `aad`.
    pub fn wrap(&self, key: &WrapKey, aad: &str) -> Vec<u8> {
        key.encrypt(&self.to_bytes()[..], aad)
    }

    pub fn unwrap_from(wrapped: &[u8], key: &WrapKey, aad: &str) -> Result<Self, CryptoError> {
        let bytes = Zeroizing::new(key.decrypt(wrapped, aad)?);
        Self::from_bytes(&bytes)
    }
}

impl fmt::Debug for SecretKeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// The organisation's inbox keypair.
pub type InboxKeypair = SecretKeyBytes;
/// A staff member's personal keypair.
pub type StaffKeypair = SecretKeyBytes;

/// A 256-bit symmetric key for wrapping secrets, zeroized on drop.
pub struct WrapKey([u8; 32]);

impl Drop for WrapKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for WrapKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WrapKey(<redacted>)")
    }
}

impl WrapKey {
    /// From a password and a per-user salt, with Argon2id. Slow: call off the async runtime.
    pub fn from_password(password: &str, salt: &[u8]) -> Result<Self, CryptoError> {
        let mut out = [0u8; 32];
        crate::password::argon2()
            .hash_password_into(password.as_bytes(), salt, &mut out)
            .map_err(|_| CryptoError::Malformed)?;
        Ok(WrapKey(out))
    }

    /// From a high-entropy bearer secret (session cookie, API token): HMAC-SHA256 suffices.
    pub fn from_token(token: &str, purpose: &str) -> Self {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(token.as_bytes()) {
            Ok(mac) => mac,
            Err(_) => unreachable_hmac(),
        };
        mac.update(b"netreach wrap key v1\0");
        mac.update(purpose.as_bytes());
        WrapKey(mac.finalize().into_bytes().into())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        WrapKey(bytes)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }

    /// `nonce (24 bytes) || ciphertext+tag`.
    pub fn encrypt(&self, plaintext: &[u8], aad: &str) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(ciphertext);
        out
    }

    pub fn decrypt(&self, data: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        if data.len() < 24 + 16 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = data.split_at(24);
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Decrypt)
    }
}

#[cold]
fn unreachable_hmac() -> ! {
    panic!("HMAC-SHA256 accepts keys of any length")
}

fn seal_bytes(plaintext: &[u8], recipient: &PublicKeyBytes) -> Vec<u8> {
    recipient
        .key()
        .seal(&mut OsRng, plaintext)
        .unwrap_or_default()
}

fn open_bytes(sealed: &[u8], recipient: &SecretKeyBytes) -> Result<Vec<u8>, CryptoError> {
    recipient.0.unseal(sealed).map_err(|_| CryptoError::Decrypt)
}

/// A sealed text: the body under a random data key, and that key sealed to each recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub ciphertext: Vec<u8>,
    pub for_inbox: Vec<u8>,
    pub for_client: Option<Vec<u8>>,
}

impl Sealed {
    /// Seals `text` to the inbox and optionally a client, bound to `aad` (e.g. the row id).
    pub fn seal(
        text: &str,
        aad: &str,
        inbox: &PublicKeyBytes,
        client: Option<&PublicKeyBytes>,
    ) -> Sealed {
        let mut data_key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(&mut data_key[..]);
        let ciphertext = WrapKey::from_bytes(*data_key).encrypt(text.as_bytes(), aad);
        Sealed {
            ciphertext,
            for_inbox: seal_bytes(&data_key[..], inbox),
            for_client: client.map(|c| seal_bytes(&data_key[..], c)),
        }
    }

    /// Opens with the inbox secret.
    pub fn open_as_inbox(&self, inbox: &SecretKeyBytes, aad: &str) -> Result<String, CryptoError> {
        self.open_with(&self.for_inbox, inbox, aad)
    }

    /// Opens with a client's secret.
    pub fn open_as_client(
        &self,
        client: &SecretKeyBytes,
        aad: &str,
    ) -> Result<String, CryptoError> {
        let sealed_key = self.for_client.as_deref().ok_or(CryptoError::Decrypt)?;
        self.open_with(sealed_key, client, aad)
    }

    fn open_with(
        &self,
        sealed_key: &[u8],
        secret: &SecretKeyBytes,
        aad: &str,
    ) -> Result<String, CryptoError> {
        let mut plain = open_data(&self.ciphertext, sealed_key, secret, aad)?;
        String::from_utf8(std::mem::take(&mut *plain)).map_err(|_| CryptoError::Malformed)
    }
}

/// A sealed attachment (a photo, a voice message): bytes rather than text, sealed the same way
/// as [`Sealed`] (a random data key, sealed to the inbox and optionally to a client), bound to
/// its row by associated data such as `attachment:{conversation}:{id}`.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedBytes {
    pub ciphertext: Vec<u8>,
    pub for_inbox: Vec<u8>,
    pub for_client: Option<Vec<u8>>,
}

impl fmt::Debug for SealedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealedBytes({} bytes)", self.ciphertext.len())
    }
}

impl SealedBytes {
    /// Seals `bytes` to the inbox and optionally a client, bound to `aad`.
    pub fn seal(
        bytes: &[u8],
        aad: &str,
        inbox: &PublicKeyBytes,
        client: Option<&PublicKeyBytes>,
    ) -> SealedBytes {
        let mut data_key = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(&mut data_key[..]);
        let ciphertext = WrapKey::from_bytes(*data_key).encrypt(bytes, aad);
        SealedBytes {
            ciphertext,
            for_inbox: seal_bytes(&data_key[..], inbox),
            for_client: client.map(|c| seal_bytes(&data_key[..], c)),
        }
    }

    /// Opens with the inbox secret; the bytes are zeroized when dropped.
    pub fn open_as_inbox(
        &self,
        inbox: &SecretKeyBytes,
        aad: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        open_data(&self.ciphertext, &self.for_inbox, inbox, aad)
    }

    /// Opens with a client's secret.
    pub fn open_as_client(
        &self,
        client: &SecretKeyBytes,
        aad: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let sealed_key = self.for_client.as_deref().ok_or(CryptoError::Decrypt)?;
        open_data(&self.ciphertext, sealed_key, client, aad)
    }
}

fn open_data(
    ciphertext: &[u8],
    sealed_key: &[u8],
    secret: &SecretKeyBytes,
    aad: &str,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let key_bytes = Zeroizing::new(open_bytes(sealed_key, secret)?);
    let key: [u8; 32] = key_bytes[..]
        .try_into()
        .map_err(|_| CryptoError::Malformed)?;
    WrapKey::from_bytes(key)
        .decrypt(ciphertext, aad)
        .map(Zeroizing::new)
}

/// A fresh random salt for password-derived wrap keys.
pub fn random_salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    salt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bodies_open_for_each_recipient_and_only_with_the_right_row() {
        let inbox = SecretKeyBytes::generate();
        let client = SecretKeyBytes::generate();
        let sealed = Sealed::seal(
            "hello, is this safe?",
            "msg:1",
            &inbox.public(),
            Some(&client.public()),
        );
        assert!(!sealed.ciphertext.windows(5).any(|w| w == b"hello"));
        assert_eq!(
            sealed.open_as_inbox(&inbox, "msg:1").unwrap(),
            "hello, is this safe?"
        );
        assert_eq!(
            sealed.open_as_client(&client, "msg:1").unwrap(),
            "hello, is this safe?"
        );
        assert_eq!(
            sealed.open_as_inbox(&inbox, "msg:2"),
            Err(CryptoError::Decrypt),
            "moved to another row"
        );
        let stranger = SecretKeyBytes::generate();
        assert!(sealed.open_as_inbox(&stranger, "msg:1").is_err());
        assert!(sealed.open_as_client(&stranger, "msg:1").is_err());
        let inbox_only = Sealed::seal("x", "a", &inbox.public(), None);
        assert!(inbox_only.open_as_client(&client, "a").is_err());
    }

    #[test]
    fn sealed_bytes_open_for_each_recipient_and_only_with_the_right_row() {
        let inbox = SecretKeyBytes::generate();
        let client = SecretKeyBytes::generate();
        let photo: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        let aad = "attachment:c1:a1";
        let sealed = SealedBytes::seal(&photo, aad, &inbox.public(), Some(&client.public()));
        assert!(!sealed.ciphertext.windows(64).any(|w| w == &photo[..64]));
        assert_eq!(&*sealed.open_as_inbox(&inbox, aad).unwrap(), &photo);
        assert_eq!(&*sealed.open_as_client(&client, aad).unwrap(), &photo);
        assert_eq!(
            sealed.open_as_inbox(&inbox, "attachment:c1:a2"),
            Err(CryptoError::Decrypt),
            "moved to another row"
        );
        assert!(sealed.open_as_inbox(&client, aad).is_err());
        let inbox_only = SealedBytes::seal(&photo, aad, &inbox.public(), None);
        assert!(inbox_only.open_as_client(&client, aad).is_err());
        assert!(format!("{sealed:?}").starts_with("SealedBytes("));
        let mut tampered = sealed.clone();
        tampered.ciphertext[30] ^= 1;
        assert_eq!(
            tampered.open_as_inbox(&inbox, aad),
            Err(CryptoError::Decrypt)
        );
    }

    #[test]
    fn tampering_is_detected() {
        let inbox = SecretKeyBytes::generate();
        let mut sealed = Sealed::seal("hello", "m", &inbox.public(), None);
        let last = sealed.ciphertext.len() - 1;
        sealed.ciphertext[last] ^= 1;
        assert_eq!(sealed.open_as_inbox(&inbox, "m"), Err(CryptoError::Decrypt));
    }

    #[test]
    fn secrets_wrap_under_passwords_and_tokens_and_seal_to_staff() {
        let inbox = SecretKeyBytes::generate();
        let salt = random_salt();
        let key = WrapKey::from_password("correct horse battery", &salt).unwrap();
        let wrapped = inbox.wrap(&key, "user:1");
        let again = WrapKey::from_password("correct horse battery", &salt).unwrap();
        let unwrapped = SecretKeyBytes::unwrap_from(&wrapped, &again, "user:1").unwrap();
        assert_eq!(unwrapped.public(), inbox.public());
        let wrong = WrapKey::from_password("wrong horse battery", &salt).unwrap();
        assert!(SecretKeyBytes::unwrap_from(&wrapped, &wrong, "user:1").is_err());
        assert!(SecretKeyBytes::unwrap_from(&wrapped, &again, "user:2").is_err());

        let token_key = WrapKey::from_token("nr_abc", "session");
        let in_session = inbox.wrap(&token_key, "s");
        assert!(
            SecretKeyBytes::unwrap_from(&in_session, &WrapKey::from_token("nr_abc", "api"), "s")
                .is_err()
        );
        assert!(
            SecretKeyBytes::unwrap_from(
                &in_session,
                &WrapKey::from_token("nr_abc", "session"),
                "s"
            )
            .is_ok()
        );

        let staff = SecretKeyBytes::generate();
        let grant = inbox.seal_to(&staff.public());
        assert_eq!(
            SecretKeyBytes::open_sealed(&grant, &staff)
                .unwrap()
                .public(),
            inbox.public()
        );
        assert!(SecretKeyBytes::open_sealed(&grant, &SecretKeyBytes::generate()).is_err());
    }

    #[test]
    fn keys_never_show_in_debug() {
        assert_eq!(
            format!("{:?}", SecretKeyBytes::generate()),
            "SecretKey(<redacted>)"
        );
        assert_eq!(
            format!("{:?}", WrapKey::from_bytes([7; 32])),
            "WrapKey(<redacted>)"
        );
    }
}
