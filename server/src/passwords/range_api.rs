//! A client of the Pwned Passwords range API ("Have I Been Pwned"), by
//! k-anonymity: `GET {base}/range/{first 5 hex digits of the SHA-1}` answers
//! every known suffix starting so, one `SUFFIX:COUNT` a line, so the
//! password and its full hash never leave the server. `Add-Padding: true`
//! asks for decoy lines (count 0) so the answer's size says nothing either.

use std::time::Duration;

use sha1::{Digest, Sha1};

use super::normalise::NormalisedPassword;

/// An answer bigger than this is not a range answer (real ones are ~40 KB).
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    #[error("request: {0}")]
    Request(#[from] reqwest::Error),
    #[error("answered {0}")]
    Status(reqwest::StatusCode),
    #[error("answer over {MAX_ANSWER_BYTES} bytes")]
    TooBig,
    #[error("answer is not text: {0}")]
    NotText(#[from] std::string::FromUtf8Error),
}

#[derive(Debug, Clone)]
pub struct RangeApi {
    client: reqwest::Client,
    base_url: String,
}

impl RangeApi {
    /// `timeout` bounds each whole request, connection included.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, RangeError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("eZUS-password-check")
            .build()?;
        Ok(RangeApi { client, base_url: base_url.trim_end_matches('/').to_owned() })
    }

    /// How many times the API has seen the password in breaches (0: never).
    pub async fn times_seen(&self, password: &NormalisedPassword) -> Result<u64, RangeError> {
        let digest = Sha1::digest(password.expose().as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
        let (prefix, suffix) = hex.split_at(5);
        let mut response = self
            .client
            .get(format!("{}/range/{prefix}", self.base_url))
            .header("Add-Padding", "true")
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(RangeError::Status(response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(RangeError::TooBig);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(count_for(&String::from_utf8(body)?, suffix))
    }
}

/// The count on the line of `suffix`; padding lines (count 0) and lines that
/// are not `SUFFIX:COUNT` count as nothing.
fn count_for(answer: &str, suffix: &str) -> u64 {
    answer
        .lines()
        .filter_map(|line| line.trim().split_once(':'))
        .filter(|(s, _)| s.eq_ignore_ascii_case(suffix))
        .filter_map(|(_, count)| count.trim().parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suffix_line_gives_the_count_and_padding_counts_nothing() {
        let answer = "0018A45C4D1DEF81644B54AB7F969B88D65:10\r\n\
                      00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0\r\n\
                      011053FD0102E94D6AE2F8B83D76FAF94F6:3\r\n";
        assert_eq!(count_for(answer, "011053FD0102E94D6AE2F8B83D76FAF94F6"), 3);
        assert_eq!(count_for(answer, "0018a45c4d1def81644b54ab7f969b88d65"), 10, "hex in any case");
        assert_eq!(count_for(answer, "00D4F6E8FA6EECAD2A3AA415EEC418D38EC"), 0, "a padding line");
        assert_eq!(count_for(answer, "FFFFF6E8FA6EECAD2A3AA415EEC418D38EC"), 0);
        assert_eq!(count_for("<html>oops</html>", "0018A45C4D1DEF81644B54AB7F969B88D65"), 0);
    }
}
