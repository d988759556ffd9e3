//! A simulator of the login.gov.pl national node (Węzeł Krajowy): the IdP
//! side of the protocol in `docs/national-node.md`, with its own Polish
//! pages for Profil Zaufany, e-dowód and bank sign-in. Development and tests
//! only; it shares no code with the portal.

pub mod config;
pub mod demo;
pub mod saml;
pub mod state;
pub mod web;

pub use config::Config;
pub use state::AppState;
pub use web::router;
