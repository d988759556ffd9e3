//! The eZUS server: configuration, database, identity, sessions, the
//! back end behind the pages, and the HTTP stack around them.

pub mod accounts;
pub mod backend;
pub mod config;
pub mod db;
pub mod demo_data;
pub mod domain;
pub mod error;
pub mod http;
pub mod identity;
pub mod notifications;
pub mod session;
pub mod startup;
pub mod telemetry;
