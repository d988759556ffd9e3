//! Signing in with a login and password (and out again): the credential
//! check, the throttle of failed attempts, and the service behind
//! `app::ports::SignInPort`.

pub mod credentials;
mod service;
pub mod throttle;

pub use service::SignInService;
