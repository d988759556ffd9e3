use std::fmt;

/// A verification code as typed: exactly 6 digits (spaces and dashes that
/// people type between groups are ignored).
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationCode(String);

pub const CODE_DIGITS: usize = 6;

impl VerificationCode {
    pub fn parse(raw: &str) -> Option<Self> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{a0}')).collect();
        (digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(VerificationCode(digits))
    }

    /// A fresh code from the operating system's CSPRNG, uniform over 000000–999999.
    pub fn generate() -> Result<Self, getrandom::Error> {
        // Rejection sampling: no bias towards low codes.
        const LIMIT: u32 = u32::MAX - u32::MAX % 1_000_000;
        loop {
            let mut bytes = [0u8; 4];
            getrandom::fill(&mut bytes)?;
            let n = u32::from_le_bytes(bytes);
            if n < LIMIT {
                return Ok(VerificationCode(format!("{:06}", n % 1_000_000)));
            }
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerificationCode(••••••)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_six_digits_with_friendly_separators() {
        assert_eq!(VerificationCode::parse("123456").unwrap().expose(), "123456");
        assert_eq!(VerificationCode::parse(" 123 456 ").unwrap().expose(), "123456");
        assert_eq!(VerificationCode::parse("123-456").unwrap().expose(), "123456");
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６"] {
            assert!(VerificationCode::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn generated_codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| VerificationCode::generate().unwrap().expose().to_owned()).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(codes.len() > 190, "200 draws from a million should hardly repeat");
        assert!(!format!("{:?}", VerificationCode::generate().unwrap()).chars().any(|c| c.is_ascii_digit()));
    }
}
