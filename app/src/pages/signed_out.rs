//! `/wylogowano`: confirmation that the session has ended.

use crate::components::PageHeading;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::routes;

#[component]
pub fn SignedOutPage() -> impl IntoView {
    view! {
        <Title text="Wylogowano"/>
        <div class="page page--narrow">
            <PageHeading>"Wylogowano"</PageHeading>
            <p>"Twoja sesja w eZUS została zakończona. Jeśli korzystasz z komputera, z którego korzystają też inne osoby, zamknij przeglądarkę."</p>
            <p><a class="button" href=routes::SIGN_IN>"Zaloguj się ponownie"</a></p>
        </div>
    }
}
