//! Passwords are compared in Unicode NFKC (NIST SP 800-63B, 5.1.1.2): "ż"
//! typed as one code point (NFC, as Windows and most keyboards send it) or
//! as "z" + a combining dot (NFD, as some macOS and mobile input sends it)
//! is the same password, and so are compatibility forms such as the "ﬁ"
//! ligature and "fi". Every password the portal hashes or checks goes
//! through [`NormalisedPassword`].

use secrecy::{ExposeSecret, SecretString};
use unicode_normalization::{UnicodeNormalization, is_nfkc_quick, IsNormalized};

/// A password in NFKC, the only form the portal hashes. Never printed:
/// `Debug` shows nothing of it.
#[derive(Debug, Clone)]
pub struct NormalisedPassword(SecretString);

impl NormalisedPassword {
    pub fn new(raw: &str) -> Self {
        NormalisedPassword(SecretString::from(normalise(raw)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// `raw` in NFKC (a copy even when it already is).
pub fn normalise(raw: &str) -> String {
    match is_nfkc_quick(raw.chars()) {
        IsNormalized::Yes => raw.to_owned(),
        _ => raw.nfkc().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NFC: &str = "Zażółć-Gęślą-Jaźń";

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn composed_and_decomposed_polish_letters_are_the_same_password() {
        let decomposed = nfd(NFC);
        assert_ne!(decomposed, NFC, "the test input really is decomposed");
        assert!(decomposed.chars().count() > NFC.chars().count());
        assert_eq!(NormalisedPassword::new(&decomposed).expose(), NFC);
        assert_eq!(NormalisedPassword::new(NFC).expose(), NFC);
    }

    #[test]
    fn compatibility_forms_fold_to_their_plain_letters() {
        assert_eq!(normalise("ﬁrma\u{00A0}Ｋowalski²"), "firma Kowalski2");
    }

    #[test]
    fn debug_output_hides_the_password() {
        assert!(!format!("{:?}", NormalisedPassword::new("Sekretne-Haslo-99")).contains("Sekretne"));
    }
}
