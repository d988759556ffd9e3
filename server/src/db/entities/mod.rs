pub mod outbox;
pub mod person;
pub mod session;
