use std::fmt;

/// A REGON (the statistical number of a business): 9 digits, or 14 for a
/// local unit (its first 9 are the REGON of the business), each with its
/// check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Regon(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegonError {
    #[error("REGON must have 9 or 14 digits")]
    Format,
    #[error("REGON check digit is wrong")]
    CheckDigit,
}

const WEIGHTS_9: [u32; 8] = [8, 9, 2, 3, 4, 5, 6, 7];
const WEIGHTS_14: [u32; 13] = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];

/// The check digit of `digits` under `weights`: the sum modulo 11, with 10 written as 0.
fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = weights.iter().zip(digits).map(|(w, d)| w * d).sum();
    (sum % 11) % 10
}

impl Regon {
    /// Accepts the digits with or without spaces.
    pub fn parse(raw: &str) -> Result<Self, RegonError> {
        let digits: String = raw.chars().filter(|c| *c != ' ').collect();
        if !matches!(digits.len(), 9 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegonError::Format);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let valid_9 = check_digit(&d[..8], &WEIGHTS_9) == d[8];
        let valid_14 = d.len() == 9 || check_digit(&d[..13], &WEIGHTS_14) == d[13];
        if !(valid_9 && valid_14) {
            return Err(RegonError::CheckDigit);
        }
        Ok(Regon(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Regon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn accepts_valid_numbers_of_both_lengths() {
        for valid in ["123456785", "012345675", "192130601", "12345678512347", "123 456 785"] {
            assert!(Regon::parse(valid).is_ok(), "{valid}");
        }
    }

    #[test]
    fn refuses_wrong_check_digits_and_lengths() {
        assert_eq!(Regon::parse("123456784"), Err(RegonError::CheckDigit));
        assert_eq!(Regon::parse("12345678512348"), Err(RegonError::CheckDigit));
        // A valid 14-digit checksum over a first part that is no REGON.
        assert_eq!(Regon::parse("12345678412341"), Err(RegonError::CheckDigit));
        for bad in ["12345678", "1234567851", "12345678a", ""] {
            assert_eq!(Regon::parse(bad), Err(RegonError::Format), "{bad}");
        }
    }

    fn with_check_9(first: &[u32]) -> Vec<u32> {
        let mut d = first.to_vec();
        d.push(check_digit(first, &WEIGHTS_9));
        d
    }

    fn text(d: &[u32]) -> String {
        d.iter().map(|x| char::from(b'0' + *x as u8)).collect()
    }

    proptest! {
        #[test]
        fn every_number_with_its_check_digits_is_accepted(first in proptest::collection::vec(0u32..10, 8), unit in proptest::collection::vec(0u32..10, 4)) {
            let nine = with_check_9(&first);
            prop_assert!(Regon::parse(&text(&nine)).is_ok());
            let mut fourteen = [nine, unit].concat();
            fourteen.push(check_digit(&fourteen, &WEIGHTS_14));
            prop_assert!(Regon::parse(&text(&fourteen)).is_ok());
        }

        #[test]
        fn a_wrong_check_digit_is_always_refused(first in proptest::collection::vec(0u32..10, 8), wrong in 0u32..10) {
            let right = check_digit(&first, &WEIGHTS_9);
            prop_assume!(wrong != right);
            let mut d = first.clone();
            d.push(wrong);
            prop_assert_eq!(Regon::parse(&text(&d)), Err(RegonError::CheckDigit));
        }
    }
}
