//! Passwords, shared by every way a password is set or checked (sign-in,
//! the password change, and next registration and recovery): argon2id
//! hashing on a bounded pool, and the rules a new password must meet.

pub mod hasher;
pub mod policy;
