//! eZUS pages: the shell, the router, the pages and their server functions.
//!
//! Compiled twice: natively for server-side rendering (`ssr`) and to WASM for
//! hydration (`hydrate`). Knows nothing of the database: server functions
//! reach the back end only through [`ports`].

pub mod components;
pub mod errors;
pub mod form_error;
pub mod format;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod routes;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Redirect, Route, Router, Routes},
    path,
};

use components::{NavigationWatch, SiteFooter, SiteHeader, SkipLink, provide_navigation_focus};
use pages::{
    accessibility::AccessibilityPage,
    change_password::ChangePasswordPage,
    dev_inbox::DevInboxPage,
    verify_code::VerifyCodePage,
    choose_account::ChooseAccountPage,
    choose_role::ChooseRolePage,
    confirm_contact::ConfirmContactPage,
    not_found::NotFoundPage,
    forgot_login::ForgotLoginPage,
    forgot_password::{ForgotPasswordPage, ResetCodePage, ResetDonePage, ResetNewPasswordPage},
    login_gov_pl::{LoginGovPlFailedPage, LoginGovPlPage},
    register::{RegisterPage, RegistrationCodePage, RegistrationDonePage, RegistrationLoginPage},
    portal::PortalPage,
    profile::ProfilePage,
    sign_in::SignInPage,
    signed_out::SignedOutPage,
};

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
                <link rel="stylesheet" href="/pkg/ezus.css"/>
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
                    <Route path=path!("/zmiana-hasla") view=ChangePasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/kod-weryfikacyjny") view=VerifyCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/dev/skrzynka") view=DevInboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/wybierz-konto") view=ChooseAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/wybierz-role") view=ChooseRolePage ssr=SsrMode::Async/>
                    <Route path=path!("/portal") view=PortalPage ssr=SsrMode::Async/>
                    <Route path=path!("/profil") view=ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("/profil/potwierdz") view=ConfirmContactPage ssr=SsrMode::Async/>
                    <Route path=path!("/wylogowano") view=SignedOutPage/>
                    <Route path=path!("/rejestracja") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/rejestracja/kod") view=RegistrationCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/rejestracja/login") view=RegistrationLoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/rejestracja/gotowe") view=RegistrationDonePage ssr=SsrMode::Async/>
                    <Route path=path!("/login-gov-pl") view=LoginGovPlPage/>
                    <Route path=path!("/login-gov-pl/blad") view=LoginGovPlFailedPage/>
                    <Route path=path!("/nie-pamietam-hasla") view=ForgotPasswordPage/>
                    <Route path=path!("/nie-pamietam-hasla/kod") view=ResetCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/nie-pamietam-hasla/nowe-haslo") view=ResetNewPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/nie-pamietam-hasla/gotowe") view=ResetDonePage/>
                    <Route path=path!("/nie-pamietam-loginu") view=ForgotLoginPage/>
                    <Route path=path!("/deklaracja-dostepnosci") view=AccessibilityPage/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}
