use std::fmt;

/// A login of an eZUS profile: 3 to 64 characters, letters a–z, digits and
/// `.`, `_`, `-`, compared without regard to case (stored lower-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Login(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("login is empty")]
    Empty,
    #[error("login must have 3 to 64 characters")]
    Length,
    #[error("login may contain only a-z, 0-9, '.', '_' and '-'")]
    Characters,
}

impl Login {
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, LoginError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(LoginError::Empty);
        }
        let count = trimmed.chars().count();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&count) {
            return Err(LoginError::Length);
        }
        let lower = trimmed.to_ascii_lowercase();
        if !lower
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(LoginError::Characters);
        }
        Ok(Login(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_case_and_surrounding_spaces() {
        assert_eq!(Login::parse("  JKowalski ").unwrap().as_str(), "jkowalski");
        assert_eq!(Login::parse("a.b_c-1").unwrap().as_str(), "a.b_c-1");
    }

    #[test]
    fn refuses_empty_short_long_and_foreign_characters() {
        assert_eq!(Login::parse("   "), Err(LoginError::Empty));
        assert_eq!(Login::parse("ab"), Err(LoginError::Length));
        assert_eq!(Login::parse(&"a".repeat(65)), Err(LoginError::Length));
        assert!(Login::parse(&"a".repeat(64)).is_ok());
        assert_eq!(Login::parse("jan kowalski"), Err(LoginError::Characters));
        assert_eq!(Login::parse("żółw123"), Err(LoginError::Characters));
        assert_eq!(Login::parse("x' OR 1=1 --"), Err(LoginError::Characters));
    }
}
