//! "Dane profilu": the e-mail, the phone and the recovery channel, changed
//! with the current password and a code sent to the new address or number —
//! and, unless the session stepped up within the last 5 minutes, a code sent
//! to the current recovery channel too.

use async_trait::async_trait;
use http::{HeaderValue, request::Parts};

use super::SessionRefusal;
pub use crate::pages::{
    confirm_contact::{ContactCodePrompt, SentCode},
    profile::{ContactProblem, ProfileView},
    verify_code::CodeProblem,
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
    /// Every problem found, in the order of the form's fields.
    Problems(Vec<ContactProblem>),
}

/// Why the confirmation of a change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactCodeRefusal {
    Session(SessionRefusal),
    /// With one code: its problem. With two: a problem of the whole form (a throttle).
    Problem(CodeProblem),
    /// With two codes: the problem of each, if any.
    Codes { code: Option<CodeProblem>, current_code: Option<CodeProblem> },
}

/// The change is made; the session stepped up under a new token, whose
/// cookie must reach the browser.
#[derive(Debug, Clone)]
pub struct ContactChanged {
    pub set_cookie: HeaderValue,
}

/// For a signed-in session.
#[async_trait]
pub trait ProfilePort: Send + Sync + 'static {
    /// The signed-in person's contact data and recovery channel.
    async fn profile(&self, request: &Parts) -> Result<ProfileView, SessionRefusal>;

    /// Checks the current password and the new data, and sends a code to the
    /// new address or number (and one to the current recovery channel unless
    /// the session stepped up within the last 5 minutes); the change waits
    /// for them.
    async fn request_contact_change(&self, request: &Parts, form: ContactChangeRequest) -> Result<(), ContactRefusal>;

    /// Where the codes of the pending contact change went.
    async fn contact_change_prompt(&self, request: &Parts) -> Result<ContactCodePrompt, SessionRefusal>;

    /// Sends the codes of the pending change again (new codes replace the
    /// old ones, and the change waits another 10 minutes), within the same
    /// send limits as the first ones; says how many seconds until they may
    /// be sent again. No change waiting: `Problem(Expired)`.
    async fn resend_contact_codes(&self, request: &Parts) -> Result<u64, ContactCodeRefusal>;

    /// Makes the pending change when its code (or both codes) are right:
    /// tells the old channel, ends every other session of the person and
    /// steps this one up under a new token.
    async fn confirm_contact_change(&self, request: &Parts, code: String, current_code: String)
    -> Result<ContactChanged, ContactCodeRefusal>;
}
