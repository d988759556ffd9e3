//! XML-DSig through bergshamra: signing our templates, and verifying the
//! node's answers with the pinned key only, so that the caller reads nothing
//! but elements a verified signature covers.

use bergshamra_dsig::{DsigContext, VerifyResult};
use bergshamra_keys::Key;
use uppsala::{Document, NodeId};

use super::NodeRefusal;
use super::keys::manager;
use super::xml::{DS, SAML2};

/// Parses untrusted XML: no DTD (so no entities), namespace-aware.
pub(crate) fn parse(xml: &str) -> Result<Document<'_>, NodeRefusal> {
    uppsala::Parser::new()
        .with_forbid_dtd(true)
        .with_max_depth(64)
        .parse(xml)
        .map_err(|e| NodeRefusal::Malformed(format!("not well-formed XML: {e}")))
}

/// Signs the first `ds:Signature` template of `template` with `key`.
pub(crate) fn sign(key: &Key, template: &str) -> Result<String, NodeRefusal> {
    let ctx = DsigContext::new(manager(key));
    bergshamra_dsig::sign::sign(&ctx, template)
        .map_err(|e| NodeRefusal::Malformed(format!("our own message could not be signed: {e}")))
}

/// The elements of a parsed answer that carry a valid signature by the
/// pinned key covering exactly themselves.
pub(crate) struct Verified {
    signed: Vec<NodeId>,
}

/// Verifies every signature of the document with the node's key only
/// (`DsigContext::new`: trusted keys only, strict reference positions;
/// duplicate IDs are refused by bergshamra). Any invalid signature, or one
/// whose reference does not resolve to its own parent, refuses the answer.
pub(crate) fn verify(
    node_key: &Key,
    doc: &Document<'_>,
    xml: &str,
) -> Result<Verified, NodeRefusal> {
    let ctx = DsigContext::new(manager(node_key));
    let results = bergshamra_dsig::verify::verify_all_document_with_source(&ctx, doc, Some(xml))
        .map_err(|e| match e {
            bergshamra_core::Error::MissingElement(_) => {
                NodeRefusal::BadSignature("the answer is not signed".into())
            }
            e => NodeRefusal::BadSignature(format!("the answer cannot be verified: {e}")),
        })?;
    let mut signed = Vec::with_capacity(results.len());
    for result in results {
        match result {
            VerifyResult::Valid {
                signature_node,
                references,
                ..
            } => {
                let parent = doc.parent(signature_node);
                let [reference] = references.as_slice() else {
                    return Err(NodeRefusal::BadSignature(format!(
                        "a signature has {} references, not one",
                        references.len()
                    )));
                };
                if !reference.digest_verified
                    || parent.is_none()
                    || reference.resolved_node != parent
                {
                    return Err(NodeRefusal::BadSignature(format!(
                        "the signature's reference {} does not cover the element that holds it",
                        reference.uri
                    )));
                }
                if let Some(parent) = parent {
                    signed.push(parent);
                }
            }
            VerifyResult::Invalid { reason } => {
                return Err(NodeRefusal::BadSignature(format!(
                    "a signature does not verify with the node's key: {reason}"
                )));
            }
        }
    }
    Ok(Verified { signed })
}

impl Verified {
    /// Checks that `element` is covered by its own signature, that it holds
    /// exactly one `ds:Signature`, placed right after its `saml2:Issuer`.
    pub(crate) fn require(
        &self,
        doc: &Document<'_>,
        element: NodeId,
        what: &str,
    ) -> Result<(), NodeRefusal> {
        let children = child_elements(doc, element);
        let signatures = children
            .iter()
            .filter(|&&c| is(doc, c, DS, "Signature"))
            .count();
        if signatures == 0 {
            return Err(NodeRefusal::BadSignature(format!(
                "the {what} is not signed"
            )));
        }
        if signatures > 1 {
            return Err(NodeRefusal::BadSignature(format!(
                "the {what} has {signatures} signatures"
            )));
        }
        let placed = children
            .first()
            .is_some_and(|&c| is(doc, c, SAML2, "Issuer"))
            && children
                .get(1)
                .is_some_and(|&c| is(doc, c, DS, "Signature"));
        if !placed {
            return Err(NodeRefusal::BadSignature(format!(
                "the {what}'s signature is not right after its Issuer"
            )));
        }
        if !self.signed.contains(&element) {
            return Err(NodeRefusal::BadSignature(format!(
                "the {what}'s signature does not cover it"
            )));
        }
        Ok(())
    }
}

/// The element children of `node`, in order.
pub(crate) fn child_elements(doc: &Document<'_>, node: NodeId) -> Vec<NodeId> {
    doc.children_iter(node)
        .filter(|&c| doc.element(c).is_some())
        .collect()
}

/// Whether `node` is the element `{ns}local`.
pub(crate) fn is(doc: &Document<'_>, node: NodeId, ns: &str, local: &str) -> bool {
    doc.element(node)
        .is_some_and(|e| e.matches_name_ns(ns, local))
}
