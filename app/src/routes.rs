//! The portal's addresses, in one place.

pub const ROOT: &str = "/";
pub const SIGN_IN: &str = "/logowanie";
/// Added to the sign-in address when a session has expired.
pub const SESSION_ENDED_QUERY: &str = "sesja=wygasla";
pub const SIGNED_OUT: &str = "/wylogowano";
pub const PORTAL: &str = "/portal";
pub const CHANGE_PASSWORD: &str = "/zmiana-hasla";
/// Added to the address of the page after a password change: it says so.
pub const PASSWORD_CHANGED_QUERY: &str = "haslo";
pub const VERIFY_CODE: &str = "/kod-weryfikacyjny";
pub const CHOOSE_ACCOUNT: &str = "/wybierz-konto";
pub const CHOOSE_ROLE: &str = "/wybierz-role";
pub const PROFILE: &str = "/profil";
pub const CONFIRM_CONTACT: &str = "/profil/potwierdz";
pub const REGISTER: &str = "/rejestracja";
pub const REGISTRATION_CODE: &str = "/rejestracja/kod";
pub const REGISTRATION_LOGIN: &str = "/rejestracja/login";
pub const REGISTRATION_DONE: &str = "/rejestracja/gotowe";
pub const LOGIN_GOV_PL: &str = "/login-gov-pl";
/// POST: the signed request for the node (an auto-submitting form).
pub const LOGIN_GOV_PL_START: &str = "/login-gov-pl/start";
pub const LOGIN_GOV_PL_FAILED: &str = "/login-gov-pl/blad";
/// The assertion consumer service: the node posts the artifact here.
pub const SAML_ACS: &str = "/saml/acs";
pub const SAML_METADATA: &str = "/saml/metadata";
pub const FORGOT_PASSWORD: &str = "/nie-pamietam-hasla";
pub const RESET_CODE: &str = "/nie-pamietam-hasla/kod";
pub const RESET_NEW_PASSWORD: &str = "/nie-pamietam-hasla/nowe-haslo";
pub const RESET_DONE: &str = "/nie-pamietam-hasla/gotowe";
pub const FORGOT_LOGIN: &str = "/nie-pamietam-loginu";
pub const ACCESSIBILITY: &str = "/deklaracja-dostepnosci";
pub const DEV_INBOX: &str = "/dev/skrzynka";

#[cfg(feature = "ssr")]
pub fn path_of(step: crate::ports::NextStep) -> &'static str {
    match step {
        crate::ports::NextStep::Portal => PORTAL,
        crate::ports::NextStep::Profile => PROFILE,
        crate::ports::NextStep::ChangePassword => CHANGE_PASSWORD,
        crate::ports::NextStep::EnterCode => VERIFY_CODE,
        crate::ports::NextStep::ChooseAccount => CHOOSE_ACCOUNT,
        crate::ports::NextStep::ChooseRole => CHOOSE_ROLE,
        crate::ports::NextStep::ForgotPassword => FORGOT_PASSWORD,
        crate::ports::NextStep::ResetCode => RESET_CODE,
        crate::ports::NextStep::ResetNewPassword => RESET_NEW_PASSWORD,
        crate::ports::NextStep::Register => REGISTER,
        crate::ports::NextStep::RegistrationCode => REGISTRATION_CODE,
        crate::ports::NextStep::RegistrationLogin => REGISTRATION_LOGIN,
        crate::ports::NextStep::RegistrationDone => REGISTRATION_DONE,
    }
}
