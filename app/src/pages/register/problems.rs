//! What can be wrong with a registration form, in the words the page shows.

use serde::{Deserialize, Serialize};

use crate::{components::FieldError, errors::{self, AppError}, pages::change_password::NewPasswordProblem};

/// One problem of the form. Only of the form itself: whether a PESEL, an
/// e-mail address or a login is taken is never said here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationProblem {
    KindMissing,
    FirstNameMissing,
    LastNameMissing,
    PeselMissing,
    PeselInvalid,
    /// Without a PESEL: the date of birth and an identity document instead.
    BirthDateMissing,
    BirthDateInvalid,
    DocumentMissing,
    DocumentInvalid,
    EmailMissing,
    EmailInvalid,
    PhoneMissing,
    PhoneInvalid,
    /// A number of a country we do not send SMS to.
    PhoneCountry { allowed: Vec<String> },
    LoginMissing,
    LoginInvalid,
    /// Only after the code (the contact is proven then): the login went meanwhile.
    LoginTaken,
    Password(NewPasswordProblem),
    ChannelMissing,
    NipMissing,
    NipInvalid,
    CompanyNameMissing,
}

impl RegistrationProblem {
    pub fn message(&self) -> String {
        match self {
            Self::KindMissing => "Wybierz, czy zakładasz profil jako osoba fizyczna, czy jako przedsiębiorca.".into(),
            Self::FirstNameMissing => "Wpisz imię.".into(),
            Self::LastNameMissing => "Wpisz nazwisko.".into(),
            Self::PeselMissing => "Wpisz PESEL.".into(),
            Self::PeselInvalid => "PESEL ma 11 cyfr, a ostatnia jest cyfrą kontrolną. Sprawdź, czy nie ma w nim pomyłki.".into(),
            Self::BirthDateMissing => "Wpisz datę urodzenia.".into(),
            Self::BirthDateInvalid => "Wpisz prawdziwą datę urodzenia w formacie dd.mm.rrrr, np. 24.11.1985.".into(),
            Self::DocumentMissing => "Wpisz serię i numer dokumentu tożsamości.".into(),
            Self::DocumentInvalid => "Seria i numer dokumentu to od 5 do 20 liter i cyfr, np. ABC123456.".into(),
            Self::EmailMissing => "Wpisz adres e-mail.".into(),
            Self::EmailInvalid => "Wpisz adres e-mail w formacie nazwa@domena.pl.".into(),
            Self::PhoneMissing => "Wpisz numer telefonu komórkowego.".into(),
            Self::PhoneInvalid => "Wpisz numer telefonu komórkowego: 9 cyfr, np. 600 100 200, albo numer z „+” i kodem kraju.".into(),
            Self::PhoneCountry { allowed } if allowed.iter().all(|c| c == "+48") => {
                "Numer telefonu musi być polskim numerem komórkowym (+48).".into()
            }
            Self::PhoneCountry { allowed } => format!("Numer telefonu musi mieć jeden z tych kodów kraju: {}.", allowed.join(", ")),
            Self::LoginMissing => "Wpisz login.".into(),
            Self::LoginInvalid => LOGIN_RULES.into(),
            Self::LoginTaken => "Ten login jest już zajęty. Wybierz inny.".into(),
            Self::Password(p) => p.message().into(),
            Self::ChannelMissing => "Wybierz kanał odzyskiwania dostępu.".into(),
            Self::NipMissing => "Wpisz NIP firmy.".into(),
            Self::NipInvalid => "NIP ma 10 cyfr, a ostatnia jest cyfrą kontrolną. Sprawdź, czy nie ma w nim pomyłki.".into(),
            Self::CompanyNameMissing => "Wpisz nazwę firmy.".into(),
        }
    }

    /// The id of the field the problem stands at.
    pub fn field(&self) -> &'static str {
        match self {
            Self::KindMissing => "kind-individual",
            Self::FirstNameMissing => "first_name",
            Self::LastNameMissing => "last_name",
            Self::PeselMissing | Self::PeselInvalid => "pesel",
            Self::BirthDateMissing | Self::BirthDateInvalid => "birth_date",
            Self::DocumentMissing | Self::DocumentInvalid => "id_document",
            Self::EmailMissing | Self::EmailInvalid => "email",
            Self::PhoneMissing | Self::PhoneInvalid | Self::PhoneCountry { .. } => "phone",
            Self::LoginMissing | Self::LoginInvalid | Self::LoginTaken => "login",
            Self::Password(p) => p.field(),
            Self::ChannelMissing => "channel-email",
            Self::NipMissing | Self::NipInvalid => "nip",
            Self::CompanyNameMissing => "company_name",
        }
    }
}

/// The rules of a login, stated next to its field.
pub const LOGIN_RULES: &str = "Login ma od 3 do 64 znaków: małe lub wielkie litery a–z (bez polskich znaków), cyfry, kropki, podkreślenia lub łączniki.";

/// What was typed, given back after a refusal (never a password).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typed {
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub pesel: String,
    /// "1" when "Nie mam numeru PESEL" was ticked.
    pub no_pesel: String,
    pub birth_date: String,
    pub id_document: String,
    pub email: String,
    pub phone: String,
    pub channel: String,
    pub login: String,
    pub nip: String,
    pub company_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RegistrationError {
    #[error("form refused: {problems:?}")]
    Problems { problems: Vec<RegistrationProblem>, typed: Typed },
    #[error("throttled for {retry_after_secs} s")]
    Throttled { retry_after_secs: u64, typed: Typed },
    #[error(transparent)]
    App(#[from] AppError),
}

impl RegistrationError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Problems { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled { .. } => http::StatusCode::TOO_MANY_REQUESTS,
            Self::App(app) => app.status(),
        }
    }

    pub fn typed(&self) -> Typed {
        match self {
            Self::Problems { typed, .. } | Self::Throttled { typed, .. } => typed.clone(),
            Self::App(_) => Typed::default(),
        }
    }

    pub fn summary(&self) -> Vec<FieldError> {
        match self {
            Self::Problems { problems, .. } => problems.iter().map(|p| FieldError::at(p.field(), p.message())).collect(),
            Self::Throttled { retry_after_secs, .. } => vec![FieldError::general(errors::too_many_requests(*retry_after_secs))],
            Self::App(app) => vec![FieldError::general(app.message())],
        }
    }

    pub fn at(&self, field: &str) -> Option<String> {
        match self {
            Self::Problems { problems, .. } => problems.iter().find(|p| p.field() == field).map(RegistrationProblem::message),
            _ => None,
        }
    }

    pub fn password_problem(&self) -> Option<Option<NewPasswordProblem>> {
        match self {
            Self::Problems { problems, .. } => Some(problems.iter().find_map(|p| match p {
                RegistrationProblem::Password(p) => Some(*p),
                _ => None,
            })),
            _ => Some(None),
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for RegistrationError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        RegistrationError::App(errors::server_fn_failure(value).into())
    }
}
