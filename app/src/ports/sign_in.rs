//! Signing in with a login and password, keeping the session alive, and
//! signing out.

use async_trait::async_trait;
use http::{HeaderValue, request::Parts};

use super::{SessionRefusal, SignedIn};

/// Why a sign-in was refused. Deliberately says nothing about whether the
/// login exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefusal {
    /// One or both fields were left empty.
    MissingInput { login: bool, password: bool },
    /// Unknown login or wrong password: the same answer for both.
    InvalidCredentials,
    /// The password was right, but the profile was never confirmed (at a ZUS
    /// office or through login.gov.pl), so it may not sign in.
    ProfileUnconfirmed,
    /// Too many failed attempts for this login or from this address: the
    /// attempt was not checked. Try again after this many seconds.
    Throttled { retry_after_secs: u64 },
    /// Too many password checks waiting already: refused at once, nothing
    /// was checked or counted. Try again after this many seconds.
    Overloaded { retry_after_secs: u64 },
    /// The back end could not do its work (the database is down…). Logged there.
    Unavailable,
}

/// Every method takes the request's parts: the back end reads the session
/// cookie and the client address itself.
#[async_trait]
pub trait SignInPort: Send + Sync + 'static {
    /// Checks a login and password and, if they are right, opens a new
    /// session (ending any session this browser had before).
    async fn sign_in(&self, request: &Parts, login: String, password: String) -> Result<SignedIn, SignInRefusal>;

    /// Keeps a signed-in session alive (the person answered the idle
    /// warning); returns the idle timeout in seconds.
    async fn keep_alive(&self, request: &Parts) -> Result<u64, SessionRefusal>;

    /// Ends this request's session on the server; returns the header that
    /// removes the cookie from the browser.
    async fn sign_out(&self, request: &Parts) -> Result<HeaderValue, SessionRefusal>;
}
