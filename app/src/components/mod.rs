//! Building blocks shared by the pages.

mod code_entry;
mod error_summary;
mod idle_warning;
mod layout;
mod masked_destination;
mod new_password_fields;
mod page_heading;
mod password_changed;
mod password_field;
mod radio_choices;
mod resend_wait;
mod session_page;
mod sign_out;
mod text_field;

pub use code_entry::{CodeEntry, SENT_AGAIN};
pub use error_summary::{ErrorSummary, ErrorTitle, FieldError};
pub use idle_warning::IdleWarning;
pub use layout::{SiteFooter, SiteHeader, SkipLink};
pub use masked_destination::MaskedDestination;
pub use new_password_fields::NewPasswordFields;
pub use page_heading::{NavigationWatch, PageHeading, provide_navigation_focus};
pub use password_changed::PasswordChangedNotice;
pub use password_field::PasswordField;
pub use radio_choices::{RadioChoices, RadioOption};
pub use resend_wait::ResendWait;
pub use session_page::{SessionPage, SessionProblem};
pub use sign_out::SignOutForm;
pub use text_field::TextField;

use leptos::prelude::*;

/// `true` once the page runs in the browser with WASM (never during SSR and
/// never without JavaScript). Enhancements that need script render behind it,
/// so the server HTML and the first client render always agree.
pub fn use_enhanced() -> ReadSignal<bool> {
    let (enhanced, set_enhanced) = signal(false);
    Effect::new(move |_| set_enhanced.set(true));
    enhanced
}
