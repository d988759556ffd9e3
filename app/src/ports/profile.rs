//! "Dane profilu": the e-mail, the phone and the recovery channel, changed
//! with the current password and a code sent to the new address or number.

use async_trait::async_trait;
use http::request::Parts;

use super::{SessionRefusal, step_up::CodeRefusal};
pub use crate::pages::{
    profile::{ContactProblem, ProfileView},
    verify_code::CodePrompt,
};

/// A requested change of contact data, as typed.
#[derive(Debug, Clone)]
pub struct ContactChangeRequest {
    pub email: String,
    pub phone: String,
    pub channel: String,
    pub current_password: String,
}

/// Why a change of contact data was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactRefusal {
    Session(SessionRefusal),
    Problem(ContactProblem),
}

/// For a signed-in session.
#[async_trait]
pub trait ProfilePort: Send + Sync + 'static {
    /// The signed-in person's contact data and recovery channel.
    async fn profile(&self, request: &Parts) -> Result<ProfileView, SessionRefusal>;

    /// Checks the current password and the new data, and sends a code to the
    /// new address or number; the change waits for it.
    async fn request_contact_change(&self, request: &Parts, form: ContactChangeRequest) -> Result<(), ContactRefusal>;

    /// Where the code of the pending contact change went.
    async fn contact_change_prompt(&self, request: &Parts) -> Result<CodePrompt, SessionRefusal>;

    /// Makes the pending change when the code is right, and tells the old channel.
    async fn confirm_contact_change(&self, request: &Parts, code: String) -> Result<(), CodeRefusal>;
}
