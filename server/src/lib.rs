//! The eZUS server: configuration, database, the back end behind the pages
//! (one module per capability, each with its service, rules and tests), and
//! the HTTP stack around them. See docs/architecture.md for the map.

pub mod accounts;
mod allocator;
pub mod audit;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo_data;
pub mod domain;
pub mod error;
pub mod http;
pub mod login_reminder;
pub mod metrics;
pub mod national_node;
pub mod notifications;
pub mod password_change;
pub mod password_reset;
pub mod passwords;
pub mod profile;
pub mod profile_confirmation;
pub mod registration;
pub mod retention;
pub mod same_answer;
pub mod services;
pub mod session;
pub mod sign_in;
pub mod startup;
pub mod step_up;
pub mod telemetry;
