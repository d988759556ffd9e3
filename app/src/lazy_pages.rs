//! Every page but the sign-in page, each as a lazy route: with `cargo leptos
//! --split` its code is a WASM file of its own, fetched when the page is
//! first shown (its `<link rel="preload">` is in the server's HTML), so the
//! first visit to `/logowanie` loads only the bundle with the shell and the
//! sign-in page. Without `--split` (debug builds) they are ordinary routes
//! in one bundle. The server renders them all alike.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::{
    accessibility::AccessibilityPage,
    change_password::ChangePasswordPage,
    choose_account::ChooseAccountPage,
    choose_role::ChooseRolePage,
    confirm_contact::ConfirmContactPage,
    dev_inbox::DevInboxPage,
    forgot_login::ForgotLoginPage,
    forgot_password::{ForgotPasswordPage, ResetCodePage, ResetDonePage, ResetNewPasswordPage},
    login_gov_pl::{LoginGovPlFailedPage, LoginGovPlPage},
    portal::PortalPage,
    profile::ProfilePage,
    register::{RegisterPage, RegistrationCodePage, RegistrationDonePage, RegistrationLoginPage},
    signed_out::SignedOutPage,
    verify_code::VerifyCodePage,
};

/// `lazy_page!(Route => Page)`: a lazy route that shows the component `Page`.
macro_rules! lazy_page {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    ChangePassword => ChangePasswordPage,
    VerifyCode => VerifyCodePage,
    DevInbox => DevInboxPage,
    ChooseAccount => ChooseAccountPage,
    ChooseRole => ChooseRolePage,
    Portal => PortalPage,
    Profile => ProfilePage,
    ConfirmContact => ConfirmContactPage,
    SignedOut => SignedOutPage,
    Register => RegisterPage,
    RegistrationCode => RegistrationCodePage,
    RegistrationLogin => RegistrationLoginPage,
    RegistrationDone => RegistrationDonePage,
    LoginGovPl => LoginGovPlPage,
    LoginGovPlFailed => LoginGovPlFailedPage,
    ForgotPassword => ForgotPasswordPage,
    ResetCode => ResetCodePage,
    ResetNewPassword => ResetNewPasswordPage,
    ResetDone => ResetDonePage,
    ForgotLogin => ForgotLoginPage,
    Accessibility => AccessibilityPage,
}
