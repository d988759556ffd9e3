//! `/nie-pamietam-hasla/kod`: the code of a password reset. Where it went is
//! not shown: the page must read the same whether or not a profile matched.

use leptos::prelude::*;

use crate::{
    components::{CodeEntry, ErrorSummary, PageHeading, ResendWait, SessionPage, TextField},
    errors::AppError,
    pages::verify_code::CodeError,
    routes,
};

#[server(prefix = "/api", endpoint = "odzyskaj-haslo-kod")]
pub async fn load_reset_code() -> Result<u64, AppError> {
    use crate::ports::{self, PasswordResetPort};
    ports::load(|port: std::sync::Arc<dyn PasswordResetPort>, request| async move { port.code_prompt(&request).await }).await
}

#[server(prefix = "/api", endpoint = "odzyskaj-haslo-potwierdz")]
pub async fn submit_reset_code(#[server(default)] code: String) -> Result<(), CodeError> {
    use crate::{pages::verify_code::CodeProblem, ports::{self, CodeRefusal, PasswordResetPort}};
    let Some((backend, request)) = ports::port_and_request::<dyn PasswordResetPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.submit_code(&request, code).await {
        Ok(()) => {
            leptos_axum::redirect(routes::RESET_NEW_PASSWORD);
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

#[server(prefix = "/api", endpoint = "odzyskaj-haslo-wyslij")]
pub async fn resend_reset_code() -> Result<u64, CodeError> {
    use crate::ports::{self, PasswordResetPort};
    let Some((backend, request)) = ports::port_and_request::<dyn PasswordResetPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.resend_code(&request).await {
        Ok(secs) => {
            leptos_axum::redirect(&format!("{}?{}=1", routes::RESET_CODE, crate::components::SENT_AGAIN));
            Ok(secs)
        }
        Err(refusal) => Err(CodeError::from(refusal)),
    };
    ports::with_refusal_status(result, CodeError::status)
}

#[component]
pub fn ResetCodePage() -> impl IntoView {
    view! {
        <SessionPage
            title="Wpisz kod weryfikacyjny"
            load=load_reset_code
            render=|resend_in_secs| view! { <ResetCodeForm resend_in_secs/> }.into_any()
        />
    }
}

#[component]
fn ResetCodeForm(resend_in_secs: u64) -> impl IntoView {
    let submit = ServerAction::<SubmitResetCode>::new();
    let resend = ServerAction::<ResendResetCode>::new();
    let entry = CodeEntry::new(submit, resend, resend_in_secs);
    let CodeEntry { code_message, sent_again, resend_in, code_dead, .. } = entry;
    view! {
        <div class="page page--narrow">
            <PageHeading>"Wpisz kod weryfikacyjny"</PageHeading>
            <ErrorSummary errors=entry.summary()/>
            {move || sent_again.get().then(|| view! {
                <div class="notice" role="status"><p>"Wysłaliśmy nowy kod. Poprzedni kod jest już nieważny."</p></div>
            })}
            <p>
                "Jeśli login i PESEL są zgodne z Twoim profilem, wysłaliśmy kod kanałem odzyskiwania dostępu – "
                "SMS-em albo e-mailem, tak jak kody do logowania. Kod ma 6 cyfr i jest ważny 15 minut."
            </p>
            <Show when=move || code_dead.get()>
                <ActionForm action=resend attr:class="form">
                    <button type="submit" class="button">"Wyślij nowy kod"</button>
                </ActionForm>
            </Show>
            <Show when=move || !code_dead.get()>
                <ActionForm action=submit attr:class="form" attr:novalidate=true>
                    <TextField id="code" label="Kod weryfikacyjny" inputmode="numeric" autocomplete="one-time-code"
                        message=code_message/>
                    <button type="submit" class="button">"Potwierdź"</button>
                </ActionForm>
                <h2 class="heading-s">"Kod nie dotarł?"</h2>
                <p>"Wiadomość może dotrzeć z opóźnieniem – odczekaj chwilę. E-mail sprawdź także w folderze spam lub oferty. Sprawdź też, czy login i PESEL były wpisane bez pomyłki."</p>
                <ResendWait secs=resend_in/>
                <ActionForm action=resend attr:class="form form--inline">
                    <button type="submit" class="button button--secondary" aria-describedby="resend-wait">"Wyślij kod ponownie"</button>
                </ActionForm>
            </Show>
            <p><a href=routes::FORGOT_PASSWORD>"Zacznij od nowa"</a></p>
        </div>
    }
}
