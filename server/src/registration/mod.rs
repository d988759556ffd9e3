//! "Zarejestruj się": the form checked all at once, the code that proves
//! the contact (kept with the registration: there is no person yet), and
//! the profile made only after it — unless its PESEL or e-mail address is
//! taken, which the registrant is never told (the profile's owner is,
//! instead). The login is taken for good only then; if it went meanwhile,
//! another one is asked for.

mod complete;
mod form;
mod service;
mod store;

pub use service::RegistrationService;
