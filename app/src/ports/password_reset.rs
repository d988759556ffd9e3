//! "Nie pamiętasz hasła?": login and PESEL, a code by the recovery channel,
//! then a new password. A reset in progress is held by its own cookie (no
//! session exists yet). Whether the login and PESEL matched a profile is
//! never told: a reset with no profile behind it goes through the same
//! steps, and every code it is given is refused.

use async_trait::async_trait;
use http::{HeaderValue, request::Parts};

use super::{CodeRefusal, PasswordChangeRefusal, SessionRefusal};
pub use crate::pages::forgot_password::ResetStartProblem;
use crate::pages::change_password::PasswordAssessment;

/// Why the first form was refused (never whether the data matched).
pub type ResetStartRefusal = super::FormRefusal<ResetStartProblem>;

/// For anyone; each step after the first for the holder of the reset's cookie.
/// Out of turn, a step is refused with `SessionRefusal::StepPending` naming
/// the step to take.
#[async_trait]
pub trait PasswordResetPort: Send + Sync + 'static {
    /// Starts a reset (sending a code if the login and PESEL match a
    /// profile); its cookie.
    async fn start(&self, request: &Parts, login: String, pesel: String) -> Result<HeaderValue, ResetStartRefusal>;

    /// Seconds until another code may be sent (0: now).
    async fn code_prompt(&self, request: &Parts) -> Result<u64, SessionRefusal>;

    async fn submit_code(&self, request: &Parts, code: String) -> Result<(), CodeRefusal>;

    /// Sends another code; seconds until the next may be sent.
    async fn resend_code(&self, request: &Parts) -> Result<u64, CodeRefusal>;

    /// The login, for password managers.
    async fn new_password_prompt(&self, request: &Parts) -> Result<String, SessionRefusal>;

    async fn assess_new_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal>;

    /// Sets the new password, ends every session of the person, tells the
    /// recovery channel; the header that removes the reset's cookie.
    async fn set_password(&self, request: &Parts, new_password: String, repeated: String)
    -> Result<HeaderValue, PasswordChangeRefusal>;
}
