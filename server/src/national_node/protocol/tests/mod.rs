//! Tests of the protocol core against a test-only node (`fixture`).

mod fixture;
mod messages;
mod refusals;
mod robustness;
mod vectors;

use std::time::Duration;

use fixture::{ACS, ARTIFACT_RESOLVE_ID, AUTHN_REQUEST_ID, Knobs, NODE, NOW_MS, SP, repo};

use super::*;

pub(super) fn profile() -> SpProfile {
    profile_with_node_cert("node-simulator/dev-keys/node-signing.crt.pem")
}

pub(super) fn profile_with_node_cert(node_cert: &str) -> SpProfile {
    let keys = SpKeys::load(
        &repo("server/dev-keys/sp-signing.key.pem"),
        &repo("server/dev-keys/sp-signing.crt.pem"),
        &repo("server/dev-keys/sp-encryption.key.pem"),
        &repo("server/dev-keys/sp-encryption.crt.pem"),
        &repo(node_cert),
    )
    .expect("development keys load");
    SpProfile {
        sp_entity_id: SP.into(),
        acs_url: ACS.into(),
        node_entity_id: NODE.into(),
        sso_url: "http://127.0.0.1:3002/login/SingleSignOnService".into(),
        artifact_resolution_url:
            "http://127.0.0.1:3002/login-services/idpArtifactResolutionService".into(),
        logout_url: "http://127.0.0.1:3002/login-services/singleLogoutService".into(),
        min_loa: Loa::Substantial,
        clock_skew: Duration::from_secs(30),
        keys,
    }
}

pub(super) fn expected() -> Expected<'static> {
    Expected {
        authn_request_id: AUTHN_REQUEST_ID,
        artifact_resolve_id: ARTIFACT_RESOLVE_ID,
        now_ms: NOW_MS,
    }
}

pub(super) fn read(k: &Knobs) -> Result<NodeAssertion, NodeRefusal> {
    read_artifact_response(&profile(), &fixture::artifact_response(k), &expected())
}

#[test]
fn happy_path_extracts_the_person() {
    let a = read(&Knobs::default()).expect("a valid answer is accepted");
    assert_eq!(a.assertion_id, "_cc000000000000000000000000000000000000c3");
    assert_eq!(a.person_identifier, "75031412355");
    assert_eq!(a.given_name, "JAN");
    assert_eq!(a.family_name, "KOWALSKI");
    assert_eq!(a.date_of_birth, "1975-03-14");
    assert_eq!(a.loa, Loa::Substantial);
    assert_eq!(a.name_id, "wk-user-42");
    assert_eq!(a.session_index, "_session-42");
    assert_eq!(a.not_on_or_after_ms, NOW_MS + 300_000);
}

#[test]
fn a_128_bit_content_key_declared_as_aes256_is_accepted() {
    let a = read(&Knobs {
        content_key_len: 16,
        ..Knobs::default()
    })
    .expect("128-bit key");
    assert_eq!(a.person_identifier, "75031412355");
}

#[test]
fn a_higher_level_than_required_is_accepted() {
    let a = read(&Knobs {
        loa: Loa::High.uri().into(),
        ..Knobs::default()
    })
    .expect("high");
    assert_eq!(a.loa, Loa::High);
}

#[test]
fn clock_skew_is_allowed_both_ways() {
    let k = Knobs {
        not_before_ms: NOW_MS + 20_000,
        ..Knobs::default()
    };
    assert!(
        read(&k).is_ok(),
        "NotBefore 20 s ahead is within the 30 s skew"
    );
    let k = Knobs {
        not_on_or_after_ms: NOW_MS - 20_000,
        ..Knobs::default()
    };
    assert!(
        read(&k).is_ok(),
        "NotOnOrAfter 20 s ago is within the 30 s skew"
    );
}

#[test]
fn ids_are_an_underscore_and_40_hex_digits() {
    let (a, b) = (new_id(), new_id());
    assert_eq!(a.len(), 41);
    assert!(a.starts_with('_') && a[1..].chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a, b);
}

#[test]
fn logout_response_is_checked() {
    let p = profile();
    let ok = fixture::logout_response(&Knobs::default(), "_req1");
    assert_eq!(read_logout_response(&p, &ok, "_req1", NOW_MS), Ok(()));
    assert!(matches!(
        read_logout_response(&p, &ok, "_req2", NOW_MS),
        Err(NodeRefusal::NotForUs(_))
    ));
    let unsigned = fixture::logout_response(
        &Knobs {
            sign_outer: false,
            ..Knobs::default()
        },
        "_req1",
    );
    assert!(matches!(
        read_logout_response(&p, &unsigned, "_req1", NOW_MS),
        Err(NodeRefusal::BadSignature(_))
    ));
    let other = fixture::logout_response(
        &Knobs {
            node_key: "server/tests/fixtures/node/node-other.key.pem",
            ..Knobs::default()
        },
        "_req1",
    );
    assert!(matches!(
        read_logout_response(&p, &other, "_req1", NOW_MS),
        Err(NodeRefusal::BadSignature(_))
    ));
    let failed = Knobs {
        status: (
            "urn:oasis:names:tc:SAML:2.0:status:Responder".into(),
            Some("urn:oasis:names:tc:SAML:2.0:status:RequestDenied".into()),
        ),
        ..Knobs::default()
    };
    assert!(matches!(
        read_logout_response(
            &p,
            &fixture::logout_response(&failed, "_req1"),
            "_req1",
            NOW_MS
        ),
        Err(NodeRefusal::Malformed(_))
    ));
}

/// A measured figure for docs/saml-library.md (`-- --nocapture` shows it).
#[test]
fn time_to_read_one_artifact_response() {
    let p = profile();
    let soap = fixture::artifact_response(&Knobs::default());
    let rounds = 20;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        read_artifact_response(&p, &soap, &expected()).expect("valid");
    }
    eprintln!(
        "read_artifact_response: {:?} per answer ({} bytes, {} build)",
        start.elapsed() / rounds,
        soap.len(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}
