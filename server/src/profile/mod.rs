//! "Dane profilu": the contact data and the recovery channel, and their
//! change confirmed by a code to the new address or number. The service
//! behind `app::ports::ProfilePort` and the rules of a contact change.

mod contact_change;
mod service;

pub use service::ProfileService;
