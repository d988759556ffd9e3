mod common;

use common::*;
use node_simulator::saml::{
    self, ArtifactResponseBuilder, AssertionData, EncryptionTarget, Loa, NodeSigner, Outcome,
    ResponseBuilder, SpVerifier, parse::Expected,
};

fn node_signer() -> NodeSigner {
    NodeSigner::from_pem(
        &read("node-simulator/dev-keys/node-signing.key.pem"),
        &read("node-simulator/dev-keys/node-signing.crt.pem"),
    )
    .unwrap()
}

fn sp_verifier() -> SpVerifier {
    SpVerifier::from_cert_pem(&read("server/dev-keys/sp-signing.crt.pem")).unwrap()
}

fn target() -> EncryptionTarget {
    EncryptionTarget::from_cert_pem(&read("server/dev-keys/sp-encryption.crt.pem")).unwrap()
}

fn jan() -> AssertionData {
    AssertionData {
        name_id: "wk-0123abcd".into(),
        session_index: "_sess1".into(),
        loa: Loa::Substantial,
        given_name: "JAN".into(),
        family_name: "ZIELIŃSKI".into(),
        date_of_birth: "1975-03-14".into(),
        person_identifier: "75031412355".into(),
    }
}

/// Verify each signature of the document alone, with the node certificate,
/// and return the signed elements' local names.
fn verify_signatures(xml: &str) -> Vec<String> {
    let doc = uppsala::parse(xml).unwrap();
    let ctx = {
        let key = bergshamra_keys::loader::load_x509_cert_pem(
            read("node-simulator/dev-keys/node-signing.crt.pem").as_bytes(),
        )
        .unwrap();
        let mut km = bergshamra_keys::KeysManager::new();
        km.add_key(key);
        bergshamra_dsig::DsigContext::new(km)
    };
    let results = bergshamra_dsig::verify::verify_all_document(&ctx, &doc).unwrap();
    results
        .into_iter()
        .map(|r| match r {
            bergshamra_dsig::VerifyResult::Valid {
                references,
                signature_node,
                ..
            } => {
                assert_eq!(references.len(), 1);
                let target = references[0].resolved_node.unwrap();
                assert_eq!(
                    doc.parent(signature_node),
                    Some(target),
                    "signature inside what it signs"
                );
                doc.element(target).unwrap().name.local_name.to_string()
            }
            bergshamra_dsig::VerifyResult::Invalid { reason } => {
                panic!("invalid signature: {reason}")
            }
        })
        .collect()
}

#[test]
fn artifact_response_parses_both_signatures_verify_and_assertion_decrypts() {
    let signer = node_signer();
    let outcome = Outcome::Success(jan());
    let response = ResponseBuilder::new(NODE, SP, ACS, "_req1", outcome.clone())
        .build(&signer, &target())
        .unwrap();
    let soap = ArtifactResponseBuilder::new(NODE, "_resolve1")
        .with_response(&outcome, response)
        .build(&signer)
        .unwrap();

    assert_eq!(
        verify_signatures(&soap),
        vec!["ArtifactResponse", "Response"]
    );
    // The node's certificate only: a stranger's does not verify it.
    let doc = uppsala::parse(&soap).unwrap();
    let ar = el(&doc, "ArtifactResponse")[0];
    assert_eq!(attr_of(&doc, ar, "InResponseTo"), "_resolve1");
    let r = el(&doc, "Response")[0];
    assert_eq!(attr_of(&doc, r, "InResponseTo"), "_req1");
    assert_eq!(attr_of(&doc, r, "Destination"), ACS);
    assert_eq!(el(&doc, "Signature").len(), 2);

    let assertion = decrypt_assertion(&doc);
    let adoc = uppsala::parse(&assertion).unwrap();
    let root = adoc.document_element().unwrap();
    assert_eq!(
        adoc.element(root).unwrap().name.local_name.as_ref(),
        "Assertion"
    );
    assert_eq!(
        adoc.element(root).unwrap().name.namespace_uri.as_deref(),
        Some(saml::NS_SAML2)
    );
    let values: Vec<String> = el(&adoc, "AttributeValue")
        .into_iter()
        .map(|n| adoc.text_content_deep(n))
        .collect();
    assert_eq!(
        values,
        vec!["ZIELIŃSKI", "JAN", "1975-03-14", "75031412355"]
    );
    let stmt = el(&adoc, "AuthnStatement")[0];
    assert_eq!(attr_of(&adoc, stmt, "SessionIndex"), "_sess1");
    assert_eq!(
        adoc.text_content_deep(el(&adoc, "AuthnContextClassRef")[0]),
        Loa::Substantial.uri()
    );
    assert_eq!(adoc.text_content_deep(el(&adoc, "Audience")[0]), SP);
    let scd = el(&adoc, "SubjectConfirmationData")[0];
    assert_eq!(attr_of(&adoc, scd, "InResponseTo"), "_req1");
    assert_eq!(attr_of(&adoc, scd, "Recipient"), ACS);
}

#[test]
fn cancelled_login_is_authn_failed_at_both_levels_and_signed() {
    let signer = node_signer();
    let outcome = Outcome::AuthnFailed(Some("Anulowano".into()));
    let response = ResponseBuilder::new(NODE, SP, ACS, "_req2", outcome.clone())
        .build(&signer, &target())
        .unwrap();
    let soap = ArtifactResponseBuilder::new(NODE, "_res2")
        .with_response(&outcome, response)
        .build(&signer)
        .unwrap();
    assert_eq!(
        verify_signatures(&soap),
        vec!["ArtifactResponse", "Response"]
    );
    let doc = uppsala::parse(&soap).unwrap();
    let codes: Vec<String> = el(&doc, "StatusCode")
        .into_iter()
        .map(|n| attr_of(&doc, n, "Value"))
        .collect();
    assert_eq!(
        codes,
        vec![
            saml::STATUS_RESPONDER,
            saml::STATUS_AUTHN_FAILED,
            saml::STATUS_RESPONDER,
            saml::STATUS_AUTHN_FAILED
        ]
    );
    assert!(el(&doc, "EncryptedAssertion").is_empty());
}

#[test]
fn empty_artifact_response_is_success_without_response() {
    let soap = ArtifactResponseBuilder::new(NODE, "_res3")
        .build(&node_signer())
        .unwrap();
    assert_eq!(verify_signatures(&soap), vec!["ArtifactResponse"]);
    assert!(!soap.contains("saml2p:Response "));
}

fn expected_sso() -> Expected<'static> {
    Expected {
        sp_entity_id: SP,
        destination: SSO,
        acs_url: ACS,
    }
}

#[test]
fn authn_request_signed_by_the_sp_is_accepted() {
    let req = authn_request(&sp_signer(), "_abc", "high");
    let parsed = saml::parse_authn_request(&req, &sp_verifier(), &expected_sso()).unwrap();
    assert_eq!(parsed.id, "_abc");
    assert_eq!(parsed.min_loa, Loa::High);
}

#[test]
fn authn_request_signed_by_another_key_is_refused() {
    let req = authn_request(&stranger_signer(), "_abc", "substantial");
    let err = saml::parse_authn_request(&req, &sp_verifier(), &expected_sso()).unwrap_err();
    assert!(matches!(err, saml::SamlError::Signature(_)), "{err}");
}

#[test]
fn tampered_authn_request_is_refused() {
    use base64::{Engine, engine::general_purpose::STANDARD as B64};
    let req = authn_request(&sp_signer(), "_abc", "low");
    let xml = String::from_utf8(B64.decode(req).unwrap())
        .unwrap()
        .replace("LoA/low", "LoA/high");
    let err =
        saml::parse_authn_request(&B64.encode(xml), &sp_verifier(), &expected_sso()).unwrap_err();
    assert!(matches!(err, saml::SamlError::Signature(_)), "{err}");
}

#[test]
fn authn_request_for_another_acs_is_refused() {
    let req = authn_request(&sp_signer(), "_abc", "low");
    let other = Expected {
        acs_url: "http://127.0.0.1:3000/inne",
        ..expected_sso()
    };
    assert!(matches!(
        saml::parse_authn_request(&req, &sp_verifier(), &other),
        Err(saml::SamlError::Mismatch(_))
    ));
}

#[test]
fn artifact_is_type_4_of_this_node() {
    use base64::{Engine, engine::general_purpose::STANDARD as B64};
    let raw = B64.decode(saml::new_artifact(NODE)).unwrap();
    assert_eq!(raw.len(), 44);
    assert_eq!(&raw[..4], &[0, 4, 0, 0]);
    use sha1::Digest;
    assert_eq!(&raw[4..24], sha1::Sha1::digest(NODE.as_bytes()).as_slice());
}

#[test]
fn signature_values_are_raw_r_s_of_64_bytes_and_follow_issuer() {
    use base64::{Engine, engine::general_purpose::STANDARD as B64};
    let signer = node_signer();
    let outcome = Outcome::Success(jan());
    let response = ResponseBuilder::new(NODE, SP, ACS, "_q", outcome.clone())
        .build(&signer, &target())
        .unwrap();
    let soap = ArtifactResponseBuilder::new(NODE, "_r")
        .with_response(&outcome, response)
        .build(&signer)
        .unwrap();
    let doc = uppsala::parse(&soap).unwrap();
    for sv in el(&doc, "SignatureValue") {
        assert_eq!(
            B64.decode(doc.text_content_deep(sv).trim()).unwrap().len(),
            64
        );
    }
    for sig in el(&doc, "Signature") {
        let parent = doc.parent(sig).unwrap();
        let kids: Vec<_> = doc
            .children(parent)
            .into_iter()
            .filter(|&c| doc.element(c).is_some())
            .collect();
        assert_eq!(
            doc.element(kids[0]).unwrap().name.local_name.as_ref(),
            "Issuer"
        );
        assert_eq!(kids[1], sig);
    }
    assert!(soap.contains(r#"PrefixList="ds saml2 saml2p xenc""#));
    // The signed Response verifies alone too (an SP may cut it out first).
    let start = soap.find("<saml2p:Response ").unwrap();
    let end = soap.find("</saml2p:Response>").unwrap() + "</saml2p:Response>".len();
    assert_eq!(verify_signatures(&soap[start..end]), vec!["Response"]);
}
