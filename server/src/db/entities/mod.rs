pub mod person;
pub mod session;
