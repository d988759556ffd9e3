//! The back end behind the pages: implements `app`'s port with the identity
//! and session modules.

use app::{
    pages::change_password::NewPasswordProblem,
    ports::{
        NextStep, PasswordChangeRefusal, PortalBackend, SessionRefusal, SignInRefusal, SignedIn,
        SignedInPerson,
    },
};
use async_trait::async_trait;
use http::{HeaderMap, HeaderValue, request::Parts};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use secrecy::SecretString;

use crate::{
    db::{
        entities::{person, session},
        now_millis,
    },
    error::BackendError,
    identity::{
        credentials::{CredentialCheck, check_credentials},
        password_hasher::PasswordHasher,
        password_policy::{self, PersonalData},
        throttle::{AttemptKeys, SignInThrottle},
    },
    session::{ActiveSession, CookiePolicy, SessionStore, Stage},
};

#[derive(Clone)]
pub struct PortalService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    sessions: SessionStore,
    cookies: CookiePolicy,
    throttle: SignInThrottle,
    client_ip_header: Option<http::HeaderName>,
}

fn next_step(stage: Stage) -> NextStep {
    match stage {
        Stage::PasswordChangeRequired => NextStep::ChangePassword,
        Stage::Authenticated => NextStep::Portal,
    }
}

/// The peer address of the connection.
fn peer(request: &Parts) -> Option<std::net::IpAddr> {
    request.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}

impl PortalService {
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        sessions: SessionStore,
        cookies: CookiePolicy,
        client_ip_header: Option<http::HeaderName>,
    ) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        PortalService { db, hasher, sessions, cookies, throttle, client_ip_header }
    }

    /// The client's address: the peer, or — behind a reverse proxy — the
    /// address the proxy puts in the configured header (`http.client_ip_header`).
    fn client_ip(&self, request: &Parts) -> Option<std::net::IpAddr> {
        match &self.client_ip_header {
            Some(name) => request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next_back())
                .and_then(|v| v.trim().parse().ok())
                .or_else(|| peer(request)),
            None => peer(request),
        }
    }

    /// The live session of a request, if any.
    pub async fn session_of(&self, headers: &HeaderMap) -> Result<Option<ActiveSession>, BackendError> {
        match self.cookies.token(headers) {
            Some(token) => self.sessions.find(&token).await,
            None => Ok(None),
        }
    }

    async fn session_or_refusal(&self, request: &Parts) -> Result<ActiveSession, SessionRefusal> {
        match self.session_of(&request.headers).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => Err(SessionRefusal::NotSignedIn),
            Err(e) => Err(unavailable("session look-up", e)),
        }
    }

    async fn person(&self, id: i32) -> Result<person::Model, SessionRefusal> {
        match person::Entity::find_by_id(id).one(&self.db).await {
            Ok(Some(p)) => Ok(p),
            // The profile was removed: the session means nothing any more.
            Ok(None) => Err(SessionRefusal::NotSignedIn),
            Err(e) => Err(unavailable("person look-up", e.into())),
        }
    }
}

fn unavailable(what: &str, error: BackendError) -> SessionRefusal {
    tracing::error!(error = %error, "{what} failed");
    SessionRefusal::Unavailable
}

#[async_trait]
impl PortalBackend for PortalService {
    async fn sign_in(&self, request: &Parts, login: String, password: String) -> Result<SignedIn, SignInRefusal> {
        let (login_missing, password_missing) = (login.trim().is_empty(), password.is_empty());
        if login_missing || password_missing {
            return Err(SignInRefusal::MissingInput { login: login_missing, password: password_missing });
        }
        let keys = AttemptKeys::new(&login, self.client_ip(request));
        match self.throttle.wait_ms(&keys).await {
            Ok(0) => {}
            Ok(wait_ms) => {
                tracing::warn!(client = ?self.client_ip(request), wait_ms, "sign-in throttled");
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
                tracing::info!(person_id = person.id, client = ?self.client_ip(request), "sign-in refused: profile not confirmed");
                Err(SignInRefusal::ProfileUnconfirmed)
            }
            Ok(CredentialCheck::Accepted { person, legacy }) => {
                let stage = if legacy { Stage::PasswordChangeRequired } else { Stage::Authenticated };
                let previous = self.cookies.token(&request.headers);
                match self.sessions.open(person.id, stage, previous.as_ref()).await {
                    Ok(token) => {
                        tracing::info!(person_id = person.id, stage = stage.as_str(), client = ?self.client_ip(request), "password accepted");
                        Ok(SignedIn { set_cookie: self.cookies.set(&token), next: next_step(stage) })
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "opening a session failed");
                        Err(SignInRefusal::Unavailable)
                    }
                }
            }
            Ok(CredentialCheck::Rejected) => {
                tracing::info!(client = ?self.client_ip(request), "sign-in refused: wrong login or password");
                Err(SignInRefusal::InvalidCredentials)
            }
            Err(e) => {
                tracing::error!(error = %e, "checking credentials failed");
                Err(SignInRefusal::Unavailable)
            }
        }
    }

    async fn signed_in_person(&self, request: &Parts) -> Result<SignedInPerson, SessionRefusal> {
        let session = self.session_or_refusal(request).await?;
        if session.stage != Stage::Authenticated {
            return Err(SessionRefusal::StepPending(next_step(session.stage)));
        }
        let person = self.person(session.person_id).await?;
        Ok(SignedInPerson { login: person.login, first_name: person.first_name, last_name: person.last_name })
    }

    async fn sign_out(&self, request: &Parts) -> Result<HeaderValue, SessionRefusal> {
        if let Some(token) = self.cookies.token(&request.headers) {
            self.sessions.end(&token).await.map_err(|e| unavailable("ending a session", e))?;
            tracing::info!(client = ?self.client_ip(request), "signed out");
        }
        // Without a session there is nothing to end; the cookie goes anyway.
        Ok(self.cookies.clear())
    }

    async fn change_password(
        &self,
        request: &Parts,
        new_password: String,
        repeated: String,
    ) -> Result<SignedIn, PasswordChangeRefusal> {
        let session = self.session_or_refusal(request).await.map_err(PasswordChangeRefusal::Session)?;
        if session.stage != Stage::PasswordChangeRequired {
            return Err(PasswordChangeRefusal::Session(SessionRefusal::StepPending(next_step(session.stage))));
        }
        let person = self.person(session.person_id).await.map_err(PasswordChangeRefusal::Session)?;
        let who = PersonalData {
            login: &person.login,
            pesel: &person.pesel,
            first_name: &person.first_name,
            last_name: &person.last_name,
        };
        if let Some(problem) = password_policy::first_problem(&new_password, &repeated, &who) {
            return Err(PasswordChangeRefusal::Rejected(problem));
        }
        let fail = |what: &str, e: BackendError| PasswordChangeRefusal::Session(unavailable(what, e));
        let same = self
            .hasher
            .verify(&new_password, Some(&person.password_hash))
            .await
            .map_err(|e| fail("password check", e.into()))?;
        if same.matches {
            return Err(PasswordChangeRefusal::Rejected(NewPasswordProblem::SameAsCurrent));
        }
        let hash = self
            .hasher
            .hash(&SecretString::from(new_password))
            .await
            .map_err(|e| fail("password hashing", e.into()))?;
        let person_id = person.id;
        let mut active: person::ActiveModel = person.into();
        active.password_hash = Set(hash);
        active.password_changed_at = Set(now_millis());
        active.update(&self.db).await.map_err(|e| fail("storing the new password", e.into()))?;
        // Every other session of this person ends with the old password.
        session::Entity::delete_many()
            .filter(session::Column::PersonId.eq(person_id))
            .filter(session::Column::TokenHash.ne(session.token.hash()))
            .exec(&self.db)
            .await
            .map_err(|e| fail("ending other sessions", e.into()))?;
        let token = self
            .sessions
            .advance(&session, Stage::Authenticated)
            .await
            .map_err(|e| fail("advancing the session", e))?
            .ok_or(PasswordChangeRefusal::Session(SessionRefusal::NotSignedIn))?;
        tracing::info!(person_id, client = ?self.client_ip(request), "legacy password replaced");
        Ok(SignedIn { set_cookie: self.cookies.set(&token), next: NextStep::Portal })
    }
}
