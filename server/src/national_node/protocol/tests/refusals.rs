//! Each refusal of `read_artifact_response`, with the variant it must give.

use super::fixture::{self, Knobs, NOW_MS};
use super::{NodeRefusal, expected, profile, profile_with_node_cert, read, read_artifact_response};

const RESPONDER: &str = "urn:oasis:names:tc:SAML:2.0:status:Responder";

fn refused(k: &Knobs) -> NodeRefusal {
    read(k).expect_err("the answer must be refused")
}

fn read_xml(xml: &str) -> Result<super::NodeAssertion, NodeRefusal> {
    read_artifact_response(&profile(), xml, &expected())
}

#[track_caller]
fn assert_bad_signature(r: Result<super::NodeAssertion, NodeRefusal>) {
    match r {
        Err(NodeRefusal::BadSignature(detail)) => eprintln!("refused as expected: {detail}"),
        other => panic!("expected BadSignature, got {other:?}"),
    }
}

#[test]
fn a_tampered_attribute_breaks_the_signature() {
    // The SOAP answer is built with a valid assertion, then a byte of the
    // (signed, encrypted) content is changed: flip a character of the
    // Response's Destination attribute after signing.
    let xml = fixture::artifact_response(&Knobs::default());
    let tampered = xml.replacen(
        "Destination=\"http://127.0.0.1:3000/saml/acs\"",
        "Destination=\"http://127.0.0.1:3000/saml/acS\"",
        1,
    );
    assert_ne!(xml, tampered);
    let p = super::SpProfile {
        acs_url: "http://127.0.0.1:3000/saml/acS".into(),
        ..profile()
    };
    assert_bad_signature(read_artifact_response(&p, &tampered, &expected()));
}

#[test]
fn a_tampered_ciphertext_breaks_the_signature() {
    let xml = fixture::artifact_response(&Knobs::default());
    let at = xml.find("<xenc:CipherValue>").expect("cipher value") + "<xenc:CipherValue>".len() + 4;
    let mut bytes = xml.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    assert_bad_signature(read_xml(&String::from_utf8(bytes).expect("utf-8")));
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let k = Knobs {
        node_key: "server/tests/fixtures/node/node-other.key.pem",
        ..Knobs::default()
    };
    assert!(matches!(refused(&k), NodeRefusal::BadSignature(_)));
    // Even if the message carries the other key's certificate in KeyInfo.
    let k = Knobs {
        node_cert: "server/tests/fixtures/node/node-other.crt.pem",
        ..k
    };
    assert!(matches!(refused(&k), NodeRefusal::BadSignature(_)));
}

#[test]
fn the_pinned_certificate_decides_not_the_message() {
    // Signed correctly by the node, but the SP is configured with another
    // node certificate: refused.
    let xml = fixture::artifact_response(&Knobs::default());
    let p = profile_with_node_cert("server/tests/fixtures/node/node-other.crt.pem");
    assert!(matches!(
        read_artifact_response(&p, &xml, &expected()),
        Err(NodeRefusal::BadSignature(_))
    ));
}

#[test]
fn an_unsigned_artifact_response_is_refused() {
    assert!(matches!(
        refused(&Knobs {
            sign_outer: false,
            ..Knobs::default()
        }),
        NodeRefusal::BadSignature(_)
    ));
}

#[test]
fn an_unsigned_response_inside_a_signed_artifact_response_is_refused() {
    assert!(matches!(
        refused(&Knobs {
            sign_inner: false,
            ..Knobs::default()
        }),
        NodeRefusal::BadSignature(_)
    ));
}

/// A fully signed answer with the ArtifactResponse's signature cut out: the
/// Response's signature still verifies, but the element read first is unsigned.
#[test]
fn an_artifact_response_whose_signature_was_removed_is_refused() {
    let good = fixture::artifact_response(&Knobs::default());
    let start = good.find("<ds:Signature>").expect("outer signature");
    let end = good.find("</ds:Signature>").expect("its end") + "</ds:Signature>".len();
    assert_bad_signature(read_xml(&format!("{}{}", &good[..start], &good[end..])));
}

#[test]
fn an_answer_without_any_signature_is_refused() {
    assert!(matches!(
        refused(&Knobs {
            sign_inner: false,
            sign_outer: false,
            ..Knobs::default()
        }),
        NodeRefusal::BadSignature(_)
    ));
}

/// XSW: the signed ArtifactResponse is moved into the SOAP Header and an
/// evil copy (same ID, other person) takes its place in the Body.
#[test]
fn wrapping_with_a_duplicate_id_is_refused() {
    let good = fixture::artifact_response(&Knobs::default());
    let evil = fixture::artifact_response(&Knobs {
        sign_outer: false,
        sign_inner: false,
        family_name: "EVIL".into(),
        ..Knobs::default()
    });
    let signed = between(&good, "<soap11:Body>", "</soap11:Body>");
    let evil_body = between(&evil, "<soap11:Body>", "</soap11:Body>");
    let attack = format!(
        "<soap11:Envelope xmlns:soap11=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap11:Header>{signed}</soap11:Header><soap11:Body>{evil_body}</soap11:Body></soap11:Envelope>"
    );
    assert_bad_signature(read_xml(&attack));
}

/// XSW: the evil ArtifactResponse (another ID, no Response: "artifact
/// unknown") carries a copy of the good one's signature; the good one, its
/// own signature taken out, is the evil one's last child, a sibling of the
/// copy. The copy verifies (bergshamra's strict mode allows siblings), so
/// only the check that a reference covers the signature's own parent stops it.
#[test]
fn wrapping_with_a_copied_signature_is_refused() {
    let good = fixture::artifact_response(&Knobs::default());
    let signature = between(
        &good,
        "<saml2:Issuer>https://symulator.login.gov.pl</saml2:Issuer>",
        "<saml2p:Status>",
    );
    let good_unsigned =
        between(&good, "<soap11:Body>", "</soap11:Body>").replacen(signature, "", 1);
    let evil = fixture::artifact_response(&Knobs {
        sign_outer: false,
        with_response: false,
        ..Knobs::default()
    })
    .replace(
        "_ee000000000000000000000000000000000000e5",
        "_ee0000000000000000000000000000000000evil",
    )
    .replacen(
        "</saml2p:Status>",
        &format!("</saml2p:Status>{good_unsigned}"),
        1,
    )
    .replacen(
        "<saml2:Issuer>https://symulator.login.gov.pl</saml2:Issuer>",
        &format!("<saml2:Issuer>https://symulator.login.gov.pl</saml2:Issuer>{signature}"),
        1,
    );
    assert_bad_signature(read_xml(&evil));
}

/// XSW at the inner level, under a valid outer signature: an evil Response
/// (another person) carries a copy of the good Response's signature, and the
/// good Response, its own signature taken out, is the evil one's last child.
#[test]
fn wrapping_of_the_inner_response_is_refused() {
    let k = Knobs::default();
    let good = fixture::response(
        &k,
        &fixture::encrypt(&fixture::assertion(&k), k.encrypt_to_cert, 32),
    );
    let signature = between(
        &good,
        "<saml2:Issuer>https://symulator.login.gov.pl</saml2:Issuer>",
        "<saml2p:Status>",
    );
    let good_unsigned = good.replacen(signature, "", 1);
    let evil_k = Knobs {
        family_name: "EVIL".into(),
        ..Knobs::default()
    };
    let evil_assertion = fixture::encrypt(&fixture::assertion(&evil_k), k.encrypt_to_cert, 32);
    let evil = format!(
        "<saml2p:Response ID=\"_dd0000000000000000000000000000000000evil\" Version=\"2.0\" IssueInstant=\"2026-11-26T10:15:30.000Z\" InResponseTo=\"{irt}\" Destination=\"{acs}\"><saml2:Issuer>https://symulator.login.gov.pl</saml2:Issuer>{signature}<saml2p:Status><saml2p:StatusCode Value=\"{ok}\"/></saml2p:Status>{evil_assertion}{good_unsigned}</saml2p:Response>",
        irt = fixture::AUTHN_REQUEST_ID,
        acs = fixture::ACS,
        ok = fixture::SUCCESS,
    );
    assert_bad_signature(read_xml(&fixture::artifact_response_around(&k, &evil)));
}

#[test]
fn duplicate_ids_are_refused_even_when_each_signature_is_valid() {
    let good = fixture::artifact_response(&Knobs::default());
    let body = between(&good, "<soap11:Body>", "</soap11:Body>");
    let twice = good.replacen(
        &format!("<soap11:Body>{body}"),
        &format!("<soap11:Body>{body}{body}"),
        1,
    );
    assert_bad_signature(read_xml(&twice));
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let from = s.find(start).expect("start") + start.len();
    let to = s[from..].find(end).expect("end") + from;
    &s[from..to]
}

#[test]
fn a_wrong_audience_is_refused() {
    assert!(matches!(
        refused(&Knobs {
            audience: "someone-else".into(),
            ..Knobs::default()
        }),
        NodeRefusal::NotForUs(_)
    ));
}

#[test]
fn an_expired_assertion_is_refused() {
    let k = Knobs {
        not_before_ms: NOW_MS - 600_000,
        not_on_or_after_ms: NOW_MS - 60_000,
        ..Knobs::default()
    };
    assert!(matches!(refused(&k), NodeRefusal::Expired(_)));
}

#[test]
fn a_not_yet_valid_assertion_is_refused() {
    let k = Knobs {
        not_before_ms: NOW_MS + 60_000,
        not_on_or_after_ms: NOW_MS + 360_000,
        ..Knobs::default()
    };
    assert!(matches!(refused(&k), NodeRefusal::NotYetValid(_)));
}

#[test]
fn an_assertion_encrypted_to_another_key_does_not_decrypt() {
    let k = Knobs {
        encrypt_to_cert: "server/tests/fixtures/node/node-other.crt.pem",
        ..Knobs::default()
    };
    assert!(matches!(refused(&k), NodeRefusal::Undecryptable(_)));
}

#[test]
fn a_corrupted_tag_does_not_decrypt() {
    // Corrupted before the node signs: the signature holds, the AES-GCM tag fails.
    let k = Knobs::default();
    let encrypted = fixture::encrypt(&fixture::assertion(&k), k.encrypt_to_cert, 32);
    let marker = "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>";
    let at = encrypted.find(marker).expect("content cipher value");
    let mut bytes = encrypted.into_bytes();
    let i = at - 3; // inside the base64 of the tag
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let corrupted = String::from_utf8(bytes).expect("utf-8");
    let xml = fixture::artifact_response_around(&k, &fixture::response(&k, &corrupted));
    assert!(matches!(read_xml(&xml), Err(NodeRefusal::Undecryptable(_))));
}

#[test]
fn a_level_below_the_minimum_is_refused() {
    let k = Knobs {
        loa: "http://eidas.europa.eu/LoA/low".into(),
        ..Knobs::default()
    };
    assert!(matches!(refused(&k), NodeRefusal::LoaTooLow(_)));
}

#[test]
fn authn_failed_means_cancelled() {
    let k = Knobs {
        status: (
            RESPONDER.into(),
            Some("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed".into()),
        ),
        ..Knobs::default()
    };
    assert!(matches!(refused(&k), NodeRefusal::Cancelled(_)));
}

#[test]
fn no_authn_context_means_loa_too_low() {
    let k = Knobs {
        status: (
            RESPONDER.into(),
            Some("urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext".into()),
        ),
        ..Knobs::default()
    };
    assert!(matches!(refused(&k), NodeRefusal::LoaTooLow(_)));
}

#[test]
fn success_without_a_response_means_expired() {
    assert!(matches!(
        refused(&Knobs {
            with_response: false,
            ..Knobs::default()
        }),
        NodeRefusal::Expired(_)
    ));
}

#[test]
fn a_wrong_in_response_to_is_refused_at_each_level() {
    let cases = [
        Knobs {
            outer_in_response_to: "_other".into(),
            ..Knobs::default()
        },
        Knobs {
            inner_in_response_to: "_other".into(),
            ..Knobs::default()
        },
        Knobs {
            confirmation_in_response_to: "_other".into(),
            ..Knobs::default()
        },
    ];
    for k in cases {
        assert!(matches!(refused(&k), NodeRefusal::NotForUs(_)));
    }
}

#[test]
fn a_wrong_destination_or_recipient_is_refused() {
    assert!(matches!(
        refused(&Knobs {
            destination: "https://evil.example/acs".into(),
            ..Knobs::default()
        }),
        NodeRefusal::NotForUs(_)
    ));
    assert!(matches!(
        refused(&Knobs {
            recipient: "https://evil.example/acs".into(),
            ..Knobs::default()
        }),
        NodeRefusal::NotForUs(_)
    ));
}

#[test]
fn a_wrong_issuer_is_refused_at_each_level() {
    assert!(matches!(
        refused(&Knobs {
            outer_issuer: "https://evil.example".into(),
            ..Knobs::default()
        }),
        NodeRefusal::NotForUs(_)
    ));
    assert!(matches!(
        refused(&Knobs {
            inner_issuer: "https://evil.example".into(),
            ..Knobs::default()
        }),
        NodeRefusal::NotForUs(_)
    ));
}
