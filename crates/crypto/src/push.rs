//! Web Push to staff members' browsers: the server's signing key (VAPID, RFC 8292) and the
//! encryption of a push message to one browser (RFC 8291, `aes128gcm`).
//!
//! The payload encryption is the `web-push-native` crate's (RustCrypto underneath). The VAPID
//! token is a three-part JWT signed here with p256's ECDSA: the crate's own VAPID support would
//! bring a general JWT library with RSA along, for one fixed header and three claims.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand::RngCore;
use zeroize::Zeroizing;

/// What is wrong with a subscription a browser handed over, or with a stored key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PushKeyError {
    #[error("the browser's public key is not a P-256 point")]
    PublicKey,
    #[error("the browser's authentication secret is not 16 bytes")]
    Auth,
    #[error("the stored signing key is not a P-256 key")]
    SigningKey,
    #[error("the message could not be encrypted")]
    Encrypt,
}

/// The server's VAPID key: push services check that pushes to a subscription are signed by
/// the key the browser subscribed with.
pub struct VapidKey(SigningKey);

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VapidKey(..)")
    }
}

impl VapidKey {
    /// A new random key.
    pub fn generate() -> VapidKey {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            rand::rng().fill_bytes(bytes.as_mut());
            // A random 32-byte string is a valid scalar but for a chance of about 2^-32.
            if let Ok(key) = VapidKey::from_bytes(bytes.as_ref()) {
                return key;
            }
        }
    }

    /// The key from its 32 secret bytes (as [`VapidKey::to_bytes`] gave them).
    pub fn from_bytes(bytes: &[u8]) -> Result<VapidKey, PushKeyError> {
        SigningKey::from_slice(bytes)
            .map(VapidKey)
            .map_err(|_| PushKeyError::SigningKey)
    }

    /// The 32 secret bytes, to be stored encrypted.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.to_bytes().to_vec())
    }

    /// The public key as browsers take it (`applicationServerKey`): the uncompressed point,
    /// base64url without padding.
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(
            self.0
                .verifying_key()
                .as_affine()
                .to_encoded_point(false)
                .as_bytes(),
        )
    }

    /// The `Authorization` header of a push to a service at `audience` (the endpoint's origin,
    /// `https://host[:port]`), valid until `expires` (Unix seconds; at most 24 hours ahead),
    /// naming `subject` (`mailto:` or `https:`) as the contact.
    pub fn authorization(&self, audience: &str, subject: &str, expires: i64) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = claims_json(audience, subject, expires);
        let signed = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims));
        let signature: Signature = self.0.sign(signed.as_bytes());
        format!(
            "vapid t={signed}.{}, k={}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes()),
            self.public_key()
        )
    }
}

/// The JWT claims, written by hand to keep this crate free of a JSON dependency: each value is
/// escaped as a JSON string.
fn claims_json(audience: &str, subject: &str, expires: i64) -> String {
    fn string(value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('"');
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    format!(
        "{{\"aud\":{},\"exp\":{expires},\"sub\":{}}}",
        string(audience),
        string(subject)
    )
}

/// One browser's push keys, from its subscription (`keys.p256dh` and `keys.auth`).
#[derive(Clone)]
pub struct PushTarget {
    public: p256::PublicKey,
    auth: [u8; 16],
}

impl std::fmt::Debug for PushTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PushTarget(..)")
    }
}

impl PushTarget {
    /// The keys as the browser's subscription gives them, base64url (padding tolerated).
    pub fn parse(p256dh: &str, auth: &str) -> Result<PushTarget, PushKeyError> {
        let decode = |s: &str| URL_SAFE_NO_PAD.decode(s.trim().trim_end_matches('='));
        let public = decode(p256dh)
            .ok()
            .and_then(|bytes| p256::PublicKey::from_sec1_bytes(&bytes).ok())
            .ok_or(PushKeyError::PublicKey)?;
        let auth = decode(auth)
            .ok()
            .and_then(|bytes| <[u8; 16]>::try_from(bytes.as_slice()).ok())
            .ok_or(PushKeyError::Auth)?;
        Ok(PushTarget { public, auth })
    }

    /// Encrypts `message` for this browser alone (`Content-Encoding: aes128gcm`): the push
    /// service carries it without being able to read it.
    pub fn encrypt(&self, message: &[u8]) -> Result<Vec<u8>, PushKeyError> {
        let auth = web_push_native::Auth::clone_from_slice(&self.auth);
        web_push_native::encrypt(message.to_vec(), &self.public, &auth)
            .map_err(|_| PushKeyError::Encrypt)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier;

    #[test]
    fn the_vapid_token_verifies_under_the_key_it_names_and_carries_the_claims() {
        let key = VapidKey::generate();
        let again = VapidKey::from_bytes(&key.to_bytes()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        let header = key.authorization("https://push.example:8443", "mailto:a\"b@example.org", 99);
        let (t, k) = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(k, key.public_key());
        let (signed, signature) = t.rsplit_once('.').unwrap();
        let verifying = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(k).unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        verifying.verify(signed.as_bytes(), &signature).unwrap();
        let claims = URL_SAFE_NO_PAD
            .decode(signed.split_once('.').unwrap().1)
            .unwrap();
        assert_eq!(
            String::from_utf8(claims).unwrap(),
            r#"{"aud":"https://push.example:8443","exp":99,"sub":"mailto:a\"b@example.org"}"#
        );
    }

    #[test]
    fn a_message_opens_only_with_the_browsers_private_key() {
        let browser = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let public =
            URL_SAFE_NO_PAD.encode(browser.public_key().to_encoded_point(false).as_bytes());
        let auth = URL_SAFE_NO_PAD.encode([5u8; 16]);
        let target = PushTarget::parse(&public, &auth).unwrap();
        let sealed = target.encrypt(b"needs attention").unwrap();
        let auth = web_push_native::Auth::clone_from_slice(&[5u8; 16]);
        let opened = web_push_native::decrypt(sealed.clone(), &browser, &auth).unwrap();
        assert_eq!(opened, b"needs attention");
        let other = p256::SecretKey::from_slice(&[8u8; 32]).unwrap();
        assert!(web_push_native::decrypt(sealed, &other, &auth).is_err());
        assert_eq!(
            PushTarget::parse("bm90IGEga2V5", &URL_SAFE_NO_PAD.encode([5u8; 16])).unwrap_err(),
            PushKeyError::PublicKey
        );
        assert_eq!(
            PushTarget::parse(&public, "c2hvcnQ").unwrap_err(),
            PushKeyError::Auth
        );
    }
}
