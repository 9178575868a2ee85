//! Time-based one-time passwords (RFC 6238) for staff sign-in, their enrolment QR code, and the
//! single-use recovery codes.
//!
//! The parameters are the ones every authenticator app understands: HMAC-SHA1, six digits,
//! 30-second steps, a 160-bit secret. Checking says *which* step a code belongs to (the current
//! one, or one step either side for clocks that drift); refusing a step already used is the
//! caller's job, done atomically in the database.

use qrcode::QrCode;
use qrcode::render::svg;
use rand::{Rng, RngCore};
use std::fmt;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const DIGITS: u8 = 6;
/// Steps accepted either side of the current one.
pub const SKEW_STEPS: u16 = 1;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

/// A member's TOTP secret: 20 random bytes. Redacted `Debug`, zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TotpSecret([u8; 20]);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TotpError {
    #[error("a TOTP secret is 20 bytes")]
    Length,
    #[error("the issuer or account name cannot go into an otpauth URL")]
    Label,
}

impl TotpSecret {
    pub fn generate() -> TotpSecret {
        let mut bytes = [0u8; 20];
        rand::rng().fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// The secret from its stored (decrypted) bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<TotpSecret, TotpError> {
        let bytes: [u8; 20] = bytes.try_into().map_err(|_| TotpError::Length)?;
        Ok(TotpSecret(bytes))
    }

    /// The secret from its base32 text (as an authenticator app is given it).
    pub fn from_base32(text: &str) -> Result<TotpSecret, TotpError> {
        let secret = Secret::try_from_base32(text.trim()).map_err(|_| TotpError::Length)?;
        TotpSecret::from_bytes(secret.as_bytes())
    }

    /// The raw bytes, to be encrypted before they are stored.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as authenticator apps take it when typed: RFC 4648 base32 without padding.
    pub fn base32(&self) -> String {
        Secret::new_stack(self.0).to_base32()
    }

    fn totp(&self, issuer: Option<&str>, account: &str) -> Result<Totp, TotpError> {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS)
            .with_skew(SKEW_STEPS)
            .with_step_duration(STEP_SECONDS)
            .with_secret(Secret::new_stack(self.0))
            .with_issuer(issuer)
            .with_account_name(account)
            .build()
            .map_err(|_| TotpError::Label)
    }

    /// The `otpauth://totp/...` URL an authenticator app reads from the QR code.
    pub fn otpauth_url(&self, issuer: &str, account: &str) -> Result<String, TotpError> {
        self.totp(Some(issuer), account)?
            .to_url()
            .map_err(|_| TotpError::Label)
    }

    /// The code for Unix time `at` (seconds).
    pub fn code_at(&self, at: u64) -> String {
        match self.totp(None, "") {
            Ok(totp) => totp.generate(at).to_string(),
            Err(_) => String::new(),
        }
    }

    /// The step (Unix time / 30) that `code` belongs to, if it is the code of the step of `at`
    /// or of one step either side. Spaces in the code are ignored; anything else that is not six
    /// digits matches nothing. Comparison is in constant time.
    pub fn matching_step(&self, code: &str, at: u64) -> Option<u64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.totp(None, "").ok()?.check(&code, at)
    }
}

/// The step a Unix time (seconds) falls in.
pub fn step_of(at: u64) -> u64 {
    at / STEP_SECONDS
}

/// The QR code of `text` as an SVG element (no XML prologue, no script, no external reference),
/// to put inline into a page.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The renderer writes an XML declaration first, which does not belong inside HTML.
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

/// The alphabet of recovery codes: lower-case letters and digits without look-alikes.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters in a recovery code (about 59 bits).
const RECOVERY_LEN: usize = 12;

/// A fresh recovery code as shown to its holder: `xxxx-xxxx-xxxx`.
pub fn new_recovery_code() -> String {
    let mut rng = rand::rng();
    let mut code = String::with_capacity(RECOVERY_LEN + 2);
    for i in 0..RECOVERY_LEN {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        let pick = rng.random_range(0..RECOVERY_ALPHABET.len());
        code.push(char::from(RECOVERY_ALPHABET[pick]));
    }
    code
}

/// A recovery code as typed, in the one form that is hashed: lower case, without spaces and
/// dashes; `None` when it cannot be one.
pub fn normalise_recovery_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == RECOVERY_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 appendix B secret ("12345678901234567890") and its SHA-1 vectors, cut to six
    /// digits.
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890").unwrap();
        assert_eq!(secret.code_at(59), "287082");
        assert_eq!(secret.code_at(1_111_111_109), "081804");
        assert_eq!(secret.code_at(1_234_567_890), "005924");
        assert_eq!(secret.code_at(2_000_000_000), "279037");
        assert_eq!(secret.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let again = TotpSecret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert_eq!(again.expose(), secret.expose());
        assert_eq!(
            TotpSecret::from_base32("GEZDGNBV").err(),
            Some(TotpError::Length)
        );
    }

    #[test]
    fn a_code_matches_its_own_step_and_one_either_side_only() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_015;
        let step = step_of(now);
        let code = secret.code_at(now);
        assert_eq!(secret.matching_step(&code, now), Some(step));
        assert_eq!(secret.matching_step(&code, now + 30), Some(step));
        assert_eq!(secret.matching_step(&code, now - 30), Some(step));
        assert_eq!(secret.matching_step(&code, now + 60), None);
        assert_eq!(secret.matching_step(&code, now - 60), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(secret.matching_step(&spaced, now), Some(step));
        for bad in ["", "12345", "1234567", "abcdef", "12345x"] {
            assert_eq!(secret.matching_step(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn the_otpauth_url_names_issuer_account_and_parameters() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890").unwrap();
        let url = secret.otpauth_url("Netreach", "alice").unwrap();
        assert!(url.starts_with("otpauth://totp/Netreach:alice?"), "{url}");
        assert!(
            url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{url}"
        );
        assert!(url.contains("issuer=Netreach"), "{url}");
        assert_eq!(
            secret.otpauth_url("Net:reach", "alice"),
            Err(TotpError::Label)
        );
    }

    #[test]
    fn the_qr_code_is_a_bare_svg_element() {
        let svg = qr_svg("otpauth://totp/Netreach:alice?secret=GEZDGNBVGY3TQOJQ").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(!svg.contains("<?xml"));
        assert!(!svg.contains("script"));
        assert!(!svg.contains("href"));
    }

    #[test]
    fn recovery_codes_are_random_and_typed_loosely() {
        let a = new_recovery_code();
        let b = new_recovery_code();
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        let typed = format!(" {} ", a.to_uppercase().replace('-', " "));
        assert_eq!(normalise_recovery_code(&typed), Some(a.replace('-', "")));
        for bad in ["", "abcd-efgh", "abcd-efgh-ijk1", "abcd-efgh-jkmn-pqrs"] {
            assert_eq!(normalise_recovery_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_secret_never_shows_in_debug() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890").unwrap();
        assert_eq!(format!("{secret:?}"), "TotpSecret(<redacted>)");
    }
}
