//! The step up by a verification code: the code store (6 digits, salted
//! hash, single use, tries and resend limits) and the service behind
//! `app::ports::StepUpPort`. Other capabilities send and check their own
//! codes through [`codes::VerificationCodes`].

pub mod codes;
pub mod purpose;
pub mod send_limits;
mod service;

use app::pages::verify_code::CodeChannel;
pub use service::StepUpService;

use self::codes::{CodePurpose, IssueOutcome, VerificationCodes};
use crate::{db::entities::person, error::BackendError, notifications::Channel};

/// Sends the sign-in code, unless the resend limits say a recent one is
/// still on its way (it stays valid then).
pub async fn send_sign_in_code(codes: &VerificationCodes, person: &person::Model) -> Result<(), BackendError> {
    match codes.issue(person, CodePurpose::SignIn).await? {
        IssueOutcome::Sent => Ok(()),
        IssueOutcome::TooSoon { retry_after_secs, limit } => {
            tracing::info!(person_id = person.id, retry_after_secs, ?limit, "sign-in code not re-sent: send limit");
            Ok(())
        }
    }
}

/// The channel as the pages name it.
pub fn code_channel(channel: Channel) -> CodeChannel {
    match channel {
        Channel::Sms => CodeChannel::Sms,
        Channel::Email => CodeChannel::Email,
    }
}
