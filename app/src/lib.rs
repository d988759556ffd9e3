//! eZUS pages: the shell, the router, the pages and their server functions.
//!
//! Compiled twice: natively for server-side rendering (`ssr`) and to WASM for
//! hydration (`hydrate`). Knows nothing of the database: server functions
//! reach the back end only through [`ports`].

pub mod components;
pub mod errors;
pub mod form_error;
pub mod format;
mod lazy_pages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod routes;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Redirect, Route, Router, Routes},
    path,
};

use components::{NavigationWatch, SiteFooter, SiteHeader, SkipLink, provide_navigation_focus};
use lazy_pages as lazy;
use pages::{not_found::NotFoundPage, sign_in::SignInPage};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="pl">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                // /pkg/ezus.<hash>.css when the build hashes its files.
                <HashedStylesheet options=options.clone()/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Hands the CSP nonce of this request (set by the server's middleware) to
/// Leptos, which puts it on the scripts it writes.
#[cfg(feature = "ssr")]
fn provide_request_nonce() {
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ports::CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0.as_str()));
    }
}

/// The document title of a page: "Zaloguj się – eZUS". While a page shows
/// errors, [`components::ErrorSummary`] puts "Błąd: " before it.
pub fn page_title(text: &str) -> String {
    format!("{text} – eZUS")
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_navigation_focus();
    view! {
        <Title formatter=|text: String| page_title(&text)/>
        <Router>
            <NavigationWatch/>
            <SkipLink/>
            <SiteHeader/>
            <main id="tresc" class="site-main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path=routes::SIGN_IN/> }/>
                    <Route path=path!("/logowanie") view=SignInPage/>
                    <Route path=path!("/zmiana-hasla") view={Lazy::<lazy::ChangePassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/kod-weryfikacyjny") view={Lazy::<lazy::VerifyCode>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dev/skrzynka") view={Lazy::<lazy::DevInbox>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/wybierz-konto") view={Lazy::<lazy::ChooseAccount>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/wybierz-role") view={Lazy::<lazy::ChooseRole>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/portal") view={Lazy::<lazy::Portal>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/profil") view={Lazy::<lazy::Profile>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/profil/potwierdz") view={Lazy::<lazy::ConfirmContact>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/wylogowano") view={Lazy::<lazy::SignedOut>::new()}/>
                    <Route path=path!("/rejestracja") view={Lazy::<lazy::Register>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/rejestracja/kod") view={Lazy::<lazy::RegistrationCode>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/rejestracja/login") view={Lazy::<lazy::RegistrationLogin>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/rejestracja/gotowe") view={Lazy::<lazy::RegistrationDone>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login-gov-pl") view={Lazy::<lazy::LoginGovPl>::new()}/>
                    <Route path=path!("/login-gov-pl/blad") view={Lazy::<lazy::LoginGovPlFailed>::new()}/>
                    <Route path=path!("/nie-pamietam-hasla") view={Lazy::<lazy::ForgotPassword>::new()}/>
                    <Route path=path!("/nie-pamietam-hasla/kod") view={Lazy::<lazy::ResetCode>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/nie-pamietam-hasla/nowe-haslo") view={Lazy::<lazy::ResetNewPassword>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/nie-pamietam-hasla/gotowe") view={Lazy::<lazy::ResetDone>::new()}/>
                    <Route path=path!("/nie-pamietam-loginu") view={Lazy::<lazy::ForgotLogin>::new()}/>
                    <Route path=path!("/deklaracja-dostepnosci") view={Lazy::<lazy::Accessibility>::new()}/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
