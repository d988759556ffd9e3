//! `/zmiana-hasla`: the forced upgrade of a password shorter than 12 characters.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, FieldError, NewPasswordFields, PageHeading, SessionPage, SignOutForm},
    errors::AppError,
};

/// The problems a new password can have. The back end decides which one
/// applies; the page words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewPasswordProblem {
    Missing,
    TooShort,
    TooLong,
    Common,
    /// On a list of passwords leaked from other services.
    Breached,
    ContainsLogin,
    ContainsPesel,
    ContainsName,
    SameAsCurrent,
    /// The repeat field was left empty.
    RepeatMissing,
    RepeatMismatch,
}

impl NewPasswordProblem {
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "Wpisz nowe hasło.",
            Self::TooShort => "Hasło musi mieć co najmniej 12 znaków.",
            Self::TooLong => "Hasło może mieć najwyżej 128 znaków.",
            Self::Common => "To hasło jest zbyt popularne i łatwe do odgadnięcia. Wybierz inne – na przykład kilka niepowiązanych słów.",
            Self::Breached => "To hasło znalazło się w wyciekach danych z innych serwisów, więc przestępcy mogą je wypróbować. Wybierz inne – na przykład kilka niepowiązanych słów.",
            Self::ContainsLogin => "Hasło nie może zawierać Twojego loginu.",
            Self::ContainsPesel => "Hasło nie może zawierać Twojego numeru PESEL.",
            Self::ContainsName => "Hasło nie może zawierać Twojego imienia ani nazwiska.",
            Self::SameAsCurrent => "Nowe hasło musi różnić się od obecnego.",
            Self::RepeatMissing => "Powtórz nowe hasło.",
            Self::RepeatMismatch => "Hasła nie są takie same. Wpisz nowe hasło dwa razy tak samo.",
        }
    }

    /// The field the problem belongs to.
    pub fn field(self) -> &'static str {
        match self {
            Self::RepeatMismatch | Self::RepeatMissing => "repeated",
            _ => "new_password",
        }
    }
}

/// What the page says while a new password is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordAssessment {
    pub problem: Option<NewPasswordProblem>,
    /// 0 (trivial) to 4 (very strong).
    pub strength: u8,
}

impl PasswordAssessment {
    pub fn announcement(self) -> String {
        let strength = match self.strength {
            0 | 1 => "bardzo słabe",
            2 => "słabe",
            3 => "dobre",
            _ => "bardzo dobre",
        };
        match self.problem {
            Some(problem) => format!("Siła hasła: {strength}. {}", problem.message()),
            None => format!("Siła hasła: {strength}. Hasło spełnia wymagania."),
        }
    }
}

#[server(prefix = "/api", endpoint = "ocen-haslo")]
pub async fn assess_new_password(new_password: String) -> Result<PasswordAssessment, AppError> {
    use crate::ports::{self, PasswordChangePort};
    ports::load(|port: std::sync::Arc<dyn PasswordChangePort>, request| async move {
        port.assess_new_password(&request, new_password).await
    })
    .await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("new password rejected: {0:?}")]
    Rejected(NewPasswordProblem),
    #[error(transparent)]
    App(#[from] AppError),
}

impl ChangePasswordError {
    /// The error summary's lines.
    pub fn summary(&self) -> Vec<FieldError> {
        match self {
            ChangePasswordError::Rejected(p) => vec![FieldError::at(p.field(), p.message())],
            ChangePasswordError::App(app) => vec![FieldError::general(app.message())],
        }
    }

    /// The HTTP status of a script call refused with this error.
    pub fn status(&self) -> http::StatusCode {
        match self {
            ChangePasswordError::Rejected(_) => http::StatusCode::UNPROCESSABLE_ENTITY,
            ChangePasswordError::App(app) => app.status(),
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for ChangePasswordError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        ChangePasswordError::App(crate::errors::server_fn_failure(value).into())
    }
}

#[server(prefix = "/api", endpoint = "zmien-haslo")]
pub async fn change_password(
    new_password: String,
    repeated: String,
) -> Result<(), ChangePasswordError> {
    use crate::{
        ports::{self, PasswordChangePort, PasswordChangeRefusal},
        routes,
    };

    let Some((backend, request)) = ports::port_and_request::<dyn PasswordChangePort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.change_password(&request, new_password, repeated).await {
        Ok(signed_in) => {
            ports::append_set_cookie(signed_in.set_cookie);
            // The next page says that the password was changed.
            leptos_axum::redirect(&format!("{}?{}=zmienione", routes::path_of(signed_in.next), routes::PASSWORD_CHANGED_QUERY));
            Ok(())
        }
        Err(PasswordChangeRefusal::Session(refusal)) => Err(AppError::from(refusal).into()),
        Err(PasswordChangeRefusal::Rejected(problem)) => Err(ChangePasswordError::Rejected(problem)),
    };
    ports::with_refusal_status(result, ChangePasswordError::status)
}

/// What the page shows besides the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChangePrompt {
    /// For password managers, so that they store the new password under it.
    pub login: String,
}

#[server(prefix = "/api", endpoint = "zmiana-hasla")]
pub async fn load_password_change() -> Result<PasswordChangePrompt, AppError> {
    use crate::ports::{self, PasswordChangePort};
    ports::load(|port: std::sync::Arc<dyn PasswordChangePort>, request| async move { port.prompt(&request).await }).await
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    view! {
        <SessionPage
            title="Zmień hasło"
            load=load_password_change
            render=|prompt| view! { <ChangePasswordForm prompt/> }.into_any()
        />
    }
}

#[component]
fn ChangePasswordForm(prompt: PasswordChangePrompt) -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let assess = ServerAction::<AssessNewPassword>::new();
    let check = Callback::new(move |typed: Option<String>| match typed {
        Some(new_password) => {
            assess.dispatch(AssessNewPassword { new_password });
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
            <PageHeading>"Zmień hasło"</PageHeading>
            <p>
                "Twoje hasło ma mniej niż 12 znaków. Od teraz hasło do eZUS musi być dłuższe, bo krótkie hasła łatwo odgadnąć. Zanim przejdziesz dalej, ustaw nowe hasło. Dotychczasowe hasło przestanie działać."
            </p>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| e.summary()).unwrap_or_default())/>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <NewPasswordFields refused check announcement login=prompt.login/>
                <button type="submit" class="button">"Zmień hasło"</button>
            </ActionForm>
            <SignOutForm label="Wyloguj się" intro="Nie chcesz teraz zmieniać hasła? Bez tego nie skorzystasz z eZUS."/>
        </div>
    }
}
