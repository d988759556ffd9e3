//! `SignInPort`: the password sign-in, keep-alive and sign-out.

use app::ports::{SessionRefusal, SignInPort, SignInRefusal, SignedIn};
use async_trait::async_trait;
use http::{HeaderValue, request::Parts};
use sea_orm::DatabaseConnection;

use super::{
    credentials::{CredentialCheck, check_credentials},
    throttle::{Admission, AttemptKeys, SignInThrottle},
};
use std::sync::Arc;

use crate::{
    audit,
    error::BackendError,
    national_node::NationalNodeService,
    http::client_ip::ClientIp,
    passwords::hasher::{HashError, PasswordHasher},
    session::{SessionGate, SessionState, Stage, unavailable},
    step_up::{self, codes::VerificationCodes},
    telemetry::sanitised,
};

/// When an overloaded sign-in may be tried again.
const OVERLOADED_RETRY_AFTER_SECS: u64 = 5;

pub struct SignInService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    gate: SessionGate,
    throttle: SignInThrottle,
    codes: VerificationCodes,
    client_ip: ClientIp,
    /// Told of a sign-out that began at login.gov.pl (single logout).
    node: Option<Arc<NationalNodeService>>,
}

impl SignInService {
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        gate: SessionGate,
        client_ip: ClientIp,
        codes: VerificationCodes,
        node: Option<Arc<NationalNodeService>>,
    ) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        SignInService { db, hasher, gate, throttle, codes, client_ip, node }
    }

    async fn password_sign_in(&self, request: &Parts, login: String, password: String) -> Result<SignedIn, SignInRefusal> {
        let (login_missing, password_missing) = (login.trim().is_empty(), password.is_empty());
        if login_missing || password_missing {
            return Err(SignInRefusal::MissingInput { login: login_missing, password: password_missing });
        }
        let client = self.client_ip.of(request);
        let keys = AttemptKeys::new(&login, client);
        let reserved = match self.throttle.reserve(&keys).await {
            Ok(Admission::Granted(reserved)) => reserved,
            Ok(Admission::Wait { wait_ms }) => {
                tracing::warn!(client = ?client, login = %sanitised(&login), wait_ms, "sign-in throttled");
                return Err(SignInRefusal::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) });
            }
            Err(e) => {
                tracing::error!(error = %e, "reserving a sign-in attempt failed");
                return Err(SignInRefusal::Unavailable);
            }
        };
        let checked = check_credentials(&self.db, &self.hasher, &login, password).await;
        let counted = match &checked {
            Ok(CredentialCheck::Accepted { .. }) => self.throttle.succeeded(reserved).await,
            Ok(CredentialCheck::Rejected) => {
                self.throttle.failed(reserved);
                Ok(())
            }
            Err(_) => self.throttle.release(reserved).await,
        };
        if let Err(e) = counted {
            tracing::error!(error = %e, "updating the sign-in throttle failed");
            return Err(SignInRefusal::Unavailable);
        }
        match checked {
            Ok(CredentialCheck::Accepted { person, .. }) if !person.profile_confirmed => {
                tracing::info!(person_id = person.id, client = ?client, "sign-in refused: profile not confirmed");
                Err(SignInRefusal::ProfileUnconfirmed)
            }
            Ok(CredentialCheck::Accepted { person, legacy }) => {
                // The code comes first, also for a legacy password: the short
                // password alone must never be enough to set a new one.
                let state = SessionState::at(Stage::CodeRequired);
                let previous = self.gate.token(&request.headers);
                let opened = match step_up::send_sign_in_code(&self.codes, &person).await {
                    Ok(()) => self.gate.sessions().open(person.id, state, legacy, previous.as_ref()).await.map(|t| (t, state)),
                    Err(e) => Err(e),
                };
                match opened {
                    Ok((token, state)) => {
                        tracing::info!(person_id = person.id, legacy, client = ?client, "password accepted");
                        Ok(SignedIn { set_cookie: self.gate.set_cookie(&token), next: state.stage.next_step() })
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "opening a session failed");
                        Err(SignInRefusal::Unavailable)
                    }
                }
            }
            Ok(CredentialCheck::Rejected) => {
                tracing::info!(client = ?client, login = %sanitised(&login), "sign-in refused: wrong login or password");
                Err(SignInRefusal::InvalidCredentials)
            }
            Err(BackendError::Hash(HashError::Overloaded)) => {
                tracing::warn!(client = ?client, "sign-in refused: hashing queue full");
                Err(SignInRefusal::Overloaded { retry_after_secs: OVERLOADED_RETRY_AFTER_SECS })
            }
            Err(e) => {
                tracing::error!(error = %e, "checking credentials failed");
                Err(SignInRefusal::Unavailable)
            }
        }
    }
}

#[async_trait]
impl SignInPort for SignInService {
    async fn sign_in(&self, request: &Parts, login: String, password: String) -> Result<SignedIn, SignInRefusal> {
        let typed = login.clone();
        let result = self.password_sign_in(request, login, password).await;
        let failure = match &result {
            Ok(_) => None,
            Err(SignInRefusal::MissingInput { .. }) => Some("missing_input"),
            Err(SignInRefusal::InvalidCredentials) => Some("invalid_credentials"),
            Err(SignInRefusal::ProfileUnconfirmed) => Some("profile_unconfirmed"),
            Err(SignInRefusal::Throttled { .. }) => Some("throttled"),
            Err(SignInRefusal::Overloaded { .. }) => Some("overloaded"),
            Err(SignInRefusal::Unavailable) => Some("unavailable"),
        };
        crate::metrics::sign_in("password", if failure.is_some() { "refused" } else { "accepted" }, failure);
        let record = audit::Record {
            event: audit::Event::SignInPassword,
            person_id: None,
            login: Some(&typed),
            client: self.client_ip.of(request),
            outcome: failure.unwrap_or("ok"),
        };
        audit::record(&self.db, record).await;
        result
    }

    async fn keep_alive(&self, request: &Parts) -> Result<u64, SessionRefusal> {
        let session = self.gate.signed_in_session(request).await?;
        let sessions = self.gate.sessions();
        sessions.touch(&session).await.map_err(|e| unavailable("keeping the session", e))?;
        Ok(sessions.idle_timeout_secs())
    }

    async fn sign_out(&self, request: &Parts) -> Result<HeaderValue, SessionRefusal> {
        if let Some(token) = self.gate.token(&request.headers) {
            let sessions = self.gate.sessions();
            if let Ok(Some(ending)) = sessions.find(&token).await {
                let record = audit::Record::ok(audit::Event::SignOut, ending.person_id, self.client_ip.of(request));
                audit::record(&self.db, record).await;
            }
            let node_session = match &self.node {
                Some(_) => sessions.node_session(&token).await.map_err(|e| unavailable("reading a session", e))?,
                None => None,
            };
            sessions.end(&token).await.map_err(|e| unavailable("ending a session", e))?;
            tracing::info!(client = ?self.client_ip.of(request), "signed out");
            if let (Some(node), Some(node_session)) = (&self.node, node_session) {
                node.single_logout(&node_session).await;
            }
        }
        // Without a session there is nothing to end; the cookie goes anyway.
        Ok(self.gate.clear_cookie())
    }
}
