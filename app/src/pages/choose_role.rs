//! `/wybierz-rolę`: the role in which the person works in their individual
//! account — only the roles they have; "ogólna" always.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::choose_account::ChoiceError;
use crate::{
    components::{ErrorSummary, PasswordChangedNotice, RadioChoices, RadioOption, SessionPage, SignOutForm},
    errors::AppError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleKind {
    Ubezpieczony,
    Swiadczeniobiorca,
    Ogolna,
}

impl RoleKind {
    /// The value the form sends.
    pub fn value(self) -> &'static str {
        match self {
            RoleKind::Ubezpieczony => "ubezpieczony",
            RoleKind::Swiadczeniobiorca => "swiadczeniobiorca",
            RoleKind::Ogolna => "ogolna",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RoleKind::Ubezpieczony => "Ubezpieczony",
            RoleKind::Swiadczeniobiorca => "Świadczeniobiorca",
            RoleKind::Ogolna => "Ogólna",
        }
    }

    /// The id of its radio button.
    pub fn field_id(self) -> &'static str {
        match self {
            RoleKind::Ubezpieczony => "role-ubezpieczony",
            RoleKind::Swiadczeniobiorca => "role-swiadczeniobiorca",
            RoleKind::Ogolna => "role-ogolna",
        }
    }

    /// What "Ogólna" means, where it is named without its hint.
    pub const GENERAL_MEANS: &'static str = "sprawy, które nie wymagają roli ubezpieczonego ani świadczeniobiorcy";

    pub fn hint(self) -> &'static str {
        match self {
            RoleKind::Ubezpieczony => "Twoje ubezpieczenia, składki, zwolnienia lekarskie i stan konta w ZUS.",
            RoleKind::Swiadczeniobiorca => "Emerytura, renta i inne świadczenia, które otrzymujesz z ZUS.",
            RoleKind::Ogolna => "Sprawy, które nie wymagają roli ubezpieczonego ani świadczeniobiorcy – na przykład wnioski, pisma i dane Twojego profilu.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub role: RoleKind,
    pub current: bool,
}

#[server(prefix = "/api", endpoint = "role")]
pub async fn load_roles() -> Result<Vec<RoleChoice>, AppError> {
    use crate::ports::{self, AccountsPort};
    ports::load(|port: std::sync::Arc<dyn AccountsPort>, request| async move { port.role_choices(&request).await }).await
}

#[server(prefix = "/api", endpoint = "wybierz-role")]
pub async fn choose_role(#[server(default)] role: String) -> Result<(), ChoiceError> {
    let Some((backend, request)) = crate::ports::port_and_request::<dyn crate::ports::AccountsPort>() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.choose_role(&request, role).await {
        Ok(next) => {
            leptos_axum::redirect(crate::routes::path_of(next));
            Ok(())
        }
        Err(refusal) => Err(ChoiceError::from(refusal)),
    };
    crate::ports::with_refusal_status(result, ChoiceError::status)
}

#[component]
pub fn ChooseRolePage() -> impl IntoView {
    view! {
        <SessionPage
            title="Wybierz rolę"
            load=load_roles
            render=|roles| view! { <RoleForm roles/> }.into_any()
        />
    }
}

#[component]
fn RoleForm(roles: Vec<RoleChoice>) -> impl IntoView {
    const MISSING: &str = "Wybierz rolę.";
    let action = ServerAction::<ChooseRole>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let first_id = roles.first().map_or("role-ogolna", |r| r.role.field_id());
    // Already working in a role: this is a switch, which may be called off.
    let switching = roles.iter().any(|r| r.current);
    let options = roles
        .into_iter()
        .map(|choice| RadioOption {
            id: choice.role.field_id().into(),
            value: choice.role.value().into(),
            label: choice.role.label().into(),
            hint: choice.role.hint().into(),
            date: None,
            checked: choice.current,
        })
        .collect();
    view! {
        <div class="page page--narrow">
            <PasswordChangedNotice/>
            <ErrorSummary errors=Signal::derive(move || error.get().map(|e| vec![e.summary(first_id, MISSING)]).unwrap_or_default())/>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <RadioChoices
                    name="role"
                    legend="Wybierz rolę"
                    intro="Rola decyduje o tym, jakie sprawy i dane zobaczysz na swoim koncie. Zmienisz ją później bez ponownego logowania."
                    error_id="role-error"
                    error=Signal::derive(move || error.get().map(|e| e.summary(first_id, MISSING).message))
                    options
                />
                <button type="submit" class="button">"Dalej"</button>
                {switching.then(|| view! { <a class="button button--secondary" href=crate::routes::PORTAL>"Anuluj"</a> })}
            </ActionForm>
            <SignOutForm/>
        </div>
    }
}
