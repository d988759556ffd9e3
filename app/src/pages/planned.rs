//! Pages whose journeys are not open yet: each says what will be there and
//! what the person can do meanwhile.

use crate::components::PageHeading;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::routes;

#[component]
fn PlannedPage(title: &'static str, what: &'static str, meanwhile: &'static str) -> impl IntoView {
    view! {
        <Title text=title/>
        <div class="page page--narrow">
            <PageHeading>{title}</PageHeading>
            <p>{what}</p>
            <div class="notice" role="note">
                <p><strong>"Ta usługa nie jest jeszcze dostępna w nowym eZUS."</strong></p>
                <p>{meanwhile}</p>
            </div>
            <p><a href=routes::SIGN_IN>"Wróć do logowania"</a></p>
        </div>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <PlannedPage
            title="Zarejestruj się"
            what="Tutaj założysz profil w eZUS: podasz PESEL, imię, nazwisko, adres e-mail i numer telefonu, wybierzesz login i hasło, a potem potwierdzisz profil przez login.gov.pl (Profil Zaufany, e-dowód lub bank) albo w placówce ZUS w ciągu 7 dni."
            meanwhile="Do tego czasu profil założysz w każdej placówce ZUS, z dowodem osobistym lub paszportem."
        />
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <PlannedPage
            title="Nie pamiętasz hasła?"
            what="Tutaj ustawisz nowe hasło: podasz login, a kod jednorazowy wyślemy kanałem odzyskiwania dostępu wybranym w profilu (SMS albo e-mail) – tym samym, którym przychodzą kody do logowania."
            meanwhile="Do tego czasu nowe hasło ustawisz w placówce ZUS albo przez Centrum Obsługi Telefonicznej ZUS."
        />
    }
}

#[component]
pub fn ForgotLoginPage() -> impl IntoView {
    view! {
        <PlannedPage
            title="Nie pamiętasz loginu?"
            what="Tutaj przypomnisz sobie login: podasz PESEL i adres e-mail albo numer telefonu z profilu, a login wyślemy na ten adres lub numer."
            meanwhile="Do tego czasu login przypomnisz sobie w placówce ZUS albo przez Centrum Obsługi Telefonicznej ZUS."
        />
    }
}

#[component]
pub fn LoginGovPlPage() -> impl IntoView {
    view! {
        <PlannedPage
            title="Zaloguj przez login.gov.pl"
            what="Tutaj zalogujesz się przez krajowy węzeł login.gov.pl: Profilem Zaufanym, e-dowodem albo przez swój bank. Jeśli Twój profil w eZUS jest jeszcze niepotwierdzony, takie logowanie od razu go potwierdzi."
            meanwhile="Do tego czasu profil potwierdzisz w każdej placówce ZUS, z dowodem osobistym lub paszportem."
        />
    }
}
