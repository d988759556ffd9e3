use leptos::prelude::*;

use crate::routes;

/// The first focusable element of every page: jumps over the header.
#[component]
pub fn SkipLink() -> impl IntoView {
    // rel="external": the router must leave this in-page link to the browser,
    // which moves the focus to <main> (the router would only scroll).
    view! { <a class="skip-link" href="#tresc" rel="external">"Przejdź do treści"</a> }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="site-header__brand" href=routes::ROOT>
                    <span class="site-header__logo" aria-hidden="true">"eZUS"</span>
                    <span class="visually-hidden">"eZUS – strona główna"</span>
                </a>
                <span class="site-header__tagline">"Platforma usług elektronicznych ZUS"</span>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <ul class="site-footer__links">
                    <li><a href=routes::ACCESSIBILITY>"Deklaracja dostępności"</a></li>
                </ul>
                <p>"Zakład Ubezpieczeń Społecznych"</p>
            </div>
        </footer>
    }
}
