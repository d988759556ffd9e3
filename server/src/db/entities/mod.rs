pub mod benefit;
pub mod insurance_title;
pub mod payer;
pub mod person;
pub mod person_role;
pub mod proxy_grant;
pub mod session;
pub mod sign_in_throttle;
