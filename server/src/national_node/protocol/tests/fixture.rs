//! A test-only node: builds the ArtifactResponse of docs/national-node.md
//! with knobs, encrypts the assertion (ephemeral ECDH on P-256) and signs
//! with bergshamra and a node key from the repository.

use std::path::PathBuf;

use aes_gcm::aead::{Aead as _, KeyInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use p256::pkcs8::DecodePublicKey as _;
use sha2::Digest as _;

use super::super::keys::pem_der;
use super::super::signature;
use super::super::xml::{SAML2, SOAP11, instant, signature_template};

pub const NOW_MS: i64 = 1_795_688_130_000; // 2026-11-26T10:15:30Z
pub const AUTHN_REQUEST_ID: &str = "_aa000000000000000000000000000000000000a1";
pub const ARTIFACT_RESOLVE_ID: &str = "_bb000000000000000000000000000000000000b2";
pub const NODE: &str = "https://symulator.login.gov.pl";
pub const SP: &str = "ezus-portal-dev";
pub const ACS: &str = "http://127.0.0.1:3000/saml/acs";
pub const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// Everything the node puts into its answer; `Knobs::default()` is a valid one.
#[derive(Clone)]
pub struct Knobs {
    pub node_key: &'static str,
    pub node_cert: &'static str,
    pub sign_outer: bool,
    pub sign_inner: bool,
    pub outer_issuer: String,
    pub inner_issuer: String,
    pub outer_in_response_to: String,
    pub inner_in_response_to: String,
    pub destination: String,
    pub status: (String, Option<String>),
    pub with_response: bool,
    pub recipient: String,
    pub confirmation_in_response_to: String,
    pub audience: String,
    pub not_before_ms: i64,
    pub not_on_or_after_ms: i64,
    pub loa: String,
    pub content_key_len: usize,
    /// The SP's encryption certificate, or another one.
    pub encrypt_to_cert: &'static str,
    pub family_name: String,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            node_key: "node-simulator/dev-keys/node-signing.key.pem",
            node_cert: "node-simulator/dev-keys/node-signing.crt.pem",
            sign_outer: true,
            sign_inner: true,
            outer_issuer: NODE.into(),
            inner_issuer: NODE.into(),
            outer_in_response_to: ARTIFACT_RESOLVE_ID.into(),
            inner_in_response_to: AUTHN_REQUEST_ID.into(),
            destination: ACS.into(),
            status: (SUCCESS.into(), None),
            with_response: true,
            recipient: ACS.into(),
            confirmation_in_response_to: AUTHN_REQUEST_ID.into(),
            audience: SP.into(),
            not_before_ms: NOW_MS,
            not_on_or_after_ms: NOW_MS + 300_000,
            loa: "http://eidas.europa.eu/LoA/substantial".into(),
            content_key_len: 32,
            encrypt_to_cert: "server/dev-keys/sp-encryption.crt.pem",
            family_name: "KOWALSKI".into(),
        }
    }
}

fn t(ms: i64) -> String {
    instant(ms).unwrap_or_default()
}

pub fn assertion(k: &Knobs) -> String {
    let attrs: String = [
        ("CurrentFamilyName", k.family_name.as_str()),
        ("CurrentGivenName", "JAN"),
        ("DateOfBirth", "1975-03-14"),
        ("PersonIdentifier", "75031412355"),
    ]
    .iter()
    .map(|(name, value)| {
        format!(
            "<saml2:Attribute FriendlyName=\"{name}\" Name=\"http://eidas.europa.eu/attributes/naturalperson/{name}\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\"><saml2:AttributeValue xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"naturalperson:{name}Type\">{value}</saml2:AttributeValue></saml2:Attribute>"
        )
    })
    .collect();
    format!(
        "<saml2:Assertion xmlns:saml2=\"{SAML2}\" ID=\"_cc000000000000000000000000000000000000c3\" Version=\"2.0\" IssueInstant=\"{now}\"><saml2:Issuer>{NODE}</saml2:Issuer><saml2:Subject><saml2:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\">wk-user-42</saml2:NameID><saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml2:SubjectConfirmationData InResponseTo=\"{irt}\" NotOnOrAfter=\"{end}\" Recipient=\"{recipient}\"/></saml2:SubjectConfirmation></saml2:Subject><saml2:Conditions NotBefore=\"{start}\" NotOnOrAfter=\"{end}\"><saml2:AudienceRestriction><saml2:Audience>{audience}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions><saml2:AuthnStatement AuthnInstant=\"{now}\" SessionIndex=\"_session-42\"><saml2:AuthnContext><saml2:AuthnContextClassRef>{loa}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>{attrs}</saml2:AttributeStatement></saml2:Assertion>",
        now = t(NOW_MS),
        irt = k.confirmation_in_response_to,
        end = t(k.not_on_or_after_ms),
        start = t(k.not_before_ms),
        recipient = k.recipient,
        audience = k.audience,
        loa = k.loa,
    )
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("randomness");
    b
}

fn length_prefixed(s: &str) -> Vec<u8> {
    let mut v = (s.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The EncryptedAssertion of section 5, encrypted to `cert`'s key.
pub fn encrypt(plaintext: &str, cert: &str, content_key_len: usize) -> String {
    let der = pem_der(
        &std::fs::read_to_string(repo(cert)).expect("cert"),
        "CERTIFICATE",
    )
    .expect("pem");
    let cert: x509_cert::Certificate = x509_cert::der::Decode::from_der(&der).expect("x509");
    let spki = x509_cert::der::Encode::to_der(&cert.tbs_certificate.subject_public_key_info)
        .expect("spki");
    let recipient = p256::PublicKey::from_public_key_der(&spki).expect("p256");
    let ephemeral = loop {
        if let Ok(k) = p256::SecretKey::from_slice(&random::<32>()) {
            break k;
        }
    };
    let z = ephemeral.diffie_hellman(&recipient);
    let (alg, u, v) = (
        length_prefixed("http://www.w3.org/2001/04/xmlenc#kw-aes256"),
        length_prefixed(NODE),
        length_prefixed(SP),
    );
    let mut h = sha2::Sha256::new();
    h.update([0, 0, 0, 1]);
    h.update(z.raw_secret_bytes());
    h.update(&alg);
    h.update(&u);
    h.update(&v);
    let kek: [u8; 32] = h.finalize().into();
    let content_key = &random::<32>()[..content_key_len];
    let mut wrapped = [0u8; 40];
    let wrapped = aes_kw::KwAes256::new_from_slice(&kek)
        .expect("kek")
        .wrap_key(content_key, &mut wrapped)
        .expect("wrap")
        .to_vec();
    let iv = random::<12>();
    let nonce = aes_gcm::Nonce::try_from(&iv[..]).expect("iv");
    let ct = if content_key_len == 16 {
        aes_gcm::Aes128Gcm::new_from_slice(content_key)
            .expect("k")
            .encrypt(&nonce, plaintext.as_bytes())
    } else {
        aes_gcm::Aes256Gcm::new_from_slice(content_key)
            .expect("k")
            .encrypt(&nonce, plaintext.as_bytes())
    }
    .expect("gcm");
    let mut sealed = iv.to_vec();
    sealed.extend(ct);
    format!(
        "<saml2:EncryptedAssertion><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\"><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/><ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#kw-aes256\"/><ds:KeyInfo><xenc:AgreementMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#ECDH-ES\"><xenc11:KeyDerivationMethod xmlns:xenc11=\"http://www.w3.org/2009/xmlenc11#\" Algorithm=\"http://www.w3.org/2009/xmlenc11#ConcatKDF\"><xenc11:ConcatKDFParams AlgorithmID=\"{alg}\" PartyUInfo=\"{u}\" PartyVInfo=\"{v}\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/></xenc11:ConcatKDFParams></xenc11:KeyDerivationMethod><xenc:OriginatorKeyInfo><dsig11:ECKeyValue xmlns:dsig11=\"http://www.w3.org/2009/xmldsig11#\"><dsig11:NamedCurve URI=\"urn:oid:1.2.840.10045.3.1.7\"/><dsig11:PublicKey>{point}</dsig11:PublicKey></dsig11:ECKeyValue></xenc:OriginatorKeyInfo></xenc:AgreementMethod></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{wrapped}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{sealed}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml2:EncryptedAssertion>",
        alg = hex_upper(&alg),
        u = hex_upper(&u),
        v = hex_upper(&v),
        point = STANDARD.encode(ephemeral.public_key().to_sec1_bytes()),
        wrapped = STANDARD.encode(wrapped),
        sealed = STANDARD.encode(sealed),
    )
}

fn status(k: &Knobs) -> String {
    let nested = k
        .status
        .1
        .as_ref()
        .map(|n| format!("<saml2p:StatusCode Value=\"{n}\"/>"))
        .unwrap_or_default();
    format!(
        "<saml2p:Status><saml2p:StatusCode Value=\"{}\">{nested}</saml2p:StatusCode></saml2p:Status>",
        k.status.0
    )
}

fn node_cert_b64(k: &Knobs) -> String {
    let pem = std::fs::read_to_string(repo(k.node_cert)).expect("node cert");
    STANDARD.encode(pem_der(&pem, "CERTIFICATE").expect("pem"))
}

pub fn sign(k: &Knobs, template: &str) -> String {
    let pem = std::fs::read(repo(k.node_key)).expect("node key");
    let key = bergshamra_keys::loader::load_ec_p256_private_pem(&pem).expect("node key");
    signature::sign(&key, template).expect("sign")
}

const NS: &str = "xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"";

/// The signed `saml2p:Response` element (standalone, its own namespaces).
pub fn response(k: &Knobs, body: &str) -> String {
    let id = "_dd000000000000000000000000000000000000d4";
    let sig = if k.sign_inner {
        signature_template(id, &node_cert_b64(k))
    } else {
        String::new()
    };
    let xml = format!(
        "<saml2p:Response {NS} ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" InResponseTo=\"{irt}\" Destination=\"{dest}\"><saml2:Issuer>{issuer}</saml2:Issuer>{sig}{status}{body}</saml2p:Response>",
        now = t(NOW_MS),
        irt = k.inner_in_response_to,
        dest = k.destination,
        issuer = k.inner_issuer,
        status = status(k),
    );
    if k.sign_inner { sign(k, &xml) } else { xml }
}

/// The SOAP envelope with the ArtifactResponse around `inner` (signed).
pub fn artifact_response_around(k: &Knobs, inner: &str) -> String {
    let id = "_ee000000000000000000000000000000000000e5";
    let sig = if k.sign_outer {
        signature_template(id, &node_cert_b64(k))
    } else {
        String::new()
    };
    let xml = format!(
        "<soap11:Envelope xmlns:soap11=\"{SOAP11}\"><soap11:Body><saml2p:ArtifactResponse {NS} ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" InResponseTo=\"{irt}\"><saml2:Issuer>{issuer}</saml2:Issuer>{sig}{status}{inner}</saml2p:ArtifactResponse></soap11:Body></soap11:Envelope>",
        now = t(NOW_MS),
        irt = k.outer_in_response_to,
        issuer = k.outer_issuer,
        status = status(k),
    );
    if k.sign_outer { sign(k, &xml) } else { xml }
}

/// The node's complete answer to our ArtifactResolve.
pub fn artifact_response(k: &Knobs) -> String {
    let inner = if !k.with_response {
        String::new()
    } else if k.status.0 == SUCCESS {
        response(
            k,
            &encrypt(&assertion(k), k.encrypt_to_cert, k.content_key_len),
        )
    } else {
        response(k, "")
    };
    artifact_response_around(k, &inner)
}

/// The node's signed LogoutResponse to `request_id`.
pub fn logout_response(k: &Knobs, request_id: &str) -> String {
    let id = "_ff000000000000000000000000000000000000f6";
    let sig = if k.sign_outer {
        signature_template(id, &node_cert_b64(k))
    } else {
        String::new()
    };
    let xml = format!(
        "<soap11:Envelope xmlns:soap11=\"{SOAP11}\"><soap11:Body><saml2p:LogoutResponse {NS} ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" InResponseTo=\"{request_id}\"><saml2:Issuer>{issuer}</saml2:Issuer>{sig}{status}</saml2p:LogoutResponse></soap11:Body></soap11:Envelope>",
        now = t(NOW_MS),
        issuer = k.outer_issuer,
        status = status(k),
    );
    if k.sign_outer { sign(k, &xml) } else { xml }
}
