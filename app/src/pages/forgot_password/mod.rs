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
    components::{ErrorSummary, PageHeading, TextField},
    form_error::{FieldProblem, FormError},
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

impl FieldProblem for ResetStartProblem {
    fn message(&self) -> String {
        ResetStartProblem::message(*self).into()
    }

    fn field(&self) -> &'static str {
        ResetStartProblem::field(*self)
    }
}

/// What was typed, given back after a refusal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypedLogin {
    pub login: String,
    pub pesel: String,
}

/// A refused first form, with what was typed.
pub type ResetStartError = FormError<ResetStartProblem, TypedLogin>;

#[server(prefix = "/api", endpoint = "odzyskaj-haslo")]
pub async fn start_password_reset(login: String, pesel: String) -> Result<(), ResetStartError> {
    use crate::ports::{self, PasswordResetPort};
    let Some((backend, request)) = ports::port_and_request::<dyn PasswordResetPort>() else {
        return Err(crate::errors::AppError::Unavailable.into());
    };
    let typed = TypedLogin { login: login.chars().take(64).collect(), pesel: pesel.chars().take(32).collect() };
    let result = match backend.start(&request, login, pesel).await {
        Ok(set_cookie) => {
            ports::append_set_cookie(set_cookie);
            leptos_axum::redirect(routes::RESET_CODE);
            Ok(())
        }
        Err(refusal) => Err(ResetStartError::refused(refusal, typed)),
    };
    ports::with_refusal_status(result, ResetStartError::status)
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<StartPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let typed = move |pick: fn(TypedLogin) -> String| {
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
                <TextField id="login" label="Login" autocomplete="username" message=message_at("login") value=typed(|t| t.login)/>
                <TextField id="pesel" label="PESEL" inputmode="numeric" hint="11 cyfr."
                    message=message_at("pesel") value=typed(|t| t.pesel)/>
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
