//! `/nie-pamietam-loginu` ("Nie pamiętasz loginu?"): the login goes to the
//! e-mail address or mobile number given, if it is the profile's. The page
//! answers the same whether or not the data matched a profile.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, FieldError, PageHeading, TextField},
    errors::{self, AppError},
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

/// A refused request, with what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LoginReminderError {
    #[error("form refused: {problems:?}")]
    Problems { problems: Vec<LoginReminderProblem>, pesel: String, contact: String },
    #[error("throttled for {retry_after_secs} s")]
    Throttled { retry_after_secs: u64, pesel: String, contact: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl LoginReminderError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Problems { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled { .. } => http::StatusCode::TOO_MANY_REQUESTS,
            Self::App(app) => app.status(),
        }
    }

    fn typed(&self) -> (String, String) {
        match self {
            Self::Problems { pesel, contact, .. } | Self::Throttled { pesel, contact, .. } => (pesel.clone(), contact.clone()),
            Self::App(_) => Default::default(),
        }
    }

    fn summary(&self) -> Vec<FieldError> {
        match self {
            Self::Problems { problems, .. } => problems.iter().map(|p| FieldError::at(p.field(), p.message())).collect(),
            Self::Throttled { retry_after_secs, .. } => vec![FieldError::general(errors::too_many_requests(*retry_after_secs))],
            Self::App(app) => vec![FieldError::general(app.message())],
        }
    }

    fn at(&self, field: &str) -> Option<String> {
        match self {
            Self::Problems { problems, .. } => problems.iter().find(|p| p.field() == field).map(|p| p.message().to_owned()),
            _ => None,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for LoginReminderError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        LoginReminderError::App(errors::server_fn_failure(value).into())
    }
}

#[server(prefix = "/api", endpoint = "przypomnij-login")]
pub async fn send_login_reminder(pesel: String, contact: String) -> Result<(), LoginReminderError> {
    use crate::ports::{self, LoginReminderPort, LoginReminderRefusal};
    let Some((backend, request)) = ports::port_and_request::<dyn LoginReminderPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let typed = (pesel.chars().take(32).collect::<String>(), contact.chars().take(254).collect::<String>());
    let result = match backend.send_login(&request, pesel, contact).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("{}?{SENT}=1", routes::FORGOT_LOGIN));
            Ok(())
        }
        Err(LoginReminderRefusal::Problems(problems)) => {
            Err(LoginReminderError::Problems { problems, pesel: typed.0, contact: typed.1 })
        }
        Err(LoginReminderRefusal::Throttled { retry_after_secs }) => {
            ports::set_retry_after(retry_after_secs);
            Err(LoginReminderError::Throttled { retry_after_secs, pesel: typed.0, contact: typed.1 })
        }
        Err(LoginReminderRefusal::Unavailable) => Err(AppError::Unavailable.into()),
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
    let typed = move |pick: fn((String, String)) -> String| {
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
                    message=message_at("pesel") value=typed(|t| t.0)/>
                <TextField id="contact" label="Adres e-mail lub telefon komórkowy" autocomplete="email"
                    hint="Np. jan.kowalski@example.pl albo 600 100 200."
                    message=message_at("contact") value=typed(|t| t.1)/>
                <button type="submit" class="button">"Wyślij login"</button>
            </ActionForm>
            <p>"Nie masz już dostępu do tego adresu ani numeru? Login przypomnisz sobie w placówce ZUS albo przez Centrum Obsługi Telefonicznej ZUS (22 560 16 00)."</p>
            <p><a href=routes::SIGN_IN>"Wróć do logowania"</a></p>
        </div>
    }
}
