//! Encryption of the assertion to the SP's P-256 key: ECDH-ES with an
//! ephemeral key, ConcatKDF (SHA-256) to a key-encryption key, AES-256 key
//! wrap of a random content key, AES-256-GCM of the assertion.

use aes_gcm::{Aes256Gcm, KeyInit, Nonce, aead::Aead};
use aes_kw::KwAes256;
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use p256::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};

use super::{NS_DSIG11, NS_XENC, NS_XENC11, SamlError, pem_body_b64, random_bytes};

/// `xmlenc#kw-aes256` with its 4-byte big-endian length prefix, as hex.
pub const KDF_ALGORITHM_ID_HEX: &str =
    "0000002A687474703A2F2F7777772E77332E6F72672F323030312F30342F786D6C656E63236B772D616573323536";

/// The SP's encryption key, from its certificate.
#[derive(Clone)]
pub struct EncryptionTarget {
    pub public_key: PublicKey,
    pub cert_b64: String,
}

impl EncryptionTarget {
    pub fn from_cert_pem(cert_pem: &str) -> Result<Self, SamlError> {
        let key = bergshamra_keys::loader::load_x509_cert_pem(cert_pem.as_bytes())
            .map_err(|e| SamlError::Key(e.to_string()))?;
        let point = key
            .ec_public_key_bytes()
            .ok_or_else(|| SamlError::Key("the encryption certificate holds no EC key".into()))?;
        let public_key = PublicKey::from_sec1_bytes(&point).map_err(|_| {
            SamlError::Key("the encryption certificate's key is not on P-256".into())
        })?;
        Ok(Self {
            public_key,
            cert_b64: pem_body_b64(cert_pem),
        })
    }
}

/// `len32be ‖ bytes`, as the PartyUInfo/PartyVInfo of the contract.
pub fn length_prefixed(bytes: &[u8]) -> Vec<u8> {
    let mut v = (bytes.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(bytes);
    v
}

/// KEK = SHA-256(00000001 ‖ Z ‖ OtherInfo), OtherInfo = AlgorithmID ‖ PartyUInfo ‖ PartyVInfo.
pub fn concat_kdf(z: &[u8], algorithm_id: &[u8], party_u: &[u8], party_v: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0, 0, 0, 1]);
    h.update(z);
    h.update(algorithm_id);
    h.update(party_u);
    h.update(party_v);
    h.finalize().into()
}

fn random_secret_key() -> SecretKey {
    loop {
        if let Ok(k) = SecretKey::from_slice(&random_bytes::<32>()) {
            return k;
        }
    }
}

/// Encrypt the serialized `saml2:Assertion` (with its own namespace
/// declarations) into a `saml2:EncryptedAssertion` element. The element
/// relies on `saml2`, `ds` and `xenc` being declared by an ancestor.
pub fn encrypt_assertion(
    assertion_xml: &str,
    target: &EncryptionTarget,
    node_entity_id: &str,
    sp_entity_id: &str,
) -> Result<String, SamlError> {
    let ephemeral = random_secret_key();
    let shared =
        p256::ecdh::diffie_hellman(ephemeral.to_nonzero_scalar(), target.public_key.as_affine());
    let z = shared.raw_secret_bytes();

    let algorithm_id = hex::decode(KDF_ALGORITHM_ID_HEX).expect("constant hex");
    let party_u = length_prefixed(node_entity_id.as_bytes());
    let party_v = length_prefixed(sp_entity_id.as_bytes());
    let kek = concat_kdf(z.as_slice(), &algorithm_id, &party_u, &party_v);

    let content_key = random_bytes::<32>();
    let mut wrapped = [0u8; 40];
    KwAes256::new_from_slice(&kek)
        .map_err(|e| SamlError::Crypto(format!("AES-KW init: {e}")))?
        .wrap_key(&content_key, &mut wrapped)
        .map_err(|e| SamlError::Crypto(format!("AES-KW wrap: {e}")))?;

    let iv = random_bytes::<12>();
    let ct = Aes256Gcm::new_from_slice(&content_key)
        .map_err(|e| SamlError::Crypto(format!("AES-GCM init: {e}")))?
        .encrypt(&Nonce::from(iv), assertion_xml.as_bytes())
        .map_err(|e| SamlError::Crypto(format!("AES-GCM: {e}")))?;
    let mut cipher_value = iv.to_vec();
    cipher_value.extend_from_slice(&ct);

    let eph_point = ephemeral.public_key().to_sec1_bytes();
    debug_assert_eq!(eph_point.len(), 65, "uncompressed point");

    Ok(format!(
        r#"<saml2:EncryptedAssertion><xenc:EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/><ds:KeyInfo><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{NS_XENC}kw-aes256"/><ds:KeyInfo><xenc:AgreementMethod Algorithm="http://www.w3.org/2009/xmlenc11#ECDH-ES"><xenc11:KeyDerivationMethod xmlns:xenc11="{NS_XENC11}" Algorithm="http://www.w3.org/2009/xmlenc11#ConcatKDF"><xenc11:ConcatKDFParams AlgorithmID="{alg}" PartyUInfo="{pu}" PartyVInfo="{pv}"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/></xenc11:ConcatKDFParams></xenc11:KeyDerivationMethod><xenc:OriginatorKeyInfo><dsig11:ECKeyValue xmlns:dsig11="{NS_DSIG11}"><dsig11:NamedCurve URI="urn:oid:1.2.840.10045.3.1.7"/><dsig11:PublicKey>{eph}</dsig11:PublicKey></dsig11:ECKeyValue></xenc:OriginatorKeyInfo><xenc:RecipientKeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></xenc:RecipientKeyInfo></xenc:AgreementMethod></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{wrapped}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{cv}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml2:EncryptedAssertion>"#,
        alg = KDF_ALGORITHM_ID_HEX,
        pu = hex::encode_upper(&party_u),
        pv = hex::encode_upper(&party_v),
        eph = B64.encode(&eph_point),
        cert = target.cert_b64,
        wrapped = B64.encode(wrapped),
        cv = B64.encode(&cipher_value),
    ))
}
