//! `/rejestracja/kod`: the code sent to the address or number to be
//! proven. The person typed it themselves, so the page may say where it
//! went.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, MaskedDestination, PageHeading, ResendWait, SessionPage, TextField},
    errors::AppError,
    pages::verify_code::{CodeChannel, CodeError, CodeProblem},
    routes,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationCodePrompt {
    pub channel: CodeChannel,
    pub masked_destination: String,
    pub resend_in_secs: u64,
}

#[server(prefix = "/api", endpoint = "rejestracja-kod")]
pub async fn load_registration_code() -> Result<RegistrationCodePrompt, AppError> {
    use crate::ports::{self, RegistrationPort};
    ports::load(|port: std::sync::Arc<dyn RegistrationPort>, request| async move { port.code_prompt(&request).await }).await
}

#[server(prefix = "/api", endpoint = "rejestracja-potwierdz")]
pub async fn submit_registration_code(#[server(default)] code: String) -> Result<(), CodeError> {
    use crate::ports::{self, AfterCode, CodeRefusal, RegistrationPort};
    let Some((backend, request)) = ports::port_and_request::<dyn RegistrationPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.submit_code(&request, code).await {
        Ok(AfterCode::Done) => {
            leptos_axum::redirect(routes::REGISTRATION_DONE);
            Ok(())
        }
        Ok(AfterCode::ChooseLogin) => {
            leptos_axum::redirect(routes::REGISTRATION_LOGIN);
            Ok(())
        }
        Err(refusal) => {
            if let CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs }) = refusal {
                ports::set_retry_after(retry_after_secs);
            }
            Err(CodeError::from(refusal))
        }
    };
    ports::with_refusal_status(result, CodeError::status)
}

#[server(prefix = "/api", endpoint = "rejestracja-wyslij")]
pub async fn resend_registration_code() -> Result<u64, CodeError> {
    use crate::ports::{self, RegistrationPort};
    let Some((backend, request)) = ports::port_and_request::<dyn RegistrationPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.resend_code(&request).await {
        Ok(secs) => {
            leptos_axum::redirect(&format!("{}?{SENT_AGAIN}=1", routes::REGISTRATION_CODE));
            Ok(secs)
        }
        Err(refusal) => Err(CodeError::from(refusal)),
    };
    ports::with_refusal_status(result, CodeError::status)
}

const SENT_AGAIN: &str = "wyslano";

#[component]
pub fn RegistrationCodePage() -> impl IntoView {
    view! {
        <SessionPage
            title="Wpisz kod weryfikacyjny"
            load=load_registration_code
            render=|prompt| view! { <RegistrationCodeForm prompt/> }.into_any()
        />
    }
}

#[component]
fn RegistrationCodeForm(prompt: RegistrationCodePrompt) -> impl IntoView {
    let submit = ServerAction::<SubmitRegistrationCode>::new();
    let resend = ServerAction::<ResendRegistrationCode>::new();
    let query = use_query_map();
    Effect::new(move |_| {
        if matches!(resend.value().get(), Some(Ok(_))) {
            submit.clear();
        }
    });
    let error = Signal::derive(move || {
        submit.value().get().and_then(Result::err).or_else(|| resend.value().get().and_then(Result::err))
    });
    let sent_again = move || {
        matches!(resend.value().get(), Some(Ok(_))) || (resend.value().get().is_none() && query.read().get(SENT_AGAIN).is_some())
    };
    let first_wait = prompt.resend_in_secs;
    let resend_in = Signal::derive(move || match resend.value().get() {
        Some(Ok(secs)) | Some(Err(CodeError::Problem(CodeProblem::ResendTooSoon { retry_after_secs: secs }))) => secs,
        _ => first_wait,
    });
    let code_dead = Signal::derive(move || {
        matches!(submit.value().get(), Some(Err(CodeError::Problem(CodeProblem::Exhausted | CodeProblem::Expired))))
    });
    let code_message = Signal::derive(move || match error.get() {
        Some(CodeError::Problem(p)) if p.at_field() => Some(p.message()),
        _ => None,
    });
    let (channel, masked) = (prompt.channel, prompt.masked_destination);
    let how = if channel == CodeChannel::Sms { "SMS" } else { "e-mail" };
    view! {
        <div class="page page--narrow">
            <PageHeading>"Wpisz kod weryfikacyjny"</PageHeading>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| vec![e.summary()]).unwrap_or_default())/>
            {move || sent_again().then(|| view! {
                <div class="notice" role="status"><p>"Wysłaliśmy nowy kod. Poprzedni kod jest już nieważny."</p></div>
            })}
            <p>"Wysłaliśmy " {how} " z kodem na " <MaskedDestination channel masked/> "."</p>
            <p>"Kod ma 6 cyfr i jest ważny 10 minut. Wpisz go, aby założyć profil."</p>
            <Show when=move || code_dead.get()>
                <ActionForm action=resend attr:class="form">
                    <button type="submit" class="button">"Wyślij nowy kod"</button>
                </ActionForm>
            </Show>
            <Show when=move || !code_dead.get()>
                <ActionForm action=submit attr:class="form" attr:novalidate=true>
                    <TextField id="code" label="Kod weryfikacyjny" inputmode="numeric" autocomplete="one-time-code" message=code_message/>
                    <button type="submit" class="button">"Potwierdź"</button>
                </ActionForm>
                <h2 class="heading-s">"Kod nie dotarł?"</h2>
                <p>"Wiadomość może dotrzeć z opóźnieniem – odczekaj chwilę. E-mail sprawdź także w folderze spam lub oferty."</p>
                <ResendWait secs=resend_in/>
                <ActionForm action=resend attr:class="form form--inline">
                    <button type="submit" class="button button--secondary" aria-describedby="resend-wait">"Wyślij kod ponownie"</button>
                </ActionForm>
            </Show>
            <p><a href=routes::REGISTER>"Pomyłka w adresie lub numerze? Zacznij od nowa"</a></p>
        </div>
    }
}
