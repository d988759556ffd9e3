//! Domain values that can only be built valid, and how dates are shown.

pub mod calendar;
mod contact;
mod country_codes;
mod identity_document;
mod login;
mod nip;
mod password;
mod pesel;
mod regon;
mod verification_code;

pub use contact::{EmailAddress, PhoneNumber};
pub use country_codes::CountryCodes;
pub use identity_document::{BirthDate, IdDocument};
pub use login::{Login, LoginError};
pub use nip::{Nip, NipError};
pub use password::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, SubmittedPassword};
pub use pesel::{Pesel, PeselError};
pub use regon::{Regon, RegonError};
pub use verification_code::{CODE_DIGITS, VerificationCode};
