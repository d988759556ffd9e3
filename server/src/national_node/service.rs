//! A sign-in through login.gov.pl, from the button to "Wybierz konto":
//! the request (tied to the browser by a cookie), the artifact back through
//! the browser, its resolution over the back channel, every check of the
//! answer, and then the person — signed in (a strong sign-in: no code),
//! their profile confirmed if it was not, or offered registration.

use std::sync::Arc;

use app::pages::login_gov_pl::NodeFailure;
use app::ports::NextStep;
use base64::{Engine, engine::general_purpose::STANDARD};
use http::{HeaderMap, HeaderValue, request::Parts};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{
    back_channel::BackChannel,
    protocol::{self, Expected, NodeAssertion, NodeRefusal, SpProfile},
    store::{self, OnceOnly, VouchedIdentity},
};
use crate::{
    accounts, audit,
    db::{entities::person, now_millis},
    http::client_ip::ClientIp,
    domain::Pesel,
    profile_confirmation::{Attribution, ConfirmError, ConfirmationMethod, ProfileConfirmations, ProfileKey},
    session::{CookiePolicy, NodeSession, SessionGate, SessionToken},
};

/// The auto-submitting form that takes the browser to the node.
#[derive(Debug, Clone)]
pub struct AutoPost {
    pub action: String,
    pub saml_request: String,
    pub relay_state: String,
}

/// Where a successful answer leads.
#[derive(Debug)]
pub enum Finished {
    /// Signed in: the step (account or role choice, or the portal) and the session cookie.
    SignedIn { person_id: i32, step: NextStep, session_cookie: HeaderValue },
    /// No profile has this PESEL: registration, with the identity's cookie.
    Register { identity_cookie: HeaderValue },
}

/// How long the data of a registration offer are kept.
const IDENTITY_TTL_MS: i64 = 60 * 60_000;

pub struct NationalNodeService {
    db: DatabaseConnection,
    profile: Arc<SpProfile>,
    back_channel: BackChannel,
    gate: SessionGate,
    client_ip: ClientIp,
    browser_cookie: CookiePolicy,
    identity_cookie: CookiePolicy,
    sign_in_ms: i64,
}

impl NationalNodeService {
    pub fn new(
        db: DatabaseConnection,
        profile: Arc<SpProfile>,
        back_channel: BackChannel,
        gate: SessionGate,
        client_ip: ClientIp,
        dev_mode: bool,
        sign_in_minutes: u64,
    ) -> Self {
        NationalNodeService {
            db,
            profile,
            back_channel,
            gate,
            client_ip,
            browser_cookie: CookiePolicy::for_national_node(dev_mode),
            identity_cookie: CookiePolicy::for_node_identity(dev_mode),
            sign_in_ms: sign_in_minutes as i64 * 60_000,
        }
    }

    pub fn profile(&self) -> &SpProfile {
        &self.profile
    }

    /// The cookie of a registration offer, for the registration service.
    pub fn identity_cookie(&self) -> CookiePolicy {
        self.identity_cookie
    }

    /// Starts a sign-in: the signed AuthnRequest to post, and the cookie
    /// that ties the answer to this browser.
    pub async fn begin(&self) -> Result<(AutoPost, HeaderValue), NodeFailure> {
        let random = || SessionToken::generate().map_err(|e| fail("randomness", e));
        let (relay_state, browser) = (random()?, random()?);
        let id = protocol::new_id();
        let xml = protocol::authn_request(&self.profile, &id, now_millis()).map_err(|e| fail("signing the AuthnRequest", e))?;
        store::remember_request(&self.db, &relay_state, &browser, &id, self.sign_in_ms)
            .await
            .map_err(|e| fail("recording the request", e))?;
        tracing::info!(request_id = %id, "sign-in through login.gov.pl begun");
        let form = AutoPost {
            action: self.profile.sso_url.clone(),
            saml_request: STANDARD.encode(xml.as_bytes()),
            relay_state: relay_state.as_str().to_owned(),
        };
        Ok((form, self.browser_cookie.set(&browser)))
    }

    /// The header that removes the browser's node cookie.
    pub fn clear_browser_cookie(&self) -> HeaderValue {
        self.browser_cookie.clear()
    }

    /// The answer posted back to the ACS (`SAMLart`, `RelayState`), recorded
    /// in the audit trail.
    pub async fn finish(&self, request: &Parts, artifact: &str, relay_state: &str) -> Result<Finished, NodeFailure> {
        let result = self.resolve(&request.headers, artifact, relay_state).await;
        let (person_id, outcome) = match &result {
            Ok(Finished::SignedIn { person_id, .. }) => (Some(*person_id), "ok"),
            Ok(Finished::Register { .. }) => (None, "registration_offered"),
            Err(failure) => (None, failure.as_query()),
        };
        let record = audit::Record {
            event: audit::Event::SignInLoginGovPl,
            person_id,
            login: None,
            client: self.client_ip.of(request),
            outcome,
        };
        audit::record(&self.db, record).await;
        result
    }

    async fn resolve(&self, headers: &HeaderMap, artifact: &str, relay_state: &str) -> Result<Finished, NodeFailure> {
        let (Some(browser), Some(relay)) = (self.browser_cookie.token(headers), SessionToken::parse(relay_state)) else {
            return Err(refused(NodeFailure::Expired, "unsolicited answer: no sign-in of this browser"));
        };
        let request_id = match store::take_request(&self.db, &relay, &browser).await {
            Ok(Some(id)) => id,
            Ok(None) => return Err(refused(NodeFailure::Expired, "unsolicited, late or repeated answer")),
            Err(e) => return Err(fail("taking the request back", e)),
        };
        let artifact = artifact.trim();
        if artifact.is_empty() || artifact.len() > 200 {
            return Err(refused(NodeFailure::Trust, "no artifact or an oversized one"));
        }
        let once = store::use_once(&self.db, OnceOnly::Artifact, artifact, now_millis() + self.sign_in_ms);
        if !once.await.map_err(|e| fail("recording the artifact", e))? {
            return Err(refused(NodeFailure::Trust, "replayed artifact"));
        }
        let resolve_id = protocol::new_id();
        let envelope = protocol::artifact_resolve(&self.profile, &resolve_id, artifact, now_millis())
            .map_err(|e| fail("signing the ArtifactResolve", e))?;
        let answer = self
            .back_channel
            .post(&self.profile.artifact_resolution_url, envelope)
            .await
            .map_err(|e| refused(NodeFailure::Unavailable, &format!("artifact resolution: {e}")))?;
        let expected = Expected { authn_request_id: &request_id, artifact_resolve_id: &resolve_id, now_ms: now_millis() };
        let assertion = protocol::read_artifact_response(&self.profile, &answer, &expected).map_err(refusal)?;
        let remember_until = assertion.not_on_or_after_ms + self.profile.clock_skew.as_millis() as i64;
        let once = store::use_once(&self.db, OnceOnly::Assertion, &assertion.assertion_id, remember_until);
        if !once.await.map_err(|e| fail("recording the assertion", e))? {
            return Err(refused(NodeFailure::Trust, "replayed assertion"));
        }
        self.person_of(headers, assertion).await
    }

    async fn person_of(&self, headers: &HeaderMap, assertion: NodeAssertion) -> Result<Finished, NodeFailure> {
        let Ok(pesel) = Pesel::parse(&assertion.person_identifier) else {
            return Err(refused(NodeFailure::Trust, "PersonIdentifier is no PESEL"));
        };
        let found = person::Entity::find().filter(person::Column::Pesel.eq(pesel.as_str())).one(&self.db).await;
        let Some(person) = found.map_err(|e| fail("finding the person", e))? else {
            return self.offer_registration(pesel, assertion).await;
        };
        if !person.profile_confirmed {
            let attribution = Attribution { run_by: Some("login.gov.pl".into()), note: Some(format!("LoA {}", assertion.loa.uri())) };
            match ProfileConfirmations::new(self.db.clone())
                .confirm(&ProfileKey::Pesel(pesel), ConfirmationMethod::LoginGovPl, &attribution)
                .await
            {
                // Confirmed meanwhile by someone else: just as good.
                Ok(_) | Err(ConfirmError::AlreadyConfirmed { .. }) => {}
                Err(e) => return Err(fail("confirming the profile", e)),
            }
        }
        let state = accounts::entry_state(&self.db, person.id).await.map_err(|e| fail("listing accounts", e))?;
        let node = NodeSession { name_id: assertion.name_id, session_index: assertion.session_index };
        let previous = self.gate.token(headers);
        let token = self
            .gate
            .sessions()
            .open_after_node(person.id, state, previous.as_ref(), &node)
            .await
            .map_err(|e| fail("opening the session", e))?;
        tracing::info!(person_id = person.id, loa = assertion.loa.uri(), "signed in through login.gov.pl");
        Ok(Finished::SignedIn { person_id: person.id, step: state.stage.next_step(), session_cookie: self.gate.set_cookie(&token) })
    }

    async fn offer_registration(&self, pesel: Pesel, assertion: NodeAssertion) -> Result<Finished, NodeFailure> {
        let token = SessionToken::generate().map_err(|e| fail("randomness", e))?;
        let who = VouchedIdentity {
            pesel: pesel.as_str().to_owned(),
            first_name: name_case(&assertion.given_name),
            last_name: name_case(&assertion.family_name),
            birth_date: assertion.date_of_birth,
        };
        store::keep_identity(&self.db, &token, &who, IDENTITY_TTL_MS)
            .await
            .map_err(|e| fail("keeping the identity", e))?;
        tracing::info!("login.gov.pl vouched for a PESEL with no profile: registration offered");
        Ok(Finished::Register { identity_cookie: self.identity_cookie.set(&token) })
    }

    /// Tells the node the person signed out (best effort: our session ends
    /// whatever the node says; a failure is logged for the operator).
    pub async fn single_logout(&self, node: &NodeSession) {
        let id = protocol::new_id();
        let envelope = match protocol::logout_request(&self.profile, &id, &node.name_id, &node.session_index, now_millis()) {
            Ok(envelope) => envelope,
            Err(e) => return tracing::error!(error = %e, "signing the LogoutRequest failed"),
        };
        match self.back_channel.post(&self.profile.logout_url, envelope).await {
            Ok(answer) => match protocol::read_logout_response(&self.profile, &answer, &id, now_millis()) {
                Ok(()) => tracing::info!("signed out at login.gov.pl too"),
                Err(e) => tracing::warn!(error = %e, "login.gov.pl refused the logout"),
            },
            Err(e) => tracing::warn!(error = %e, "login.gov.pl could not be told of the logout"),
        }
    }
}

/// A name as people write it: the node sends "NOWAK-WIŚNIEWSKA", the
/// profile says "Nowak-Wiśniewska".
fn name_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.trim().chars().take(100) {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, ' ' | '-' | '\'');
    }
    out
}

/// A refusal of the node's answer: the person's page and the operator's line.
fn refusal(e: NodeRefusal) -> NodeFailure {
    let failure = match &e {
        NodeRefusal::Cancelled(_) => NodeFailure::Cancelled,
        NodeRefusal::LoaTooLow(_) => NodeFailure::LoaTooLow,
        NodeRefusal::Expired(_) => NodeFailure::Expired,
        NodeRefusal::BadSignature(_)
        | NodeRefusal::NotYetValid(_)
        | NodeRefusal::NotForUs(_)
        | NodeRefusal::Undecryptable(_)
        | NodeRefusal::Malformed(_) => NodeFailure::Trust,
    };
    refused(failure, &e.to_string())
}

fn refused(failure: NodeFailure, detail: &str) -> NodeFailure {
    // Debug-quoted: nothing the node sent can forge a log line.
    let detail: String = detail.chars().take(300).collect();
    tracing::warn!(failure = failure.as_query(), detail = ?detail, "login.gov.pl answer refused");
    failure
}

fn fail(what: &str, e: impl std::fmt::Display) -> NodeFailure {
    tracing::error!(error = %e, "login.gov.pl sign-in: {what} failed");
    NodeFailure::Technical
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way an answer is refused has its page ("błąd zaufania" for
    /// anything that cannot be believed).
    #[test]
    fn every_refusal_of_the_node_leads_to_its_page() {
        let d = || "detail".to_owned();
        for (given, page) in [
            (NodeRefusal::Cancelled(d()), NodeFailure::Cancelled),
            (NodeRefusal::LoaTooLow(d()), NodeFailure::LoaTooLow),
            (NodeRefusal::Expired(d()), NodeFailure::Expired),
            (NodeRefusal::BadSignature(d()), NodeFailure::Trust),
            (NodeRefusal::NotYetValid(d()), NodeFailure::Trust),
            (NodeRefusal::NotForUs(d()), NodeFailure::Trust),
            (NodeRefusal::Undecryptable(d()), NodeFailure::Trust),
            (NodeRefusal::Malformed(d()), NodeFailure::Trust),
        ] {
            assert_eq!(refusal(given.clone()), page, "{given:?}");
        }
    }

    #[test]
    fn names_from_the_node_are_written_as_people_write_them() {
        assert_eq!(super::name_case("NOWAK-WIŚNIEWSKA"), "Nowak-Wiśniewska");
        assert_eq!(super::name_case("JAN MARIA"), "Jan Maria");
        assert_eq!(super::name_case("ŻÓŁĆ"), "Żółć");
    }
}
