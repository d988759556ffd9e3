use secrecy::{ExposeSecret, SecretString};

/// The shortest password the portal accepts as new.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// The longest password the portal accepts (and hashes).
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A password as typed into the sign-in form: not empty and not longer than
/// any password the portal ever accepted. Never printed: `Debug` shows
/// nothing of it.
#[derive(Debug)]
pub struct SubmittedPassword(SecretString);

impl SubmittedPassword {
    /// `None` for an empty password, or one too long to be anybody's (such a
    /// password can only be wrong; it is not worth hashing 1 MB of it).
    pub fn parse(raw: String) -> Option<Self> {
        if raw.is_empty() || raw.chars().count() > PASSWORD_MAX_CHARS {
            return None;
        }
        Some(SubmittedPassword(SecretString::from(raw)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// A password shorter than today's minimum (counted in NFKC, like a new
    /// one): it still verifies, but the session may then do nothing but
    /// change it.
    pub fn is_legacy(&self) -> bool {
        crate::passwords::normalise::normalise(self.expose()).chars().count() < PASSWORD_MIN_CHARS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_overlong_are_not_passwords() {
        assert!(SubmittedPassword::parse(String::new()).is_none());
        assert!(SubmittedPassword::parse("x".repeat(129)).is_none());
        assert!(SubmittedPassword::parse("ż".repeat(128)).is_some());
    }

    #[test]
    fn legacy_means_shorter_than_twelve_characters_not_bytes() {
        assert!(SubmittedPassword::parse("Haslo123".into()).unwrap().is_legacy());
        // 11 characters, 22 bytes: still legacy.
        assert!(SubmittedPassword::parse("ąęółśżźćńąę".into()).unwrap().is_legacy());
        assert!(!SubmittedPassword::parse("Kowalski-Haslo-2024".into()).unwrap().is_legacy());
        // 11 characters typed decomposed (16 code points): still legacy.
        assert!(SubmittedPassword::parse("Z\u{307}o\u{301}ł\u{301}c\u{301}-z\u{307}aba".into()).unwrap().is_legacy());
    }

    #[test]
    fn debug_output_hides_the_password() {
        let p = SubmittedPassword::parse("Sekretne-Haslo-99".into()).unwrap();
        assert!(!format!("{p:?}").contains("Sekretne"));
    }
}
