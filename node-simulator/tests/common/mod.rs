//! Test helpers: the SP's side, written independently of the simulator's
//! builder (signing SP messages, decrypting the assertion).
#![allow(dead_code)]

pub mod sim;

use aes_gcm::{Aes128Gcm, Aes256Gcm, KeyInit, Nonce, aead::Aead};
use aes_kw::{KwAes128, KwAes256};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use node_simulator::saml::{self, NodeSigner, SpVerifier};
use p256::{PublicKey, SecretKey, pkcs8::DecodePrivateKey};
use sha2::{Digest, Sha256};
use uppsala::{Document, NodeId};

pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub const SSO: &str = "http://127.0.0.1:3002/login/SingleSignOnService";
pub const ARS: &str = "http://127.0.0.1:3002/login-services/idpArtifactResolutionService";
pub const SLO: &str = "http://127.0.0.1:3002/login-services/singleLogoutService";
pub const ACS: &str = "http://127.0.0.1:3000/saml/acs";
pub const SP: &str = "ezus-portal-dev";
pub const NODE: &str = "https://symulator.login.gov.pl";

pub fn sp_signer() -> NodeSigner {
    NodeSigner::from_pem(
        &read("server/dev-keys/sp-signing.key.pem"),
        &read("server/dev-keys/sp-signing.crt.pem"),
    )
    .unwrap()
}

pub fn stranger_signer() -> NodeSigner {
    NodeSigner::from_pem(
        &read("server/tests/fixtures/node/node-other.key.pem"),
        &read("server/tests/fixtures/node/node-other.crt.pem"),
    )
    .unwrap()
}

pub fn node_verifier() -> SpVerifier {
    SpVerifier::from_cert_pem(&read("node-simulator/dev-keys/node-signing.crt.pem")).unwrap()
}

const NS: &str = r#"xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="http://www.w3.org/2000/09/xmldsig#""#;

/// A signed AuthnRequest as the SP sends it, base64 (the SAMLRequest field).
pub fn authn_request(signer: &NodeSigner, id: &str, loa: &str) -> String {
    let now = saml::xml_time(time::OffsetDateTime::now_utc());
    let xml = format!(
        r#"<saml2p:AuthnRequest {NS} xmlns:eidas="http://eidas.europa.eu/saml-extensions" ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{SSO}" AssertionConsumerServiceURL="{ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" ForceAuthn="true" IsPassive="false"><saml2:Issuer>{SP}</saml2:Issuer>{sig}<saml2p:Extensions><eidas:SPType>public</eidas:SPType></saml2p:Extensions><saml2p:NameIDPolicy AllowCreate="true" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"/><saml2p:RequestedAuthnContext Comparison="minimum"><saml2:AuthnContextClassRef>http://eidas.europa.eu/LoA/{loa}</saml2:AuthnContextClassRef></saml2p:RequestedAuthnContext></saml2p:AuthnRequest>"#,
        sig = signer.template(id)
    );
    B64.encode(signer.sign(xml).unwrap())
}

pub fn artifact_resolve(signer: &NodeSigner, id: &str, artifact: &str) -> String {
    let now = saml::xml_time(time::OffsetDateTime::now_utc());
    let xml = format!(
        r#"<saml2p:ArtifactResolve {NS} ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{ARS}"><saml2:Issuer>{SP}</saml2:Issuer>{sig}<saml2p:Artifact>{artifact}</saml2p:Artifact></saml2p:ArtifactResolve>"#,
        sig = signer.template(id)
    );
    saml::soap_envelope(&signer.sign(xml).unwrap())
}

pub fn logout_request(signer: &NodeSigner, id: &str, name_id: &str, session_index: &str) -> String {
    let now = saml::xml_time(time::OffsetDateTime::now_utc());
    let xml = format!(
        r#"<saml2p:LogoutRequest {NS} ID="{id}" Version="2.0" IssueInstant="{now}" Destination="{SLO}"><saml2:Issuer>{SP}</saml2:Issuer>{sig}<saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">{name_id}</saml2:NameID><saml2p:SessionIndex>{session_index}</saml2p:SessionIndex></saml2p:LogoutRequest>"#,
        sig = signer.template(id)
    );
    saml::soap_envelope(&signer.sign(xml).unwrap())
}

pub fn el(doc: &Document<'_>, local: &str) -> Vec<NodeId> {
    doc.get_elements_by_tag_name(local)
}

pub fn attr_of(doc: &Document<'_>, n: NodeId, a: &str) -> String {
    doc.get_attribute(n, a).unwrap_or_default().to_owned()
}

/// Decrypt the EncryptedAssertion of a document with the SP's encryption key,
/// as the contract describes (independent of the simulator's encryptor).
pub fn decrypt_assertion(doc: &Document<'_>) -> String {
    let sk = SecretKey::from_pkcs8_pem(&read("server/dev-keys/sp-encryption.key.pem")).unwrap();
    let one = |local: &str| {
        let v = el(doc, local);
        assert!(!v.is_empty(), "no {local}");
        v
    };
    let params = one("ConcatKDFParams")[0];
    let mut other = hex::decode(attr_of(doc, params, "AlgorithmID")).unwrap();
    other.extend(hex::decode(attr_of(doc, params, "PartyUInfo")).unwrap());
    other.extend(hex::decode(attr_of(doc, params, "PartyVInfo")).unwrap());
    let pk_node = one("PublicKey")[0];
    let eph = B64.decode(doc.text_content_deep(pk_node).trim()).unwrap();
    assert_eq!(eph.len(), 65);
    assert_eq!(eph[0], 4);
    let eph = PublicKey::from_sec1_bytes(&eph).unwrap();
    let z = p256::ecdh::diffie_hellman(sk.to_nonzero_scalar(), eph.as_affine());
    let mut h = Sha256::new();
    h.update([0, 0, 0, 1]);
    h.update(z.raw_secret_bytes());
    h.update(&other);
    let kek: [u8; 32] = h.finalize().into();
    let cvs = one("CipherValue");
    // The first CipherValue in document order is the EncryptedKey's.
    let wrapped = B64.decode(doc.text_content_deep(cvs[0]).trim()).unwrap();
    let mut key = vec![0u8; wrapped.len() - 8];
    KwAes256::new_from_slice(&kek)
        .unwrap()
        .unwrap_key(&wrapped, &mut key)
        .unwrap();
    let data = B64.decode(doc.text_content_deep(cvs[1]).trim()).unwrap();
    let (iv, ct) = data.split_at(12);
    let plain = match key.len() {
        32 => Aes256Gcm::new_from_slice(&key)
            .unwrap()
            .decrypt(&Nonce::from(<[u8; 12]>::try_from(iv).unwrap()), ct)
            .unwrap(),
        16 => Aes128Gcm::new_from_slice(&key)
            .unwrap()
            .decrypt(&Nonce::from(<[u8; 12]>::try_from(iv).unwrap()), ct)
            .unwrap(),
        n => panic!("content key of {n} bytes"),
    };
    let _ = KwAes128::new_from_slice(&[0u8; 16]);
    String::from_utf8(plain).unwrap()
}
