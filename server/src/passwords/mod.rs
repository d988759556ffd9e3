//! Passwords, shared by every way a password is set or checked (sign-in,
//! the profile's current-password check, the password change, and next
//! registration and recovery): NFKC normalisation, argon2id hashing on a
//! bounded pool (its memory wiped after each hash), the rules a new password must meet and the lists of
//! breached passwords it is checked against.

pub mod breached;
pub mod check;
pub mod hasher;
pub mod normalise;
pub mod policy;
pub mod range_api;
pub mod settings;
pub mod wiped;
