//! How a person without a PESEL is identified: the date of birth and the
//! series and number of an identity document (an identity card, a passport).

use std::fmt;

/// Series and number of an identity document: 5 to 20 letters and digits,
/// written without spaces or dashes, in capitals (`ABC123456`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdDocument(String);

impl IdDocument {
    pub fn parse(raw: &str) -> Option<Self> {
        let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect::<String>().to_uppercase();
        let ok = (5..=20).contains(&compact.chars().count()) && compact.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        ok.then_some(IdDocument(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A date of birth: a real calendar date, from 1900 on, not after `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate {
    year: u32,
    month: u32,
    day: u32,
}

impl BirthDate {
    /// Reads `dd.mm.rrrr` (as people write it) or `rrrr-mm-dd`; `today` is
    /// `(year, month, day)`.
    pub fn parse(raw: &str, today: (u32, u32, u32)) -> Option<Self> {
        let raw = raw.trim();
        let parts: Vec<&str> = if raw.contains('.') { raw.split('.').collect() } else { raw.split('-').rev().collect() };
        let [d, m, y] = parts.as_slice() else { return None };
        if y.len() != 4 {
            return None;
        }
        let (year, month, day) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        let real = year >= 1900 && (1..=days).contains(&day);
        (real && (year, month, day) <= today).then_some(BirthDate { year, month, day })
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (u32, u32, u32) = (2026, 11, 25);

    #[test]
    fn documents_are_written_compact_in_capitals() {
        assert_eq!(IdDocument::parse("abc 123456").unwrap().as_str(), "ABC123456");
        assert_eq!(IdDocument::parse("AB-1234567").unwrap().as_str(), "AB1234567");
        for bad in ["", "AB1", "ABC 123 456 789 012 345 678", "ABĆ123456", "AB/123456"] {
            assert!(IdDocument::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_of_birth_are_real_past_dates() {
        assert_eq!(BirthDate::parse("24.11.1985", TODAY).unwrap().iso(), "1985-11-24");
        assert_eq!(BirthDate::parse("1985-11-24", TODAY).unwrap().iso(), "1985-11-24");
        assert_eq!(BirthDate::parse("29.02.2000", TODAY).unwrap().iso(), "2000-02-29");
        for bad in ["29.02.1900", "31.04.1990", "1.13.1990", "26.11.2026", "01.01.1899", "24-11-85", "jutro", ""] {
            assert!(BirthDate::parse(bad, TODAY).is_none(), "{bad}");
        }
    }
}
