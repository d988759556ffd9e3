//! `/zmiana-hasla`: the forced upgrade of a password shorter than 12 characters.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, FieldError, PageHeading, PasswordField, SessionPage, SignOutForm, use_enhanced},
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
    fn field(self) -> &'static str {
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

/// Which fields a refusal empties: the repeat of a rejected password is
/// useless, so both go; a mismatch empties only the repeat; a missing
/// repeat keeps the new password. Without JavaScript the page comes back
/// from the server with both empty (a password is never sent back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cleared {
    Nothing,
    Repeat,
    Both,
}

impl Cleared {
    fn after(problem: Option<NewPasswordProblem>, enhanced: bool) -> Cleared {
        match problem {
            _ if !enhanced => Cleared::Both,
            Some(NewPasswordProblem::RepeatMissing) => Cleared::Nothing,
            Some(NewPasswordProblem::RepeatMismatch) => Cleared::Repeat,
            _ => Cleared::Both,
        }
    }

    fn note(self) -> Option<&'static str> {
        match self {
            Cleared::Nothing => None,
            Cleared::Repeat => Some("Pole „Powtórz nowe hasło” jest teraz puste – wpisz w nim nowe hasło jeszcze raz."),
            Cleared::Both => Some("Ze względów bezpieczeństwa oba pola z hasłem są teraz puste – wpisz nowe hasło i powtórz je."),
        }
    }
}

#[component]
fn ChangePasswordForm(prompt: PasswordChangePrompt) -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let enhanced = use_enhanced();
    // With JavaScript: the rules are checked as the person types, and the
    // result is announced politely once typing pauses (not on every key).
    let assess = ServerAction::<AssessNewPassword>::new();
    let pending_check = StoredValue::new(None::<TimeoutHandle>);
    let cancel_check = move || {
        if let Some(handle) = pending_check.get_value() {
            handle.clear();
        }
    };
    let on_new_password = Callback::new(move |typed: String| {
        cancel_check();
        let handle = set_timeout_with_handle(
            move || {
                if typed.is_empty() {
                    assess.clear();
                } else {
                    assess.dispatch(AssessNewPassword { new_password: typed });
                }
            },
            std::time::Duration::from_millis(800),
        );
        pending_check.set_value(handle.ok());
    });
    let announcement = move || {
        assess.value().get().and_then(Result::ok).map(PasswordAssessment::announcement).unwrap_or_default()
    };
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let problem = move || match error.get() {
        Some(ChangePasswordError::Rejected(p)) => Some(p),
        _ => None,
    };
    let cleared = Signal::derive(move || error.get().map(|_| Cleared::after(problem(), enhanced.get_untracked())));
    // An emptied new password has no strength to speak of.
    Effect::new(move |_| {
        if cleared.get() == Some(Cleared::Both) {
            cancel_check();
            assess.clear();
        }
    });
    let message_for = move |field: &'static str| {
        Signal::derive(move || problem().filter(|p| p.field() == field).map(|p| p.message()))
    };
    let described_by_for = move |field: &'static str| {
        Signal::derive(move || {
            problem().filter(|p| p.field() == field).map(|_| {
                if field == "repeated" { "repeated-error" } else { "new_password-error" }
            })
        })
    };
    let summary = Signal::derive(move || {
        error.get().map(|e| match e {
            ChangePasswordError::Rejected(p) => vec![FieldError::at(p.field(), p.message())],
            ChangePasswordError::App(app) => vec![FieldError::general(app.message())],
        })
        .unwrap_or_default()
    });

    view! {
        <div class="page page--narrow">
            <PageHeading>"Zmień hasło"</PageHeading>
            <p>
                "Twoje hasło ma mniej niż 12 znaków. Od teraz hasło do eZUS musi być dłuższe, bo krótkie hasła łatwo odgadnąć. Zanim przejdziesz dalej, ustaw nowe hasło. Dotychczasowe hasło przestanie działać."
            </p>
            <ErrorSummary errors=summary/>
            {move || cleared.get().and_then(Cleared::note).map(|note| view! { <p class="hint" id="cleared-note">{note}</p> })}
            <div class="hint" id="password-rules">
                <p>"Nowe hasło:"</p>
                <ul>
                    <li>"ma od 12 do 128 znaków – mogą to być dowolne znaki, także spacje i polskie litery,"</li>
                    <li>"nie może być popularnym hasłem ani zawierać Twojego loginu, numeru PESEL, imienia lub nazwiska,"</li>
                    <li>"musi się różnić od obecnego."</li>
                </ul>
                <p>"Łatwo zapamiętasz hasło złożone z kilku niepowiązanych słów."</p>
            </div>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                // For password managers: whose password this is. Not sent (no name).
                <input type="text" autocomplete="username" value=prompt.login readonly hidden/>
                <PasswordField
                    id="new_password"
                    name="new_password"
                    label="Nowe hasło"
                    autocomplete="new-password"
                    hint_ids="password-rules new_password-check"
                    message=message_for("new_password")
                    described_by=described_by_for("new_password")
                    clear_when=Signal::derive(move || cleared.get() == Some(Cleared::Both))
                    on_input=on_new_password
                />
                <p class="hint password-check" id="new_password-check" aria-live="polite">{announcement}</p>
                <PasswordField
                    id="repeated"
                    name="repeated"
                    label="Powtórz nowe hasło"
                    toggle_noun="powtórzone hasło"
                    autocomplete="new-password"
                    message=message_for("repeated")
                    described_by=described_by_for("repeated")
                    clear_when=Signal::derive(move || matches!(cleared.get(), Some(Cleared::Both | Cleared::Repeat)))
                />
                <button type="submit" class="button">"Zmień hasło"</button>
            </ActionForm>
            <SignOutForm label="Wyloguj się" intro="Nie chcesz teraz zmieniać hasła? Bez tego nie skorzystasz z eZUS."/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_must_be_retyped_is_emptied_and_the_page_says_so() {
        use NewPasswordProblem as P;
        assert_eq!(Cleared::after(Some(P::RepeatMissing), true), Cleared::Nothing);
        assert_eq!(Cleared::after(Some(P::RepeatMismatch), true), Cleared::Repeat);
        assert_eq!(Cleared::after(Some(P::TooShort), true), Cleared::Both);
        assert_eq!(Cleared::after(None, true), Cleared::Both, "a failure of the service");
        assert_eq!(Cleared::after(Some(P::RepeatMissing), false), Cleared::Both, "without JavaScript the server sends none back");
        assert!(Cleared::Nothing.note().is_none());
        assert!(Cleared::Repeat.note().unwrap().contains("Powtórz nowe hasło"));
    }
}
