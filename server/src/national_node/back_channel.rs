//! The SOAP back channel to the node (ArtifactResolve, LogoutRequest):
//! SOAP 1.1 over HTTPS, `text/xml`, an empty `SOAPAction`, a deadline, no
//! redirects, and an answer of bounded size.

use std::time::Duration;

/// The largest answer read (a real ArtifactResponse is a few kilobytes).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct BackChannel {
    client: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum BackChannelError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("status {0}")]
    Status(reqwest::StatusCode),
    #[error("answer over {MAX_ANSWER_BYTES} bytes")]
    TooLarge,
    #[error("answer is not UTF-8")]
    NotText,
}

impl BackChannel {
    pub fn new(timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(BackChannel { client })
    }

    /// Posts a SOAP envelope; the answer's text.
    pub async fn post(&self, url: &str, envelope: String) -> Result<String, BackChannelError> {
        let mut response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .body(envelope)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(BackChannelError::Status(response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(BackChannelError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| BackChannelError::NotText)
    }
}
