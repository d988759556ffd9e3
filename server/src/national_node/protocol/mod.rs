//! The SAML service provider's side of the national node protocol
//! (docs/national-node.md): building and signing the SP's messages, and
//! reading the node's answers — signatures checked against the configured
//! certificate, the assertion decrypted, every condition checked. Pure
//! functions: no database, no HTTP; the service around them keeps the state
//! (which requests are outstanding, which artifacts and assertions were used).
//!
//! The public API below is the contract the portal's service is written
//! against; the work is done in the submodules.

mod answer;
mod assertion;
mod decrypt;
mod keys;
mod metadata;
mod signature;
mod xml;

#[cfg(test)]
mod tests;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A level of assurance (eIDAS), lowest first, so that `<` compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Loa {
    Low,
    Substantial,
    High,
}

impl Loa {
    pub fn uri(self) -> &'static str {
        match self {
            Loa::Low => "http://eidas.europa.eu/LoA/low",
            Loa::Substantial => "http://eidas.europa.eu/LoA/substantial",
            Loa::High => "http://eidas.europa.eu/LoA/high",
        }
    }

    pub fn from_uri(uri: &str) -> Option<Self> {
        [Loa::Low, Loa::Substantial, Loa::High].into_iter().find(|l| l.uri() == uri.trim())
    }
}

/// Everything the SP needs to talk to one node, loaded once at start-up.
pub struct SpProfile {
    pub sp_entity_id: String,
    pub acs_url: String,
    pub node_entity_id: String,
    pub sso_url: String,
    pub artifact_resolution_url: String,
    pub logout_url: String,
    /// The lowest level of assurance accepted (and asked for).
    pub min_loa: Loa,
    /// How far the node's clock may be off ours.
    pub clock_skew: Duration,
    pub keys: SpKeys,
}

/// The key material: the SP's signing and encryption pairs and the node's
/// signing certificate (pinned; a message's own `KeyInfo` is never trusted).
pub struct SpKeys {
    loaded: keys::Loaded,
    /// Base64 DER of the SP's certificates, as written into KeyInfo and metadata.
    signing_cert_b64: String,
    encryption_cert_b64: String,
}

impl std::fmt::Debug for SpKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SpKeys(<redacted>)")
    }
}

// The profile lives in the server's shared state.
const _: fn() = || {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<SpProfile>();
};

/// Why the key material could not be loaded (start-up error, names the file).
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct KeyError {
    pub path: String,
    pub reason: String,
}

impl SpKeys {
    /// Loads PKCS#8 PEM keys and X.509 PEM certificates from files.
    /// Keys must be EC P-256, and each certificate must match its key.
    pub fn load(
        signing_key_pem: &std::path::Path,
        signing_cert_pem: &std::path::Path,
        encryption_key_pem: &std::path::Path,
        encryption_cert_pem: &std::path::Path,
        node_cert_pem: &std::path::Path,
    ) -> Result<Self, KeyError> {
        let loaded = keys::load(signing_key_pem, signing_cert_pem, encryption_key_pem, encryption_cert_pem, node_cert_pem)?;
        Ok(SpKeys {
            signing_cert_b64: STANDARD.encode(&loaded.signing_cert_der),
            encryption_cert_b64: STANDARD.encode(&loaded.encryption_cert_der),
            loaded,
        })
    }
}

/// What a successful answer of the node says about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeAssertion {
    pub assertion_id: String,
    /// PersonIdentifier as sent (the PESEL); the caller parses it.
    pub person_identifier: String,
    pub given_name: String,
    pub family_name: String,
    /// DateOfBirth as sent (`YYYY-MM-DD`).
    pub date_of_birth: String,
    pub loa: Loa,
    /// Kept for single logout.
    pub name_id: String,
    pub session_index: String,
    /// The assertion's own NotOnOrAfter (ms since the epoch): how long its ID
    /// must be remembered to refuse a replay.
    pub not_on_or_after_ms: i64,
}

/// Why an answer of the node was refused. Each maps to one page for the
/// person and one log line for the operator (the detail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodeRefusal {
    /// The person cancelled or could not authenticate (AuthnFailed).
    #[error("the node reports AuthnFailed: {0}")]
    Cancelled(String),
    /// The means used is below the level we require (or NoAuthnContext).
    #[error("level of assurance too low: {0}")]
    LoaTooLow(String),
    /// A signature is missing, invalid, made by another key, or does not
    /// cover the element read (wrapping).
    #[error("signature refused: {0}")]
    BadSignature(String),
    /// Too late (NotOnOrAfter passed) or an artifact the node no longer knows.
    #[error("expired: {0}")]
    Expired(String),
    /// NotBefore / IssueInstant in the future beyond the skew.
    #[error("not yet valid: {0}")]
    NotYetValid(String),
    /// Audience, Destination, Recipient, Issuer or InResponseTo are not ours.
    #[error("not addressed to us: {0}")]
    NotForUs(String),
    /// The encrypted assertion could not be decrypted.
    #[error("assertion does not decrypt: {0}")]
    Undecryptable(String),
    /// Not well-formed, or required parts missing.
    #[error("malformed answer: {0}")]
    Malformed(String),
}

/// What the answer must match: the IDs we sent and the time now.
pub struct Expected<'a> {
    /// The ID of our AuthnRequest.
    pub authn_request_id: &'a str,
    /// The ID of our ArtifactResolve.
    pub artifact_resolve_id: &'a str,
    /// ms since the epoch.
    pub now_ms: i64,
}

/// A fresh message ID: `_` and 40 hex digits from the OS's random source.
pub fn new_id() -> String {
    xml::new_id()
}

/// The signed AuthnRequest XML (the caller base64-encodes it into SAMLRequest).
pub fn authn_request(p: &SpProfile, id: &str, now_ms: i64) -> Result<String, NodeRefusal> {
    let template = xml::authn_request(p, id, now_ms, &p.keys.signing_cert_b64)?;
    signature::sign(&p.keys.loaded.signing_key, &template)
}

/// The SOAP envelope with the signed ArtifactResolve for `artifact`.
pub fn artifact_resolve(p: &SpProfile, id: &str, artifact: &str, now_ms: i64) -> Result<String, NodeRefusal> {
    let template = xml::artifact_resolve(p, id, artifact, now_ms, &p.keys.signing_cert_b64)?;
    signature::sign(&p.keys.loaded.signing_key, &template)
}

/// Reads the node's SOAP answer to our ArtifactResolve: both signatures,
/// decryption, every condition.
pub fn read_artifact_response(p: &SpProfile, soap: &str, expected: &Expected<'_>) -> Result<NodeAssertion, NodeRefusal> {
    answer::read_artifact_response(p, soap, expected)
}

/// The SOAP envelope with the signed LogoutRequest.
pub fn logout_request(p: &SpProfile, id: &str, name_id: &str, session_index: &str, now_ms: i64) -> Result<String, NodeRefusal> {
    let template = xml::logout_request(p, id, name_id, session_index, now_ms, &p.keys.signing_cert_b64)?;
    signature::sign(&p.keys.loaded.signing_key, &template)
}

/// Reads the node's SOAP answer to our LogoutRequest (signed, ours, Success).
pub fn read_logout_response(p: &SpProfile, soap: &str, request_id: &str, now_ms: i64) -> Result<(), NodeRefusal> {
    answer::read_logout_response(p, soap, request_id, now_ms)
}

/// The SP's metadata document (EntityDescriptor with SPSSODescriptor:
/// signing and encryption certificates, the ACS with the HTTP-Artifact binding).
pub fn metadata(p: &SpProfile) -> String {
    metadata::metadata(p, &p.keys.signing_cert_b64, &p.keys.encryption_cert_b64)
}
