//! `/kod-weryfikacyjny`: every password sign-in is confirmed with a code sent
//! by the person's recovery channel (SMS or e-mail).

use crate::components::PageHeading;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::sign_in::throttled_message;
use crate::{
    components::{CodeEntry, ErrorSummary, ErrorTitle, FieldError, MaskedDestination, ResendWait, SessionPage, SignOutForm},
    errors::{self, AppError},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeChannel {
    Sms,
    Email,
}

/// What the page says about the code that was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodePrompt {
    pub channel: CodeChannel,
    /// "••• ••• 200" or "j•••@example.pl".
    pub masked_destination: String,
    /// Seconds until another code may be sent (0: now).
    pub resend_in_secs: u64,
    /// A usable code is on its way. False when the hourly limit stopped a
    /// new one: the page must not claim a code was sent.
    pub code_sent: bool,
    /// What stops the next code is the cap on messages to the SMS number
    /// (whoever caused them), not the person's own hourly limit.
    #[serde(default)]
    pub number_capped: bool,
}

/// What is wrong with a typed code or a resend request. The back end
/// decides; the page words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeProblem {
    Missing,
    Malformed,
    Wrong { tries_left: i32 },
    /// Too many wrong tries for this code: a new one is needed.
    Exhausted,
    /// Expired, already used, or replaced by a newer code.
    Expired,
    Throttled { retry_after_secs: u64 },
    ResendTooSoon { retry_after_secs: u64 },
}

impl CodeProblem {
    pub fn message(self) -> String {
        match self {
            CodeProblem::Missing => "Wpisz kod weryfikacyjny.".into(),
            CodeProblem::Malformed => "Kod weryfikacyjny ma 6 cyfr. Wpisz same cyfry.".into(),
            CodeProblem::Wrong { tries_left } => format!(
                "Nieprawidłowy kod weryfikacyjny. Możesz spróbować jeszcze {tries_left} {}.",
                errors::polish_plural(tries_left as u64, "raz", "razy", "razy")
            ),
            CodeProblem::Exhausted => {
                "Wpisano nieprawidłowy kod zbyt wiele razy. Wyślij nowy kod i wpisz go.".into()
            }
            CodeProblem::Expired => "Ten kod stracił ważność albo został już użyty. Wyślij nowy kod.".into(),
            CodeProblem::Throttled { retry_after_secs } => throttled_message(retry_after_secs),
            CodeProblem::ResendTooSoon { retry_after_secs } => {
                format!("Nowy kod możesz wysłać za {}.", errors::wait_in_words(retry_after_secs))
            }
        }
    }

    pub fn status(self) -> http::StatusCode {
        match self {
            CodeProblem::Throttled { .. } | CodeProblem::ResendTooSoon { .. } => http::StatusCode::TOO_MANY_REQUESTS,
            CodeProblem::Wrong { .. } | CodeProblem::Exhausted | CodeProblem::Expired => http::StatusCode::UNAUTHORIZED,
            CodeProblem::Missing | CodeProblem::Malformed => http::StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// Problems of the typed code stand at the field; the rest in the summary only.
    pub(crate) fn at_field(self) -> bool {
        matches!(self, CodeProblem::Missing | CodeProblem::Malformed | CodeProblem::Wrong { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum CodeError {
    #[error("code refused: {0:?}")]
    Problem(CodeProblem),
    #[error(transparent)]
    App(#[from] AppError),
}

impl CodeError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            CodeError::Problem(p) => p.status(),
            CodeError::App(app) => app.status(),
        }
    }

    pub(crate) fn summary(&self) -> FieldError {
        match self {
            CodeError::Problem(p) if p.at_field() => FieldError::at("code", p.message()),
            CodeError::Problem(p) => FieldError::general(p.message()),
            CodeError::App(app) => FieldError::general(app.message()),
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for CodeError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        CodeError::App(crate::errors::server_fn_failure(value).into())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::CodeRefusal> for CodeError {
    fn from(value: crate::ports::CodeRefusal) -> Self {
        match value {
            crate::ports::CodeRefusal::Session(s) => CodeError::App(s.into()),
            crate::ports::CodeRefusal::Problem(p) => CodeError::Problem(p),
        }
    }
}

#[server(prefix = "/api", endpoint = "kod")]
pub async fn load_code_prompt() -> Result<CodePrompt, AppError> {
    use crate::ports::{self, StepUpPort};
    ports::load(|port: std::sync::Arc<dyn StepUpPort>, request| async move { port.code_prompt(&request).await }).await
}

#[server(prefix = "/api", endpoint = "potwierdz-kod")]
pub async fn submit_code(#[server(default)] code: String) -> Result<(), CodeError> {
    use crate::ports::{self, StepUpPort};
    let Some((backend, request)) = ports::port_and_request::<dyn StepUpPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.submit_code(&request, code).await {
        Ok(signed_in) => {
            ports::append_set_cookie(signed_in.set_cookie);
            leptos_axum::redirect(crate::routes::path_of(signed_in.next));
            Ok(())
        }
        Err(refusal) => {
            if let crate::ports::CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs }) = refusal {
                ports::set_retry_after(retry_after_secs);
            }
            Err(CodeError::from(refusal))
        }
    };
    ports::with_refusal_status(result, CodeError::status)
}

#[server(prefix = "/api", endpoint = "wyslij-kod")]
pub async fn resend_code() -> Result<u64, CodeError> {
    use crate::ports::{self, StepUpPort};
    let Some((backend, request)) = ports::port_and_request::<dyn StepUpPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.resend_code(&request).await {
        Ok(resend_in_secs) => {
            // Without JavaScript the page learns of the new code from the address.
            leptos_axum::redirect(&format!("{}?{}=1", crate::routes::VERIFY_CODE, crate::components::SENT_AGAIN));
            Ok(resend_in_secs)
        }
        Err(refusal) => Err(CodeError::from(refusal)),
    };
    ports::with_refusal_status(result, CodeError::status)
}


#[component]
pub fn VerifyCodePage() -> impl IntoView {
    view! {
        <SessionPage
            title="Wpisz kod weryfikacyjny"
            load=load_code_prompt
            render=|prompt| view! { <CodeForm prompt/> }.into_any()
        />
    }
}

#[component]
fn CodeForm(prompt: CodePrompt) -> impl IntoView {
    let submit = ServerAction::<SubmitCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    let entry = CodeEntry::new(submit, resend, prompt.resend_in_secs);
    let CodeEntry { code_message, sent_again, resend_in, code_dead, .. } = entry;
    let channel = prompt.channel;
    let where_to = match channel {
        CodeChannel::Sms => view! {
            "Wysłaliśmy SMS z kodem na "
            <MaskedDestination channel masked=prompt.masked_destination.clone()/>
            "."
        }.into_any(),
        CodeChannel::Email => view! {
            "Wysłaliśmy e-mail z kodem na "
            <MaskedDestination channel masked=prompt.masked_destination.clone()/>
            "."
        }.into_any(),
    };

    view! {
        <div class="page page--narrow">
            <PageHeading>"Wpisz kod weryfikacyjny"</PageHeading>
            <ErrorSummary errors=entry.summary()/>
            {move || sent_again.get().then(|| view! {
                <div class="notice" role="status">
                    <p>"Wysłaliśmy nowy kod. Poprzedni kod jest już nieważny."</p>
                </div>
            })}
            {if prompt.code_sent {
                view! {
                    <p>{where_to}</p>
                    <p>"Kod ma 6 cyfr i jest ważny 10 minut. Wpisz go, aby dokończyć logowanie."</p>
                }.into_any()
            } else {
                let minutes = prompt.resend_in_secs.div_ceil(60).max(1);
                let when = format!("{minutes} {}", errors::polish_plural(minutes, "minutę", "minuty", "minut"));
                let text = if prompt.number_capped {
                    format!("Na ten numer telefonu wysłaliśmy już zbyt wiele wiadomości – to limit, który chroni przed nadużyciami. Nowy kod będzie można wysłać za {when}.")
                } else {
                    format!("Wysłaliśmy już 5 kodów w ciągu godziny – to limit, który chroni Twój profil. Nowy kod będzie można wysłać za {when}.")
                };
                view! {
                    <ErrorTitle/>
                    <div class="notice notice--error" role="alert">
                        <p>{text}</p>
                    </div>
                }.into_any()
            }}
            <Show when=move || code_dead.get()>
                <ActionForm action=resend attr:class="form">
                    <button type="submit" class="button">"Wyślij nowy kod"</button>
                </ActionForm>
            </Show>
            <Show when=move || !code_dead.get()>
            <ActionForm action=submit attr:class="form" attr:novalidate=true>
                <div class="field">
                    <label class="field__label" for="code">"Kod weryfikacyjny"</label>
                    {move || code_message.get().map(|m| view! {
                        <p class="field__error" id="code-error">
                            <span class="visually-hidden">"Błąd: "</span>{m}
                        </p>
                    })}
                    <input
                        class="field__input field__input--code"
                        id="code"
                        name="code"
                        type="text"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        maxlength="12"
                        spellcheck="false"
                        aria-invalid=move || code_message.get().map(|_| "true")
                        aria-describedby=move || code_message.get().map(|_| "code-error")
                    />
                </div>
                <button type="submit" class="button">"Potwierdź"</button>
            </ActionForm>
            </Show>
            <h2 class="heading-s">"Kod nie dotarł?"</h2>
            <ul>
                {match channel {
                    CodeChannel::Sms => view! {
                        <li>"SMS może dotrzeć z opóźnieniem – odczekaj chwilę. Sprawdź, czy telefon ma zasięg."</li>
                    }.into_any(),
                    CodeChannel::Email => view! {
                        <li>"E-mail może dotrzeć z opóźnieniem – odczekaj chwilę."</li>
                        <li>"Sprawdź także folder spam lub oferty."</li>
                    }.into_any(),
                }}
                <li>
                    "Kod wysyłamy kanałem odzyskiwania dostępu – tym z Twoich danych kontaktowych (SMS albo e-mail), który profil ma do kodów i powiadomień. Jeśli Twój numer lub adres się zmienił, zmienisz go w placówce ZUS albo przez Centrum Obsługi Telefonicznej ZUS (22 560 16 00)."
                </li>
            </ul>
            <Show when=move || !code_dead.get()>
                <ResendWait secs=resend_in/>
                <ActionForm action=resend attr:class="form form--inline">
                    <button type="submit" class="button button--secondary" aria-describedby="resend-wait">"Wyślij kod ponownie"</button>
                </ActionForm>
            </Show>
            // A way out: this sign-in ends, nothing else changes.
            <SignOutForm label="Anuluj logowanie"/>
        </div>
    }
}
