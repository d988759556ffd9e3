//! `/portal`: the signed-in start page, and signing out.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use serde::{Deserialize, Serialize};

use crate::{errors::AppError, routes};

/// What the start page shows of the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSummary {
    pub first_name: String,
    pub last_name: String,
    pub login: String,
}

#[server(prefix = "/api", endpoint = "portal")]
pub async fn load_portal() -> Result<PortalSummary, AppError> {
    let Some((backend, request)) = crate::ports::backend_and_request() else {
        return Err(AppError::Unavailable);
    };
    let result = backend.signed_in_person(&request).await.map_err(AppError::from).map(|person| {
        PortalSummary { first_name: person.first_name, last_name: person.last_name, login: person.login }
    });
    crate::ports::with_refusal_status(result, AppError::status)
}

/// Ends the session on the server and removes the cookie.
#[server(prefix = "/api", endpoint = "wyloguj")]
pub async fn sign_out() -> Result<(), AppError> {
    let Some((backend, request)) = crate::ports::backend_and_request() else {
        return Err(AppError::Unavailable);
    };
    let result = match backend.sign_out(&request).await {
        Ok(clear_cookie) => {
            crate::ports::append_set_cookie(clear_cookie);
            leptos_axum::redirect(routes::SIGNED_OUT);
            Ok(())
        }
        Err(refusal) => Err(AppError::from(refusal)),
    };
    crate::ports::with_refusal_status(result, AppError::status)
}

#[component]
pub fn PortalPage() -> impl IntoView {
    let overview = Resource::new_blocking(|| (), |_| load_portal());
    view! {
        <Title text="Twoje konto"/>
        <Suspense fallback=|| view! { <p>"Wczytywanie…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <PortalView overview/> }.into_any(),
                    Err(AppError::NotSignedIn) => view! { <Redirect path=routes::SIGN_IN/> }.into_any(),
                    Err(AppError::StepPending { path }) => view! { <Redirect path/> }.into_any(),
                    Err(other) => view! {
                        <div class="page">
                            <h1>"Twoje konto"</h1>
                            <div class="notice notice--error" role="alert">{other.message()}</div>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PortalView(overview: PortalSummary) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let failed = move || sign_out.value().get().and_then(Result::err);
    view! {
        <div class="page">
            <h1>"Witaj, " {overview.first_name.clone()} " " {overview.last_name.clone()}</h1>
            {move || failed().map(|e| view! { <div class="notice notice--error" role="alert">{e.message()}</div> })}
            <dl class="summary-list">
                <div class="summary-list__row">
                    <dt>"Zalogowano jako"</dt>
                    <dd>{overview.first_name} " " {overview.last_name}</dd>
                </div>
                <div class="summary-list__row">
                    <dt>"Login"</dt>
                    <dd>{overview.login}</dd>
                </div>
            </dl>
            <ActionForm action=sign_out attr:class="form form--inline">
                <button type="submit" class="button button--secondary">"Wyloguj się"</button>
            </ActionForm>
        </div>
    }
}
