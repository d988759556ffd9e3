//! `/nie-pamietam-hasla/nowe-haslo` ("Ustaw nowe hasło") once the reset's
//! code was right, and `/nie-pamietam-hasla/gotowe` ("Hasło zostało
//! zmienione") after.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    components::{ErrorSummary, NewPasswordFields, PageHeading, SessionPage},
    errors::AppError,
    pages::change_password::{ChangePasswordError, PasswordAssessment},
    routes,
};

#[server(prefix = "/api", endpoint = "odzyskaj-haslo-nowe")]
pub async fn load_reset_new_password() -> Result<String, AppError> {
    use crate::ports::{self, PasswordResetPort};
    ports::load(|port: std::sync::Arc<dyn PasswordResetPort>, request| async move { port.new_password_prompt(&request).await })
        .await
}

#[server(prefix = "/api", endpoint = "odzyskaj-haslo-ocen")]
pub async fn assess_reset_password(new_password: String) -> Result<PasswordAssessment, AppError> {
    use crate::ports::{self, PasswordResetPort};
    ports::load(|port: std::sync::Arc<dyn PasswordResetPort>, request| async move {
        port.assess_new_password(&request, new_password).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "odzyskaj-haslo-zapisz")]
pub async fn set_reset_password(new_password: String, repeated: String) -> Result<(), ChangePasswordError> {
    use crate::ports::{self, PasswordChangeRefusal, PasswordResetPort};
    let Some((backend, request)) = ports::port_and_request::<dyn PasswordResetPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.set_password(&request, new_password, repeated).await {
        Ok(clear_cookie) => {
            ports::append_set_cookie(clear_cookie);
            leptos_axum::redirect(routes::RESET_DONE);
            Ok(())
        }
        Err(PasswordChangeRefusal::Session(refusal)) => Err(AppError::from(refusal).into()),
        Err(PasswordChangeRefusal::Rejected(problem)) => Err(ChangePasswordError::Rejected(problem)),
    };
    ports::with_refusal_status(result, ChangePasswordError::status)
}

#[component]
pub fn ResetNewPasswordPage() -> impl IntoView {
    view! {
        <SessionPage
            title="Ustaw nowe hasło"
            load=load_reset_new_password
            render=|login| view! { <NewPasswordForm login/> }.into_any()
        />
    }
}

#[component]
fn NewPasswordForm(login: String) -> impl IntoView {
    let action = ServerAction::<SetResetPassword>::new();
    let assess = ServerAction::<AssessResetPassword>::new();
    let check = Callback::new(move |typed: Option<String>| match typed {
        Some(new_password) => {
            assess.dispatch(AssessResetPassword { new_password });
        }
        None => assess.clear(),
    });
    let announcement = Signal::derive(move || {
        assess.value().get().and_then(Result::ok).map(PasswordAssessment::announcement).unwrap_or_default()
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let refused = Signal::derive(move || {
        error.get().map(|e| match e {
            ChangePasswordError::Rejected(p) => Some(p),
            ChangePasswordError::App(_) => None,
        })
    });
    view! {
        <div class="page page--narrow">
            <PageHeading>"Ustaw nowe hasło"</PageHeading>
            <p>"Kod się zgadza. Ustaw nowe hasło – po zapisaniu zakończymy wszystkie Twoje sesje w eZUS i powiadomimy Cię o zmianie."</p>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| e.summary()).unwrap_or_default())/>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <NewPasswordFields refused check announcement login/>
                <button type="submit" class="button">"Zapisz hasło"</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn ResetDonePage() -> impl IntoView {
    view! {
        <Title text="Hasło zostało zmienione"/>
        <div class="page page--narrow">
            <PageHeading>"Hasło zostało zmienione"</PageHeading>
            <p>"Od teraz logujesz się nowym hasłem. Jak zawsze, logowanie potwierdzisz kodem weryfikacyjnym."</p>
            <p>"Wszystkie Twoje sesje w eZUS zostały zakończone, a na kanał odzyskiwania dostępu wysłaliśmy powiadomienie o zmianie hasła."</p>
            <p><a class="button" href=routes::SIGN_IN>"Zaloguj się"</a></p>
        </div>
    }
}
