//! Sign-in through the national node login.gov.pl (docs/national-node.md).
//!
//! - `protocol/`: the SAML service provider's messages and checks — pure
//!   functions over XML and keys.
//! - `service.rs`: the journey — the request tied to the browser, the
//!   artifact resolved over the back channel, the person signed in (their
//!   profile confirmed if it was not) or offered registration; single logout.
//! - `store.rs`: its rows, each change one atomic statement (a request taken
//!   back once, an artifact or assertion used once).
//! - `back_channel.rs`: SOAP over HTTP to the node.
//! - `routes.rs`: `/login-gov-pl/start`, `/saml/acs`, `/saml/metadata`.

pub mod back_channel;
pub mod protocol;
pub mod routes;
pub mod service;
pub mod store;

pub use service::NationalNodeService;
