//! `/profil/potwierdz`: the code sent to the new address or number — and,
//! unless the session stepped up within the last 5 minutes, a second code
//! sent to the person's current recovery channel.

use crate::components::PageHeading;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::verify_code::{CodeChannel, CodeProblem};
use crate::{
    components::{ErrorSummary, FieldError, SessionPage},
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
}

/// A refused confirmation. With one code, `Problem` stands at its field
/// (or, like a throttle, for the whole form); with two, each field's
/// problem is in `Codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ContactCodeError {
    #[error("code refused: {0:?}")]
    Problem(CodeProblem),
    #[error("codes refused: {code:?}, {current_code:?}")]
    Codes { code: Option<CodeProblem>, current_code: Option<CodeProblem> },
    #[error(transparent)]
    App(#[from] AppError),
}

impl ContactCodeError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Problem(p) => p.status(),
            Self::Codes { code, current_code } => {
                code.or(*current_code).map_or(http::StatusCode::UNPROCESSABLE_ENTITY, CodeProblem::status)
            }
            Self::App(app) => app.status(),
        }
    }

    /// The problem standing at a field, if any.
    fn at(&self, field: &str) -> Option<CodeProblem> {
        match (self, field) {
            (Self::Problem(p), "code") if p.at_field() => Some(*p),
            (Self::Codes { code, .. }, "code") => *code,
            (Self::Codes { current_code, .. }, "current_code") => *current_code,
            _ => None,
        }
    }

    /// The summary of the page with two code fields.
    fn summary(&self, fields: [CodeField; 2]) -> Vec<FieldError> {
        match self {
            Self::Problem(CodeProblem::Expired) => vec![FieldError::general(
                "Kody straciły ważność albo zostały już użyte. Wróć do danych profilu i wyślij zmianę ponownie.",
            )],
            Self::Problem(p) if p.at_field() => vec![FieldError::at("code", p.message())],
            Self::Problem(p) => vec![FieldError::general(p.message())],
            Self::Codes { .. } => fields
                .into_iter()
                .filter_map(|field| self.at(field.id).map(|p| FieldError::at(field.id, field_message(p, field.label))))
                .collect(),
            Self::App(app) => vec![FieldError::general(app.message())],
        }
    }
}

/// A code's problem, naming the field it stands at (two fields: the person
/// must know which code is meant).
fn field_message(problem: CodeProblem, label: &str) -> String {
    let named = {
        let mut chars = label.chars();
        chars.next().map(|c| c.to_lowercase().chain(chars).collect::<String>()).unwrap_or_default()
    };
    match problem {
        CodeProblem::Missing => format!("Wpisz {named}."),
        CodeProblem::Malformed => format!("{label} ma 6 cyfr. Wpisz same cyfry."),
        CodeProblem::Wrong { tries_left } => format!(
            "Nieprawidłowy {named}. Możesz spróbować jeszcze {tries_left} {}.",
            crate::errors::polish_plural(tries_left as u64, "raz", "razy", "razy")
        ),
        CodeProblem::Exhausted => format!(
            "{label} wpisano nieprawidłowo zbyt wiele razy. Wróć do danych profilu i wyślij zmianę ponownie."
        ),
        CodeProblem::Expired => {
            format!("{label} stracił ważność albo został już użyty. Wróć do danych profilu i wyślij zmianę ponownie.")
        }
        other => other.message(),
    }
}

impl leptos::server_fn::error::FromServerFnError for ContactCodeError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        ContactCodeError::App(crate::errors::server_fn_failure(value).into())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::ContactCodeRefusal> for ContactCodeError {
    fn from(value: crate::ports::ContactCodeRefusal) -> Self {
        use crate::ports::ContactCodeRefusal;
        match value {
            ContactCodeRefusal::Session(s) => ContactCodeError::App(s.into()),
            ContactCodeRefusal::Problem(p) => ContactCodeError::Problem(p),
            ContactCodeRefusal::Codes { code, current_code } => ContactCodeError::Codes { code, current_code },
        }
    }
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

/// One code field: its label, where its code went, its error.
#[derive(Clone, Copy)]
struct CodeField {
    id: &'static str,
    label: &'static str,
}

fn new_code_field(prompt: &ContactCodePrompt) -> (CodeField, String) {
    let m = &prompt.new.masked_destination;
    let (label, hint) = match (prompt.new.channel, prompt.destination_is_new) {
        (CodeChannel::Sms, true) => ("Kod z nowego numeru", format!("Wysłaliśmy go SMS-em na nowy numer {m}.")),
        (CodeChannel::Email, true) => ("Kod z nowego adresu e-mail", format!("Wysłaliśmy go e-mailem na nowy adres {m}.")),
        (CodeChannel::Sms, false) => {
            ("Kod z numeru telefonu", format!("Wysłaliśmy go SMS-em na numer {m}, na który chcesz odbierać kody."))
        }
        (CodeChannel::Email, false) => {
            ("Kod z adresu e-mail", format!("Wysłaliśmy go e-mailem na adres {m}, na który chcesz odbierać kody."))
        }
    };
    (CodeField { id: "code", label }, hint)
}

fn current_code_field(current: &SentCode) -> (CodeField, String) {
    let m = &current.masked_destination;
    let (label, hint) = match current.channel {
        CodeChannel::Sms => ("Kod z obecnego numeru telefonu", format!("Wysłaliśmy go SMS-em na obecny numer {m}.")),
        CodeChannel::Email => ("Kod z obecnego adresu e-mail", format!("Wysłaliśmy go e-mailem na obecny adres {m}.")),
    };
    (CodeField { id: "current_code", label }, hint)
}

#[component]
fn ConfirmForm(prompt: ContactCodePrompt) -> impl IntoView {
    let action = ServerAction::<ConfirmContactChange>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let Some(current) = prompt.current.clone() else {
        // One code, to the new address or number: the page as it always was.
        let message = Signal::derive(move || error.get().map(|e| match e {
            ContactCodeError::Problem(p) => p.message(),
            ContactCodeError::Codes { code, current_code } => code.or(current_code).map(CodeProblem::message).unwrap_or_default(),
            ContactCodeError::App(app) => app.message().into(),
        }));
        let where_to = match prompt.new.channel {
            CodeChannel::Sms => format!("Wysłaliśmy SMS z kodem na nowy numer {}.", prompt.new.masked_destination),
            CodeChannel::Email => format!("Wysłaliśmy e-mail z kodem na nowy adres {}.", prompt.new.masked_destination),
        };
        return view! {
            <div class="page page--narrow">
                <PageHeading>"Potwierdź nowe dane kontaktowe"</PageHeading>
                {move || message.get().map(|m| view! { <ErrorSummary errors=vec![FieldError::at("code", m)]/> })}
                <p>{where_to}</p>
                <p>"Kod ma 6 cyfr i jest ważny 10 minut. Zmiana będzie zapisana, gdy go wpiszesz."</p>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <div class="field">
                        <label class="field__label" for="code">"Kod weryfikacyjny"</label>
                        {move || message.get().map(|m| view! {
                            <p class="field__error" id="code-error"><span class="visually-hidden">"Błąd: "</span>{m}</p>
                        })}
                        <input class="field__input field__input--code" id="code" name="code" type="text"
                            inputmode="numeric" autocomplete="one-time-code" maxlength="12" spellcheck="false"
                            aria-invalid=move || message.get().map(|_| "true")
                            aria-describedby=move || message.get().map(|_| "code-error")/>
                    </div>
                    <button type="submit" class="button">"Potwierdź"</button>
                </ActionForm>
                <p><a href=routes::PROFILE>"Kod nie dotarł? Wróć do danych profilu i wyślij zmianę ponownie"</a></p>
            </div>
        }
        .into_any();
    };
    let field = move |(field, hint): (CodeField, String)| {
        let message = Signal::derive(move || error.get().and_then(|e| e.at(field.id)).map(|p| field_message(p, field.label)));
        let hint_id = format!("{}-hint", field.id);
        let error_id = format!("{}-error", field.id);
        let described_by = {
            let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
            move || match message.get() {
                Some(_) => format!("{hint_id} {error_id}"),
                None => hint_id.clone(),
            }
        };
        view! {
            <div class="field">
                <label class="field__label" for=field.id>{field.label}</label>
                <p class="hint" id=hint_id>{hint}</p>
                {move || message.get().map(|m| view! {
                    <p class="field__error" id=error_id.clone()><span class="visually-hidden">"Błąd: "</span>{m}</p>
                })}
                <input class="field__input field__input--code" id=field.id name=field.id type="text"
                    inputmode="numeric" autocomplete="one-time-code" maxlength="12" spellcheck="false"
                    aria-invalid=move || message.get().map(|_| "true")
                    aria-describedby=described_by/>
            </div>
        }
    };
    let (new_field, new_hint) = new_code_field(&prompt);
    let (current_field, current_hint) = current_code_field(&current);
    let summary = move || error.get().map(|e| view! { <ErrorSummary errors=e.summary([new_field, current_field])/> });
    view! {
        <div class="page page--narrow">
            <PageHeading>"Potwierdź nowe dane kontaktowe"</PageHeading>
            {summary}
            <p>
                "Od potwierdzenia logowania minęło ponad 5 minut, więc tę zmianę potwierdzasz dwoma kodami: "
                "jednym z nowych danych i drugim z obecnego kanału odzyskiwania dostępu. "
                "Dzięki temu nikt, kto poznał Twoje hasło, nie przeniesie Twojego profilu na swój telefon ani adres."
            </p>
            <p>"Każdy kod ma 6 cyfr i jest ważny 10 minut. Zmiana będzie zapisana, gdy wpiszesz oba."</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                {field((new_field, new_hint))}
                {field((current_field, current_hint))}
                <button type="submit" class="button">"Potwierdź"</button>
            </ActionForm>
            <p><a href=routes::PROFILE>"Kod nie dotarł? Wróć do danych profilu i wyślij zmianę ponownie"</a></p>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_two_fields_each_message_names_its_code() {
        let current = CodeField { id: "current_code", label: "Kod z obecnego adresu e-mail" };
        assert_eq!(field_message(CodeProblem::Missing, current.label), "Wpisz kod z obecnego adresu e-mail.");
        assert_eq!(
            field_message(CodeProblem::Wrong { tries_left: 4 }, current.label),
            "Nieprawidłowy kod z obecnego adresu e-mail. Możesz spróbować jeszcze 4 razy."
        );
        let new = CodeField { id: "code", label: "Kod z nowego numeru" };
        let error = ContactCodeError::Codes { code: None, current_code: Some(CodeProblem::Malformed) };
        let summary = error.summary([new, current]);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].field_id, Some("current_code"));
        assert_eq!(summary[0].message, "Kod z obecnego adresu e-mail ma 6 cyfr. Wpisz same cyfry.");
    }
}
