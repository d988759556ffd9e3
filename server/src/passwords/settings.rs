//! `[breached_passwords]` in Leptos.toml: where the list of breached
//! passwords comes from, and the optional range API.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BreachedPasswordSettings {
    /// Base URL of a Pwned Passwords range API (k-anonymity: only the first
    /// five hex digits of the password's SHA-1 leave the server), e.g.
    /// `https://api.pwnedpasswords.com`. Empty: off, the local list only.
    pub range_api_url: String,
    /// How long a password change waits for the range API before it goes on
    /// with the local list only.
    pub timeout_ms: u64,
    /// A list of breached passwords, one a line (gzipped if it ends in
    /// `.gz`). Empty: the list built into the server.
    pub list_path: String,
}

impl Default for BreachedPasswordSettings {
    fn default() -> Self {
        BreachedPasswordSettings { range_api_url: String::new(), timeout_ms: 2000, list_path: String::new() }
    }
}

impl BreachedPasswordSettings {
    /// The key at fault and what is wrong with it.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if !self.range_api_url.is_empty() {
            let scheme_ok = reqwest::Url::parse(&self.range_api_url)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
            if !scheme_ok {
                return Some(("breached_passwords.range_api_url", "must be empty or an http(s) URL"));
            }
        }
        if !(1..=10_000).contains(&self.timeout_ms) {
            return Some(("breached_passwords.timeout_ms", "must be 1 to 10000"));
        }
        None
    }
}
