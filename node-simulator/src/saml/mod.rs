//! The SAML side of the node: reading the SP's signed messages and building
//! the node's signed (and encrypted) answers, to the wire contract in
//! `docs/national-node.md`.

pub mod artifact;
pub mod builder;
pub mod dsig;
pub mod encrypt;
pub mod parse;

pub use artifact::new_artifact;
pub use builder::{
    ArtifactResponseBuilder, AssertionData, LogoutResponseBuilder, Outcome, ResponseBuilder,
};
pub use dsig::{NodeSigner, SpVerifier};
pub use encrypt::{EncryptionTarget, encrypt_assertion};
pub use parse::{parse_artifact_resolve, parse_authn_request, parse_logout_request};

use time::{OffsetDateTime, format_description::well_known::Rfc3339};

pub const NS_SAML2P: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub const NS_SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const NS_DSIG11: &str = "http://www.w3.org/2009/xmldsig11#";
pub const NS_XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
pub const NS_XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
pub const NS_EIDAS: &str = "http://eidas.europa.eu/saml-extensions";
pub const NS_NATURALPERSON: &str = "http://eidas.europa.eu/attributes/naturalperson";
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";

pub const BINDING_ARTIFACT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact";
pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
pub const STATUS_RESPONDER: &str = "urn:oasis:names:tc:SAML:2.0:status:Responder";
pub const STATUS_AUTHN_FAILED: &str = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed";
pub const STATUS_NO_AUTHN_CONTEXT: &str = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext";
pub const NAMEID_UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// The namespace declarations every signed element of the node carries on
/// itself. With exclusive c14n and the `ds saml2 saml2p xenc` prefix list, the
/// canonical form of an element then does not depend on where it is embedded
/// (the Response is signed alone, then placed inside the ArtifactResponse).
pub const SIGNED_ELEMENT_NS: &str = concat!(
    r#"xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" "#,
    r#"xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" "#,
    r#"xmlns:ds="http://www.w3.org/2000/09/xmldsig#" "#,
    r#"xmlns:xenc="http://www.w3.org/2001/04/xmlenc#""#
);

/// Levels of assurance, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
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
        match uri.trim() {
            "http://eidas.europa.eu/LoA/low" => Some(Loa::Low),
            "http://eidas.europa.eu/LoA/substantial" => Some(Loa::Substantial),
            "http://eidas.europa.eu/LoA/high" => Some(Loa::High),
            _ => None,
        }
    }

    /// Polish name of the level, for pages.
    pub fn polish(self) -> &'static str {
        match self {
            Loa::Low => "niski",
            Loa::Substantial => "średni",
            Loa::High => "wysoki",
        }
    }
}

/// Errors of the SAML layer. The messages are for logs and for the Polish
/// error page's technical detail; they never carry secrets.
#[derive(Debug, thiserror::Error)]
pub enum SamlError {
    #[error("malformed message: {0}")]
    Malformed(String),
    #[error("signature refused: {0}")]
    Signature(String),
    #[error("unexpected value: {0}")]
    Mismatch(String),
    #[error("crypto: {0}")]
    Crypto(String),
    #[error("key: {0}")]
    Key(String),
}

/// `_` followed by 40 hex digits (160 random bits).
pub fn new_id() -> String {
    format!("_{}", hex::encode(random_bytes::<20>()))
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b
}

/// UTC `xs:dateTime` with milliseconds and `Z`.
pub fn xml_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&fmt)
        .unwrap_or_else(|_| t.format(&Rfc3339).unwrap_or_default())
}

pub fn parse_xml_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

/// Escape for XML text and attribute values (double-quoted).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The base64 body of a PEM certificate (the DER), on one line.
pub fn pem_body_b64(pem: &str) -> String {
    pem.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .collect()
}

/// Wrap an element in a SOAP 1.1 envelope.
pub fn soap_envelope(body_xml: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soap11:Envelope xmlns:soap11="{NS_SOAP11}"><soap11:Body>{body_xml}</soap11:Body></soap11:Envelope>"#
    )
}
