//! `/profil` ("Dane profilu"): contact data and the recovery channel; their
//! confirmation by code is `super::confirm_contact`.

use crate::components::PageHeading;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{sign_in::throttled_message, verify_code::CodeChannel};
use crate::{
    components::{ErrorSummary, FieldError, PasswordField, SessionPage, SignOutForm},
    errors::{self, AppError},
    format, routes,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub email: String,
    pub phone: String,
    pub channel: CodeChannel,
    /// The country calling codes a phone number may have (`+48`).
    #[serde(default)]
    pub phone_country_codes: Vec<String>,
}

/// What is wrong with a requested change. The back end decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactProblem {
    EmailInvalid,
    PhoneInvalid,
    /// A number of a country we do not send SMS to (SMS pumping).
    PhoneCountry { allowed: Vec<String> },
    /// The new number has had too many messages this hour or day, whoever caused them.
    NumberCapped { retry_after_secs: u64 },
    /// The current SMS number — where the second code must go — has had
    /// too many messages this hour or day.
    CurrentNumberCapped { retry_after_secs: u64 },
    ChannelMissing,
    PasswordMissing,
    PasswordWrong,
    NothingChanged,
    /// E-mail and phone at once: each new one must be proven by its own code.
    BothChanged,
    Throttled { retry_after_secs: u64 },
    ResendTooSoon { retry_after_secs: u64 },
}

impl ContactProblem {
    pub fn message(&self) -> String {
        match self {
            Self::EmailInvalid => "Wpisz adres e-mail w formacie nazwa@domena.pl.".into(),
            Self::PhoneInvalid => "Wpisz numer telefonu komórkowego: 9 cyfr, np. 600 100 200, albo numer z „+” i kodem kraju, np. +48 600 100 200.".into(),
            Self::PhoneCountry { allowed } if allowed.iter().all(|c| c == "+48") => {
                "Numer telefonu musi być polskim numerem komórkowym (+48).".into()
            }
            Self::PhoneCountry { allowed } => {
                format!("Numer telefonu musi mieć jeden z tych kodów kraju: {}.", allowed.join(", "))
            }
            Self::NumberCapped { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                format!(
                    "Na ten numer telefonu wysłaliśmy już zbyt wiele wiadomości – to limit, który chroni przed nadużyciami. Kod na ten numer możesz wysłać za {minutes} {}.",
                    errors::polish_plural(minutes, "minutę", "minuty", "minut")
                )
            }
            Self::CurrentNumberCapped { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                format!(
                    "Zmianę potwierdzasz także kodem wysłanym na Twój obecny numer telefonu, a na ten numer wysłaliśmy już zbyt wiele wiadomości – to limit, który chroni przed nadużyciami. Spróbuj ponownie za {minutes} {}.",
                    errors::polish_plural(minutes, "minutę", "minuty", "minut")
                )
            }
            Self::ChannelMissing => "Wybierz kanał odzyskiwania dostępu.".into(),
            Self::PasswordMissing => "Wpisz obecne hasło.".into(),
            Self::PasswordWrong => "Nieprawidłowe hasło.".into(),
            Self::NothingChanged => "Nie zmieniono żadnych danych.".into(),
            Self::BothChanged => "Zmień najpierw adres e-mail albo numer telefonu – każdą nową daną potwierdzasz osobnym kodem.".into(),
            Self::Throttled { retry_after_secs } => throttled_message(*retry_after_secs),
            Self::ResendTooSoon { retry_after_secs } => {
                format!("Nowy kod możesz wysłać za {}.", errors::wait_in_words(*retry_after_secs))
            }
        }
    }

    /// The field the problem stands at.
    fn field(&self) -> &'static str {
        match self {
            Self::EmailInvalid | Self::NothingChanged | Self::BothChanged => "email",
            Self::PhoneInvalid | Self::PhoneCountry { .. } | Self::NumberCapped { .. } => "phone",
            Self::ChannelMissing => "channel-email",
            _ => "current_password",
        }
    }

    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::PasswordWrong => http::StatusCode::UNAUTHORIZED,
            Self::Throttled { .. }
            | Self::ResendTooSoon { .. }
            | Self::NumberCapped { .. }
            | Self::CurrentNumberCapped { .. } => {
                http::StatusCode::TOO_MANY_REQUESTS
            }
            _ => http::StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// A refused change, with what the person typed (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ContactError {
    #[error("change refused: {problems:?}")]
    Problem { problems: Vec<ContactProblem>, email: String, phone: String, channel: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl ContactError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            // Several problems come only from the form's own checks (422);
            // a throttle or a wrong password comes alone.
            ContactError::Problem { problems, .. } => {
                problems.first().map_or(http::StatusCode::UNPROCESSABLE_ENTITY, ContactProblem::status)
            }
            ContactError::App(app) => app.status(),
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for ContactError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        ContactError::App(crate::errors::server_fn_failure(value).into())
    }
}

#[server(prefix = "/api", endpoint = "profil")]
pub async fn load_profile() -> Result<ProfileView, AppError> {
    use crate::ports::{self, ProfilePort};
    ports::load(|port: std::sync::Arc<dyn ProfilePort>, request| async move { port.profile(&request).await }).await
}

#[server(prefix = "/api", endpoint = "zmien-kontakt")]
pub async fn request_contact_change(
    email: String,
    phone: String,
    #[server(default)] channel: String,
    current_password: String,
) -> Result<(), ContactError> {
    use crate::ports::{self, ContactChangeRequest, ContactRefusal, ProfilePort};
    let Some((backend, request)) = ports::port_and_request::<dyn ProfilePort>() else {
        return Err(AppError::Unavailable.into());
    };
    let typed = |problems| ContactError::Problem {
        problems,
        email: email.chars().take(254).collect(),
        phone: phone.chars().take(32).collect(),
        channel: channel.chars().take(8).collect(),
    };
    let form = ContactChangeRequest {
        email: email.clone(),
        phone: phone.clone(),
        channel: channel.clone(),
        current_password,
    };
    let result = match backend.request_contact_change(&request, form).await {
        Ok(()) => {
            leptos_axum::redirect(crate::routes::CONFIRM_CONTACT);
            Ok(())
        }
        Err(ContactRefusal::Session(s)) => Err(ContactError::App(s.into())),
        Err(ContactRefusal::Problems(problems)) => Err(typed(problems)),
    };
    ports::with_refusal_status(result, ContactError::status)
}

/// In the address after a confirmed change: the page says it was saved.
pub(crate) const CHANGED: &str = "zmieniono";

/// How to type the number, and where SMS may go.
fn phone_hint(codes: &[String]) -> String {
    if codes.is_empty() || codes.iter().all(|c| c == "+48") {
        "Np. 600 100 200. Kody SMS wysyłamy tylko na polskie numery (+48).".into()
    } else {
        format!("Np. 600 100 200 albo numer z „+” i kodem kraju. Kody SMS wysyłamy na numery z kodami: {}.", codes.join(", "))
    }
}

fn channel_label(channel: CodeChannel) -> &'static str {
    match channel {
        CodeChannel::Sms => "SMS",
        CodeChannel::Email => "E-mail",
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <SessionPage
            title="Dane profilu"
            load=load_profile
            render=|profile| view! { <ProfileForm profile/> }.into_any()
        />
    }
}

#[component]
fn ProfileForm(profile: ProfileView) -> impl IntoView {
    let action = ServerAction::<RequestContactChange>::new();
    let query = use_query_map();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let problems = move || match error.get() {
        Some(ContactError::Problem { problems, .. }) => problems,
        _ => Vec::new(),
    };
    let problem_at = move |field: &'static str| problems().into_iter().find(|p| p.field() == field);
    let message_at = move |field: &'static str| Signal::derive(move || problem_at(field).map(|p| p.message()));
    // What the person typed comes back after a refusal; otherwise the stored data.
    let typed = move |pick: fn(&ContactError) -> Option<String>, stored: String| {
        move || error.get().as_ref().and_then(pick).unwrap_or_else(|| stored.clone())
    };
    let email_value = typed(|e| match e { ContactError::Problem { email, .. } => Some(email.clone()), _ => None }, profile.email.clone());
    let phone_value = typed(|e| match e { ContactError::Problem { phone, .. } => Some(phone.clone()), _ => None }, format::phone(&profile.phone));
    let stored_channel = match profile.channel { CodeChannel::Sms => "sms", CodeChannel::Email => "email" };
    let channel_is = move |value: &'static str| {
        move || match error.get() {
            Some(ContactError::Problem { channel, .. }) => channel == value,
            _ => stored_channel == value,
        }
    };
    let summary = Signal::derive(move || match error.get() {
        Some(ContactError::Problem { problems, .. }) => problems.iter().map(|p| FieldError::at(p.field(), p.message())).collect(),
        Some(ContactError::App(app)) => vec![FieldError::general(app.message())],
        None => Vec::new(),
    });
    let field_error = move |field: &'static str, id: &'static str| {
        move || message_at(field).get().map(|m| view! {
            <p class="field__error" id=id><span class="visually-hidden">"Błąd: "</span>{m}</p>
        })
    };
    let password_message = Signal::derive(move || {
        problem_at("current_password").map(|p| match p {
            ContactProblem::PasswordMissing => "Wpisz obecne hasło.",
            ContactProblem::PasswordWrong => "Nieprawidłowe hasło.",
            _ => "Spróbuj ponownie później.",
        })
    });
    let password_described_by = Signal::derive(move || password_message.get().map(|_| "current_password-error"));

    view! {
        <div class="page page--narrow">
            <PageHeading>"Dane profilu"</PageHeading>
            <ErrorSummary errors=summary/>
            {move || (error.get().is_none() && query.read().get(CHANGED).is_some()).then(|| view! {
                <div class="notice" role="status"><p>"Zapisaliśmy nowe dane kontaktowe. Na poprzedni adres lub numer wysłaliśmy powiadomienie o zmianie."</p></div>
            })}
            <h2>"Dane kontaktowe i kanał odzyskiwania dostępu do Twojego profilu"</h2>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>"Adres e-mail"</dt><dd>{profile.email.clone()}</dd></div>
                <div class="summary-list__row"><dt>"Telefon komórkowy"</dt><dd>{format::phone(&profile.phone)}</dd></div>
                <div class="summary-list__row"><dt>"Kanał odzyskiwania dostępu"</dt><dd>{channel_label(profile.channel)}</dd></div>
            </dl>
            <h2 class="heading-s">"Zmień dane kontaktowe"</h2>
            <p class="hint" id="channel-explained">"Kanał odzyskiwania dostępu to sposób – e-mail albo SMS – w jaki wysyłamy Ci kody do logowania, kody, gdy zapomnisz hasła, i powiadomienia o zmianach w profilu. Nowy adres lub numer potwierdzisz kodem, który na niego wyślemy. Jeśli od potwierdzenia logowania minęło ponad 5 minut, wyślemy też kod na obecny kanał odzyskiwania dostępu."</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <div class="field">
                    <label class="field__label" for="email">"Adres e-mail"</label>
                    {field_error("email", "email-error")}
                    <input class="field__input" id="email" name="email" type="email" autocomplete="email" spellcheck="false"
                        value=email_value
                        aria-invalid=move || message_at("email").get().map(|_| "true")
                        aria-describedby=move || message_at("email").get().map(|_| "email-error")/>
                </div>
                <div class="field">
                    <label class="field__label" for="phone">"Telefon komórkowy"</label>
                    <p class="hint" id="phone-hint">{phone_hint(&profile.phone_country_codes)}</p>
                    {field_error("phone", "phone-error")}
                    <input class="field__input" id="phone" name="phone" type="tel" autocomplete="tel"
                        value=phone_value
                        aria-invalid=move || message_at("phone").get().map(|_| "true")
                        aria-describedby=move || if message_at("phone").get().is_some() { "phone-hint phone-error" } else { "phone-hint" }/>
                </div>
                <fieldset class="choice-group" aria-describedby=move || message_at("channel-email").get().map(|_| "channel-error")>
                    <legend class="field__label">"Kanał odzyskiwania dostępu"</legend>
                    {field_error("channel-email", "channel-error")}
                    <div class="choice">
                        <input class="choice__input" type="radio" name="channel" id="channel-email" value="email" checked=channel_is("email")/>
                        <label class="choice__label" for="channel-email">"E-mail"</label>
                    </div>
                    <div class="choice">
                        <input class="choice__input" type="radio" name="channel" id="channel-sms" value="sms" checked=channel_is("sms")/>
                        <label class="choice__label" for="channel-sms">"SMS"</label>
                    </div>
                </fieldset>
                <PasswordField id="current_password" name="current_password" label="Obecne hasło"
                    autocomplete="current-password" message=password_message described_by=password_described_by
                    clear_when=Signal::derive(move || error.get().is_some())/>
                <button type="submit" class="button">"Zapisz zmiany"</button>
            </ActionForm>
            <p><a href=routes::PORTAL>"Wróć do konta"</a></p>
            <SignOutForm/>
        </div>
    }
}
