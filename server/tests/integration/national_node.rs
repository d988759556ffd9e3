//! Interop of the SP's SAML protocol core with an independent XML-DSig
//! implementation, Debian's `xmlsec1` (libxmlsec1 over OpenSSL), run as a
//! subprocess: xmlsec1 verifies what the SP signs, and the SP verifies what
//! xmlsec1 signs. The encrypted assertion is the vector made with Python's
//! `cryptography` (server/tests/fixtures/node/make_vector.py).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use ezus_server::national_node::protocol::{self, Expected, Loa, NodeRefusal, SpKeys, SpProfile};

/// 2026-11-26T10:15:30Z, inside the vector's validity window.
const NOW_MS: i64 = 1_795_688_130_000;
/// The AuthnRequest ID the vector's assertion answers.
const AUTHN_REQUEST_ID: &str = "_aa000000000000000000000000000000000000a1";
const ARTIFACT_RESOLVE_ID: &str = "_bb000000000000000000000000000000000000b2";
const NODE: &str = "https://symulator.login.gov.pl";
const ACS: &str = "http://127.0.0.1:3000/saml/acs";

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn profile() -> SpProfile {
    let keys = SpKeys::load(
        &repo("server/dev-keys/sp-signing.key.pem"),
        &repo("server/dev-keys/sp-signing.crt.pem"),
        &repo("server/dev-keys/sp-encryption.key.pem"),
        &repo("server/dev-keys/sp-encryption.crt.pem"),
        &repo("node-simulator/dev-keys/node-signing.crt.pem"),
    )
    .expect("development keys load");
    SpProfile {
        sp_entity_id: "ezus-portal-dev".into(),
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

/// A fresh temporary file holding `content`.
fn temp_file(name: &str, content: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ezus-xmlsec-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("temp file");
    path
}

fn remove_temp(file: &Path) {
    if let Some(dir) = file.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Runs xmlsec1; a missing xmlsec1 fails the test (never a silent skip).
fn xmlsec1(args: &[&str]) -> std::process::Output {
    match Command::new("xmlsec1").args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "xmlsec1 cannot be run ({e}): the SAML interop tests need Debian's xmlsec1; \
             install it with `source scripts/toolchain.sh && ensure_xmlsec1` (scripts/test does)"
        ),
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Verifies the first signature of `xml` with xmlsec1 and `cert` only: the
/// message's own KeyInfo is removed first so that xmlsec1 cannot take the key
/// from the message.
fn xmlsec1_verifies(xml: &str, id_attr: &str, cert: &str) -> bool {
    let start = xml.find("<ds:KeyInfo>").expect("KeyInfo");
    let end = xml.find("</ds:KeyInfo>").expect("KeyInfo end") + "</ds:KeyInfo>".len();
    let without_key_info = format!("{}{}", &xml[..start], &xml[end..]);
    let file = temp_file("signed.xml", &without_key_info);
    let out = xmlsec1(&[
        "--verify",
        "--pubkey-cert-pem",
        path(&repo(cert)),
        "--id-attr:ID",
        id_attr,
        path(&file),
    ]);
    remove_temp(&file);
    eprintln!(
        "xmlsec1 --verify: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    out.status.success()
}

#[test]
fn xmlsec1_verifies_the_sps_authn_request() {
    let p = profile();
    let xml = protocol::authn_request(&p, &protocol::new_id(), NOW_MS).expect("signed");
    let id_attr = "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest";
    assert!(
        xmlsec1_verifies(&xml, id_attr, "server/dev-keys/sp-signing.crt.pem"),
        "xmlsec1 must accept the SP's signature"
    );
    // The check has teeth: another certificate, or a changed byte, fails.
    assert!(!xmlsec1_verifies(
        &xml,
        id_attr,
        "server/tests/fixtures/node/node-other.crt.pem"
    ));
    let tampered = xml.replacen("ForceAuthn=\"true\"", "ForceAuthn=\"false\"", 1);
    assert!(!xmlsec1_verifies(
        &tampered,
        id_attr,
        "server/dev-keys/sp-signing.crt.pem"
    ));
}

#[test]
fn xmlsec1_verifies_the_sps_artifact_resolve_and_logout_request() {
    let p = profile();
    let xml = protocol::artifact_resolve(&p, &protocol::new_id(), "AAQAAGFydGlmYWN0", NOW_MS)
        .expect("signed");
    let id_attr = "urn:oasis:names:tc:SAML:2.0:protocol:ArtifactResolve";
    assert!(xmlsec1_verifies(
        &xml,
        id_attr,
        "server/dev-keys/sp-signing.crt.pem"
    ));
    let tampered = xml.replacen("AAQAAGFydGlmYWN0", "AAQAAGFydGlmYWN1", 1);
    assert!(!xmlsec1_verifies(
        &tampered,
        id_attr,
        "server/dev-keys/sp-signing.crt.pem"
    ));

    let xml =
        protocol::logout_request(&p, &protocol::new_id(), "wk-user-42", "_session-42", NOW_MS)
            .expect("signed");
    let id_attr = "urn:oasis:names:tc:SAML:2.0:protocol:LogoutRequest";
    assert!(xmlsec1_verifies(
        &xml,
        id_attr,
        "server/dev-keys/sp-signing.crt.pem"
    ));
}

const NS: &str = "xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"";

fn signature_template(id: &str) -> String {
    format!(
        "<ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"ds saml2 saml2p xenc\"/></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"
    )
}

/// Signs the first signature template of `template` with xmlsec1 and the node's key.
fn xmlsec1_sign(template: &str, id_attr: &str) -> String {
    let input = temp_file("template.xml", template);
    let output = input.with_file_name("signed.xml");
    let key = format!(
        "{},{}",
        path(&repo("node-simulator/dev-keys/node-signing.key.pem")),
        path(&repo("node-simulator/dev-keys/node-signing.crt.pem"))
    );
    let out = xmlsec1(&[
        "--sign",
        "--privkey-pem",
        &key,
        "--id-attr:ID",
        id_attr,
        "--output",
        path(&output),
        path(&input),
    ]);
    assert!(
        out.status.success(),
        "xmlsec1 --sign failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed = std::fs::read_to_string(&output).expect("xmlsec1 output");
    remove_temp(&input);
    // Drop the XML declaration xmlsec1 writes, so the element can be embedded.
    match signed.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map(|(_, body)| body.trim().to_owned())
            .unwrap_or(signed),
        None => signed,
    }
}

/// The node's answer with both levels signed by xmlsec1, around the Python vector.
fn artifact_response_signed_by_xmlsec1(vector: &str) -> String {
    let encrypted = std::fs::read_to_string(repo(&format!("server/tests/fixtures/node/{vector}")))
        .expect("vector");
    let ok = "<saml2p:Status><saml2p:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></saml2p:Status>";
    let rid = "_dd000000000000000000000000000000000000d4";
    let response = format!(
        "<saml2p:Response {NS} ID=\"{rid}\" Version=\"2.0\" IssueInstant=\"2026-11-26T10:15:30.000Z\" InResponseTo=\"{AUTHN_REQUEST_ID}\" Destination=\"{ACS}\"><saml2:Issuer>{NODE}</saml2:Issuer>{sig}{ok}{enc}</saml2p:Response>",
        sig = signature_template(rid),
        enc = encrypted.trim(),
    );
    let response = xmlsec1_sign(&response, "urn:oasis:names:tc:SAML:2.0:protocol:Response");
    let aid = "_ee000000000000000000000000000000000000e5";
    let envelope = format!(
        "<soap11:Envelope xmlns:soap11=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap11:Body><saml2p:ArtifactResponse {NS} ID=\"{aid}\" Version=\"2.0\" IssueInstant=\"2026-11-26T10:15:30.000Z\" InResponseTo=\"{ARTIFACT_RESOLVE_ID}\"><saml2:Issuer>{NODE}</saml2:Issuer>{sig}{ok}{response}</saml2p:ArtifactResponse></soap11:Body></soap11:Envelope>",
        sig = signature_template(aid),
    );
    xmlsec1_sign(
        &envelope,
        "urn:oasis:names:tc:SAML:2.0:protocol:ArtifactResponse",
    )
}

fn expected() -> Expected<'static> {
    Expected {
        authn_request_id: AUTHN_REQUEST_ID,
        artifact_resolve_id: ARTIFACT_RESOLVE_ID,
        now_ms: NOW_MS,
    }
}

#[test]
fn the_sp_reads_an_artifact_response_signed_by_xmlsec1() {
    let p = profile();
    for vector in [
        "vector-encrypted-assertion.xml",
        "vector-encrypted-assertion-128.xml",
    ] {
        let soap = artifact_response_signed_by_xmlsec1(vector);
        let a = protocol::read_artifact_response(&p, &soap, &expected())
            .expect("xmlsec1's signatures verify in the SP");
        assert_eq!(a.person_identifier, "75031412355");
        assert_eq!(
            (
                a.family_name.as_str(),
                a.given_name.as_str(),
                a.date_of_birth.as_str()
            ),
            ("KOWALSKI", "JAN", "1975-03-14")
        );
        assert_eq!(a.name_id, "wk-user-0001");
        assert_eq!(a.session_index, "_session-vector-1");

        // The same answer with one signed byte changed is refused.
        let signed = format!(
            "IssueInstant=\"2026-11-26T10:15:30.000Z\" InResponseTo=\"{AUTHN_REQUEST_ID}\""
        );
        let changed = format!(
            "IssueInstant=\"2026-11-26T10:15:29.000Z\" InResponseTo=\"{AUTHN_REQUEST_ID}\""
        );
        let tampered = soap.replacen(&signed, &changed, 1);
        assert_ne!(tampered, soap);
        assert!(matches!(
            protocol::read_artifact_response(&p, &tampered, &expected()),
            Err(NodeRefusal::BadSignature(_))
        ));
    }
}

/// A measured figure for docs/saml-library.md: the time to read one
/// ArtifactResponse (two ECDSA verifications, ECDH, decryption, checks).
#[test]
fn time_to_read_one_artifact_response() {
    let p = profile();
    let soap = artifact_response_signed_by_xmlsec1("vector-encrypted-assertion.xml");
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        protocol::read_artifact_response(&p, &soap, &expected()).expect("valid");
    }
    let each = start.elapsed() / rounds;
    eprintln!(
        "read_artifact_response: {each:?} per answer ({} bytes, {} build)",
        soap.len(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}
