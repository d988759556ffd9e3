//! Decrypting the `saml2:EncryptedAssertion` (docs/national-node.md, section
//! 5): ECDH-ES on P-256, ConcatKDF with SHA-256, AES key unwrap, AES-GCM.

use aes_gcm::aead::{Aead as _, KeyInit as _};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest as _;
use uppsala::{Document, NodeId};

use super::NodeRefusal;
use super::signature::{child_elements, is};
use super::xml::{DS, DSIG11, XENC, XENC11};

const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
const KW_AES256: &str = "http://www.w3.org/2001/04/xmlenc#kw-aes256";
const ECDH_ES: &str = "http://www.w3.org/2009/xmlenc11#ECDH-ES";
const CONCAT_KDF: &str = "http://www.w3.org/2009/xmlenc11#ConcatKDF";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const P256_URI: &str = "urn:oid:1.2.840.10045.3.1.7";

fn bad(detail: impl Into<String>) -> NodeRefusal {
    NodeRefusal::Undecryptable(detail.into())
}

/// The one child `{ns}local` of `parent`.
fn child(doc: &Document<'_>, parent: NodeId, ns: &str, local: &str) -> Result<NodeId, NodeRefusal> {
    let found: Vec<NodeId> = child_elements(doc, parent)
        .into_iter()
        .filter(|&c| is(doc, c, ns, local))
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(bad(format!("no {local} element"))),
        _ => Err(bad(format!("more than one {local} element"))),
    }
}

fn attr<'d>(doc: &'d Document<'_>, node: NodeId, name: &str) -> Result<&'d str, NodeRefusal> {
    super::answer::attr(doc, node, name).ok_or_else(|| bad(format!("no {name} attribute")))
}

fn algorithm(
    doc: &Document<'_>,
    parent: NodeId,
    ns: &str,
    local: &str,
) -> Result<String, NodeRefusal> {
    Ok(attr(doc, child(doc, parent, ns, local)?, "Algorithm")?.to_owned())
}

fn base64_text(doc: &Document<'_>, node: NodeId, what: &str) -> Result<Vec<u8>, NodeRefusal> {
    let text: String = doc
        .text_content_deep(node)
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD
        .decode(text)
        .map_err(|e| bad(format!("{what} is not base64: {e}")))
}

fn hex(s: &str, what: &str) -> Result<Vec<u8>, NodeRefusal> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) {
        return Err(bad(format!("{what} has an odd number of hex digits")));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| bad(format!("{what} is not hex")))
}

/// KEK = SHA-256(00000001 ‖ Z ‖ OtherInfo): ConcatKDF, one round, 32 bytes.
pub(crate) fn concat_kdf(z: &[u8], other_info: &[u8]) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    h.update(1u32.to_be_bytes());
    h.update(z);
    h.update(other_info);
    h.finalize().into()
}

/// Decrypts `encrypted_assertion` with the SP's key; returns the plaintext
/// (the `saml2:Assertion` element as UTF-8 text).
pub(crate) fn decrypt(
    doc: &Document<'_>,
    encrypted_assertion: NodeId,
    key: &p256::SecretKey,
) -> Result<String, NodeRefusal> {
    let data = child(doc, encrypted_assertion, XENC, "EncryptedData")?;
    let content_alg = algorithm(doc, data, XENC, "EncryptionMethod")?;
    if content_alg != AES256_GCM && content_alg != AES128_GCM {
        return Err(bad(format!("unsupported content encryption {content_alg}")));
    }
    let encrypted_key = child(doc, child(doc, data, DS, "KeyInfo")?, XENC, "EncryptedKey")?;
    let wrap_alg = algorithm(doc, encrypted_key, XENC, "EncryptionMethod")?;
    if wrap_alg != KW_AES256 {
        return Err(bad(format!("unsupported key wrap {wrap_alg}")));
    }
    let agreement = child(
        doc,
        child(doc, encrypted_key, DS, "KeyInfo")?,
        XENC,
        "AgreementMethod",
    )?;
    if attr(doc, agreement, "Algorithm")? != ECDH_ES {
        return Err(bad("the key agreement is not ECDH-ES"));
    }
    let kdm = child(doc, agreement, XENC11, "KeyDerivationMethod")?;
    if attr(doc, kdm, "Algorithm")? != CONCAT_KDF {
        return Err(bad("the key derivation is not ConcatKDF"));
    }
    let params = child(doc, kdm, XENC11, "ConcatKDFParams")?;
    if algorithm(doc, params, DS, "DigestMethod")? != SHA256 {
        return Err(bad("the ConcatKDF digest is not SHA-256"));
    }
    let mut other_info = hex(attr(doc, params, "AlgorithmID")?, "AlgorithmID")?;
    other_info.extend(hex(attr(doc, params, "PartyUInfo")?, "PartyUInfo")?);
    other_info.extend(hex(attr(doc, params, "PartyVInfo")?, "PartyVInfo")?);

    let ec = child(
        doc,
        child(doc, agreement, XENC, "OriginatorKeyInfo")?,
        DSIG11,
        "ECKeyValue",
    )?;
    if attr(doc, child(doc, ec, DSIG11, "NamedCurve")?, "URI")? != P256_URI {
        return Err(bad("the originator key is not on P-256"));
    }
    let point = base64_text(
        doc,
        child(doc, ec, DSIG11, "PublicKey")?,
        "the originator PublicKey",
    )?;
    let ephemeral = p256::PublicKey::from_sec1_bytes(&point)
        .map_err(|_| bad("the originator key is not a P-256 point"))?;
    let shared = key.diffie_hellman(&ephemeral);
    let kek = concat_kdf(shared.raw_secret_bytes(), &other_info);

    let wrapped = base64_text(
        doc,
        child(
            doc,
            child(doc, encrypted_key, XENC, "CipherData")?,
            XENC,
            "CipherValue",
        )?,
        "the wrapped key",
    )?;
    if wrapped.len() != 24 && wrapped.len() != 40 {
        return Err(bad(format!("the wrapped key has {} bytes", wrapped.len())));
    }
    let kw = aes_kw::KwAes256::new_from_slice(&kek).map_err(|_| bad("KEK length"))?;
    let mut content_key = [0u8; 32];
    let content_key = kw.unwrap_key(&wrapped, &mut content_key).map_err(|e| {
        bad(format!(
            "the content key does not unwrap (encrypted to another key?): {e}"
        ))
    })?;

    let sealed = base64_text(
        doc,
        child(
            doc,
            child(doc, data, XENC, "CipherData")?,
            XENC,
            "CipherValue",
        )?,
        "the ciphertext",
    )?;
    if sealed.len() < 12 + 16 {
        return Err(bad("the ciphertext is shorter than IV and tag"));
    }
    let (iv, ciphertext) = sealed.split_at(12);
    let nonce = aes_gcm::Nonce::try_from(iv).map_err(|_| bad("IV length"))?;
    let plain = match content_key.len() {
        16 => Aes128Gcm::new_from_slice(content_key)
            .map_err(|_| bad("key length"))?
            .decrypt(&nonce, ciphertext),
        32 => Aes256Gcm::new_from_slice(content_key)
            .map_err(|_| bad("key length"))?
            .decrypt(&nonce, ciphertext),
        n => return Err(bad(format!("a content key of {n} bytes"))),
    }
    .map_err(|_| bad("AES-GCM authentication failed (corrupted ciphertext or tag)"))?;
    String::from_utf8(plain).map_err(|_| bad("the plaintext is not UTF-8"))
}
