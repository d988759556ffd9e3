//! The countries SMS may go to, by calling code (`+48`): a defence against
//! SMS pumping, where premium-rate numbers abroad are made to receive codes.

use std::fmt;

use serde::{Deserialize, Deserializer, de};

use super::PhoneNumber;

/// A non-empty list of country calling codes, each `+` and 1–3 digits not
/// starting with 0 (`+48`, `+1`, `+358`). Calling codes are prefix-free, so a
/// number belongs to a code when it starts with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCodes(Vec<String>);

impl CountryCodes {
    /// Codes as written in the configuration; the `+` may be left out.
    pub fn parse<S: AsRef<str>>(codes: impl IntoIterator<Item = S>) -> Result<Self, String> {
        let mut parsed: Vec<String> = Vec::new();
        for raw in codes {
            let raw = raw.as_ref().trim();
            let digits = raw.strip_prefix('+').unwrap_or(raw);
            let ok = (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
            if !ok {
                return Err(format!("{raw:?} is not a country calling code such as \"+48\""));
            }
            let code = format!("+{digits}");
            if !parsed.contains(&code) {
                parsed.push(code);
            }
        }
        if parsed.is_empty() {
            return Err("needs at least one country calling code, e.g. [\"+48\"]".into());
        }
        Ok(CountryCodes(parsed))
    }

    /// Poland only: the default.
    pub fn polish_only() -> Self {
        CountryCodes(vec!["+48".into()])
    }

    pub fn allows(&self, phone: &PhoneNumber) -> bool {
        self.0.iter().any(|code| phone.as_str().starts_with(code.as_str()))
    }

    pub fn is_polish_only(&self) -> bool {
        self.0 == ["+48"]
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

impl Default for CountryCodes {
    fn default() -> Self {
        Self::polish_only()
    }
}

impl fmt::Display for CountryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

/// One code, as TOML or an environment variable gives it: `"+48"`, or `48`
/// (the environment turns `+48` into a number).
struct Code(String);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CodesVisitor).map(|codes| Code(codes.join(",")))
    }
}

/// A list (`["+48", "+49"]`), or one string with commas (`"+48,+49"`, what
/// `EZUS_SMS__ALLOWED_COUNTRY_CODES` gives), or a bare number.
impl<'de> Deserialize<'de> for CountryCodes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let codes = deserializer.deserialize_any(CodesVisitor)?;
        CountryCodes::parse(&codes).map_err(de::Error::custom)
    }
}

struct CodesVisitor;

impl<'de> de::Visitor<'de> for CodesVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of country calling codes such as [\"+48\"]")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.split(',').map(str::to_owned).collect())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(vec![v.to_string()])
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut codes = Vec::new();
        while let Some(Code(code)) = seq.next_element()? {
            codes.extend(code.split(',').map(str::to_owned));
        }
        Ok(codes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(s: &str) -> PhoneNumber {
        PhoneNumber::parse(s).unwrap()
    }

    #[test]
    fn polish_only_by_default() {
        let codes = CountryCodes::default();
        assert!(codes.is_polish_only());
        assert!(codes.allows(&phone("600 100 200")));
        assert!(!codes.allows(&phone("+49 151 23456789")));
        assert!(!codes.allows(&phone("+420 601 123 456")), "Czech, not Polish");
    }

    #[test]
    fn codes_are_checked_and_normalised() {
        let codes = CountryCodes::parse(["48", " +49 ", "+48", "+1"]).unwrap();
        assert_eq!(codes.as_slice(), ["+48", "+49", "+1"]);
        assert!(codes.allows(&phone("+1 (415) 555-0132")));
        for bad in [vec![], vec!["+"], vec!["+0048"], vec!["+048"], vec!["PL"], vec!["+4a"]] {
            assert!(CountryCodes::parse(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn read_as_lists_strings_with_commas_or_numbers() {
        #[derive(Deserialize)]
        struct T {
            c: CountryCodes,
        }
        let read = |value: &str| serde_json::from_str::<T>(&format!("{{\"c\": {value}}}")).map(|t| t.c);
        assert_eq!(read(r#"["+48", "+49"]"#).unwrap().as_slice(), ["+48", "+49"]);
        assert_eq!(read(r#""+48,+420""#).unwrap().as_slice(), ["+48", "+420"]);
        assert_eq!(read("48").unwrap().as_slice(), ["+48"], "the environment turns +48 into a number");
        assert_eq!(read("[48, \"+49\"]").unwrap().as_slice(), ["+48", "+49"]);
        assert!(read(r#"["+48", "x"]"#).is_err());
        assert!(read("[]").is_err());
    }
}
