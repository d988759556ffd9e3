//! Sign-in through the national node login.gov.pl (docs/national-node.md):
//! the SAML service provider's protocol and the service around it.

pub mod protocol;
