//! Loading the key material: PKCS#8 PEM P-256 keys and X.509 PEM certificates.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bergshamra_keys::{Key, KeysManager};
use p256::pkcs8::DecodePrivateKey as _;
use x509_cert::Certificate;
use x509_cert::der::Decode as _;

use super::KeyError;

/// `id-ecPublicKey` and the named curve `prime256v1` (P-256).
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";

/// The loaded pairs and the pinned node certificate.
pub(crate) struct Loaded {
    /// The SP's signing key (bergshamra, for XML-DSig).
    pub signing_key: Key,
    /// DER of the SP's signing certificate (KeyInfo, metadata).
    pub signing_cert_der: Vec<u8>,
    /// The SP's key-agreement key for the encrypted assertion.
    pub encryption_key: p256::SecretKey,
    /// DER of the SP's encryption certificate (metadata).
    pub encryption_cert_der: Vec<u8>,
    /// The node's verification key, from its pinned certificate.
    pub node_key: Key,
}

fn err(path: &Path, reason: impl Into<String>) -> KeyError {
    KeyError {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

fn read(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|e| err(path, format!("cannot read: {e}")))
}

/// The DER inside a single PEM block labelled `label`.
pub(crate) fn pem_der(text: &str, label: &str) -> Result<Vec<u8>, String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| format!("no {begin} line"))?
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| format!("no {end} line"))?
        + start;
    let body: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD
        .decode(body)
        .map_err(|e| format!("bad base64 in the PEM block: {e}"))
}

/// A certificate's DER and its P-256 public key (uncompressed SEC1 point).
fn p256_cert(path: &Path) -> Result<(Vec<u8>, Vec<u8>), KeyError> {
    let der = pem_der(&read(path)?, "CERTIFICATE").map_err(|r| err(path, r))?;
    let cert = Certificate::from_der(&der)
        .map_err(|e| err(path, format!("not an X.509 certificate: {e}")))?;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<x509_cert::der::asn1::ObjectIdentifier>().ok());
    if spki.algorithm.oid.to_string() != OID_EC_PUBLIC_KEY
        || curve.map(|c| c.to_string()).as_deref() != Some(OID_P256)
    {
        return Err(err(path, "the certificate's key is not an EC P-256 key"));
    }
    let point = spki.subject_public_key.raw_bytes().to_vec();
    p256::PublicKey::from_sec1_bytes(&point)
        .map_err(|_| err(path, "the certificate's P-256 point is invalid"))?;
    Ok((der, point))
}

/// Reads and cross-checks all five files; refuses keys that are not P-256.
pub(crate) fn load(
    signing_key_pem: &Path,
    signing_cert_pem: &Path,
    encryption_key_pem: &Path,
    encryption_cert_pem: &Path,
    node_cert_pem: &Path,
) -> Result<Loaded, KeyError> {
    let signing_text = read(signing_key_pem)?;
    pem_der(&signing_text, "PRIVATE KEY")
        .map_err(|r| err(signing_key_pem, format!("not a PKCS#8 key: {r}")))?;
    let signing_secret = p256::SecretKey::from_pkcs8_pem(&signing_text).map_err(|e| {
        err(
            signing_key_pem,
            format!("not a PKCS#8 EC P-256 private key: {e}"),
        )
    })?;
    let signing_key = bergshamra_keys::loader::load_ec_p256_private_pem(signing_text.as_bytes())
        .map_err(|e| err(signing_key_pem, e.to_string()))?;
    let (signing_cert_der, signing_point) = p256_cert(signing_cert_pem)?;
    if signing_secret.public_key().to_sec1_bytes().as_ref() != signing_point.as_slice() {
        return Err(err(
            signing_cert_pem,
            "the certificate does not match the signing key",
        ));
    }

    let encryption_text = read(encryption_key_pem)?;
    let encryption_key = p256::SecretKey::from_pkcs8_pem(&encryption_text).map_err(|e| {
        err(
            encryption_key_pem,
            format!("not a PKCS#8 EC P-256 private key: {e}"),
        )
    })?;
    let (encryption_cert_der, encryption_point) = p256_cert(encryption_cert_pem)?;
    if encryption_key.public_key().to_sec1_bytes().as_ref() != encryption_point.as_slice() {
        return Err(err(
            encryption_cert_pem,
            "the certificate does not match the encryption key",
        ));
    }

    let (node_der, _) = p256_cert(node_cert_pem)?;
    let node_key = bergshamra_keys::loader::load_x509_cert_der(&node_der)
        .map_err(|e| err(node_cert_pem, e.to_string()))?;
    if node_key.algorithm_name() != "EC-P256" {
        return Err(err(
            node_cert_pem,
            "the node certificate's key is not EC P-256",
        ));
    }
    Ok(Loaded {
        signing_key,
        signing_cert_der,
        encryption_key,
        encryption_cert_der,
        node_key,
    })
}

/// A manager holding one key (bergshamra signs with the first key, and with
/// `trusted_keys_only` verifies only with the keys it holds).
pub(crate) fn manager(key: &Key) -> KeysManager {
    let mut m = KeysManager::new();
    m.add_key(key.clone());
    m
}
