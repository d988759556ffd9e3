//! `/wybierz-konto`: the individual account, the payers the person runs, and
//! the payers they may act for as a proxy.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    components::{ErrorSummary, PasswordChangedNotice, FieldError, RadioChoices, RadioOption, SessionPage, SignOutForm},
    errors::AppError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountKind {
    Individual,
    Payer,
    Proxy,
}

/// One account on offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChoice {
    /// What the form sends back (`individual`, `payer:<id>`, `proxy:<id>`).
    pub value: String,
    pub kind: AccountKind,
    /// The person's own name, or the payer's.
    pub name: String,
    /// Formatted NIP of a payer.
    pub nip: Option<String>,
    /// For a proxy: who granted it, its scope in words, and until when.
    pub grantor: Option<String>,
    pub scope: Option<String>,
    pub valid_to: Option<String>,
    /// The session works in this account now.
    pub current: bool,
}

/// A proxy's scope in words.
pub fn scope_label(code: &str) -> &'static str {
    match code {
        "pelny" => "pełny – wszystkie sprawy płatnika",
        "dokumenty" => "dokumenty i korespondencja płatnika",
        _ => "określony w pełnomocnictwie",
    }
}

impl AccountChoice {
    pub fn title(&self) -> String {
        match self.kind {
            AccountKind::Individual => format!("Konto indywidualne – {}", self.name),
            AccountKind::Payer => format!("Konto płatnika – {}", self.name),
            AccountKind::Proxy => format!("Konto pełnomocnika – {}", self.name),
        }
    }

    pub fn hint(&self) -> String {
        match self.kind {
            AccountKind::Individual => {
                "Twoje ubezpieczenie, świadczenia i sprawy, które załatwiasz we własnym imieniu.".into()
            }
            AccountKind::Payer => format!("Firma, którą prowadzisz. NIP {}.", self.nip.clone().unwrap_or_default()),
            AccountKind::Proxy => format!(
                "NIP {}. Pełnomocnictwo udzielone przez: {}. Zakres: {}.",
                self.nip.clone().unwrap_or_default(),
                self.grantor.clone().unwrap_or_default(),
                scope_label(self.scope.as_deref().unwrap_or_default())
            ),
        }
    }
}

/// Why a choice of account or role was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChoiceError {
    #[error("nothing chosen")]
    Missing,
    #[error("not on offer")]
    NotOffered,
    #[error(transparent)]
    App(#[from] AppError),
}

impl ChoiceError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            ChoiceError::Missing | ChoiceError::NotOffered => http::StatusCode::UNPROCESSABLE_ENTITY,
            ChoiceError::App(app) => app.status(),
        }
    }

    pub fn summary(&self, field_id: &'static str, missing: &'static str) -> FieldError {
        match self {
            ChoiceError::Missing => FieldError::at(field_id, missing),
            ChoiceError::NotOffered => FieldError::at(field_id, "Tej pozycji nie możesz już wybrać. Wybierz jedną z listy."),
            ChoiceError::App(app) => FieldError::general(app.message()),
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for ChoiceError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        ChoiceError::App(crate::errors::server_fn_failure(value).into())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ports::ChoiceRefusal> for ChoiceError {
    fn from(value: crate::ports::ChoiceRefusal) -> Self {
        use crate::ports::ChoiceRefusal;
        match value {
            ChoiceRefusal::Session(s) => ChoiceError::App(s.into()),
            ChoiceRefusal::Missing => ChoiceError::Missing,
            ChoiceRefusal::NotOffered => ChoiceError::NotOffered,
        }
    }
}

#[server(prefix = "/api", endpoint = "konta")]
pub async fn load_accounts() -> Result<Vec<AccountChoice>, AppError> {
    use crate::ports::{self, AccountsPort};
    ports::load(|port: std::sync::Arc<dyn AccountsPort>, request| async move { port.account_choices(&request).await }).await
}

#[server(prefix = "/api", endpoint = "wybierz-konto")]
pub async fn choose_account(#[server(default)] account: String) -> Result<(), ChoiceError> {
    let Some((backend, request)) = crate::ports::port_and_request::<dyn crate::ports::AccountsPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.choose_account(&request, account).await {
        Ok(next) => {
            leptos_axum::redirect(crate::routes::path_of(next));
            Ok(())
        }
        Err(refusal) => Err(ChoiceError::from(refusal)),
    };
    crate::ports::with_refusal_status(result, ChoiceError::status)
}

#[component]
pub fn ChooseAccountPage() -> impl IntoView {
    view! {
        <SessionPage
            title="Wybierz konto"
            load=load_accounts
            render=|accounts| view! { <AccountForm accounts/> }.into_any()
        />
    }
}

#[component]
fn AccountForm(accounts: Vec<AccountChoice>) -> impl IntoView {
    const MISSING: &str = "Wybierz konto.";
    let action = ServerAction::<ChooseAccount>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    // Already working in an account: this is a switch, which may be called off.
    let switching = accounts.iter().any(|a| a.current);
    let options = accounts
        .into_iter()
        .enumerate()
        .map(|(i, account)| RadioOption {
            id: format!("account-{i}"),
            label: account.title(),
            hint: account.hint(),
            // A proxy's end date, in words and in `<time datetime>`.
            date: account.valid_to.clone().map(|iso| ("Ważne do", iso)),
            value: account.value,
            checked: account.current,
        })
        .collect();
    view! {
        <div class="page page--narrow">
            <PasswordChangedNotice/>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| vec![e.summary("account-0", MISSING)]).unwrap_or_default())/>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <RadioChoices
                    name="account"
                    legend="Wybierz konto"
                    intro="Wybierz konto, w którym chcesz teraz pracować. Zmienisz je później bez ponownego logowania."
                    error_id="account-error"
                    error=Signal::derive(move || error.get().map(|e| e.summary("account-0", MISSING).message))
                    options
                />
                <button type="submit" class="button">"Dalej"</button>
                {switching.then(|| view! { <a class="button button--secondary" href=crate::routes::PORTAL>"Anuluj"</a> })}
            </ActionForm>
            <SignOutForm/>
        </div>
    }
}
