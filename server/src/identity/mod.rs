//! Who a person is: passwords, credential checks and the new-password rules.

pub mod credentials;
pub mod notices;
pub mod password_hasher;
pub mod password_policy;
pub mod throttle;
pub mod verification_codes;
