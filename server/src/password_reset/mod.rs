//! "Nie pamiętasz hasła?": login and PESEL, a code by the recovery channel
//! (15 minutes), a new password — the service behind
//! `app::ports::PasswordResetPort`. A reset is held by its own cookie; one
//! with no profile behind it goes through the same steps, in the same time,
//! and every code it is given is refused the same way.

mod store;
mod service;

pub use service::PasswordResetService;
