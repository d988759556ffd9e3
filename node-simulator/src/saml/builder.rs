//! Builders of the node's messages: the Response (with its encrypted
//! assertion), the ArtifactResponse and the LogoutResponse, each signed.

use time::{Duration, OffsetDateTime};

use super::{
    EncryptionTarget, Loa, NAMEID_UNSPECIFIED, NS_NATURALPERSON, NS_SAML2, NodeSigner,
    SIGNED_ELEMENT_NS, STATUS_AUTHN_FAILED, STATUS_NO_AUTHN_CONTEXT, STATUS_RESPONDER,
    STATUS_SUCCESS, SamlError, encrypt_assertion, esc, new_id, soap_envelope, xml_time,
};

/// Who authenticated, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionData {
    /// The node's opaque, stable id of the person.
    pub name_id: String,
    pub session_index: String,
    pub loa: Loa,
    /// As the node sends them: upper case, Polish letters kept.
    pub given_name: String,
    pub family_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// PESEL.
    pub person_identifier: String,
}

/// The end of a login at the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Success(AssertionData),
    /// Cancelled, or the person could not authenticate.
    AuthnFailed(Option<String>),
    /// The means cannot reach the requested level of assurance.
    NoAuthnContext(Option<String>),
}

impl Outcome {
    /// The `saml2p:Status` element of both the Response and the ArtifactResponse.
    pub fn status_xml(&self) -> String {
        let (second, message) = match self {
            Outcome::Success(_) => return success_status_xml(),
            Outcome::AuthnFailed(m) => (STATUS_AUTHN_FAILED, m),
            Outcome::NoAuthnContext(m) => (STATUS_NO_AUTHN_CONTEXT, m),
        };
        let message = message
            .as_deref()
            .map(|m| format!("<saml2p:StatusMessage>{}</saml2p:StatusMessage>", esc(m)))
            .unwrap_or_default();
        format!(
            r#"<saml2p:Status><saml2p:StatusCode Value="{STATUS_RESPONDER}"><saml2p:StatusCode Value="{second}"/></saml2p:StatusCode>{message}</saml2p:Status>"#
        )
    }
}

/// `Status` with the single code Success.
pub fn success_status_xml() -> String {
    format!(r#"<saml2p:Status><saml2p:StatusCode Value="{STATUS_SUCCESS}"/></saml2p:Status>"#)
}

/// Builds the signed `saml2p:Response` (section 4 and 6 of the contract).
#[derive(Debug, Clone)]
pub struct ResponseBuilder {
    pub node_entity_id: String,
    pub sp_entity_id: String,
    pub acs_url: String,
    /// The AuthnRequest's ID.
    pub in_response_to: String,
    pub outcome: Outcome,
    pub now: OffsetDateTime,
}

impl ResponseBuilder {
    pub fn new(
        node_entity_id: impl Into<String>,
        sp_entity_id: impl Into<String>,
        acs_url: impl Into<String>,
        in_response_to: impl Into<String>,
        outcome: Outcome,
    ) -> Self {
        Self {
            node_entity_id: node_entity_id.into(),
            sp_entity_id: sp_entity_id.into(),
            acs_url: acs_url.into(),
            in_response_to: in_response_to.into(),
            outcome,
            now: OffsetDateTime::now_utc(),
        }
    }

    /// The plaintext assertion (what the SP gets after decryption), with its
    /// own namespace declarations.
    pub fn assertion_xml(&self, a: &AssertionData) -> String {
        let now = xml_time(self.now);
        let until = xml_time(self.now + Duration::minutes(5));
        let attr = |friendly: &str, value: &str| {
            format!(
                r#"<saml2:Attribute FriendlyName="{friendly}" Name="{NS_NATURALPERSON}/{friendly}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml2:AttributeValue xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="naturalperson:{friendly}Type">{}</saml2:AttributeValue></saml2:Attribute>"#,
                esc(value)
            )
        };
        format!(
            r#"<saml2:Assertion xmlns:saml2="{NS_SAML2}" xmlns:naturalperson="{NS_NATURALPERSON}" ID="{id}" Version="2.0" IssueInstant="{now}"><saml2:Issuer>{issuer}</saml2:Issuer><saml2:Subject><saml2:NameID Format="{NAMEID_UNSPECIFIED}">{name_id}</saml2:NameID><saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData InResponseTo="{irt}" NotOnOrAfter="{until}" Recipient="{acs}"/></saml2:SubjectConfirmation></saml2:Subject><saml2:Conditions NotBefore="{now}" NotOnOrAfter="{until}"><saml2:AudienceRestriction><saml2:Audience>{aud}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions><saml2:AuthnStatement AuthnInstant="{now}" SessionIndex="{si}"><saml2:AuthnContext><saml2:AuthnContextClassRef>{loa}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>{fam}{giv}{dob}{pid}</saml2:AttributeStatement></saml2:Assertion>"#,
            id = new_id(),
            issuer = esc(&self.node_entity_id),
            name_id = esc(&a.name_id),
            irt = esc(&self.in_response_to),
            acs = esc(&self.acs_url),
            aud = esc(&self.sp_entity_id),
            si = esc(&a.session_index),
            loa = a.loa.uri(),
            fam = attr("CurrentFamilyName", &a.family_name),
            giv = attr("CurrentGivenName", &a.given_name),
            dob = attr("DateOfBirth", &a.date_of_birth),
            pid = attr("PersonIdentifier", &a.person_identifier),
        )
    }

    /// The signed Response, without an XML declaration, ready to be placed
    /// in an ArtifactResponse.
    pub fn build(
        &self,
        signer: &NodeSigner,
        target: &EncryptionTarget,
    ) -> Result<String, SamlError> {
        let id = new_id();
        let body = match &self.outcome {
            Outcome::Success(a) => encrypt_assertion(
                &self.assertion_xml(a),
                target,
                &self.node_entity_id,
                &self.sp_entity_id,
            )?,
            _ => String::new(),
        };
        let xml = format!(
            r#"<saml2p:Response {SIGNED_ELEMENT_NS} ID="{id}" Version="2.0" IssueInstant="{now}" InResponseTo="{irt}" Destination="{acs}"><saml2:Issuer>{issuer}</saml2:Issuer>{sig}{status}{body}</saml2p:Response>"#,
            now = xml_time(self.now),
            irt = esc(&self.in_response_to),
            acs = esc(&self.acs_url),
            issuer = esc(&self.node_entity_id),
            sig = signer.template(&id),
            status = self.outcome.status_xml(),
        );
        signer.sign(xml)
    }
}

/// Builds the signed `saml2p:ArtifactResponse` in its SOAP envelope.
#[derive(Debug, Clone)]
pub struct ArtifactResponseBuilder {
    pub node_entity_id: String,
    /// The ArtifactResolve's ID.
    pub in_response_to: String,
    /// The status of the inner Response (Success when there is none).
    pub status_xml: String,
    /// The signed Response (from [`ResponseBuilder::build`]); `None` for an
    /// unknown, used or expired artifact.
    pub response_xml: Option<String>,
}

impl ArtifactResponseBuilder {
    pub fn new(node_entity_id: impl Into<String>, in_response_to: impl Into<String>) -> Self {
        Self {
            node_entity_id: node_entity_id.into(),
            in_response_to: in_response_to.into(),
            status_xml: success_status_xml(),
            response_xml: None,
        }
    }

    pub fn with_response(mut self, outcome: &Outcome, signed_response: String) -> Self {
        self.status_xml = outcome.status_xml();
        self.response_xml = Some(signed_response);
        self
    }

    pub fn build(&self, signer: &NodeSigner) -> Result<String, SamlError> {
        let id = new_id();
        let xml = format!(
            r#"<saml2p:ArtifactResponse {SIGNED_ELEMENT_NS} ID="{id}" Version="2.0" IssueInstant="{now}" InResponseTo="{irt}"><saml2:Issuer>{issuer}</saml2:Issuer>{sig}{status}{resp}</saml2p:ArtifactResponse>"#,
            now = xml_time(OffsetDateTime::now_utc()),
            irt = esc(&self.in_response_to),
            issuer = esc(&self.node_entity_id),
            sig = signer.template(&id),
            status = self.status_xml,
            resp = self.response_xml.as_deref().unwrap_or(""),
        );
        Ok(soap_envelope(&signer.sign(xml)?))
    }
}

/// Builds the signed `saml2p:LogoutResponse` (status Success) in its SOAP envelope.
#[derive(Debug, Clone)]
pub struct LogoutResponseBuilder {
    pub node_entity_id: String,
    pub in_response_to: String,
}

impl LogoutResponseBuilder {
    pub fn new(node_entity_id: impl Into<String>, in_response_to: impl Into<String>) -> Self {
        Self {
            node_entity_id: node_entity_id.into(),
            in_response_to: in_response_to.into(),
        }
    }

    pub fn build(&self, signer: &NodeSigner) -> Result<String, SamlError> {
        let id = new_id();
        let xml = format!(
            r#"<saml2p:LogoutResponse {SIGNED_ELEMENT_NS} ID="{id}" Version="2.0" IssueInstant="{now}" InResponseTo="{irt}"><saml2:Issuer>{issuer}</saml2:Issuer>{sig}{status}</saml2p:LogoutResponse>"#,
            status = success_status_xml(),
            now = xml_time(OffsetDateTime::now_utc()),
            irt = esc(&self.in_response_to),
            issuer = esc(&self.node_entity_id),
            sig = signer.template(&id),
        );
        Ok(soap_envelope(&signer.sign(xml)?))
    }
}
