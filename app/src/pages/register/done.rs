//! `/rejestracja/login` (the login was taken while the code was on its
//! way: another one) and `/rejestracja/gotowe` ("Profil założony").

use leptos::prelude::*;

use super::{LOGIN_RULES, RegistrationError};
use crate::{
    components::{ErrorSummary, PageHeading, SessionPage, TextField},
    errors::AppError,
    routes,
};

#[server(prefix = "/api", endpoint = "rejestracja-login")]
pub async fn load_registration_login() -> Result<String, AppError> {
    use crate::ports::{self, RegistrationPort};
    ports::load(|port: std::sync::Arc<dyn RegistrationPort>, request| async move { port.login_prompt(&request).await }).await
}

#[server(prefix = "/api", endpoint = "rejestracja-wybierz-login")]
pub async fn choose_registration_login(login: String) -> Result<(), RegistrationError> {
    use crate::ports::{self, LoginChoiceRefusal, RegistrationPort, RegistrationRefusal};
    let Some((backend, request)) = ports::port_and_request::<dyn RegistrationPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let typed = super::Typed { login: login.chars().take(64).collect(), ..Default::default() };
    let result = match backend.choose_login(&request, login).await {
        Ok(()) => {
            leptos_axum::redirect(routes::REGISTRATION_DONE);
            Ok(())
        }
        // No registration at this step: the step it is at (or the form) instead.
        Err(LoginChoiceRefusal::Session(refusal)) => Err(AppError::from(refusal).into()),
        Err(LoginChoiceRefusal::Form(RegistrationRefusal::Problems(problems))) => Err(RegistrationError::Problems { problems, typed }),
        Err(LoginChoiceRefusal::Form(RegistrationRefusal::Throttled { retry_after_secs })) => {
            Err(RegistrationError::Throttled { retry_after_secs, typed })
        }
        Err(LoginChoiceRefusal::Form(RegistrationRefusal::Unavailable)) => Err(AppError::Unavailable.into()),
    };
    ports::with_refusal_status(result, RegistrationError::status)
}

#[server(prefix = "/api", endpoint = "rejestracja-gotowe")]
pub async fn load_registration_done() -> Result<bool, AppError> {
    use crate::ports::{self, RegistrationPort};
    let Some((backend, request)) = ports::port_and_request::<dyn RegistrationPort>() else {
        return Err(AppError::Unavailable);
    };
    let result = match backend.done(&request).await {
        Ok((clear_cookie, confirmed)) => {
            ports::append_set_cookie(clear_cookie);
            Ok(confirmed)
        }
        Err(refusal) => Err(AppError::from(refusal)),
    };
    ports::with_refusal_status(result, AppError::status)
}

#[component]
pub fn RegistrationLoginPage() -> impl IntoView {
    view! {
        <SessionPage
            title="Wybierz inny login"
            load=load_registration_login
            render=|suggestion| view! { <LoginForm suggestion/> }.into_any()
        />
    }
}

#[component]
fn LoginForm(suggestion: String) -> impl IntoView {
    let action = ServerAction::<ChooseRegistrationLogin>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let value = Signal::derive(move || error.get().map(|e| e.typed().login).unwrap_or_else(|| suggestion.clone()));
    view! {
        <div class="page page--narrow">
            <PageHeading>"Wybierz inny login"</PageHeading>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| e.summary()).unwrap_or_default())/>
            <p>"Kod się zgadza, ale wybrany login jest już zajęty. Podpowiadamy wolny – możesz też wpisać własny."</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <TextField id="login" label="Login" autocomplete="username" hint=LOGIN_RULES
                    message=Signal::derive(move || error.get().and_then(|e| e.at("login"))) value/>
                <button type="submit" class="button">"Załóż profil"</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn RegistrationDonePage() -> impl IntoView {
    view! {
        <SessionPage
            title="Profil założony"
            load=load_registration_done
            render=|confirmed| view! { <Done confirmed/> }.into_any()
        />
    }
}

/// `confirmed`: made with the data login.gov.pl vouched for.
#[component]
fn Done(confirmed: bool) -> impl IntoView {
    if confirmed {
        return view! {
            <div class="page page--narrow">
                <PageHeading>"Profil założony"</PageHeading>
                <div class="notice" role="status">
                    <p><strong>"Twój profil jest już potwierdzony – dane przekazał login.gov.pl. Możesz się zalogować."</strong></p>
                </div>
                <p>"Zaloguj się loginem i hasłem, które przed chwilą ustawiłeś, albo znów przez login.gov.pl."</p>
                <p>"Jeśli masz już profil w eZUS, nowy nie powstał – wysłaliśmy Ci wiadomość kanałem odzyskiwania dostępu Twojego profilu."</p>
                <p><a href=routes::SIGN_IN>"Przejdź do logowania"</a></p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="page page--narrow">
            <PageHeading>"Profil założony"</PageHeading>
            <div class="notice" role="status">
                <p><strong>"Twój profil nie jest jeszcze potwierdzony, dlatego nie możesz się jeszcze zalogować."</strong></p>
            </div>
            <p>"Potwierdź go na jeden z dwóch sposobów:"</p>
            <ul>
                <li>
                    <a href=routes::LOGIN_GOV_PL>"Zaloguj przez login.gov.pl"</a>
                    " – Profilem Zaufanym, e-dowodem albo przez swój bank. Profil zostanie potwierdzony od razu."
                </li>
                <li>
                    "Albo przyjdź z dowodem osobistym lub paszportem do "
                    <a href="https://www.zus.pl/o-zus/kontakt/oddzialy-inspektoraty-biura-terenowe">"dowolnej placówki ZUS"</a>
                    " – w ciągu 7 dni. Profil niepotwierdzony w tym czasie usuniemy."
                </li>
            </ul>
            <p>"Jeśli masz już profil w eZUS, nowy nie powstał – wysłaliśmy Ci wiadomość kanałem odzyskiwania dostępu Twojego profilu."</p>
            <p><a href=routes::SIGN_IN>"Przejdź do logowania"</a></p>
        </div>
    }
    .into_any()
}
