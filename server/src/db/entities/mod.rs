pub mod person;
pub mod session;
pub mod sign_in_throttle;
