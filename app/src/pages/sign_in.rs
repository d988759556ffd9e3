//! `/logowanie`: login and password.

use crate::components::PageHeading;
use crate::pages::login_gov_pl::LoginGovPlSection;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, FieldError, PasswordField},
    errors, routes,
};

/// Why the sign-in form was refused. Carries what the person typed in the
/// login field (never the password), so a page rendered without JavaScript
/// can put it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SignInError {
    #[error("a field was left empty")]
    MissingInput { login: String, login_missing: bool, password_missing: bool },
    #[error("wrong login or password")]
    InvalidCredentials { login: String },
    #[error("profile not confirmed")]
    ProfileUnconfirmed { login: String },
    #[error("throttled for {retry_after_secs} s")]
    Throttled { login: String, retry_after_secs: u64 },
    #[error("overloaded; retry after {retry_after_secs} s")]
    Overloaded { login: String, retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable { login: String },
    /// The form arrived incomplete or unreadable (see [`errors::AppError::BadInput`]).
    #[error("the request could not be read")]
    BadInput,
    #[error("request failed: {0}")]
    Transport(String),
}

pub const MSG_INVALID: &str = "Nieprawidłowy login lub hasło.";
pub const MSG_LOGIN_MISSING: &str = "Wpisz login.";
pub const MSG_PASSWORD_MISSING: &str = "Wpisz hasło.";
pub const MSG_OVERLOADED: &str =
    "Serwis jest chwilowo przeciążony. Spróbuj zalogować się ponownie za kilka sekund.";
pub const MSG_UNCONFIRMED: &str =
    "Twój profil w eZUS nie jest jeszcze potwierdzony, dlatego nie możesz się zalogować.";

impl SignInError {
    fn typed_login(&self) -> String {
        match self {
            SignInError::MissingInput { login, .. }
            | SignInError::InvalidCredentials { login }
            | SignInError::ProfileUnconfirmed { login }
            | SignInError::Throttled { login, .. }
            | SignInError::Overloaded { login, .. }
            | SignInError::Unavailable { login } => login.clone(),
            SignInError::BadInput | SignInError::Transport(_) => String::new(),
        }
    }

    /// The HTTP status of a script call refused with this error.
    pub fn status(&self) -> http::StatusCode {
        match self {
            SignInError::MissingInput { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            SignInError::InvalidCredentials { .. } => http::StatusCode::UNAUTHORIZED,
            SignInError::ProfileUnconfirmed { .. } => http::StatusCode::FORBIDDEN,
            SignInError::Throttled { .. } => http::StatusCode::TOO_MANY_REQUESTS,
            SignInError::BadInput => http::StatusCode::BAD_REQUEST,
            SignInError::Overloaded { .. } | SignInError::Unavailable { .. } | SignInError::Transport(_) => {
                http::StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn login_message(&self) -> Option<&'static str> {
        match self {
            SignInError::MissingInput { login_missing: true, .. } => Some(MSG_LOGIN_MISSING),
            SignInError::InvalidCredentials { .. } => Some(MSG_INVALID),
            _ => None,
        }
    }

    fn password_message(&self) -> Option<&'static str> {
        match self {
            SignInError::MissingInput { password_missing: true, .. } => Some(MSG_PASSWORD_MISSING),
            _ => None,
        }
    }

    /// The element that explains the password field's problem, if it has one.
    fn password_described_by(&self) -> Option<&'static str> {
        match self {
            SignInError::MissingInput { password_missing: true, .. } => Some("password-error"),
            // One message for the pair: it stands at the login field.
            SignInError::InvalidCredentials { .. } => Some("login-error"),
            _ => None,
        }
    }

    fn summary(&self) -> Vec<FieldError> {
        let mut items = Vec::new();
        if let Some(message) = self.login_message() {
            items.push(FieldError::at("login", message));
        }
        if let Some(message) = self.password_message() {
            items.push(FieldError::at("password", message));
        }
        match self {
            SignInError::ProfileUnconfirmed { .. } => {
                items.push(FieldError::at("confirm-profile", MSG_UNCONFIRMED))
            }
            SignInError::Throttled { retry_after_secs, .. } => {
                items.push(FieldError::general(throttled_message(*retry_after_secs)))
            }
            SignInError::Overloaded { .. } => items.push(FieldError::general(MSG_OVERLOADED)),
            SignInError::Unavailable { .. } => items.push(FieldError::general(errors::UNAVAILABLE)),
            SignInError::BadInput => items.push(FieldError::general(errors::BAD_INPUT)),
            SignInError::Transport(_) => items.push(FieldError::general(errors::TRANSPORT)),
            _ => {}
        }
        items
    }
}

/// "Too many attempts, try again in N minutes/seconds", in Polish grammar.
pub fn throttled_message(retry_after_secs: u64) -> String {
    format!(
        "Zbyt wiele nieudanych prób logowania. Ze względów bezpieczeństwa kolejną próbę możesz podjąć za {}.",
        errors::wait_in_words(retry_after_secs)
    )
}

impl leptos::server_fn::error::FromServerFnError for SignInError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        match errors::server_fn_failure(value) {
            errors::ServerFnFailure::BadInput => SignInError::BadInput,
            errors::ServerFnFailure::Transport(detail) => SignInError::Transport(detail),
        }
    }
}

/// Signs in with a login and password. On success the new session's cookie
/// is set and the browser is sent on to the next step.
#[server(prefix = "/api", endpoint = "zaloguj")]
pub async fn sign_in(login: String, password: String) -> Result<(), SignInError> {
    use crate::ports::{self, SignInPort, SignInRefusal};
    /// The most of what was typed as a login that travels back to the form.
    const MAX_ECHOED_LOGIN: usize = 128;

    let echoed: String = login.chars().take(MAX_ECHOED_LOGIN).collect();
    let Some((backend, request)) = ports::port_and_request::<dyn SignInPort>() else {
        return Err(SignInError::Unavailable { login: echoed });
    };
    let result = match backend.sign_in(&request, login, password).await {
        Ok(signed_in) => {
            ports::append_set_cookie(signed_in.set_cookie);
            leptos_axum::redirect(routes::path_of(signed_in.next));
            Ok(())
        }
        Err(SignInRefusal::MissingInput { login, password }) => Err(SignInError::MissingInput {
            login: echoed,
            login_missing: login,
            password_missing: password,
        }),
        Err(SignInRefusal::InvalidCredentials) => {
            Err(SignInError::InvalidCredentials { login: echoed })
        }
        Err(SignInRefusal::ProfileUnconfirmed) => {
            Err(SignInError::ProfileUnconfirmed { login: echoed })
        }
        Err(SignInRefusal::Throttled { retry_after_secs }) => {
            ports::set_retry_after(retry_after_secs);
            Err(SignInError::Throttled { login: echoed, retry_after_secs })
        }
        Err(SignInRefusal::Overloaded { retry_after_secs }) => {
            ports::set_retry_after(retry_after_secs);
            Err(SignInError::Overloaded { login: echoed, retry_after_secs })
        }
        Err(SignInRefusal::Unavailable) => Err(SignInError::Unavailable { login: echoed }),
    };
    ports::with_refusal_status(result, SignInError::status)
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let query = leptos_router::hooks::use_query_map();
    let session_ended = move || {
        error.get().is_none() && query.read().get("sesja").is_some_and(|v| format!("sesja={v}") == routes::SESSION_ENDED_QUERY)
    };
    let login_message = Signal::derive(move || error.get().and_then(|e| e.login_message()));
    let password_message = Signal::derive(move || error.get().and_then(|e| e.password_message()));
    let password_described_by =
        Signal::derive(move || error.get().and_then(|e| e.password_described_by()));

    view! {
        <Title text="Zaloguj się"/>
        <div class="page page--narrow">
            <PageHeading>"Zaloguj się do eZUS"</PageHeading>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| e.summary()).unwrap_or_default())/>
            {move || session_ended().then(|| view! {
                <div class="notice" role="status">
                    <p>"Twoja sesja wygasła albo została zakończona, dlatego wylogowaliśmy Cię. Zaloguj się ponownie."</p>
                </div>
            })}
            {move || {
                matches!(error.get(), Some(SignInError::ProfileUnconfirmed { .. }))
                    .then(|| view! { <ConfirmProfileHelp/> })
            }}
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <div class="field">
                    <label class="field__label" for="login">"Login"</label>
                    {move || {
                        login_message
                            .get()
                            .map(|m| {
                                view! {
                                    <p class="field__error" id="login-error">
                                        <span class="visually-hidden">"Błąd: "</span>
                                        {m}
                                    </p>
                                }
                            })
                    }}
                    <input
                        class="field__input"
                        id="login"
                        name="login"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        value=move || error.get().map(|e| e.typed_login()).unwrap_or_default()
                        aria-invalid=move || login_message.get().map(|_| "true")
                        aria-describedby=move || login_message.get().map(|_| "login-error")
                    />
                </div>
                <PasswordField
                    id="password"
                    name="password"
                    label="Hasło"
                    autocomplete="current-password"
                    message=password_message
                    described_by=password_described_by
                    clear_when=Signal::derive(move || error.get().is_some())
                />
                <button type="submit" class="button">"Zaloguj się"</button>
            </ActionForm>
            <ul class="link-list">
                <li><a href=routes::FORGOT_PASSWORD>"Nie pamiętasz hasła?"</a></li>
                <li><a href=routes::FORGOT_LOGIN>"Nie pamiętasz loginu?"</a></li>
            </ul>
            <LoginGovPlSection/>
            <h2 class="heading-s">"Nie masz jeszcze profilu w eZUS?"</h2>
            <p><a href=routes::REGISTER>"Zarejestruj się"</a></p>
        </div>
    }
}

/// What a person with an unconfirmed ("niezaufany") profile can do.
#[component]
fn ConfirmProfileHelp() -> impl IntoView {
    view! {
        <section class="notice" id="confirm-profile" aria-labelledby="confirm-profile-title">
            <h2 class="heading-s" id="confirm-profile-title">"Profil niepotwierdzony"</h2>
            <p>
                "Twój profil jest niepotwierdzony (inaczej: niezaufany). Założono go przez internet, a ZUS nie sprawdził jeszcze, że należy do Ciebie. Dopóki go nie potwierdzisz, nie daje dostępu do Twoich danych w ZUS – tak nikt nie założy profilu na cudze nazwisko."
            </p>
            <ul>
                <li>
                    <a href=routes::LOGIN_GOV_PL>"Zaloguj przez login.gov.pl"</a>
                    " – Profilem Zaufanym, e-dowodem albo przez swój bank. Profil zostanie potwierdzony od razu."
                </li>
                <li>
                    "Albo przyjdź z dowodem osobistym lub paszportem do "
                    <a href="https://www.zus.pl/o-zus/kontakt/oddzialy-inspektoraty-biura-terenowe">"dowolnej placówki ZUS"</a>
                    " – w ciągu 7 dni od rejestracji."
                </li>
            </ul>
            <p>"Jeśli od rejestracji minęło więcej niż 7 dni, zarejestruj się ponownie albo potwierdź profil przez login.gov.pl."</p>
        </section>
    }
}
