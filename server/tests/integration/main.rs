//! Integration tests: the real server on a random port, over HTTP, against
//! SQLite and PostgreSQL (a fresh database per test). One test binary, so
//! the server is linked once.

#![allow(dead_code)]

mod support;
mod fake_gateways;

mod accounts;
mod change_password;
mod http_stack;
mod notifications;
mod passwords;
mod profile;
mod sessions;
mod sign_in;
mod startup;
mod throttling;
mod verification_code;
