//! "Zarejestruj się": the form, the code that proves the contact, the
//! login chosen again if it was taken meanwhile, and "Profil założony". A
//! registration in progress is held by its own cookie. Whether a PESEL,
//! e-mail address or login is taken is never told before the code.

use async_trait::async_trait;
use http::{HeaderValue, request::Parts};

use super::{CodeRefusal, SessionRefusal};
pub use crate::pages::register::{RegistrationCodePrompt, RegistrationProblem, VouchedIdentity};
use crate::pages::change_password::PasswordAssessment;

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct RegistrationForm {
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub pesel: String,
    /// "Nie mam numeru PESEL": the date of birth and an identity document instead.
    pub no_pesel: bool,
    pub birth_date: String,
    pub id_document: String,
    pub email: String,
    pub phone: String,
    pub channel: String,
    pub login: String,
    pub password: String,
    pub repeated: String,
    pub nip: String,
    pub company_name: String,
}

pub type RegistrationRefusal = super::FormRefusal<RegistrationProblem>;

/// Why a login chosen after the code was refused: there is no registration
/// at that step behind the cookie (none, or one at another step), or the
/// login itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginChoiceRefusal {
    Session(SessionRefusal),
    Form(RegistrationRefusal),
}

/// Where a right code leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterCode {
    /// "Profil założony".
    Done,
    /// The login was taken meanwhile: another one, please.
    ChooseLogin,
}

/// For anyone; each step after the form for the holder of its cookie.
#[async_trait]
pub trait RegistrationPort: Send + Sync + 'static {
    /// What login.gov.pl vouched for, when the person came from there with
    /// a PESEL that has no profile (the form then takes these, locked).
    async fn vouched_identity(&self, request: &Parts) -> Result<Option<VouchedIdentity>, SessionRefusal>;

    /// Checks the form and sends the code to the contact it names; the cookie.
    async fn start(&self, request: &Parts, form: RegistrationForm) -> Result<HeaderValue, RegistrationRefusal>;

    /// The rules a password can be checked by alone (while it is typed).
    async fn assess_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal>;

    async fn code_prompt(&self, request: &Parts) -> Result<RegistrationCodePrompt, SessionRefusal>;

    async fn submit_code(&self, request: &Parts, code: String) -> Result<AfterCode, CodeRefusal>;

    /// Sends another code; seconds until the next may be sent.
    async fn resend_code(&self, request: &Parts) -> Result<u64, CodeRefusal>;

    /// A free login to suggest.
    async fn login_prompt(&self, request: &Parts) -> Result<String, SessionRefusal>;

    /// Another login after the first was taken; `Err(Form(Problems))` if it
    /// is no login or taken too.
    async fn choose_login(&self, request: &Parts, login: String) -> Result<(), LoginChoiceRefusal>;

    /// The finished registration's page may be shown; the header that
    /// removes the cookie, and whether the profile is confirmed already
    /// (made with the data login.gov.pl vouched for).
    async fn done(&self, request: &Parts) -> Result<(HeaderValue, bool), SessionRefusal>;
}
