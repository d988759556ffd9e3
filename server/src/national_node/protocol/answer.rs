//! Reading the node's SOAP answers (docs/national-node.md, sections 4 and 7).
//! Only elements a verified signature covers are read; the path from the
//! envelope down to them is checked element by element.

use uppsala::{Document, NodeId};

use super::signature::{self, Verified, child_elements, is};
use super::xml::{SAML2, SAML2P, SOAP11, parse_instant};
use super::{Expected, NodeAssertion, NodeRefusal, SpProfile, assertion};

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const AUTHN_FAILED: &str = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed";
const NO_AUTHN_CONTEXT: &str = "urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext";

pub(crate) fn malformed(detail: impl Into<String>) -> NodeRefusal {
    NodeRefusal::Malformed(detail.into())
}

/// The one child `{ns}local` of `parent` (`None` if absent; more is malformed).
pub(crate) fn opt_child(
    doc: &Document<'_>,
    parent: NodeId,
    ns: &str,
    local: &str,
) -> Result<Option<NodeId>, NodeRefusal> {
    let found: Vec<NodeId> = child_elements(doc, parent)
        .into_iter()
        .filter(|&c| is(doc, c, ns, local))
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        _ => Err(malformed(format!("more than one {local} element"))),
    }
}

/// The one child `{ns}local` of `parent`.
pub(crate) fn one_child(
    doc: &Document<'_>,
    parent: NodeId,
    ns: &str,
    local: &str,
) -> Result<NodeId, NodeRefusal> {
    opt_child(doc, parent, ns, local)?.ok_or_else(|| malformed(format!("no {local} element")))
}

/// The text of a leaf element, trimmed; child elements are malformed.
pub(crate) fn text(doc: &Document<'_>, node: NodeId) -> Result<String, NodeRefusal> {
    if !child_elements(doc, node).is_empty() {
        return Err(malformed("an element expected to hold text holds elements"));
    }
    Ok(doc.text_content_deep(node).trim().to_owned())
}

/// The value of the attribute `name` in no namespace, trimmed.
pub(crate) fn attr<'d>(doc: &'d Document<'_>, node: NodeId, name: &str) -> Option<&'d str> {
    doc.element(node)?
        .attributes
        .iter()
        .find(|a| a.name.namespace_uri.is_none() && a.name.local_name == name)
        .map(|a| a.value.trim())
}

/// The one element in the SOAP body, named `{SAML2P}local`.
fn soap_body_element(doc: &Document<'_>, local: &str) -> Result<NodeId, NodeRefusal> {
    let envelope = doc
        .document_element()
        .ok_or_else(|| malformed("empty document"))?;
    if !is(doc, envelope, SOAP11, "Envelope") {
        return Err(malformed("not a SOAP 1.1 envelope"));
    }
    let body = one_child(doc, envelope, SOAP11, "Body")?;
    match child_elements(doc, body).as_slice() {
        [one] if is(doc, *one, SAML2P, local) => Ok(*one),
        [one] if is(doc, *one, SOAP11, "Fault") => {
            let fault: String = doc
                .text_content_deep(*one)
                .trim()
                .chars()
                .take(200)
                .collect();
            Err(malformed(format!("a SOAP fault: {fault}")))
        }
        _ => Err(malformed(format!(
            "the SOAP body does not hold exactly one {local}"
        ))),
    }
}

/// Signature, Issuer and InResponseTo of a signed protocol message.
fn check_message(
    p: &SpProfile,
    doc: &Document<'_>,
    v: &Verified,
    el: NodeId,
    what: &str,
    in_response_to: &str,
) -> Result<(), NodeRefusal> {
    v.require(doc, el, what)?;
    if attr(doc, el, "Version") != Some("2.0") {
        return Err(malformed(format!("the {what} is not SAML 2.0")));
    }
    let issuer = text(doc, one_child(doc, el, SAML2, "Issuer")?)?;
    if issuer != p.node_entity_id {
        return Err(NodeRefusal::NotForUs(format!(
            "the {what}'s Issuer is {issuer:?}"
        )));
    }
    let irt = attr(doc, el, "InResponseTo").unwrap_or("");
    if irt.is_empty() || irt != in_response_to {
        return Err(NodeRefusal::NotForUs(format!(
            "the {what} answers {irt:?}, not {in_response_to:?}"
        )));
    }
    Ok(())
}

/// `IssueInstant` no further in the future than the allowed skew.
fn check_issued(
    doc: &Document<'_>,
    el: NodeId,
    what: &str,
    now_ms: i64,
    skew_ms: i64,
) -> Result<(), NodeRefusal> {
    let issued = attr(doc, el, "IssueInstant")
        .ok_or_else(|| malformed(format!("the {what} has no IssueInstant")))?;
    let issued_ms = parse_instant(issued)
        .ok_or_else(|| malformed(format!("the {what}'s IssueInstant {issued:?}")))?;
    if issued_ms > now_ms.saturating_add(skew_ms) {
        return Err(NodeRefusal::NotYetValid(format!(
            "the {what} was issued at {issued}, in the future"
        )));
    }
    Ok(())
}

/// The top status code, and the nested one if any.
fn status(doc: &Document<'_>, el: NodeId) -> Result<(String, Option<String>, String), NodeRefusal> {
    let status = one_child(doc, el, SAML2P, "Status")?;
    let code = one_child(doc, status, SAML2P, "StatusCode")?;
    let top = attr(doc, code, "Value")
        .ok_or_else(|| malformed("a StatusCode without Value"))?
        .to_owned();
    let nested = opt_child(doc, code, SAML2P, "StatusCode")?
        .and_then(|n| attr(doc, n, "Value"))
        .map(str::to_owned);
    let message = match opt_child(doc, status, SAML2P, "StatusMessage")? {
        Some(m) => text(doc, m)?,
        None => String::new(),
    };
    Ok((top, nested, message))
}

/// Refuses any status but Success, mapping the node's failures.
fn require_success(doc: &Document<'_>, el: NodeId, what: &str) -> Result<(), NodeRefusal> {
    let (top, nested, message) = status(doc, el)?;
    if top == SUCCESS {
        return Ok(());
    }
    let detail = format!(
        "{what} status {top} / {} {message:?}",
        nested.as_deref().unwrap_or("-")
    );
    Err(match nested.as_deref() {
        Some(AUTHN_FAILED) => NodeRefusal::Cancelled(detail),
        Some(NO_AUTHN_CONTEXT) => NodeRefusal::LoaTooLow(detail),
        _ => malformed(detail),
    })
}

fn skew_ms(p: &SpProfile) -> i64 {
    i64::try_from(p.clock_skew.as_millis()).unwrap_or(i64::MAX)
}

pub(crate) fn read_artifact_response(
    p: &SpProfile,
    soap: &str,
    expected: &Expected<'_>,
) -> Result<NodeAssertion, NodeRefusal> {
    let doc = signature::parse(soap)?;
    let verified = signature::verify(&p.keys.loaded.node_key, &doc, soap)?;
    let skew = skew_ms(p);

    let outer = soap_body_element(&doc, "ArtifactResponse")?;
    check_message(
        p,
        &doc,
        &verified,
        outer,
        "ArtifactResponse",
        expected.artifact_resolve_id,
    )?;
    check_issued(&doc, outer, "ArtifactResponse", expected.now_ms, skew)?;
    require_success(&doc, outer, "ArtifactResponse")?;

    let Some(response) = opt_child(&doc, outer, SAML2P, "Response")? else {
        return Err(NodeRefusal::Expired(
            "the node no longer knows the artifact (Success without a Response)".into(),
        ));
    };
    check_message(
        p,
        &doc,
        &verified,
        response,
        "Response",
        expected.authn_request_id,
    )?;
    let destination = attr(&doc, response, "Destination").unwrap_or("");
    if destination != p.acs_url {
        return Err(NodeRefusal::NotForUs(format!(
            "the Response's Destination is {destination:?}"
        )));
    }
    check_issued(&doc, response, "Response", expected.now_ms, skew)?;
    require_success(&doc, response, "Response")?;

    if opt_child(&doc, response, SAML2, "Assertion")?.is_some() {
        return Err(malformed("an unencrypted assertion"));
    }
    let encrypted = one_child(&doc, response, SAML2, "EncryptedAssertion")?;
    let plaintext = super::decrypt::decrypt(&doc, encrypted, &p.keys.loaded.encryption_key)?;
    assertion::read(p, &plaintext, expected, skew)
}

pub(crate) fn read_logout_response(
    p: &SpProfile,
    soap: &str,
    request_id: &str,
    now_ms: i64,
) -> Result<(), NodeRefusal> {
    let doc = signature::parse(soap)?;
    let verified = signature::verify(&p.keys.loaded.node_key, &doc, soap)?;
    let el = soap_body_element(&doc, "LogoutResponse")?;
    check_message(p, &doc, &verified, el, "LogoutResponse", request_id)?;
    check_issued(&doc, el, "LogoutResponse", now_ms, skew_ms(p))?;
    require_success(&doc, el, "LogoutResponse")
}
