//! The SP's own messages, its metadata and its key loading.

use super::super::{keys, signature, xml};
use super::fixture::{NOW_MS, repo};
use super::{KeyError, SpKeys, artifact_resolve, authn_request, logout_request, metadata, profile};

/// Verifies `xml` with the SP's signing certificate, as the node would, and
/// returns the element the signature covers, by local name.
fn verified_element(xml: &str) -> String {
    let key = bergshamra_keys::loader::load_x509_cert_pem(
        &std::fs::read(repo("server/dev-keys/sp-signing.crt.pem")).expect("cert"),
    )
    .expect("SP cert");
    let doc = signature::parse(xml).expect("well-formed");
    let v = signature::verify(&key, &doc, xml).expect("the SP's signature verifies");
    let root = doc.document_element().expect("root");
    let el = if signature::is(&doc, root, xml::SOAP11, "Envelope") {
        let body = signature::child_elements(&doc, root)[0];
        signature::child_elements(&doc, body)[0]
    } else {
        root
    };
    v.require(&doc, el, "message")
        .expect("signed, right after Issuer");
    doc.element(el)
        .map(|e| e.name.local_name.to_string())
        .unwrap_or_default()
}

#[test]
fn the_authn_request_is_signed_and_says_what_the_contract_says() {
    let p = profile();
    let xml =
        authn_request(&p, "_0123456789abcdef0123456789abcdef01234567", NOW_MS).expect("built");
    assert_eq!(verified_element(&xml), "AuthnRequest");
    for part in [
        "ID=\"_0123456789abcdef0123456789abcdef01234567\"",
        "IssueInstant=\"2026-11-26T10:15:30.000Z\"",
        "Destination=\"http://127.0.0.1:3002/login/SingleSignOnService\"",
        "AssertionConsumerServiceURL=\"http://127.0.0.1:3000/saml/acs\"",
        "ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact\"",
        "ForceAuthn=\"true\" IsPassive=\"false\"",
        "<saml2:Issuer>ezus-portal-dev</saml2:Issuer><ds:Signature>",
        "<eidas:SPType>public</eidas:SPType>",
        "Name=\"http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName\"",
        "Name=\"http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName\"",
        "Name=\"http://eidas.europa.eu/attributes/naturalperson/DateOfBirth\"",
        "Name=\"http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier\"",
        "<saml2p:NameIDPolicy AllowCreate=\"true\" Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\"/>",
        "<saml2p:RequestedAuthnContext Comparison=\"minimum\"><saml2:AuthnContextClassRef>http://eidas.europa.eu/LoA/substantial</saml2:AuthnContextClassRef>",
        "PrefixList=\"ds saml2 saml2p xenc\"",
        "<ds:X509Certificate>MII",
    ] {
        assert!(xml.contains(part), "the AuthnRequest lacks {part}");
    }
}

#[test]
fn artifact_resolve_and_logout_request_are_signed_soap() {
    let p = profile();
    let xml = artifact_resolve(&p, "_aa", "AAQAAGFydGlmYWN0", NOW_MS).expect("built");
    assert_eq!(verified_element(&xml), "ArtifactResolve");
    assert!(xml.contains("<saml2p:Artifact>AAQAAGFydGlmYWN0</saml2p:Artifact>"));
    assert!(xml.contains(
        "Destination=\"http://127.0.0.1:3002/login-services/idpArtifactResolutionService\""
    ));
    let xml = logout_request(&p, "_bb", "wk-user-<42>", "_s1", NOW_MS).expect("built");
    assert_eq!(verified_element(&xml), "LogoutRequest");
    assert!(xml.contains(
        "wk-user-&lt;42&gt;</saml2:NameID><saml2p:SessionIndex>_s1</saml2p:SessionIndex>"
    ));
}

#[test]
fn metadata_names_the_keys_and_the_artifact_acs() {
    let p = profile();
    let md = metadata(&p);
    let doc = signature::parse(&md).expect("well-formed metadata");
    assert!(doc.document_element().is_some());
    for part in [
        "entityID=\"ezus-portal-dev\"",
        "AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"false\"",
        "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"",
        "<md:KeyDescriptor use=\"signing\">",
        "<md:KeyDescriptor use=\"encryption\">",
        "<md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact\" Location=\"http://127.0.0.1:3000/saml/acs\" index=\"0\" isDefault=\"true\"/>",
    ] {
        assert!(md.contains(part), "the metadata lacks {part}");
    }
    let signing = keys::pem_der(
        &std::fs::read_to_string(repo("server/dev-keys/sp-signing.crt.pem")).expect("pem"),
        "CERTIFICATE",
    )
    .expect("der");
    use base64::Engine as _;
    assert!(md.contains(&base64::engine::general_purpose::STANDARD.encode(signing)));
}

fn load(signing_key: &str, node_cert: &str) -> Result<SpKeys, KeyError> {
    SpKeys::load(
        &repo(signing_key),
        &repo("server/dev-keys/sp-signing.crt.pem"),
        &repo("server/dev-keys/sp-encryption.key.pem"),
        &repo("server/dev-keys/sp-encryption.crt.pem"),
        &repo(node_cert),
    )
}

#[test]
fn keys_that_are_not_p256_or_do_not_match_are_refused() {
    let node = "node-simulator/dev-keys/node-signing.crt.pem";
    let e = load("server/tests/fixtures/node/p384.key.pem", node).expect_err("P-384 signing key");
    assert!(e.path.ends_with("p384.key.pem"), "{e}");
    let e = load(
        "server/dev-keys/sp-signing.key.pem",
        "server/tests/fixtures/node/p384.crt.pem",
    )
    .expect_err("P-384 node cert");
    assert!(e.path.ends_with("p384.crt.pem"), "{e}");
    let e = load("server/dev-keys/sp-encryption.key.pem", node)
        .expect_err("a key that is not the certificate's");
    assert!(e.reason.contains("does not match"), "{e}");
    let e = load("server/dev-keys/missing.pem", node).expect_err("a missing file");
    assert!(e.path.ends_with("missing.pem"), "{e}");
    assert!(load("server/dev-keys/sp-signing.key.pem", node).is_ok());
}

#[test]
fn instants_round_trip() {
    assert_eq!(
        xml::instant(NOW_MS + 123).as_deref(),
        Ok("2026-11-26T10:15:30.123Z")
    );
    assert_eq!(
        xml::parse_instant("2026-11-26T10:15:30.123Z"),
        Some(NOW_MS + 123)
    );
    assert_eq!(
        xml::parse_instant("2026-11-26T11:15:30+01:00"),
        Some(NOW_MS)
    );
    assert_eq!(xml::parse_instant("yesterday"), None);
}
