//! Building the SP's messages (docs/national-node.md, sections 1, 3 and 7) as
//! signature templates; `signature::sign` fills in the digests and the value.

use super::{NodeRefusal, SpProfile};

pub(crate) const SAML2P: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
pub(crate) const SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub(crate) const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub(crate) const DSIG11: &str = "http://www.w3.org/2009/xmldsig11#";
pub(crate) const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
pub(crate) const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
pub(crate) const EIDAS: &str = "http://eidas.europa.eu/saml-extensions";
pub(crate) const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub(crate) const MD: &str = "urn:oasis:names:tc:SAML:2.0:metadata";

pub(crate) const BINDING_ARTIFACT: &str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact";
pub(crate) const NAMEID_UNSPECIFIED: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
pub(crate) const ATTRNAME_URI: &str = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri";
pub(crate) const NATURAL_PERSON: &str = "http://eidas.europa.eu/attributes/naturalperson/";

/// The four attributes asked for: FriendlyName in the request, local name of the URI.
pub(crate) const REQUESTED: [(&str, &str); 4] = [
    ("FamilyName", "CurrentFamilyName"),
    ("FirstName", "CurrentGivenName"),
    ("DateOfBirth", "DateOfBirth"),
    ("PersonIdentifier", "PersonIdentifier"),
];

/// Escapes text for an attribute value or element content.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// `xs:dateTime` in UTC with milliseconds and `Z`.
pub(crate) fn instant(ms: i64) -> Result<String, NodeRefusal> {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|e| NodeRefusal::Malformed(format!("time {ms} ms out of range: {e}")))?;
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&f)
        .map_err(|e| NodeRefusal::Malformed(format!("time {ms} ms cannot be written: {e}")))
}

/// Parses an `xs:dateTime` with an offset (`Z` or `±hh:mm`) into ms since the epoch.
pub(crate) fn parse_instant(s: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The `ds:Signature` template placed right after the Issuer: exclusive c14n
/// with the contract's PrefixList, ECDSA-SHA256, and the signer's certificate.
pub(crate) fn signature_template(reference_id: &str, cert_b64: &str) -> String {
    format!(
        concat!(
            "<ds:Signature><ds:SignedInfo>",
            "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>",
            "<ds:Reference URI=\"#{id}\"><ds:Transforms>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">",
            "<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"ds saml2 saml2p xenc\"/>",
            "</ds:Transform></ds:Transforms>",
            "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>",
            "<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>",
            "<ds:SignatureValue></ds:SignatureValue>",
            "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>",
            "</ds:Signature>"
        ),
        id = esc(reference_id),
        cert = cert_b64,
    )
}

/// The AuthnRequest template (section 1).
pub(crate) fn authn_request(
    p: &SpProfile,
    id: &str,
    now_ms: i64,
    cert_b64: &str,
) -> Result<String, NodeRefusal> {
    let mut attrs = String::new();
    for (friendly, local) in REQUESTED {
        attrs.push_str(&format!(
            "<eidas:RequestedAttribute FriendlyName=\"{friendly}\" Name=\"{NATURAL_PERSON}{local}\" NameFormat=\"{ATTRNAME_URI}\" isRequired=\"true\"/>"
        ));
    }
    Ok(format!(
        concat!(
            "<saml2p:AuthnRequest xmlns:saml2p=\"{saml2p}\" xmlns:saml2=\"{saml2}\" xmlns:ds=\"{ds}\" xmlns:eidas=\"{eidas}\"",
            " ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" Destination=\"{dest}\" AssertionConsumerServiceURL=\"{acs}\"",
            " ProtocolBinding=\"{binding}\" ForceAuthn=\"true\" IsPassive=\"false\">",
            "<saml2:Issuer>{issuer}</saml2:Issuer>{sig}",
            "<saml2p:Extensions><eidas:SPType>public</eidas:SPType><eidas:RequestedAttributes>{attrs}</eidas:RequestedAttributes></saml2p:Extensions>",
            "<saml2p:NameIDPolicy AllowCreate=\"true\" Format=\"{nameid}\"/>",
            "<saml2p:RequestedAuthnContext Comparison=\"minimum\"><saml2:AuthnContextClassRef>{loa}</saml2:AuthnContextClassRef></saml2p:RequestedAuthnContext>",
            "</saml2p:AuthnRequest>"
        ),
        saml2p = SAML2P,
        saml2 = SAML2,
        ds = DS,
        eidas = EIDAS,
        id = esc(id),
        now = instant(now_ms)?,
        dest = esc(&p.sso_url),
        acs = esc(&p.acs_url),
        binding = BINDING_ARTIFACT,
        issuer = esc(&p.sp_entity_id),
        sig = signature_template(id, cert_b64),
        attrs = attrs,
        nameid = NAMEID_UNSPECIFIED,
        loa = p.min_loa.uri(),
    ))
}

fn soap(body: &str) -> String {
    format!(
        "<soap11:Envelope xmlns:soap11=\"{SOAP11}\"><soap11:Body>{body}</soap11:Body></soap11:Envelope>"
    )
}

/// The SOAP envelope with the ArtifactResolve template (section 3).
pub(crate) fn artifact_resolve(
    p: &SpProfile,
    id: &str,
    artifact: &str,
    now_ms: i64,
    cert_b64: &str,
) -> Result<String, NodeRefusal> {
    Ok(soap(&format!(
        concat!(
            "<saml2p:ArtifactResolve xmlns:saml2p=\"{saml2p}\" xmlns:saml2=\"{saml2}\" xmlns:ds=\"{ds}\"",
            " ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" Destination=\"{dest}\">",
            "<saml2:Issuer>{issuer}</saml2:Issuer>{sig}",
            "<saml2p:Artifact>{artifact}</saml2p:Artifact></saml2p:ArtifactResolve>"
        ),
        saml2p = SAML2P,
        saml2 = SAML2,
        ds = DS,
        id = esc(id),
        now = instant(now_ms)?,
        dest = esc(&p.artifact_resolution_url),
        issuer = esc(&p.sp_entity_id),
        sig = signature_template(id, cert_b64),
        artifact = esc(artifact.trim()),
    )))
}

/// The SOAP envelope with the LogoutRequest template (section 7).
pub(crate) fn logout_request(
    p: &SpProfile,
    id: &str,
    name_id: &str,
    session_index: &str,
    now_ms: i64,
    cert_b64: &str,
) -> Result<String, NodeRefusal> {
    Ok(soap(&format!(
        concat!(
            "<saml2p:LogoutRequest xmlns:saml2p=\"{saml2p}\" xmlns:saml2=\"{saml2}\" xmlns:ds=\"{ds}\"",
            " ID=\"{id}\" Version=\"2.0\" IssueInstant=\"{now}\" Destination=\"{dest}\">",
            "<saml2:Issuer>{issuer}</saml2:Issuer>{sig}",
            "<saml2:NameID Format=\"{nameid}\">{name_id}</saml2:NameID>",
            "<saml2p:SessionIndex>{session_index}</saml2p:SessionIndex></saml2p:LogoutRequest>"
        ),
        saml2p = SAML2P,
        saml2 = SAML2,
        ds = DS,
        id = esc(id),
        now = instant(now_ms)?,
        dest = esc(&p.logout_url),
        issuer = esc(&p.sp_entity_id),
        sig = signature_template(id, cert_b64),
        nameid = NAMEID_UNSPECIFIED,
        name_id = esc(name_id),
        session_index = esc(session_index),
    )))
}

/// A fresh ID: `_` and 40 hex digits from the OS's random source. Should the
/// OS have no randomness, a unique (not secret) ID from a counter, the clock
/// and the process is used instead, and the failure is logged.
pub(crate) fn new_id() -> String {
    use std::fmt::Write as _;
    let mut bytes = [0u8; 20];
    if let Err(e) = getrandom::fill(&mut bytes) {
        use sha2::Digest as _;
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        tracing::error!(error = %e, "no randomness for a SAML message ID; using a unique fallback");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut h = sha2::Sha256::new();
        h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
        h.update(now.to_be_bytes());
        h.update(std::process::id().to_be_bytes());
        bytes.copy_from_slice(&h.finalize()[..20]);
    }
    let mut id = String::with_capacity(41);
    id.push('_');
    for b in bytes {
        let _ = write!(id, "{b:02x}");
    }
    id
}
