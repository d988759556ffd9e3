//! Any unknown address: an accessible 404 page.

use crate::components::PageHeading;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::routes;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Nie znaleziono strony"/>
        <div class="page page--narrow">
            <PageHeading>"Nie znaleziono strony"</PageHeading>
            <p>"Strona o tym adresie nie istnieje. Jeśli adres został wpisany ręcznie, sprawdź, czy nie ma w nim błędu."</p>
            <p><a href=routes::ROOT>"Przejdź do strony głównej eZUS"</a></p>
        </div>
    }
}
