//! The forced change of a password shorter than the current minimum.

use async_trait::async_trait;
use http::request::Parts;

use super::{SessionRefusal, SignedIn};
pub use crate::pages::change_password::{NewPasswordProblem, PasswordAssessment, PasswordChangePrompt};

/// Why a password change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChangeRefusal {
    Session(SessionRefusal),
    Rejected(NewPasswordProblem),
}

/// For a session whose pending step is the password change.
#[async_trait]
pub trait PasswordChangePort: Send + Sync + 'static {
    /// What the page needs: the login (for password managers).
    async fn prompt(&self, request: &Parts) -> Result<PasswordChangePrompt, SessionRefusal>;

    /// While a new password is typed: the first rule it breaks, if any, and
    /// its strength. The repeat and "not the current password" are checked
    /// on submit.
    async fn assess_new_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal>;

    /// Replaces the password and moves the session on under a new token (the cookie).
    async fn change_password(&self, request: &Parts, new_password: String, repeated: String) -> Result<SignedIn, PasswordChangeRefusal>;
}
