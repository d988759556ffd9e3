//! "Nie pamiętasz loginu?": the login sent to a contact of the profile.

use async_trait::async_trait;
use http::request::Parts;

pub use crate::pages::forgot_login::LoginReminderProblem;

/// Why the form was refused. Never whether the data matched a profile.
pub type LoginReminderRefusal = super::FormRefusal<LoginReminderProblem>;

/// For anyone, signed in or not.
#[async_trait]
pub trait LoginReminderPort: Send + Sync + 'static {
    /// Sends the login to `contact` if it is the e-mail address or the
    /// mobile number of the profile with this PESEL; answers the same, and
    /// in the same time, either way.
    async fn send_login(&self, request: &Parts, pesel: String, contact: String) -> Result<(), LoginReminderRefusal>;
}
