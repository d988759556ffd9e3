use std::fmt;

/// A NIP (tax identification number): 10 digits with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nip(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("NIP must have 10 digits")]
    Format,
    #[error("NIP check digit is wrong")]
    CheckDigit,
}

const WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];

impl Nip {
    /// Accepts the digits with or without the usual dashes and spaces.
    pub fn parse(raw: &str) -> Result<Self, NipError> {
        let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NipError::Format);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = WEIGHTS.iter().zip(&d).map(|(w, x)| w * x).sum();
        if sum % 11 == 10 || sum % 11 != d[9] {
            return Err(NipError::CheckDigit);
        }
        Ok(Nip(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The way NIPs are printed: 123-456-78-90.
    pub fn formatted(&self) -> String {
        let s = &self.0;
        format!("{}-{}-{}-{}", &s[0..3], &s[3..6], &s[6..8], &s[8..10])
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn a_nip_is_accepted_exactly_when_its_check_digit_is_right(first in proptest::collection::vec(0u32..10, 9), last in 0u32..10) {
            let sum: u32 = WEIGHTS.iter().zip(&first).map(|(w, d)| w * d).sum();
            let text: String = first.iter().chain([&last]).map(|d| char::from(b'0' + *d as u8)).collect();
            let valid = sum % 11 != 10 && sum % 11 == last;
            prop_assert_eq!(Nip::parse(&text).is_ok(), valid);
        }
    }

    #[test]
    fn accepts_valid_numbers_with_or_without_dashes() {
        let nip = Nip::parse("526-000-12-46").unwrap();
        assert_eq!(nip.as_str(), "5260001246");
        assert_eq!(nip.formatted(), "526-000-12-46");
    }

    #[test]
    fn refuses_wrong_check_digit_and_format() {
        assert_eq!(Nip::parse("5260001247"), Err(NipError::CheckDigit));
        assert_eq!(Nip::parse("526000124"), Err(NipError::Format));
        assert_eq!(Nip::parse("52600012a6"), Err(NipError::Format));
    }
}
