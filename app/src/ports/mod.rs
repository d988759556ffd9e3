//! The ports between the pages and the back end: one small trait per
//! capability, in a file of its own beside this one.
//!
//! `app` never touches the database: server functions reach the back end
//! only through these traits, which the `server` crate implements and
//! provides through Leptos context ([`provide_port`]). Only compiled for SSR.
//!
//! | port | pages |
//! |---|---|
//! | [`sign_in::SignInPort`] | sign-in, sign-out, the idle warning |
//! | [`step_up::StepUpPort`] | the verification code |
//! | [`password_change::PasswordChangePort`] | the forced password change |
//! | [`accounts::AccountsPort`] | the account and role choices, the portal |
//! | [`profile::ProfilePort`] | "Dane profilu" and its confirmation |
//! | [`dev_inbox::DevInboxPort`] | the dev inbox (dev mode only) |
//! | [`login_reminder::LoginReminderPort`] | "Nie pamiętasz loginu?" |
//! | [`password_reset::PasswordResetPort`] | "Nie pamiętasz hasła?", its code and the new password |
//! | [`registration::RegistrationPort`] | "Zarejestruj się", its code, "Profil założony" |

pub mod accounts;
pub mod dev_inbox;
pub mod login_reminder;
pub mod password_reset;
pub mod password_change;
pub mod profile;
pub mod registration;
pub mod sign_in;
pub mod step_up;

use std::{future::Future, sync::Arc};

use http::{HeaderValue, header::SET_COOKIE, request::Parts};
use leptos::prelude::{provide_context, use_context};

pub use self::{
    accounts::{AccountsPort, ChoiceRefusal},
    dev_inbox::DevInboxPort,
    login_reminder::{LoginReminderPort, LoginReminderRefusal},
    password_reset::{PasswordResetPort, ResetStartRefusal},
    registration::{AfterCode, LoginChoiceRefusal, RegistrationForm, RegistrationPort, RegistrationRefusal, VouchedIdentity},
    password_change::{PasswordChangePort, PasswordChangeRefusal},
    profile::{ContactChangeRequest, ContactChanged, ContactCodeRefusal, ContactRefusal, ProfilePort},
    sign_in::{SignInPort, SignInRefusal},
    step_up::{CodeRefusal, StepUpPort},
};
use crate::errors::AppError;

/// Where a session goes next, after a step succeeded or when a page is
/// asked for out of turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Signed in, working in an account (and role).
    Portal,
    /// Signed in: the profile's data (e.g. a contact change that is no
    /// longer pending: confirmed, cancelled or expired).
    Profile,
    /// The password was right: confirm with the code sent by the recovery channel.
    EnterCode,
    /// Signed in with several accounts on offer: choose one.
    ChooseAccount,
    /// In the individual account with several roles on offer: choose one.
    ChooseRole,
    /// The password is shorter than the current minimum: the session may do
    /// nothing but change it.
    ChangePassword,
    /// "Nie pamiętasz hasła?" from the start (no reset in progress, or it ended).
    ForgotPassword,
    /// A reset waits for its code.
    ResetCode,
    /// A reset's code was right: the new password.
    ResetNewPassword,
    /// "Zarejestruj się" from the start.
    Register,
    /// A registration waits for its code.
    RegistrationCode,
    /// A registration's login was taken meanwhile: another one.
    RegistrationLogin,
    /// A registration is finished: "Profil założony".
    RegistrationDone,
}

/// A session was opened or stepped up under a new token; the cookie must
/// reach the browser.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub set_cookie: HeaderValue,
    pub next: NextStep,
}

/// Why a form that anyone may send was refused (never whether its data
/// matched anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormRefusal<P> {
    /// Every problem of the form, in the order of its fields.
    Problems(Vec<P>),
    /// Too many requests for this target or from this address.
    Throttled { retry_after_secs: u64 },
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

/// The per-request CSP nonce that the server's security-headers middleware
/// puts into the request extensions; the shell hands it to Leptos so the
/// hydration scripts carry it.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// A port as it travels through Leptos context: `Port<dyn SignInPort>`…
pub struct Port<P: ?Sized>(pub Arc<P>);

impl<P: ?Sized> Clone for Port<P> {
    fn clone(&self) -> Self {
        Port(Arc::clone(&self.0))
    }
}

/// Makes a port's implementation reachable from the server functions of
/// this request (the server calls it for each port).
pub fn provide_port<P: ?Sized + Send + Sync + 'static>(port: Arc<P>) {
    provide_context(Port(port));
}

/// The port `P` and the current request, or `None` when either is missing
/// from the context (a wiring bug, logged).
pub fn port_and_request<P: ?Sized + Send + Sync + 'static>() -> Option<(Arc<P>, Parts)> {
    let port = use_context::<Port<P>>();
    let parts = use_context::<Parts>();
    match (port, parts) {
        (Some(port), Some(parts)) => Some((port.0, parts)),
        _ => {
            tracing::error!(port = std::any::type_name::<P>(), "server function called without its port or the request in context");
            None
        }
    }
}

/// The body of a server function that only loads a page's data: finds the
/// port and the request, makes the call, and turns a refusal into an
/// [`AppError`] with its HTTP status. The call gets both by value, so its
/// future owns them and stays `Send`:
/// `ports::load(|port: Arc<dyn AccountsPort>, request| async move { port.portal(&request).await })`.
pub async fn load<P, T, F, Fut>(call: F) -> Result<T, AppError>
where
    P: ?Sized + Send + Sync + 'static,
    F: FnOnce(Arc<P>, Parts) -> Fut,
    Fut: Future<Output = Result<T, SessionRefusal>>,
{
    let Some((port, request)) = port_and_request::<P>() else {
        return Err(AppError::Unavailable);
    };
    let result = call(port, request).await.map_err(AppError::from);
    if matches!(result, Err(AppError::Unavailable)) {
        // Also a page rendered with it: "spróbuj ponownie" is answered 503,
        // so that neither a person's browser nor a cache takes it for the page.
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        }
    }
    with_refusal_status(result, AppError::status)
}

/// Gives a refused server-function call its HTTP status (401, 422, 503…)
/// when script made it; a plain form post keeps the redirect back to its
/// page that server_fn answers it with. Without this every refusal would be
/// a 500, and a mistyped password would look like a server fault.
pub fn with_refusal_status<T, E>(result: Result<T, E>, status: impl Fn(&E) -> http::StatusCode) -> Result<T, E> {
    if let Err(error) = &result {
        let by_script = use_context::<Parts>().is_some_and(|parts| !is_form_post(&parts));
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>().filter(|_| by_script) {
            response.set_status(status(error));
        }
    }
    result
}

/// Refuses a call whose arguments server_fn could not read (a field missing
/// or given twice, a body that is not UTF-8) with 400 instead of server_fn's
/// 500, and logs it. A plain form post that says which page it came from
/// keeps server_fn's redirect back there, with the error for the page to
/// show; one that does not would land on `/` without a word, so it gets the
/// 400 page. Called by [`crate::errors::server_fn_failure`].
pub fn refuse_bad_input(detail: &str) {
    /// Enough of server_fn's message for the operator; it names fields, not
    /// their values, and loses control characters (one log line each).
    const MAX_LOGGED: usize = 200;
    let Some(parts) = use_context::<Parts>() else {
        return;
    };
    let detail: String = detail.chars().filter(|c| !c.is_control()).take(MAX_LOGGED).collect();
    tracing::warn!(path = %parts.uri.path(), %detail, "server function call refused: its arguments could not be read");
    let back_to_its_page = is_form_post(&parts) && parts.headers.contains_key(http::header::REFERER);
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>().filter(|_| !back_to_its_page) {
        response.set_status(http::StatusCode::BAD_REQUEST);
    }
}

/// Whether a browser without JavaScript sent this (it accepts HTML); script
/// calls accept the server function's encoding.
fn is_form_post(parts: &Parts) -> bool {
    parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
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
