//! Registration after login.gov.pl vouched for a PESEL with no profile: the
//! name, PESEL and date of birth come filled in and locked (the server takes
//! them from what the node sent, never from the form), and the profile is
//! confirmed at once.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{errors::AppError, format::Date};

/// What the node vouched for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VouchedIdentity {
    pub first_name: String,
    pub last_name: String,
    pub pesel: String,
    /// ISO date.
    pub birth_date: String,
}

#[server(prefix = "/api", endpoint = "rejestracja-dane-z-wezla")]
pub async fn load_vouched_identity() -> Result<Option<VouchedIdentity>, AppError> {
    use crate::ports::{self, RegistrationPort};
    ports::load(|port: std::sync::Arc<dyn RegistrationPort>, request| async move { port.vouched_identity(&request).await })
        .await
}

fn locked(id: &'static str, label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            <input class="field__input" id=id name=id type="text" readonly=true value=value aria-describedby="vouched-note"/>
        </div>
    }
}

/// The identity fields, locked.
#[component]
pub fn VouchedFields(who: VouchedIdentity) -> impl IntoView {
    view! {
        <section class="notice" aria-labelledby="vouched-title">
            <h2 class="heading-s" id="vouched-title">"Dane z login.gov.pl"</h2>
            <p id="vouched-note">
                "Te dane przekazał login.gov.pl i nie można ich tu zmienić. Profil założony z nimi będzie od razu potwierdzony."
            </p>
            {locked("first_name", "Imię", who.first_name)}
            {locked("last_name", "Nazwisko", who.last_name)}
            {locked("pesel", "PESEL", who.pesel)}
            <p>"Data urodzenia: " <Date iso=who.birth_date/></p>
        </section>
    }
}
