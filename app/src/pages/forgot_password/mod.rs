//! `/nie-pamietam-hasla` ("Nie pamiętasz hasła?"): login and PESEL; then
//! the code (`code.rs`) and the new password (`new_password.rs`). The same
//! steps whether or not the data matched a profile.

mod code;
mod new_password;

pub use code::{ResetCodePage, ResendResetCode, SubmitResetCode, load_reset_code};
pub use new_password::{AssessResetPassword, ResetDonePage, ResetNewPasswordPage, SetResetPassword, load_reset_new_password};

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, FieldError, PageHeading, TextField},
    errors::{self, AppError},
    routes,
};

/// What is wrong with the first form (only the form itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetStartProblem {
    LoginMissing,
    PeselMissing,
    PeselInvalid,
}

impl ResetStartProblem {
    pub fn message(self) -> &'static str {
        match self {
            Self::LoginMissing => "Wpisz login.",
            Self::PeselMissing => "Wpisz PESEL.",
            Self::PeselInvalid => "PESEL ma 11 cyfr, a ostatnia jest cyfrą kontrolną. Sprawdź, czy nie ma w nim pomyłki.",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::LoginMissing => "login",
            Self::PeselMissing | Self::PeselInvalid => "pesel",
        }
    }
}

/// A refused first form, with what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ResetStartError {
    #[error("form refused: {problems:?}")]
    Problems { problems: Vec<ResetStartProblem>, login: String, pesel: String },
    #[error("throttled for {retry_after_secs} s")]
    Throttled { retry_after_secs: u64, login: String, pesel: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl ResetStartError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Problems { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled { .. } => http::StatusCode::TOO_MANY_REQUESTS,
            Self::App(app) => app.status(),
        }
    }

    fn typed(&self) -> (String, String) {
        match self {
            Self::Problems { login, pesel, .. } | Self::Throttled { login, pesel, .. } => (login.clone(), pesel.clone()),
            Self::App(_) => Default::default(),
        }
    }

    fn summary(&self) -> Vec<FieldError> {
        match self {
            Self::Problems { problems, .. } => problems.iter().map(|p| FieldError::at(p.field(), p.message())).collect(),
            Self::Throttled { retry_after_secs, .. } => vec![FieldError::general(errors::too_many_requests(*retry_after_secs))],
            Self::App(app) => vec![FieldError::general(app.message())],
        }
    }

    fn at(&self, field: &str) -> Option<String> {
        match self {
            Self::Problems { problems, .. } => problems.iter().find(|p| p.field() == field).map(|p| p.message().to_owned()),
            _ => None,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for ResetStartError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        ResetStartError::App(errors::server_fn_failure(value).into())
    }
}

#[server(prefix = "/api", endpoint = "odzyskaj-haslo")]
pub async fn start_password_reset(login: String, pesel: String) -> Result<(), ResetStartError> {
    use crate::ports::{self, PasswordResetPort, ResetStartRefusal};
    let Some((backend, request)) = ports::port_and_request::<dyn PasswordResetPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let typed = (login.chars().take(64).collect::<String>(), pesel.chars().take(32).collect::<String>());
    let result = match backend.start(&request, login, pesel).await {
        Ok(set_cookie) => {
            ports::append_set_cookie(set_cookie);
            leptos_axum::redirect(routes::RESET_CODE);
            Ok(())
        }
        Err(ResetStartRefusal::Problems(problems)) => Err(ResetStartError::Problems { problems, login: typed.0, pesel: typed.1 }),
        Err(ResetStartRefusal::Throttled { retry_after_secs }) => {
            ports::set_retry_after(retry_after_secs);
            Err(ResetStartError::Throttled { retry_after_secs, login: typed.0, pesel: typed.1 })
        }
        Err(ResetStartRefusal::Unavailable) => Err(AppError::Unavailable.into()),
    };
    ports::with_refusal_status(result, ResetStartError::status)
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<StartPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let typed = move |pick: fn((String, String)) -> String| {
        Signal::derive(move || error.get().map(|e| pick(e.typed())).unwrap_or_default())
    };
    let message_at = move |field: &'static str| Signal::derive(move || error.get().and_then(|e| e.at(field)));
    view! {
        <Title text="Nie pamiętasz hasła?"/>
        <div class="page page--narrow">
            <PageHeading>"Nie pamiętasz hasła?"</PageHeading>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| e.summary()).unwrap_or_default())/>
            <p>
                "Podaj login i PESEL. Jeśli są zgodne z Twoim profilem, wyślemy kod kanałem odzyskiwania dostępu – "
                "SMS-em albo e-mailem, tak jak kody do logowania. Po wpisaniu kodu ustawisz nowe hasło."
            </p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <TextField id="login" label="Login" autocomplete="username" message=message_at("login") value=typed(|t| t.0)/>
                <TextField id="pesel" label="PESEL" inputmode="numeric" hint="11 cyfr."
                    message=message_at("pesel") value=typed(|t| t.1)/>
                <button type="submit" class="button">"Dalej"</button>
            </ActionForm>
            <p>
                "Nie pamiętasz loginu? "
                <a href=routes::FORGOT_LOGIN>"Przypomnij login"</a>
                ". Nie masz już dostępu do adresu ani numeru z profilu? Nowe hasło ustawisz w placówce ZUS."
            </p>
            <p><a href=routes::SIGN_IN>"Wróć do logowania"</a></p>
        </div>
    }
}
