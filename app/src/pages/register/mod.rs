//! `/rejestracja` ("Zarejestruj się"): the form; then the code that proves
//! the contact (`code.rs`), another login if it was taken meanwhile, and
//! "Profil założony" (`done.rs`).

mod code;
mod done;
mod problems;
mod vouched;

pub use code::{RegistrationCodePage, RegistrationCodePrompt, ResendRegistrationCode, SubmitRegistrationCode, load_registration_code};
pub use done::{ChooseRegistrationLogin, RegistrationDonePage, RegistrationLoginPage, load_registration_done, load_registration_login};
pub use problems::{LOGIN_RULES, RegistrationError, RegistrationProblem, Typed};
pub use vouched::{LoadVouchedIdentity, VouchedIdentity, load_vouched_identity};

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    components::{ErrorSummary, NewPasswordFields, PageHeading, TextField},
    errors::AppError,
    pages::change_password::PasswordAssessment,
    routes,
};

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "zarejestruj")]
pub async fn register(
    #[server(default)] kind: String,
    first_name: String,
    last_name: String,
    #[server(default)] pesel: String,
    #[server(default)] no_pesel: String,
    #[server(default)] birth_date: String,
    #[server(default)] id_document: String,
    email: String,
    phone: String,
    #[server(default)] channel: String,
    login: String,
    new_password: String,
    repeated: String,
    #[server(default)] nip: String,
    #[server(default)] company_name: String,
) -> Result<(), RegistrationError> {
    use crate::ports::{self, RegistrationForm, RegistrationPort, RegistrationRefusal};
    let Some((backend, request)) = ports::port_and_request::<dyn RegistrationPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let typed = Typed {
        kind: cut(&kind, 16),
        first_name: cut(&first_name, 100),
        last_name: cut(&last_name, 100),
        pesel: cut(&pesel, 32),
        no_pesel: cut(&no_pesel, 1),
        birth_date: cut(&birth_date, 16),
        id_document: cut(&id_document, 32),
        email: cut(&email, 254),
        phone: cut(&phone, 32),
        channel: cut(&channel, 8),
        login: cut(&login, 64),
        nip: cut(&nip, 32),
        company_name: cut(&company_name, 200),
    };
    let form = RegistrationForm {
        kind,
        first_name,
        last_name,
        pesel,
        no_pesel: !no_pesel.is_empty(),
        birth_date,
        id_document,
        email,
        phone,
        channel,
        login,
        password: new_password,
        repeated,
        nip,
        company_name,
    };
    let result = match backend.start(&request, form).await {
        Ok(set_cookie) => {
            ports::append_set_cookie(set_cookie);
            leptos_axum::redirect(routes::REGISTRATION_CODE);
            Ok(())
        }
        Err(RegistrationRefusal::Problems(problems)) => Err(RegistrationError::Problems { problems, typed }),
        Err(RegistrationRefusal::Throttled { retry_after_secs }) => {
            ports::set_retry_after(retry_after_secs);
            Err(RegistrationError::Throttled { retry_after_secs, typed })
        }
        Err(RegistrationRefusal::Unavailable) => Err(AppError::Unavailable.into()),
    };
    ports::with_refusal_status(result, RegistrationError::status)
}

/// The live check while the password is typed: the rules that need no
/// other field (the login, PESEL and names are checked on submit).
#[server(prefix = "/api", endpoint = "ocen-haslo-rejestracja")]
pub async fn assess_registration_password(new_password: String) -> Result<PasswordAssessment, AppError> {
    use crate::ports::{self, RegistrationPort};
    ports::load(|port: std::sync::Arc<dyn RegistrationPort>, request| async move { port.assess_password(&request, new_password).await })
        .await
}

/// A radio button with its label.
fn choice(name: &'static str, id: &'static str, value: &'static str, label: &'static str, checked: Signal<bool>) -> impl IntoView {
    view! {
        <div class="choice">
            <input class="choice__input" type="radio" name=name id=id value=value checked=move || checked.get()/>
            <label class="choice__label" for=id>{label}</label>
        </div>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let assess = ServerAction::<AssessRegistrationPassword>::new();
    let check = Callback::new(move |typed: Option<String>| match typed {
        Some(new_password) => {
            assess.dispatch(AssessRegistrationPassword { new_password });
        }
        None => assess.clear(),
    });
    let announcement = Signal::derive(move || {
        assess.value().get().and_then(Result::ok).map(PasswordAssessment::announcement).unwrap_or_default()
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let vouched = Resource::new(|| (), |()| load_vouched_identity());
    let typed = move |pick: fn(Typed) -> String| Signal::derive(move || error.get().map(|e| pick(e.typed())).unwrap_or_default());
    let message_at = move |field: &'static str| Signal::derive(move || error.get().and_then(|e| e.at(field)));
    let is = move |pick: fn(&Typed) -> &String, value: &'static str| {
        Signal::derive(move || error.get().is_some_and(|e| pick(&e.typed()) == value))
    };
    let refused = Signal::derive(move || error.get().and_then(|e| e.password_problem()));
    let group_error = move |field: &'static str, id: &'static str| {
        move || message_at(field).get().map(|m| view! {
            <p class="field__error" id=id><span class="visually-hidden">"Błąd: "</span>{m}</p>
        })
    };
    view! {
        <Title text="Zarejestruj się"/>
        <div class="page page--narrow">
            <PageHeading>"Zarejestruj się"</PageHeading>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| e.summary()).unwrap_or_default())/>
            <Suspense fallback=|| ()>
                {move || vouched.get().map(|loaded| match loaded.ok().flatten() {
                    Some(_) => view! {
                        <p>
                            "login.gov.pl potwierdził Twoją tożsamość, ale pod Twoim numerem PESEL nie ma jeszcze profilu w eZUS. "
                            "Załóż go teraz: podaj adres e-mail i telefon (jeden z nich potwierdzisz kodem), login i hasło."
                        </p>
                    }.into_any(),
                    None => view! {
                        <p>
                            "Założysz profil w eZUS. Adres e-mail albo numer telefonu potwierdzisz kodem, który na niego wyślemy. "
                            "Potem profil trzeba potwierdzić – w placówce ZUS w ciągu 7 dni albo od razu, logując się przez login.gov.pl."
                        </p>
                    }.into_any(),
                })}
            </Suspense>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <fieldset class="choice-group" aria-describedby=move || message_at("kind-individual").get().map(|_| "kind-error")>
                    <legend class="field__label">"Zakładasz profil jako"</legend>
                    {group_error("kind-individual", "kind-error")}
                    {choice("kind", "kind-individual", "individual", "Osoba fizyczna", is(|t| &t.kind, "individual"))}
                    {choice("kind", "kind-business", "business", "Przedsiębiorca", is(|t| &t.kind, "business"))}
                </fieldset>
                <Suspense fallback=|| ()>
                    {move || vouched.get().map(|loaded| match loaded.ok().flatten() {
                        Some(who) => view! { <vouched::VouchedFields who/> }.into_any(),
                        None => view! {
                        <TextField id="first_name" label="Imię" autocomplete="given-name" message=message_at("first_name") value=typed(|t| t.first_name)/>
                        <TextField id="last_name" label="Nazwisko" autocomplete="family-name" message=message_at("last_name") value=typed(|t| t.last_name)/>
                        <TextField id="pesel" label="PESEL" inputmode="numeric" hint="11 cyfr."
                            message=message_at("pesel") value=typed(|t| t.pesel)/>
                        <fieldset class="fieldset">
                            <legend class="field__label">"Nie masz numeru PESEL?"</legend>
                            <div class="choice">
                                <input class="choice__input" type="checkbox" name="no_pesel" id="no_pesel" value="1"
                                    checked=move || error.get().is_some_and(|e| !e.typed().no_pesel.is_empty())/>
                                <label class="choice__label" for="no_pesel">"Nie mam numeru PESEL"</label>
                            </div>
                            <p class="hint">"Wtedy zostaw pole PESEL puste i podaj datę urodzenia oraz dokument tożsamości."</p>
                            <TextField id="birth_date" label="Data urodzenia" hint="dd.mm.rrrr, np. 24.11.1985." autocomplete="bday"
                                message=message_at("birth_date") value=typed(|t| t.birth_date)/>
                            <TextField id="id_document" label="Seria i numer dokumentu tożsamości" hint="Dowodu osobistego albo paszportu, np. ABC123456."
                                message=message_at("id_document") value=typed(|t| t.id_document)/>
                        </fieldset>
                        }.into_any(),
                    })}
                </Suspense>
                <fieldset class="fieldset">
                    <legend class="field__label">"Firma"</legend>
                    <p class="hint">"Tylko jeśli zakładasz profil jako przedsiębiorca: z profilem powstanie konto płatnika dla tego NIP."</p>
                    <TextField id="nip" label="NIP" inputmode="numeric" hint="10 cyfr, np. 526-000-12-46." message=message_at("nip") value=typed(|t| t.nip)/>
                    <TextField id="company_name" label="Nazwa firmy" autocomplete="organization" message=message_at("company_name") value=typed(|t| t.company_name)/>
                </fieldset>
                <TextField id="email" label="Adres e-mail" input_type="email" autocomplete="email" message=message_at("email") value=typed(|t| t.email)/>
                <TextField id="phone" label="Telefon komórkowy" input_type="tel" autocomplete="tel" hint="Np. 600 100 200."
                    message=message_at("phone") value=typed(|t| t.phone)/>
                <fieldset class="choice-group" aria-describedby=move || if message_at("channel-email").get().is_some() { "channel-hint channel-error" } else { "channel-hint" }>
                    <legend class="field__label">"Kanał odzyskiwania dostępu"</legend>
                    <p class="hint" id="channel-hint">"Tędy wyślemy kody do logowania, kod, gdy zapomnisz hasła, i powiadomienia o zmianach w profilu. Na ten adres lub numer wyślemy też teraz kod weryfikacyjny."</p>
                    {group_error("channel-email", "channel-error")}
                    {choice("channel", "channel-email", "email", "E-mail", is(|t| &t.channel, "email"))}
                    {choice("channel", "channel-sms", "sms", "SMS", is(|t| &t.channel, "sms"))}
                </fieldset>
                <TextField id="login" label="Login" autocomplete="username" hint=LOGIN_RULES message=message_at("login") value=typed(|t| t.login)/>
                <NewPasswordFields refused check announcement label="Hasło" repeat_label="Powtórz hasło" replaces_one=false/>
                <button type="submit" class="button">"Załóż profil"</button>
            </ActionForm>
            <p>"Masz już profil? " <a href=routes::SIGN_IN>"Wróć do logowania"</a></p>
        </div>
    }
}
