//! Integration tests: the real server on a random port, over HTTP, against
//! SQLite and PostgreSQL (a fresh database per test). One test binary, so
//! the server is linked once.

#![allow(dead_code)]

mod support;
mod fake_gateways;
mod fresh_db;
mod crowd;
mod server_process;

mod accounts;
mod audit;
mod bad_input;
mod change_password;
mod faults_database;
mod faults_gateway;
mod faults_restart;
mod http_stack;
mod login_gov_pl;
mod login_gov_pl_journey;
mod login_reminder;
mod messages_at_rest;
mod national_node;
mod notifications;
mod password_reset;
mod passwords;
mod profile;
mod profile_confirmation;
mod profile_second_code;
mod profile_resend;
mod registration;
mod retention;
mod send_limits;
mod sessions;
mod sign_in;
mod soak;
mod startup;
mod throttling;
mod unconfirmed_profiles;
mod verification_code;

mod security;
