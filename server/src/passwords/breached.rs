//! The local list of breached passwords (NIST SP 800-63B, 5.1.1.2: "values
//! obtained from previous breach corpuses"), checked for every new password
//! besides zxcvbn. Built into the binary from
//! `server/data/breached-passwords.txt.gz` (how it is made: that folder's
//! README.md), or read from `breached_passwords.list_path`. Loaded once,
//! kept as one string of folded, sorted entries and their offsets, and
//! searched by bisection: about 2 MB for the 139,974 built-in entries.
//! Comparison ignores case and Unicode form ("Password1234" is
//! "password1234").

use std::{
    io::Read,
    path::Path,
    sync::{Arc, OnceLock},
};

use super::normalise::normalise;

const BUILT_IN: &[u8] = include_bytes!("../../data/breached-passwords.txt.gz");

#[derive(Debug, thiserror::Error)]
#[error("{origin}: {reason}")]
pub struct ListError {
    origin: String,
    reason: String,
}

pub struct BreachedList {
    /// Every entry folded, sorted, without duplicates, each ended by '\n'.
    text: String,
    /// Where each entry starts in `text`.
    starts: Vec<u32>,
}

impl std::fmt::Debug for BreachedList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BreachedList({} entries)", self.len())
    }
}

impl BreachedList {
    /// The list shipped with the portal, decompressed once per process.
    pub fn built_in() -> Result<Arc<BreachedList>, ListError> {
        static LOADED: OnceLock<Arc<BreachedList>> = OnceLock::new();
        if let Some(list) = LOADED.get() {
            return Ok(list.clone());
        }
        let list = Arc::new(Self::from_gzip(BUILT_IN, "the built-in list")?);
        Ok(LOADED.get_or_init(|| list).clone())
    }

    /// `path` empty: the built-in list; else that file, one password a line,
    /// gzipped when its name ends in `.gz`.
    pub fn load(path: &str) -> Result<Arc<BreachedList>, ListError> {
        if path.is_empty() {
            return Self::built_in();
        }
        let fail = |reason: String| ListError { origin: path.to_owned(), reason };
        let bytes = std::fs::read(Path::new(path)).map_err(|e| fail(e.to_string()))?;
        let list = if path.ends_with(".gz") {
            Self::from_gzip(&bytes, path)?
        } else {
            Self::from_text(std::str::from_utf8(&bytes).map_err(|e| fail(e.to_string()))?)
        };
        Ok(Arc::new(list))
    }

    fn from_gzip(bytes: &[u8], origin: &str) -> Result<BreachedList, ListError> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| ListError { origin: origin.to_owned(), reason: e.to_string() })?;
        Ok(Self::from_text(&text))
    }

    /// One password a line; blank lines skipped; any case, any order.
    pub fn from_text(text: &str) -> BreachedList {
        let mut entries: Vec<String> =
            text.lines().map(|line| line.trim_end_matches('\r')).filter(|l| !l.is_empty()).map(fold).collect();
        entries.sort_unstable();
        entries.dedup();
        let mut starts = Vec::with_capacity(entries.len());
        let mut joined = String::with_capacity(entries.iter().map(|e| e.len() + 1).sum());
        for entry in entries {
            // A list over 4 GiB is no list of passwords: the rest is left out.
            let Ok(start) = u32::try_from(joined.len()) else { break };
            starts.push(start);
            joined.push_str(&entry);
            joined.push('\n');
        }
        BreachedList { text: joined, starts }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Bytes held: the entries and their offsets.
    pub fn memory_bytes(&self) -> usize {
        self.text.capacity() + self.starts.capacity() * std::mem::size_of::<u32>()
    }

    fn entry(&self, index: usize) -> &str {
        let start = self.starts[index] as usize;
        let end = self.starts.get(index + 1).map_or(self.text.len(), |&next| next as usize) - 1;
        &self.text[start..end]
    }

    /// Whether the password is on the list, whatever its case and Unicode form.
    pub fn contains(&self, password: &str) -> bool {
        let folded = fold(password);
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.entry(middle).cmp(folded.as_str()) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

/// NFKC, then lower case: how entries and candidates are compared.
fn fold(password: &str) -> String {
    normalise(password).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_list_holds_over_100_000_breached_passwords_in_about_2_mb() {
        let list = BreachedList::built_in().unwrap();
        assert!(list.len() >= 100_000, "{}", list.len());
        assert!(list.memory_bytes() < 3 * 1024 * 1024, "{} bytes", list.memory_bytes());
        // From the top of the ranking and from deep in the long tail.
        for p in ["123456", "password", "qwerty123456", "1qaz2wsx3edc", "PolniyPizdec0211", "domainlock2005"] {
            assert!(list.contains(p), "{p}");
        }
        for p in ["rower deszcz latarnia 7", "Zielony-Parasol-nad-Wisłą", ""] {
            assert!(!list.contains(p), "{p}");
        }
    }

    #[test]
    fn lookups_ignore_case_and_unicode_form_and_the_order_of_the_file() {
        let list = BreachedList::from_text("zebra-2000\r\n\nHasło-Ważne-2000\nabc\nABC\n");
        assert_eq!(list.len(), 3, "blank lines and duplicates are dropped");
        assert!(list.contains("ZEBRA-2000"));
        assert!(list.contains("hasło-ważne-2000"));
        assert!(list.contains("HASŁO-WAZ\u{0307}NE-2000"), "ż typed as z + combining dot");
        assert!(list.contains("ａｂｃ"), "full-width letters are their plain forms");
        assert!(!list.contains("ab"));
        assert!(!list.contains("zebra-20000"));
        assert!(!BreachedList::from_text("").contains("x"));
    }

    #[test]
    fn a_configured_file_is_read_plain_or_gzipped_and_a_missing_one_is_named() {
        let dir = std::env::temp_dir();
        let plain = dir.join(format!("ezus-breached-{}.txt", std::process::id()));
        std::fs::write(&plain, "tajne-haslo-firmy\n").unwrap();
        let list = BreachedList::load(plain.to_str().unwrap()).unwrap();
        assert!(list.contains("Tajne-Haslo-Firmy"));
        std::fs::remove_file(&plain).unwrap();

        let gz = dir.join(format!("ezus-breached-{}.txt.gz", std::process::id()));
        std::fs::write(&gz, BUILT_IN).unwrap();
        assert_eq!(BreachedList::load(gz.to_str().unwrap()).unwrap().len(), BreachedList::built_in().unwrap().len());
        std::fs::remove_file(&gz).unwrap();

        let e = BreachedList::load("/nonexistent/breached.txt").unwrap_err().to_string();
        assert!(e.starts_with("/nonexistent/breached.txt:"), "{e}");
    }
}
