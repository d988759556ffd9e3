//! "Dane profilu": the contact data and the recovery channel, and their
//! change confirmed by a code to the new address or number — plus a code to
//! the current recovery channel unless the session stepped up within the
//! last 5 minutes. The service behind `app::ports::ProfilePort` and the
//! rules of a contact change.

mod confirm;
mod contact_change;
mod service;

pub use service::ProfileService;
