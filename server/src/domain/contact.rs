use std::fmt;

/// An e-mail address as people type them: one `@`, a local part, a domain
/// with a dot, no spaces, at most 254 characters. (Whether it really
/// receives mail is proven by the code sent to it.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        let (local, domain) = s.split_once('@')?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && s.chars().all(|c| !c.is_whitespace() && !c.is_control())
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        ok.then(|| EmailAddress(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mobile phone number in E.164 (`+48600100200`). Polish numbers may be
/// typed without the country code (9 digits); spaces, dashes and brackets
/// are ignored; `00` works as `+`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Option<Self> {
        let compact: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
        let international = if let Some(rest) = compact.strip_prefix('+') {
            rest.to_owned()
        } else if let Some(rest) = compact.strip_prefix("00") {
            rest.to_owned()
        } else if compact.len() == 9 {
            format!("48{compact}")
        } else {
            return None;
        };
        let digits_ok = international.bytes().all(|b| b.is_ascii_digit());
        // E.164: at most 15 digits, no leading zero in the country code.
        let length_ok = (8..=15).contains(&international.len()) && !international.starts_with('0');
        // Polish numbers have exactly 9 digits after +48.
        let polish_ok = !international.starts_with("48") || international.len() == 11;
        (digits_ok && length_ok && polish_ok).then(|| PhoneNumber(format!("+{international}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(EmailAddress::parse(" Jan.Kowalski@Example.PL ").unwrap().as_str(), "Jan.Kowalski@example.pl");
        for bad in ["", "jan", "jan@", "@example.pl", "jan@example", "jan kowalski@example.pl", "jan@@example.pl", "jan@example..pl", "jan@.example.pl"] {
            assert!(EmailAddress::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn phones_polish_and_international() {
        for (typed, e164) in [
            ("600 100 200", "+48600100200"),
            ("+48 600-100-200", "+48600100200"),
            ("0048600100200", "+48600100200"),
            ("+49 151 23456789", "+4915123456789"),
            ("+1 (415) 555-0132", "+14155550132"),
        ] {
            assert_eq!(PhoneNumber::parse(typed).unwrap().as_str(), e164, "{typed}");
        }
        for bad in ["", "600 100", "+48 600 100 20", "+48 600 100 2000", "phone", "+0123456789", "+1234567890123456"] {
            assert!(PhoneNumber::parse(bad).is_none(), "{bad}");
        }
    }
}
