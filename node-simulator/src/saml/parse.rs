//! Reading the SP's signed messages: AuthnRequest (HTTP-POST), and
//! ArtifactResolve and LogoutRequest (SOAP). Each is verified with the SP's
//! configured certificate before any of its values is used.

use base64::{Engine, engine::general_purpose::STANDARD as B64};
use time::{Duration, OffsetDateTime};
use uppsala::{Document, NodeId};

use super::{
    BINDING_ARTIFACT, Loa, NS_SAML2, NS_SAML2P, NS_SOAP11, SamlError, SpVerifier, parse_xml_time,
};

/// What the node expects of the SP's messages.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    pub sp_entity_id: &'a str,
    /// The Destination of the message (the node endpoint it was posted to).
    pub destination: &'a str,
    /// The registered ACS (only for AuthnRequest).
    pub acs_url: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthnRequest {
    pub id: String,
    pub issue_instant: OffsetDateTime,
    /// The requested minimum level (`Comparison="minimum"`); low when absent.
    pub min_loa: Loa,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactResolve {
    pub id: String,
    pub artifact: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutRequest {
    pub id: String,
    pub name_id: String,
    pub session_index: Option<String>,
}

/// How far an IssueInstant may lie in the past, or in the future (clock skew).
const MAX_AGE: Duration = Duration::minutes(5);
const MAX_SKEW: Duration = Duration::seconds(60);

fn parse_doc(xml: &str) -> Result<Document<'_>, SamlError> {
    if xml.contains("<!DOCTYPE") || xml.contains("<!ENTITY") {
        return Err(SamlError::Malformed("a DTD is not allowed".into()));
    }
    uppsala::parse(xml).map_err(|e| SamlError::Malformed(e.to_string()))
}

fn is(doc: &Document<'_>, n: NodeId, ns: &str, local: &str) -> bool {
    doc.element(n).is_some_and(|e| {
        e.name.local_name.as_ref() == local && e.name.namespace_uri.as_deref() == Some(ns)
    })
}

fn child(doc: &Document<'_>, n: NodeId, ns: &str, local: &str) -> Option<NodeId> {
    doc.children(n).into_iter().find(|&c| is(doc, c, ns, local))
}

fn text(doc: &Document<'_>, n: NodeId) -> String {
    doc.text_content_deep(n).trim().to_owned()
}

fn attr(doc: &Document<'_>, n: NodeId, name: &str) -> Result<String, SamlError> {
    doc.get_attribute(n, name)
        .map(str::to_owned)
        .ok_or_else(|| SamlError::Malformed(format!("missing attribute {name}")))
}

/// The protocol element: the document element, or the only child of a SOAP Body.
fn protocol_element(doc: &Document<'_>, soap: bool, local: &str) -> Result<NodeId, SamlError> {
    let root = doc
        .document_element()
        .ok_or_else(|| SamlError::Malformed("empty document".into()))?;
    let el = if soap {
        if !is(doc, root, NS_SOAP11, "Envelope") {
            return Err(SamlError::Malformed("not a SOAP 1.1 envelope".into()));
        }
        let body = child(doc, root, NS_SOAP11, "Body")
            .ok_or_else(|| SamlError::Malformed("no SOAP Body".into()))?;
        let kids: Vec<_> = doc
            .children(body)
            .into_iter()
            .filter(|&c| doc.element(c).is_some())
            .collect();
        if kids.len() != 1 {
            return Err(SamlError::Malformed(
                "the SOAP Body must hold one element".into(),
            ));
        }
        kids[0]
    } else {
        root
    };
    if !is(doc, el, NS_SAML2P, local) {
        return Err(SamlError::Malformed(format!("expected saml2p:{local}")));
    }
    Ok(el)
}

/// The checks every SP message shares: signature, version, Issuer, Destination, ID.
fn common_checks(
    doc: &Document<'_>,
    el: NodeId,
    verifier: &SpVerifier,
    expected: &Expected<'_>,
) -> Result<String, SamlError> {
    verifier.verify_element(doc, el)?;
    if doc.get_attribute(el, "Version") != Some("2.0") {
        return Err(SamlError::Mismatch("Version must be 2.0".into()));
    }
    let issuer = child(doc, el, NS_SAML2, "Issuer")
        .ok_or_else(|| SamlError::Malformed("no Issuer".into()))?;
    if text(doc, issuer) != expected.sp_entity_id {
        return Err(SamlError::Mismatch(format!(
            "Issuer {:?} is not the configured SP",
            text(doc, issuer)
        )));
    }
    let destination = attr(doc, el, "Destination")?;
    if destination != expected.destination {
        return Err(SamlError::Mismatch(format!(
            "Destination {destination:?} is not {:?}",
            expected.destination
        )));
    }
    let instant = attr(doc, el, "IssueInstant")?;
    let instant =
        parse_xml_time(&instant).ok_or_else(|| SamlError::Malformed("bad IssueInstant".into()))?;
    let now = OffsetDateTime::now_utc();
    if instant < now - MAX_AGE || instant > now + MAX_SKEW {
        return Err(SamlError::Mismatch("IssueInstant is not fresh".into()));
    }
    let id = attr(doc, el, "ID")?;
    if id.is_empty() {
        return Err(SamlError::Malformed("empty ID".into()));
    }
    Ok(id)
}

/// Decode and check the `SAMLRequest` form field.
pub fn parse_authn_request(
    saml_request_b64: &str,
    verifier: &SpVerifier,
    expected: &Expected<'_>,
) -> Result<AuthnRequest, SamlError> {
    let cleaned: String = saml_request_b64
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = B64
        .decode(cleaned)
        .map_err(|_| SamlError::Malformed("SAMLRequest is not base64".into()))?;
    let xml = String::from_utf8(bytes)
        .map_err(|_| SamlError::Malformed("SAMLRequest is not UTF-8".into()))?;
    let doc = parse_doc(&xml)?;
    let el = protocol_element(&doc, false, "AuthnRequest")?;
    let id = common_checks(&doc, el, verifier, expected)?;
    let acs = attr(&doc, el, "AssertionConsumerServiceURL")?;
    if acs != expected.acs_url {
        return Err(SamlError::Mismatch(format!(
            "AssertionConsumerServiceURL {acs:?} is not the registered ACS"
        )));
    }
    if attr(&doc, el, "ProtocolBinding")? != BINDING_ARTIFACT {
        return Err(SamlError::Mismatch(
            "ProtocolBinding must be HTTP-Artifact".into(),
        ));
    }
    let issue_instant = parse_xml_time(&attr(&doc, el, "IssueInstant")?).expect("checked");
    let mut min_loa = Loa::Low;
    if let Some(rac) = child(&doc, el, NS_SAML2P, "RequestedAuthnContext") {
        let comparison = doc.get_attribute(rac, "Comparison").unwrap_or("exact");
        if comparison != "minimum" {
            return Err(SamlError::Mismatch(format!(
                "Comparison {comparison:?} is not supported (minimum)"
            )));
        }
        let refs: Vec<_> = doc
            .children(rac)
            .into_iter()
            .filter(|&c| is(&doc, c, NS_SAML2, "AuthnContextClassRef"))
            .collect();
        let levels: Option<Vec<Loa>> = refs
            .iter()
            .map(|&r| Loa::from_uri(&text(&doc, r)))
            .collect();
        let levels =
            levels.ok_or_else(|| SamlError::Mismatch("unknown AuthnContextClassRef".into()))?;
        min_loa = levels
            .into_iter()
            .min()
            .ok_or_else(|| SamlError::Malformed("no AuthnContextClassRef".into()))?;
    }
    Ok(AuthnRequest {
        id,
        issue_instant,
        min_loa,
    })
}

pub fn parse_artifact_resolve(
    soap_xml: &str,
    verifier: &SpVerifier,
    expected: &Expected<'_>,
) -> Result<ArtifactResolve, SamlError> {
    let doc = parse_doc(soap_xml)?;
    let el = protocol_element(&doc, true, "ArtifactResolve")?;
    let id = common_checks(&doc, el, verifier, expected)?;
    let artifact = child(&doc, el, NS_SAML2P, "Artifact")
        .ok_or_else(|| SamlError::Malformed("no Artifact".into()))?;
    Ok(ArtifactResolve {
        id,
        artifact: text(&doc, artifact),
    })
}

pub fn parse_logout_request(
    soap_xml: &str,
    verifier: &SpVerifier,
    expected: &Expected<'_>,
) -> Result<LogoutRequest, SamlError> {
    let doc = parse_doc(soap_xml)?;
    let el = protocol_element(&doc, true, "LogoutRequest")?;
    let id = common_checks(&doc, el, verifier, expected)?;
    let name_id = child(&doc, el, NS_SAML2, "NameID")
        .ok_or_else(|| SamlError::Malformed("no NameID".into()))?;
    let session_index = child(&doc, el, NS_SAML2P, "SessionIndex").map(|n| text(&doc, n));
    Ok(LogoutRequest {
        id,
        name_id: text(&doc, name_id),
        session_index,
    })
}
