//! Checking the decrypted assertion (docs/national-node.md, section 6) and
//! taking out what the portal needs.

use uppsala::{Document, NodeId};

use super::answer::{attr, malformed, one_child, text};
use super::signature::{self, child_elements, is};
use super::xml::{NATURAL_PERSON, SAML2, parse_instant};
use super::{Expected, Loa, NodeAssertion, NodeRefusal, SpProfile};

const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

fn instant_attr(
    doc: &Document<'_>,
    node: NodeId,
    name: &str,
    what: &str,
) -> Result<Option<i64>, NodeRefusal> {
    match attr(doc, node, name) {
        None => Ok(None),
        Some(v) => parse_instant(v)
            .map(Some)
            .ok_or_else(|| malformed(format!("{what} {name} {v:?}"))),
    }
}

/// NotBefore / NotOnOrAfter against now, with the skew both ways.
fn check_window(
    not_before: Option<i64>,
    not_on_or_after: Option<i64>,
    now: i64,
    skew: i64,
    what: &str,
) -> Result<(), NodeRefusal> {
    if let Some(nb) = not_before
        && now.saturating_add(skew) < nb
    {
        return Err(NodeRefusal::NotYetValid(format!(
            "{what} NotBefore is {} ms ahead",
            nb.saturating_sub(now)
        )));
    }
    if let Some(na) = not_on_or_after
        && now.saturating_sub(skew) >= na
    {
        return Err(NodeRefusal::Expired(format!(
            "{what} NotOnOrAfter passed {} ms ago",
            now.saturating_sub(na)
        )));
    }
    Ok(())
}

/// The bearer SubjectConfirmationData addressed to us; returns its NotOnOrAfter.
fn subject_confirmation(
    p: &SpProfile,
    doc: &Document<'_>,
    subject: NodeId,
    expected: &Expected<'_>,
    skew: i64,
) -> Result<i64, NodeRefusal> {
    let mut first_refusal = None;
    for sc in child_elements(doc, subject) {
        if !is(doc, sc, SAML2, "SubjectConfirmation") || attr(doc, sc, "Method") != Some(BEARER) {
            continue;
        }
        let checked = (|| {
            let data = one_child(doc, sc, SAML2, "SubjectConfirmationData")?;
            let recipient = attr(doc, data, "Recipient").unwrap_or("");
            if recipient != p.acs_url {
                return Err(NodeRefusal::NotForUs(format!(
                    "the SubjectConfirmationData Recipient is {recipient:?}"
                )));
            }
            let irt = attr(doc, data, "InResponseTo").unwrap_or("");
            if irt.is_empty() || irt != expected.authn_request_id {
                return Err(NodeRefusal::NotForUs(format!(
                    "the SubjectConfirmationData answers {irt:?}"
                )));
            }
            let not_before = instant_attr(doc, data, "NotBefore", "SubjectConfirmationData")?;
            let not_on_or_after =
                instant_attr(doc, data, "NotOnOrAfter", "SubjectConfirmationData")?
                    .ok_or_else(|| malformed("the SubjectConfirmationData has no NotOnOrAfter"))?;
            check_window(
                not_before,
                Some(not_on_or_after),
                expected.now_ms,
                skew,
                "SubjectConfirmationData",
            )?;
            Ok(not_on_or_after)
        })();
        match checked {
            Ok(not_on_or_after) => return Ok(not_on_or_after),
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
            }
        }
    }
    Err(first_refusal.unwrap_or_else(|| malformed("no bearer SubjectConfirmation")))
}

/// Conditions: the window and every AudienceRestriction naming us; returns NotOnOrAfter.
fn conditions(
    p: &SpProfile,
    doc: &Document<'_>,
    assertion: NodeId,
    now: i64,
    skew: i64,
) -> Result<Option<i64>, NodeRefusal> {
    let conditions = one_child(doc, assertion, SAML2, "Conditions")?;
    let not_before = instant_attr(doc, conditions, "NotBefore", "Conditions")?;
    let not_on_or_after = instant_attr(doc, conditions, "NotOnOrAfter", "Conditions")?;
    check_window(not_before, not_on_or_after, now, skew, "Conditions")?;
    let restrictions: Vec<NodeId> = child_elements(doc, conditions)
        .into_iter()
        .filter(|&c| is(doc, c, SAML2, "AudienceRestriction"))
        .collect();
    if restrictions.is_empty() {
        return Err(NodeRefusal::NotForUs("no AudienceRestriction".into()));
    }
    for r in restrictions {
        let audiences = child_elements(doc, r)
            .into_iter()
            .filter(|&a| is(doc, a, SAML2, "Audience"))
            .map(|a| text(doc, a))
            .collect::<Result<Vec<String>, _>>()?;
        if !audiences.contains(&p.sp_entity_id) {
            return Err(NodeRefusal::NotForUs(format!(
                "the assertion is for {audiences:?}"
            )));
        }
    }
    Ok(not_on_or_after)
}

/// The first value of the attribute named `NATURAL_PERSON + local`; required.
fn attribute(doc: &Document<'_>, statement: NodeId, local: &str) -> Result<String, NodeRefusal> {
    let name = format!("{NATURAL_PERSON}{local}");
    let found: Vec<NodeId> = child_elements(doc, statement)
        .into_iter()
        .filter(|&a| is(doc, a, SAML2, "Attribute") && attr(doc, a, "Name") == Some(name.as_str()))
        .collect();
    let [attribute] = found.as_slice() else {
        return Err(malformed(format!(
            "{} {local} attributes, not one",
            found.len()
        )));
    };
    let value = child_elements(doc, *attribute)
        .into_iter()
        .find(|&v| is(doc, v, SAML2, "AttributeValue"))
        .ok_or_else(|| malformed(format!("the {local} attribute has no value")))?;
    let value = text(doc, value)?;
    if value.is_empty() {
        return Err(malformed(format!("the {local} attribute is empty")));
    }
    Ok(value)
}

/// Parses and checks the decrypted assertion.
pub(crate) fn read(
    p: &SpProfile,
    plaintext: &str,
    expected: &Expected<'_>,
    skew: i64,
) -> Result<NodeAssertion, NodeRefusal> {
    let doc = signature::parse(plaintext)
        .map_err(|e| NodeRefusal::Undecryptable(format!("the plaintext: {e}")))?;
    let assertion = doc
        .document_element()
        .ok_or_else(|| malformed("an empty assertion"))?;
    if !is(&doc, assertion, SAML2, "Assertion") || attr(&doc, assertion, "Version") != Some("2.0") {
        return Err(malformed("the plaintext is not a SAML 2.0 Assertion"));
    }
    let assertion_id = attr(&doc, assertion, "ID")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| malformed("an assertion without ID"))?;
    let issuer = text(&doc, one_child(&doc, assertion, SAML2, "Issuer")?)?;
    if issuer != p.node_entity_id {
        return Err(NodeRefusal::NotForUs(format!(
            "the assertion's Issuer is {issuer:?}"
        )));
    }
    let subject = one_child(&doc, assertion, SAML2, "Subject")?;
    let name_id = text(&doc, one_child(&doc, subject, SAML2, "NameID")?)?;
    if name_id.is_empty() {
        return Err(malformed("an empty NameID"));
    }
    let confirmation_end = subject_confirmation(p, &doc, subject, expected, skew)?;
    let conditions_end = conditions(p, &doc, assertion, expected.now_ms, skew)?;

    let statement = one_child(&doc, assertion, SAML2, "AuthnStatement")?;
    let session_index = attr(&doc, statement, "SessionIndex")
        .unwrap_or("")
        .to_owned();
    if session_index.is_empty() {
        return Err(malformed("the AuthnStatement has no SessionIndex"));
    }
    let context = one_child(&doc, statement, SAML2, "AuthnContext")?;
    let class_ref = text(
        &doc,
        one_child(&doc, context, SAML2, "AuthnContextClassRef")?,
    )?;
    let loa = Loa::from_uri(&class_ref)
        .ok_or_else(|| NodeRefusal::LoaTooLow(format!("unknown level {class_ref:?}")))?;
    if loa < p.min_loa {
        return Err(NodeRefusal::LoaTooLow(format!(
            "{class_ref} is below {}",
            p.min_loa.uri()
        )));
    }

    let attributes = one_child(&doc, assertion, SAML2, "AttributeStatement")?;
    Ok(NodeAssertion {
        assertion_id: assertion_id.to_owned(),
        person_identifier: attribute(&doc, attributes, "PersonIdentifier")?,
        given_name: attribute(&doc, attributes, "CurrentGivenName")?,
        family_name: attribute(&doc, attributes, "CurrentFamilyName")?,
        date_of_birth: attribute(&doc, attributes, "DateOfBirth")?,
        loa,
        name_id,
        session_index,
        not_on_or_after_ms: conditions_end.map_or(confirmation_end, |c| c.min(confirmation_end)),
    })
}
