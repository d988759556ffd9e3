//! `/rejestracja/kod`: the code sent to the address or number to be
//! proven. The person typed it themselves, so the page may say where it
//! went.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    components::{CodeEntry, ErrorSummary, MaskedDestination, PageHeading, ResendWait, SessionPage, TextField},
    errors::AppError,
    pages::verify_code::{CodeChannel, CodeError},
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
    use crate::{pages::verify_code::CodeProblem, ports::{self, AfterCode, CodeRefusal, RegistrationPort}};
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
            leptos_axum::redirect(&format!("{}?{}=1", routes::REGISTRATION_CODE, crate::components::SENT_AGAIN));
            Ok(secs)
        }
        Err(refusal) => Err(CodeError::from(refusal)),
    };
    ports::with_refusal_status(result, CodeError::status)
}

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
    let entry = CodeEntry::new(submit, resend, prompt.resend_in_secs);
    let CodeEntry { code_message, sent_again, resend_in, code_dead, .. } = entry;
    let (channel, masked) = (prompt.channel, prompt.masked_destination);
    let how = if channel == CodeChannel::Sms { "SMS" } else { "e-mail" };
    view! {
        <div class="page page--narrow">
            <PageHeading>"Wpisz kod weryfikacyjny"</PageHeading>
            <ErrorSummary errors=entry.summary()/>
            {move || sent_again.get().then(|| view! {
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
