//! "Nie pamiętasz loginu?": the login goes to the e-mail address or the
//! mobile number typed, if it is the one of the profile with the PESEL
//! typed — answering the same words in the same time either way.

mod message;
mod service;

pub use service::LoginReminderService;
