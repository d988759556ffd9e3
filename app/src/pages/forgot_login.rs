//! `/nie-pamietam-loginu` ("Nie pamiętasz loginu?"): the login goes to the
//! e-mail address or mobile number given, if it is the profile's. The page
//! answers the same whether or not the data matched a profile.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, PageHeading, TextField},
    form_error::{FieldProblem, FormError},
    routes,
};

/// What is wrong with the form. Only the form itself: never whether a
/// profile has this PESEL or this contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginReminderProblem {
    PeselMissing,
    PeselInvalid,
    ContactMissing,
    ContactInvalid,
}

impl LoginReminderProblem {
    pub fn message(self) -> &'static str {
        match self {
            Self::PeselMissing => "Wpisz PESEL.",
            Self::PeselInvalid => "PESEL ma 11 cyfr, a ostatnia jest cyfrą kontrolną. Sprawdź, czy nie ma w nim pomyłki.",
            Self::ContactMissing => "Wpisz adres e-mail albo numer telefonu komórkowego z Twojego profilu.",
            Self::ContactInvalid => {
                "Wpisz adres e-mail w formacie nazwa@domena.pl albo numer telefonu komórkowego, np. 600 100 200."
            }
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::PeselMissing | Self::PeselInvalid => "pesel",
            Self::ContactMissing | Self::ContactInvalid => "contact",
        }
    }
}

impl FieldProblem for LoginReminderProblem {
    fn message(&self) -> String {
        LoginReminderProblem::message(*self).into()
    }

    fn field(&self) -> &'static str {
        LoginReminderProblem::field(*self)
    }
}

/// What was typed, given back after a refusal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypedContact {
    pub pesel: String,
    pub contact: String,
}

/// A refused request, with what was typed.
pub type LoginReminderError = FormError<LoginReminderProblem, TypedContact>;

#[server(prefix = "/api", endpoint = "przypomnij-login")]
pub async fn send_login_reminder(pesel: String, contact: String) -> Result<(), LoginReminderError> {
    use crate::ports::{self, LoginReminderPort};
    let Some((backend, request)) = ports::port_and_request::<dyn LoginReminderPort>() else {
        return Err(crate::errors::AppError::Unavailable.into());
    };
    let typed = TypedContact { pesel: pesel.chars().take(32).collect(), contact: contact.chars().take(254).collect() };
    let result = match backend.send_login(&request, pesel, contact).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("{}?{SENT}=1", routes::FORGOT_LOGIN));
            Ok(())
        }
        Err(refusal) => Err(LoginReminderError::refused(refusal, typed)),
    };
    ports::with_refusal_status(result, LoginReminderError::status)
}

const SENT: &str = "wyslano";

/// What the page says after every accepted request, matched or not.
pub const MSG_SENT: &str = "Jeśli podane dane są zgodne z profilem, wysłaliśmy login";

#[component]
pub fn ForgotLoginPage() -> impl IntoView {
    let action = ServerAction::<SendLoginReminder>::new();
    let query = use_query_map();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = move || {
        matches!(action.value().get(), Some(Ok(()))) || (action.value().get().is_none() && query.read().get(SENT).is_some())
    };
    let typed = move |pick: fn(TypedContact) -> String| {
        Signal::derive(move || error.get().map(|e| pick(e.typed())).unwrap_or_default())
    };
    let message_at = move |field: &'static str| Signal::derive(move || error.get().and_then(|e| e.at(field)));
    view! {
        <Title text="Nie pamiętasz loginu?"/>
        <div class="page page--narrow">
            <PageHeading>"Nie pamiętasz loginu?"</PageHeading>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| e.summary()).unwrap_or_default())/>
            {move || sent().then(|| view! {
                <div class="notice" role="status">
                    <p>{MSG_SENT} " – na podany adres e-mail albo numer telefonu. Nie przyszedł? Sprawdź, czy dane są takie jak w profilu, i spróbuj ponownie za kilka minut."</p>
                    <p><a href=routes::SIGN_IN>"Zaloguj się"</a></p>
                </div>
            })}
            <p>"Podaj PESEL i adres e-mail albo numer telefonu komórkowego zapisany w Twoim profilu. Jeśli są zgodne z profilem, wyślemy na nie Twój login."</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <TextField id="pesel" label="PESEL" inputmode="numeric" hint="11 cyfr."
                    message=message_at("pesel") value=typed(|t| t.pesel)/>
                <TextField id="contact" label="Adres e-mail lub telefon komórkowy" autocomplete="email"
                    hint="Np. jan.kowalski@example.pl albo 600 100 200."
                    message=message_at("contact") value=typed(|t| t.contact)/>
                <button type="submit" class="button">"Wyślij login"</button>
            </ActionForm>
            <p>"Nie masz już dostępu do tego adresu ani numeru? Login przypomnisz sobie w placówce ZUS albo przez Centrum Obsługi Telefonicznej ZUS (22 560 16 00)."</p>
            <p><a href=routes::SIGN_IN>"Wróć do logowania"</a></p>
        </div>
    }
}
