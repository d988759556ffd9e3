//! `/wybierz-rolę`: the role in which the person works in their individual
//! account — only the roles they have; "ogólna" always.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::choose_account::{ChoiceError, SessionProblem};
use crate::{
    components::ErrorSummary,
    errors::AppError,
    routes,
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

    pub fn hint(self) -> &'static str {
        match self {
            RoleKind::Ubezpieczony => "Twoje ubezpieczenia, składki, zwolnienia lekarskie i stan konta w ZUS.",
            RoleKind::Swiadczeniobiorca => "Emerytura, renta i inne świadczenia, które otrzymujesz z ZUS.",
            RoleKind::Ogolna => "Wnioski, pisma i sprawy, które nie dotyczą ubezpieczenia ani świadczeń.",
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
    let Some((backend, request)) = crate::ports::backend_and_request() else {
        return Err(AppError::Unavailable);
    };
    let result = backend.role_choices(&request).await.map_err(AppError::from);
    crate::ports::with_refusal_status(result, AppError::status)
}

#[server(prefix = "/api", endpoint = "wybierz-role")]
pub async fn choose_role(#[server(default)] role: String) -> Result<(), ChoiceError> {
    let Some((backend, request)) = crate::ports::backend_and_request() else {
        return Err(AppError::Unavailable.into());
    };
    let result = match backend.choose_role(&request, role).await {
        Ok(next) => {
            leptos_axum::redirect(routes::path_of(next));
            Ok(())
        }
        Err(refusal) => Err(ChoiceError::from(refusal)),
    };
    crate::ports::with_refusal_status(result, ChoiceError::status)
}

#[component]
pub fn ChooseRolePage() -> impl IntoView {
    let roles = Resource::new_blocking(|| (), |_| load_roles());
    view! {
        <Title text="Wybierz rolę"/>
        <Suspense fallback=|| view! { <p>"Wczytywanie…"</p> }>
            {move || Suspend::new(async move {
                match roles.await {
                    Ok(roles) => view! { <RoleForm roles/> }.into_any(),
                    Err(e) => view! { <SessionProblem error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RoleForm(roles: Vec<RoleChoice>) -> impl IntoView {
    let action = ServerAction::<ChooseRole>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let first_id = "role-ubezpieczony";
    let first_id = roles.first().map(|r| match r.role {
        RoleKind::Ubezpieczony => "role-ubezpieczony",
        RoleKind::Swiadczeniobiorca => "role-swiadczeniobiorca",
        RoleKind::Ogolna => "role-ogolna",
    }).unwrap_or(first_id);
    view! {
        <div class="page page--narrow">
            {move || error.get().map(|e| view! { <ErrorSummary errors=vec![e.summary(first_id, "Wybierz rolę.")]/> })}
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <fieldset class="choice-group" aria-describedby=move || error.get().map(|_| "role-error")>
                    <legend class="choice-group__legend"><h1>"Wybierz rolę"</h1></legend>
                    <p class="hint">"Rola decyduje o tym, jakie sprawy i dane zobaczysz na swoim koncie. Zmienisz ją później bez ponownego logowania."</p>
                    {move || error.get().map(|e| view! {
                        <p class="field__error" id="role-error">
                            <span class="visually-hidden">"Błąd: "</span>{e.summary(first_id, "Wybierz rolę.").message}
                        </p>
                    })}
                    {roles
                        .into_iter()
                        .map(|choice| {
                            let id = format!("role-{}", choice.role.value());
                            let hint_id = format!("{id}-hint");
                            view! {
                                <div class="choice">
                                    <input
                                        class="choice__input"
                                        type="radio"
                                        name="role"
                                        id=id.clone()
                                        value=choice.role.value()
                                        checked=choice.current
                                        aria-describedby=hint_id.clone()
                                    />
                                    <label class="choice__label" for=id>{choice.role.label()}</label>
                                    <p class="choice__hint" id=hint_id>{choice.role.hint()}</p>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="button">"Dalej"</button>
            </ActionForm>
        </div>
    }
}
