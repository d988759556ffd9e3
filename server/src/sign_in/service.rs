//! `SignInPort`: the password sign-in, keep-alive and sign-out.

use app::ports::{SessionRefusal, SignInPort, SignInRefusal, SignedIn};
use async_trait::async_trait;
use http::{HeaderValue, request::Parts};
use sea_orm::DatabaseConnection;

use super::{
    credentials::{CredentialCheck, check_credentials},
    throttle::{AttemptKeys, SignInThrottle},
};
use crate::{
    http::client_ip::ClientIp,
    passwords::hasher::PasswordHasher,
    session::{SessionGate, SessionState, Stage, unavailable},
    step_up::{self, codes::VerificationCodes},
};

pub struct SignInService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    gate: SessionGate,
    throttle: SignInThrottle,
    codes: VerificationCodes,
    client_ip: ClientIp,
}

impl SignInService {
    pub fn new(db: DatabaseConnection, hasher: PasswordHasher, gate: SessionGate, client_ip: ClientIp, codes: VerificationCodes) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        SignInService { db, hasher, gate, throttle, codes, client_ip }
    }
}

#[async_trait]
impl SignInPort for SignInService {
    async fn sign_in(&self, request: &Parts, login: String, password: String) -> Result<SignedIn, SignInRefusal> {
        let (login_missing, password_missing) = (login.trim().is_empty(), password.is_empty());
        if login_missing || password_missing {
            return Err(SignInRefusal::MissingInput { login: login_missing, password: password_missing });
        }
        let client = self.client_ip.of(request);
        let keys = AttemptKeys::new(&login, client);
        match self.throttle.wait_ms(&keys).await {
            Ok(0) => {}
            Ok(wait_ms) => {
                tracing::warn!(client = ?client, wait_ms, "sign-in throttled");
                return Err(SignInRefusal::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) });
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the sign-in throttle failed");
                return Err(SignInRefusal::Unavailable);
            }
        }
        let checked = check_credentials(&self.db, &self.hasher, &login, password).await;
        let counted = match &checked {
            Ok(CredentialCheck::Accepted { .. }) => self.throttle.record_success(&keys).await,
            Ok(CredentialCheck::Rejected) => self.throttle.record_failure(&keys).await,
            Err(_) => Ok(()),
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
                let state = if legacy {
                    Ok(SessionState::at(Stage::PasswordChangeRequired))
                } else {
                    step_up::send_sign_in_code(&self.codes, &person).await.map(|()| SessionState::at(Stage::CodeRequired))
                };
                let previous = self.gate.token(&request.headers);
                let opened = match state {
                    Ok(state) => self.gate.sessions().open(person.id, state, previous.as_ref()).await.map(|t| (t, state)),
                    Err(e) => Err(e),
                };
                match opened {
                    Ok((token, state)) => {
                        tracing::info!(person_id = person.id, stage = state.stage.as_str(), client = ?client, "password accepted");
                        Ok(SignedIn { set_cookie: self.gate.set_cookie(&token), next: state.stage.next_step() })
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "opening a session failed");
                        Err(SignInRefusal::Unavailable)
                    }
                }
            }
            Ok(CredentialCheck::Rejected) => {
                tracing::info!(client = ?client, "sign-in refused: wrong login or password");
                Err(SignInRefusal::InvalidCredentials)
            }
            Err(e) => {
                tracing::error!(error = %e, "checking credentials failed");
                Err(SignInRefusal::Unavailable)
            }
        }
    }

    async fn keep_alive(&self, request: &Parts) -> Result<u64, SessionRefusal> {
        let session = self.gate.signed_in_session(request).await?;
        let sessions = self.gate.sessions();
        sessions.touch(&session).await.map_err(|e| unavailable("keeping the session", e))?;
        Ok(sessions.idle_timeout_secs())
    }

    async fn sign_out(&self, request: &Parts) -> Result<HeaderValue, SessionRefusal> {
        if let Some(token) = self.gate.token(&request.headers) {
            self.gate.sessions().end(&token).await.map_err(|e| unavailable("ending a session", e))?;
            tracing::info!(client = ?self.client_ip.of(request), "signed out");
        }
        // Without a session there is nothing to end; the cookie goes anyway.
        Ok(self.gate.clear_cookie())
    }
}
