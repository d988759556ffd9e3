//! The session gate every service goes through: turns a request into its
//! live session (and person) at the stage a port method needs, or into the
//! `SessionRefusal` the pages understand. The one place that reads the
//! session cookie for the services.

use app::ports::SessionRefusal;
use http::{HeaderMap, HeaderValue, request::Parts};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::{ActiveSession, CookiePolicy, SessionStore, SessionToken, Stage};
use crate::{db::entities::person, error::BackendError};

/// A live session with its person.
#[derive(Debug, Clone)]
pub struct Gated {
    pub session: ActiveSession,
    pub person: person::Model,
}

#[derive(Clone)]
pub struct SessionGate {
    db: DatabaseConnection,
    sessions: SessionStore,
    cookies: CookiePolicy,
}

impl SessionGate {
    pub fn new(db: DatabaseConnection, sessions: SessionStore, cookies: CookiePolicy) -> Self {
        SessionGate { db, sessions, cookies }
    }

    pub fn sessions(&self) -> &SessionStore {
        &self.sessions
    }

    /// The token in the request's cookie (live or not).
    pub fn token(&self, headers: &HeaderMap) -> Option<SessionToken> {
        self.cookies.token(headers)
    }

    /// The request carries a session cookie of ours (live or not).
    pub fn has_session_cookie(&self, headers: &HeaderMap) -> bool {
        self.token(headers).is_some()
    }

    /// The header that hands the browser this token.
    pub fn set_cookie(&self, token: &SessionToken) -> HeaderValue {
        self.cookies.set(token)
    }

    /// The header that removes the session cookie.
    pub fn clear_cookie(&self) -> HeaderValue {
        self.cookies.clear()
    }

    /// The live session of a request, if any.
    pub async fn session_of(&self, headers: &HeaderMap) -> Result<Option<ActiveSession>, BackendError> {
        match self.token(headers) {
            Some(token) => self.sessions.find(&token).await,
            None => Ok(None),
        }
    }

    /// The live session, at whatever stage.
    pub async fn any_stage(&self, request: &Parts) -> Result<ActiveSession, SessionRefusal> {
        match self.session_of(&request.headers).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => Err(SessionRefusal::NotSignedIn),
            Err(e) => Err(unavailable("session look-up", e)),
        }
    }

    /// The live session and its person, exactly at `stage`; a session
    /// elsewhere is told where it should be.
    pub async fn at(&self, request: &Parts, stage: Stage) -> Result<Gated, SessionRefusal> {
        let session = self.any_stage(request).await?;
        if session.state.stage != stage {
            return Err(SessionRefusal::StepPending(session.state.stage.next_step()));
        }
        self.with_person(session).await
    }

    /// The live session past the password, its change and the code:
    /// signed in for good.
    pub async fn signed_in_session(&self, request: &Parts) -> Result<ActiveSession, SessionRefusal> {
        let session = self.any_stage(request).await?;
        if !session.state.stage.is_signed_in() {
            return Err(SessionRefusal::StepPending(session.state.stage.next_step()));
        }
        Ok(session)
    }

    /// [`Self::signed_in_session`] with its person.
    pub async fn signed_in(&self, request: &Parts) -> Result<Gated, SessionRefusal> {
        let session = self.signed_in_session(request).await?;
        self.with_person(session).await
    }

    async fn with_person(&self, session: ActiveSession) -> Result<Gated, SessionRefusal> {
        let person = self.person(session.person_id).await?;
        Ok(Gated { session, person })
    }

    /// A person by id; one removed meanwhile ends the session's meaning.
    pub async fn person(&self, id: i32) -> Result<person::Model, SessionRefusal> {
        match person::Entity::find_by_id(id).one(&self.db).await {
            Ok(Some(p)) => Ok(p),
            Ok(None) => Err(SessionRefusal::NotSignedIn),
            Err(e) => Err(unavailable("person look-up", e.into())),
        }
    }
}

/// Logs a back-end failure for the operator; the person is told the
/// service is unavailable.
pub fn unavailable(what: &str, error: BackendError) -> SessionRefusal {
    tracing::error!(error = %error, "{what} failed");
    SessionRefusal::Unavailable
}
