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
pub fn LoginGovPlPage() -> impl IntoView {
    view! {
        <PlannedPage
            title="Zaloguj przez login.gov.pl"
            what="Tutaj zalogujesz się przez krajowy węzeł login.gov.pl: Profilem Zaufanym, e-dowodem albo przez swój bank. Jeśli Twój profil w eZUS jest jeszcze niepotwierdzony, takie logowanie od razu go potwierdzi."
            meanwhile="Do tego czasu profil potwierdzisz w każdej placówce ZUS, z dowodem osobistym lub paszportem."
        />
    }
}
