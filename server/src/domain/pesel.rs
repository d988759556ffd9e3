use std::fmt;

/// A PESEL number: 11 digits, a real date of birth and a correct check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pesel(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeselError {
    #[error("PESEL must have exactly 11 digits")]
    Format,
    #[error("PESEL holds no valid date of birth")]
    BirthDate,
    #[error("PESEL check digit is wrong")]
    CheckDigit,
}

const WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

impl Pesel {
    pub fn parse(raw: &str) -> Result<Self, PeselError> {
        let s = raw.trim();
        if s.len() != 11 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PeselError::Format);
        }
        let d: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = WEIGHTS.iter().zip(&d).map(|(w, x)| w * x).sum();
        if (10 - sum % 10) % 10 != d[10] {
            return Err(PeselError::CheckDigit);
        }
        let pesel = Pesel(s.to_owned());
        pesel.birth_date().ok_or(PeselError::BirthDate)?;
        Ok(pesel)
    }

    /// The sex the number records: its tenth digit is even for a woman.
    pub fn is_female(&self) -> bool {
        (self.0.as_bytes()[9] - b'0').is_multiple_of(2)
    }

    /// (year, month, day). The century is encoded in the month: +80 for the
    /// 1800s, +0 for the 1900s, +20, +40, +60 for the 2000s, 2100s, 2200s.
    pub fn birth_date(&self) -> Option<(u32, u32, u32)> {
        let n = |i: usize| u32::from(self.0.as_bytes()[i] - b'0');
        let yy = n(0) * 10 + n(1);
        let mm = n(2) * 10 + n(3);
        let dd = n(4) * 10 + n(5);
        let (century, month) = match mm {
            1..=12 => (1900, mm),
            21..=32 => (2000, mm - 20),
            41..=52 => (2100, mm - 40),
            61..=72 => (2200, mm - 60),
            81..=92 => (1800, mm - 80),
            _ => return None,
        };
        let year = century + yy;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if leap => 29,
            _ => 28,
        };
        (1..=days).contains(&dd).then_some((year, month, dd))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pesel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A PESEL for a date and a serial, with its check digit.
    fn make(year: u32, month: u32, day: u32, serial: u32) -> String {
        let encoded_month = month + match year {
            1800..=1899 => 80,
            1900..=1999 => 0,
            2000..=2099 => 20,
            2100..=2199 => 40,
            _ => 60,
        };
        let first = format!("{:02}{encoded_month:02}{day:02}{serial:04}", year % 100);
        let sum: u32 = WEIGHTS.iter().zip(first.bytes()).map(|(w, b)| w * u32::from(b - b'0')).sum();
        format!("{first}{}", (10 - sum % 10) % 10)
    }

    proptest! {
        #[test]
        fn every_real_date_of_every_century_is_read_back(year in 1800u32..2300, month in 1u32..=12, day in 1u32..=28, serial in 0u32..10_000) {
            let pesel = Pesel::parse(&make(year, month, day, serial)).unwrap();
            prop_assert_eq!(pesel.birth_date(), Some((year, month, day)));
            prop_assert_eq!(pesel.is_female(), serial % 2 == 0);
        }

        #[test]
        fn any_single_wrong_digit_is_caught(year in 1900u32..2100, month in 1u32..=12, day in 1u32..=28, serial in 0u32..10_000, at in 0usize..11, by in 1u8..10) {
            let mut digits = make(year, month, day, serial).into_bytes();
            digits[at] = b'0' + (digits[at] - b'0' + by) % 10;
            prop_assert!(Pesel::parse(std::str::from_utf8(&digits).unwrap()).is_err());
        }
    }

    #[test]
    fn accepts_valid_numbers_of_every_century() {
        assert_eq!(Pesel::parse("44051401359").unwrap().birth_date(), Some((1944, 5, 14)));
        assert_eq!(Pesel::parse("02270803624").unwrap().birth_date(), Some((2002, 7, 8)));
    }

    #[test]
    fn the_tenth_digit_records_the_sex() {
        assert!(Pesel::parse("75031204688").unwrap().is_female());
        assert!(!Pesel::parse("68092503715").unwrap().is_female());
        assert!(!Pesel::parse("44051401359").unwrap().is_female());
    }

    #[test]
    fn refuses_wrong_check_digit_format_and_dates() {
        assert_eq!(Pesel::parse("44051401358"), Err(PeselError::CheckDigit));
        assert_eq!(Pesel::parse("4405140135"), Err(PeselError::Format));
        assert_eq!(Pesel::parse("4405140135a"), Err(PeselError::Format));
        // 30 February 1990, with a correct check digit.
        let mut digits = *b"9002300000\0";
        let w = [1u32, 3, 7, 9, 1, 3, 7, 9, 1, 3];
        let sum: u32 = w.iter().zip(&digits[..10]).map(|(w, d)| w * u32::from(d - b'0')).sum();
        digits[10] = b'0' + ((10 - sum % 10) % 10) as u8;
        let raw = std::str::from_utf8(&digits).unwrap();
        assert_eq!(Pesel::parse(raw), Err(PeselError::BirthDate));
    }
}
