//! XML-DSig with bergshamra: the node signs with its own P-256 key; the SP's
//! messages are verified with the SP's configured certificate only (strict
//! mode, trusted keys only: the `KeyInfo` of a message is never trusted).

use bergshamra_dsig::{DsigContext, VerifyResult};
use bergshamra_keys::KeysManager;
use uppsala::{Document, NodeId};

use super::{NS_DS, SamlError, esc};

const C14N_EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// An empty signature template for the element with `id`, to be placed right
/// after that element's `saml2:Issuer`. `ds` must be declared in scope.
pub fn signature_template(id: &str, cert_b64: &str) -> String {
    let id = esc(id);
    format!(
        "<ds:Signature><ds:SignedInfo>\
<ds:CanonicalizationMethod Algorithm=\"{C14N_EXC}\"/>\
<ds:SignatureMethod Algorithm=\"{ECDSA_SHA256}\"/>\
<ds:Reference URI=\"#{id}\"><ds:Transforms>\
<ds:Transform Algorithm=\"{ENVELOPED}\"/>\
<ds:Transform Algorithm=\"{C14N_EXC}\"><ec:InclusiveNamespaces xmlns:ec=\"{C14N_EXC}\" PrefixList=\"ds saml2 saml2p xenc\"/></ds:Transform>\
</ds:Transforms>\
<ds:DigestMethod Algorithm=\"{SHA256}\"/><ds:DigestValue></ds:DigestValue></ds:Reference>\
</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>\
<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\
</ds:Signature>"
    )
}

/// A signer holding a P-256 private key (PKCS#8 PEM) and its certificate.
/// The key is parsed for each signature: the bergshamra context is not `Sync`.
#[derive(Clone)]
pub struct NodeSigner {
    key_pem: String,
    cert_b64: String,
}

impl NodeSigner {
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Self, SamlError> {
        let signer = Self {
            key_pem: key_pem.to_owned(),
            cert_b64: super::pem_body_b64(cert_pem),
        };
        signer.context()?; // fail early on a bad key
        Ok(signer)
    }

    pub fn cert_b64(&self) -> &str {
        &self.cert_b64
    }

    fn context(&self) -> Result<DsigContext, SamlError> {
        let key = bergshamra_keys::loader::load_ec_p256_private_pem(self.key_pem.as_bytes())
            .map_err(|e| SamlError::Key(e.to_string()))?;
        let mut km = KeysManager::new();
        km.add_key(key);
        Ok(DsigContext::new(km))
    }

    /// The template for the element `id` (see [`signature_template`]).
    pub fn template(&self, id: &str) -> String {
        signature_template(id, &self.cert_b64)
    }

    /// Fill the first (in document order) empty signature template of `xml`.
    pub fn sign(&self, xml: String) -> Result<String, SamlError> {
        bergshamra_dsig::sign::sign_owned(&self.context()?, xml)
            .map_err(|e| SamlError::Crypto(format!("signing failed: {e}")))
    }
}

/// Verifies signatures with one configured certificate (PEM).
#[derive(Clone)]
pub struct SpVerifier {
    cert_pem: String,
}

impl SpVerifier {
    pub fn from_cert_pem(cert_pem: &str) -> Result<Self, SamlError> {
        let v = Self {
            cert_pem: cert_pem.to_owned(),
        };
        v.context()?;
        Ok(v)
    }

    fn context(&self) -> Result<DsigContext, SamlError> {
        let key = bergshamra_keys::loader::load_x509_cert_pem(self.cert_pem.as_bytes())
            .map_err(|e| SamlError::Key(e.to_string()))?;
        let mut km = KeysManager::new();
        km.add_key(key);
        Ok(DsigContext::new(km))
    }

    /// Verify that `element` carries exactly one valid signature, as the
    /// contract wants: the document holds exactly one `ds:Signature`, it is
    /// a child of `element`, right after its `Issuer`, and its single
    /// reference resolves to `element` itself.
    pub fn verify_element(&self, doc: &Document<'_>, element: NodeId) -> Result<(), SamlError> {
        let sigs = doc.get_elements_by_tag_name_ns(NS_DS, "Signature");
        if sigs.len() != 1 {
            return Err(SamlError::Signature(format!(
                "expected exactly one ds:Signature, found {}",
                sigs.len()
            )));
        }
        let sig = sigs[0];
        if doc.parent(sig) != Some(element) {
            return Err(SamlError::Signature(
                "the signature is not a child of the signed element".into(),
            ));
        }
        let mut elems = doc
            .children(element)
            .into_iter()
            .filter(|&c| doc.element(c).is_some());
        let first = elems.next();
        let second = elems.next();
        let issuer_first = first
            .and_then(|n| doc.element(n))
            .is_some_and(|e| e.name.local_name.as_ref() == "Issuer");
        if !issuer_first || second != Some(sig) {
            return Err(SamlError::Signature(
                "the signature must come right after Issuer".into(),
            ));
        }
        let result = bergshamra_dsig::verify::verify_document(&self.context()?, doc)
            .map_err(|e| SamlError::Signature(e.to_string()))?;
        match result {
            VerifyResult::Valid {
                signature_node,
                references,
                ..
            } => {
                if signature_node != sig {
                    return Err(SamlError::Signature(
                        "another signature was verified".into(),
                    ));
                }
                if references.len() != 1
                    || references[0].resolved_node != Some(element)
                    || !references[0].digest_verified
                {
                    return Err(SamlError::Signature(
                        "the reference does not cover the signed element".into(),
                    ));
                }
                Ok(())
            }
            VerifyResult::Invalid { reason } => Err(SamlError::Signature(reason)),
        }
    }
}
