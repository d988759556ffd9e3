use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// The secret in the session cookie: 32 random bytes, base64url (43 chars).
/// The database only ever sees [`SessionToken::hash`].
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

const TOKEN_BYTES: usize = 32;
const TOKEN_CHARS: usize = 43;

impl SessionToken {
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(SessionToken(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A token as it came back in a cookie: anything not shaped like one of
    /// ours is ignored without a database look-up.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.len() == TOKEN_CHARS && URL_SAFE_NO_PAD.decode(raw).is_ok_and(|b| b.len() == TOKEN_BYTES))
            .then(|| SessionToken(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Hex SHA-256: the key the session is stored under.
    pub fn hash(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_256_bit_and_round_trip() {
        let a = SessionToken::generate().unwrap();
        let b = SessionToken::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43);
        assert_eq!(SessionToken::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.as_str());
        assert!(!format!("{a:?}").contains(a.as_str()));
    }

    #[test]
    fn foreign_values_are_not_tokens() {
        assert_eq!(SessionToken::parse(""), None);
        assert_eq!(SessionToken::parse("abc"), None);
        assert_eq!(SessionToken::parse(&"!".repeat(43)), None);
        assert_eq!(SessionToken::parse(&"A".repeat(44)), None);
    }
}
