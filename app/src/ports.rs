//! The port between the pages and the back end.
//!
//! `app` never touches the database: server functions call the back end only
//! through [`PortalBackend`], which the `server` crate implements and provides
//! through Leptos context ([`Backend`]). Only compiled for SSR.

use std::sync::Arc;

use async_trait::async_trait;
use http::{HeaderValue, header::SET_COOKIE, request::Parts};
use leptos::prelude::{provide_context, use_context};

pub use crate::pages::{
    choose_account::AccountChoice,
    choose_role::RoleChoice,
    dev_inbox::DevMessage,
    change_password::PasswordAssessment,
    portal::PortalSummary,
    profile::{ContactProblem, ProfileView},
    verify_code::{CodeProblem, CodePrompt},
};

/// A requested change of contact data, as typed.
#[derive(Debug, Clone)]
pub struct ContactChangeRequest {
    pub email: String,
    pub phone: String,
    pub channel: String,
    pub current_password: String,
}

/// Why a change of contact data was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactRefusal {
    Session(SessionRefusal),
    Problem(ContactProblem),
}

/// Why a typed code or a resend request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRefusal {
    Session(SessionRefusal),
    Problem(CodeProblem),
}

/// Why an account or role choice was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceRefusal {
    Session(SessionRefusal),
    /// Nothing was chosen.
    Missing,
    /// Not one of the options (e.g. a proxy revoked meanwhile, or a forged value).
    NotOffered,
}

/// What a correct login and password lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Signed in, working in an account (and role).
    Portal,
    /// The password was right: confirm with the code sent by the recovery channel.
    EnterCode,
    /// Signed in with several accounts on offer: choose one.
    ChooseAccount,
    /// In the individual account with several roles on offer: choose one.
    ChooseRole,
    /// The password is shorter than the current minimum: the session may do
    /// nothing but change it.
    ChangePassword,
}

/// A new session was opened; the cookie must reach the browser.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub set_cookie: HeaderValue,
    pub next: NextStep,
}

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
    /// The back end could not do its work (the database is down…). Logged there.
    Unavailable,
}

/// Why a session-bound request could not be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRefusal {
    /// No session, or it has expired or was ended.
    NotSignedIn,
    /// The session exists but has a step to finish first (e.g. a password change).
    StepPending(NextStep),
    /// The back end could not do its work. Logged there.
    Unavailable,
}

/// The back end as the pages see it. Every method takes the request's parts:
/// the back end reads the session cookie and the client address itself.
#[async_trait]
pub trait PortalBackend: Send + Sync + 'static {
    /// Checks a login and password and, if they are right, opens a new
    /// session (ending any session this browser had before).
    async fn sign_in(
        &self,
        request: &Parts,
        login: String,
        password: String,
    ) -> Result<SignedIn, SignInRefusal>;

    /// What the portal shows to this request's session, which must have
    /// chosen its account (and role).
    async fn portal(&self, request: &Parts) -> Result<PortalSummary, SessionRefusal>;

    /// Where the verification code of this session went.
    async fn code_prompt(&self, request: &Parts) -> Result<CodePrompt, SessionRefusal>;

    /// Checks the typed code; on success the session steps up under a new token.
    async fn submit_code(&self, request: &Parts, code: String) -> Result<SignedIn, CodeRefusal>;

    /// Sends a new code (the old one stops working), within the resend limits.
    async fn resend_code(&self, request: &Parts) -> Result<(), CodeRefusal>;

    /// In dev mode, the messages the portal would have sent, newest first;
    /// `None` outside dev mode.
    async fn dev_inbox(&self) -> Option<Vec<DevMessage>>;

    /// The signed-in person's contact data and recovery channel.
    async fn profile(&self, request: &Parts) -> Result<ProfileView, SessionRefusal>;

    /// Checks the current password and the new data, and sends a code to the
    /// new address or number; the change waits for it.
    async fn request_contact_change(&self, request: &Parts, form: ContactChangeRequest) -> Result<(), ContactRefusal>;

    /// Where the code of the pending contact change went.
    async fn contact_change_prompt(&self, request: &Parts) -> Result<CodePrompt, SessionRefusal>;

    /// Makes the pending change when the code is right, and tells the old channel.
    async fn confirm_contact_change(&self, request: &Parts, code: String) -> Result<(), CodeRefusal>;

    /// The accounts this session's person may work in.
    async fn account_choices(&self, request: &Parts) -> Result<Vec<AccountChoice>, SessionRefusal>;

    /// Works in the account with this value (one of `account_choices`).
    async fn choose_account(&self, request: &Parts, account: String) -> Result<NextStep, ChoiceRefusal>;

    /// The roles of the individual account, for a session working in it.
    async fn role_choices(&self, request: &Parts) -> Result<Vec<RoleChoice>, SessionRefusal>;

    /// Works in this role of the individual account.
    async fn choose_role(&self, request: &Parts, role: String) -> Result<NextStep, ChoiceRefusal>;

    /// Keeps a signed-in session alive (the person answered the idle
    /// warning); returns the idle timeout in seconds.
    async fn keep_alive(&self, request: &Parts) -> Result<u64, SessionRefusal>;

    /// Ends this request's session on the server; returns the header that
    /// removes the cookie from the browser.
    async fn sign_out(&self, request: &Parts) -> Result<HeaderValue, SessionRefusal>;

    /// While a new password is typed (the session must be at the password
    /// change): the first rule it breaks, if any, and its strength. The
    /// repeat and "not the current password" are checked on submit.
    async fn assess_new_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal>;

    /// Replaces the password of a session whose pending step is the password
    /// change, and moves the session on under a new token (the cookie).
    async fn change_password(
        &self,
        request: &Parts,
        new_password: String,
        repeated: String,
    ) -> Result<SignedIn, PasswordChangeRefusal>;
}

/// The back end, as provided through Leptos context.
#[derive(Clone)]
pub struct Backend(pub Arc<dyn PortalBackend>);

impl Backend {
    pub fn provide(self) {
        provide_context(self);
    }
}

/// The per-request CSP nonce that the server's security-headers middleware
/// puts into the request extensions; the shell hands it to Leptos so the
/// hydration scripts carry it.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The back end and the current request, or `None` when called outside a
/// request (which is a wiring bug, logged).
pub fn backend_and_request() -> Option<(Arc<dyn PortalBackend>, Parts)> {
    let backend = use_context::<Backend>();
    let parts = use_context::<Parts>();
    match (backend, parts) {
        (Some(backend), Some(parts)) => Some((backend.0, parts)),
        _ => {
            tracing::error!("server function called without the back end or the request in context");
            None
        }
    }
}

/// Gives a refused server-function call its HTTP status (401, 422, 503…)
/// when script made it; a plain form post keeps the redirect back to its
/// page that server_fn answers it with. Without this every refusal would be
/// a 500, and a mistyped password would look like a server fault.
pub fn with_refusal_status<T, E>(result: Result<T, E>, status: impl Fn(&E) -> http::StatusCode) -> Result<T, E> {
    if let Err(error) = &result {
        let by_script = use_context::<Parts>().is_some_and(|parts| {
            !parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>().filter(|_| by_script) {
            response.set_status(status(error));
        }
    }
    result
}

/// Tells the client when it may try again (`Retry-After`).
pub fn set_retry_after(secs: u64) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(http::header::RETRY_AFTER, HeaderValue::from(secs));
    }
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn append_set_cookie(value: HeaderValue) {
    match use_context::<leptos_axum::ResponseOptions>() {
        Some(response) => response.append_header(SET_COOKIE, value),
        None => tracing::error!("no ResponseOptions in context: cookie not set"),
    }
}

/// Why a password change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChangeRefusal {
    Session(SessionRefusal),
    Rejected(crate::pages::change_password::NewPasswordProblem),
}
