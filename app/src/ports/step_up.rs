//! The verification code that confirms a password sign-in, sent by the
//! person's recovery channel.

use async_trait::async_trait;
use http::request::Parts;

use super::{SessionRefusal, SignedIn};
pub use crate::pages::verify_code::{CodeProblem, CodePrompt};

/// Why a typed code or a resend request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRefusal {
    Session(SessionRefusal),
    Problem(CodeProblem),
}

/// For a session waiting for its code.
#[async_trait]
pub trait StepUpPort: Send + Sync + 'static {
    /// Where the verification code of this session went.
    async fn code_prompt(&self, request: &Parts) -> Result<CodePrompt, SessionRefusal>;

    /// Checks the typed code; on success the session steps up under a new token.
    async fn submit_code(&self, request: &Parts, code: String) -> Result<SignedIn, CodeRefusal>;

    /// Sends a new code (the old one stops working), within the resend
    /// limits; says how many seconds until the next one may be sent.
    async fn resend_code(&self, request: &Parts) -> Result<u64, CodeRefusal>;
}
