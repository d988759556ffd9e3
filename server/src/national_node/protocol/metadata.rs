//! The SP's metadata document for the node's registration.

use super::SpProfile;
use super::xml::{BINDING_ARTIFACT, DS, MD, NAMEID_UNSPECIFIED, esc};

fn key_descriptor(usage: &str, cert_b64: &str, methods: &str) -> String {
    format!(
        "<md:KeyDescriptor use=\"{usage}\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert_b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>{methods}</md:KeyDescriptor>"
    )
}

/// The content encryption we accept, announced with the encryption key.
const ENCRYPTION_METHODS: &str =
    "<md:EncryptionMethod Algorithm=\"http://www.w3.org/2009/xmlenc11#aes256-gcm\"/>";

/// The EntityDescriptor with one SPSSODescriptor.
pub(crate) fn metadata(p: &SpProfile, signing_cert_b64: &str, encryption_cert_b64: &str) -> String {
    // The single logout service, once the portal offers one, goes here: the
    // schema orders md:SingleLogoutService before md:NameIDFormat.
    let single_logout_services = "";
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<md:EntityDescriptor xmlns:md=\"{md}\" xmlns:ds=\"{ds}\" entityID=\"{entity}\">",
            "<md:SPSSODescriptor AuthnRequestsSigned=\"true\" WantAssertionsSigned=\"false\"",
            " protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">",
            "{signing}{encryption}{slo}",
            "<md:NameIDFormat>{nameid}</md:NameIDFormat>",
            "<md:AssertionConsumerService Binding=\"{binding}\" Location=\"{acs}\" index=\"0\" isDefault=\"true\"/>",
            "</md:SPSSODescriptor></md:EntityDescriptor>\n"
        ),
        md = MD,
        ds = DS,
        entity = esc(&p.sp_entity_id),
        signing = key_descriptor("signing", signing_cert_b64, ""),
        encryption = key_descriptor("encryption", encryption_cert_b64, ENCRYPTION_METHODS),
        slo = single_logout_services,
        nameid = NAMEID_UNSPECIFIED,
        binding = BINDING_ARTIFACT,
        acs = esc(&p.acs_url),
    )
}
