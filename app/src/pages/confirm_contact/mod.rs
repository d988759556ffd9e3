//! `/profil/potwierdz`: the code sent to the new address or number — and,
//! unless the session stepped up within the last 5 minutes, a second code
//! sent to the person's current recovery channel.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

mod problems;

pub use problems::ContactCodeError;
use problems::{CodeField, field_message, one_code_message};

use super::verify_code::{CodeChannel, CodeProblem};
use crate::{
    components::{ErrorSummary, FieldError, MaskedDestination, PageHeading, ResendWait, SessionPage, SignOutForm},
    errors::AppError,
    routes,
};

/// Where one code of the change went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentCode {
    pub channel: CodeChannel,
    /// "••• ••• 900" or "j•••@example.pl".
    pub masked_destination: String,
}

/// What the page says about the codes of the pending change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCodePrompt {
    /// The code to the new address or number (when only the recovery
    /// channel changes: to the newly chosen channel's).
    pub new: SentCode,
    /// The new code's destination is a new address or number.
    pub destination_is_new: bool,
    /// The code to the current recovery channel, when one is needed.
    pub current: Option<SentCode>,
    /// Seconds until the codes may be sent again (0: now).
    #[serde(default)]
    pub resend_in_secs: u64,
}

#[server(prefix = "/api", endpoint = "kod-kontakt")]
pub async fn load_contact_prompt() -> Result<ContactCodePrompt, AppError> {
    use crate::ports::{self, ProfilePort};
    ports::load(|port: std::sync::Arc<dyn ProfilePort>, request| async move { port.contact_change_prompt(&request).await }).await
}

/// `current_code` is only sent (and only needed) when the page asks for it.
#[server(prefix = "/api", endpoint = "potwierdz-kontakt")]
pub async fn confirm_contact_change(
    #[server(default)] code: String,
    #[server(default)] current_code: String,
) -> Result<(), ContactCodeError> {
    use crate::ports::{self, ContactCodeRefusal, ProfilePort};
    let Some((backend, request)) = ports::port_and_request::<dyn ProfilePort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.confirm_contact_change(&request, code, current_code).await {
        Ok(changed) => {
            // A step up: the session goes on under a new token.
            ports::append_set_cookie(changed.set_cookie);
            leptos_axum::redirect(&format!("{}?{}=1", routes::PROFILE, super::profile::CHANGED));
            Ok(())
        }
        Err(refusal) => {
            if let ContactCodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs }) = refusal {
                ports::set_retry_after(retry_after_secs);
            }
            Err(ContactCodeError::from(refusal))
        }
    };
    ports::with_refusal_status(result, ContactCodeError::status)
}

/// "Kod nie dotarł?": new codes for the pending change, without the form
/// of the profile again.
#[server(prefix = "/api", endpoint = "wyslij-kody-kontakt")]
pub async fn resend_contact_codes() -> Result<u64, ContactCodeError> {
    use crate::ports::{self, ContactCodeRefusal, ProfilePort};
    let Some((backend, request)) = ports::port_and_request::<dyn ProfilePort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.resend_contact_codes(&request).await {
        Ok(resend_in_secs) => {
            // Without JavaScript the page learns of the new codes from the address.
            leptos_axum::redirect(&format!("{}?{SENT_AGAIN}=1", routes::CONFIRM_CONTACT));
            Ok(resend_in_secs)
        }
        Err(ContactCodeRefusal::Problem(CodeProblem::Expired)) => Err(ContactCodeError::ChangeExpired),
        Err(refusal) => Err(ContactCodeError::from(refusal)),
    };
    ports::with_refusal_status(result, ContactCodeError::status)
}

const SENT_AGAIN: &str = "wyslano";

#[component]
pub fn ConfirmContactPage() -> impl IntoView {
    view! {
        <SessionPage
            title="Potwierdź nowe dane kontaktowe"
            load=load_contact_prompt
            render=|prompt| view! { <ConfirmForm prompt/> }.into_any()
        />
    }
}

fn new_code_field(prompt: &ContactCodePrompt) -> (CodeField, AnyView) {
    let (channel, masked) = (prompt.new.channel, prompt.new.masked_destination.clone());
    match (channel, prompt.destination_is_new) {
        (CodeChannel::Sms, true) => (
            CodeField { id: "code", label: "Kod z nowego numeru" },
            view! { "Wysłaliśmy go SMS-em na " <MaskedDestination channel masked adjective="nowy"/> "." }.into_any(),
        ),
        (CodeChannel::Email, true) => (
            CodeField { id: "code", label: "Kod z nowego adresu e-mail" },
            view! { "Wysłaliśmy go e-mailem na " <MaskedDestination channel masked adjective="nowy"/> "." }.into_any(),
        ),
        (CodeChannel::Sms, false) => (
            CodeField { id: "code", label: "Kod z numeru telefonu" },
            view! { "Wysłaliśmy go SMS-em na " <MaskedDestination channel masked/> ", na który chcesz odbierać kody." }.into_any(),
        ),
        (CodeChannel::Email, false) => (
            CodeField { id: "code", label: "Kod z adresu e-mail" },
            view! { "Wysłaliśmy go e-mailem na " <MaskedDestination channel masked/> ", na który chcesz odbierać kody." }.into_any(),
        ),
    }
}

fn current_code_field(current: &SentCode) -> (CodeField, AnyView) {
    let (channel, masked) = (current.channel, current.masked_destination.clone());
    let label = match channel {
        CodeChannel::Sms => "Kod z obecnego numeru telefonu",
        CodeChannel::Email => "Kod z obecnego adresu e-mail",
    };
    let how = match channel {
        CodeChannel::Sms => "SMS-em",
        CodeChannel::Email => "e-mailem",
    };
    let hint = view! { "Wysłaliśmy go " {how} " na " <MaskedDestination channel masked adjective="obecny"/> "." };
    (CodeField { id: "current_code", label }, hint.into_any())
}

/// A code input with its label, hint and error.
fn code_input(field: CodeField, label: &'static str, hint: Option<AnyView>, message: Signal<Option<String>>) -> impl IntoView {
    let hint_id = hint.is_some().then(|| format!("{}-hint", field.id));
    let error_id = format!("{}-error", field.id);
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<String> = hint_id.iter().cloned().chain(message.get().map(|_| error_id.clone())).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label class="field__label" for=field.id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            {move || message.get().map(|m| view! {
                <p class="field__error" id=error_id.clone()><span class="visually-hidden">"Błąd: "</span>{m}</p>
            })}
            <input class="field__input field__input--code" id=field.id name=field.id type="text"
                inputmode="numeric" autocomplete="one-time-code" maxlength="12" spellcheck="false"
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described_by/>
        </div>
    }
}

#[component]
fn ConfirmForm(prompt: ContactCodePrompt) -> impl IntoView {
    let action = ServerAction::<ConfirmContactChange>::new();
    let resend = ServerAction::<ResendContactCodes>::new();
    let query = use_query_map();
    let error = Signal::derive(move || {
        action.value().get().and_then(Result::err).or_else(|| resend.value().get().and_then(Result::err))
    });
    // A new code makes the old one's problem history.
    Effect::new(move |_| {
        if matches!(resend.value().get(), Some(Ok(_))) {
            action.clear();
        }
    });
    let sent_again = move || {
        matches!(resend.value().get(), Some(Ok(_)))
            || (resend.value().get().is_none() && query.read().get(SENT_AGAIN).is_some())
    };
    let first_wait = prompt.resend_in_secs;
    let resend_in = Signal::derive(move || match resend.value().get() {
        Some(Err(ContactCodeError::Problem(CodeProblem::ResendTooSoon { retry_after_secs }))) => retry_after_secs,
        Some(Ok(secs)) => secs,
        _ => first_wait,
    });
    let two = prompt.current.is_some();
    let (new_field, new_hint) = new_code_field(&prompt);
    let fields = match &prompt.current {
        Some(current) => {
            let (current_field, current_hint) = current_code_field(current);
            vec![(new_field, new_field.label, Some(new_hint)), (current_field, current_field.label, Some(current_hint))]
        }
        // One code: the page names it plainly and says where it went above.
        None => vec![(new_field, "Kod weryfikacyjny", None)],
    };
    let ids = [new_field, fields.last().map_or(new_field, |f| f.0)];
    let summary = Signal::derive(move || {
        error.get().map(|e| if two { e.summary(ids) } else { vec![FieldError::at("code", one_code_message(&e))] }).unwrap_or_default()
    });
    let inputs = fields
        .into_iter()
        .map(|(field, label, hint)| {
            let message = Signal::derive(move || {
                error.get().and_then(|e| if two { e.at(field.id).map(|p| field_message(p, field.label)) } else { Some(one_code_message(&e)) })
            });
            code_input(field, label, hint, message)
        })
        .collect_view();
    let (channel, masked) = (prompt.new.channel, prompt.new.masked_destination.clone());
    let intro = if two {
        view! {
            <p>
                "Od potwierdzenia logowania minęło ponad 5 minut, więc tę zmianę potwierdzasz dwoma kodami: "
                "jednym z nowych danych i drugim z obecnego kanału odzyskiwania dostępu (tam wysyłamy kody do logowania). "
                "Dzięki temu nikt, kto poznał Twoje hasło, nie przeniesie Twojego profilu na swój telefon ani adres."
            </p>
            <p>"Każdy kod ma 6 cyfr i jest ważny 10 minut. Zmiana będzie zapisana, gdy wpiszesz oba."</p>
        }
        .into_any()
    } else {
        let how = if channel == CodeChannel::Sms { "SMS" } else { "e-mail" };
        view! {
            <p>"Wysłaliśmy " {how} " z kodem na " <MaskedDestination channel masked adjective="nowy"/> "."</p>
            <p>"Kod ma 6 cyfr i jest ważny 10 minut. Zmiana będzie zapisana, gdy go wpiszesz."</p>
        }
        .into_any()
    };
    view! {
        <div class="page page--narrow">
            <PageHeading>"Potwierdź nowe dane kontaktowe"</PageHeading>
            <ErrorSummary errors=summary/>
            {move || sent_again().then(|| view! {
                <div class="notice" role="status">
                    <p>{if two { "Wysłaliśmy nowe kody. Poprzednie są już nieważne." } else { "Wysłaliśmy nowy kod. Poprzedni kod jest już nieważny." }}</p>
                </div>
            })}
            {intro}
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                {inputs}
                <button type="submit" class="button">"Potwierdź"</button>
            </ActionForm>
            <h2 class="heading-s">"Kod nie dotarł?"</h2>
            <p>"Wiadomość może dotrzeć z opóźnieniem – odczekaj chwilę. E-mail sprawdź także w folderze spam lub oferty."</p>
            <ResendWait secs=resend_in/>
            <ActionForm action=resend attr:class="form form--inline">
                <button type="submit" class="button button--secondary" aria-describedby="resend-wait">
                    {if two { "Wyślij kody ponownie" } else { "Wyślij kod ponownie" }}
                </button>
            </ActionForm>
            <p><a href=routes::PROFILE>"Pomyłka w adresie lub numerze? Wróć do danych profilu"</a></p>
            <SignOutForm/>
        </div>
    }
}
