//! Confirming a profile ("niepotwierdzony" → confirmed) and the end of the
//! profiles nobody confirmed in time.
//!
//! - `service.rs`: the confirmation itself — one conditional UPDATE and its
//!   record in `profile_confirmations`, in one transaction; used by the
//!   operator command now (confirmation at a ZUS office) and by the
//!   login.gov.pl sign-in later.
//! - `command.rs`: the operator command `server confirm-profile --pesel …`:
//!   its arguments, its output and its exit codes.
//! - `unconfirmed.rs`: the removal of profiles not confirmed within
//!   `retention.unconfirmed_profile_days` (7), run by `crate::retention`.

pub mod command;
mod service;
pub mod unconfirmed;

pub use service::{Attribution, ConfirmError, ConfirmationMethod, Confirmed, ProfileConfirmations, ProfileKey, masked_pesel};
