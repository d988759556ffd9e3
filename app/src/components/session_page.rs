use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use serde::{Serialize, de::DeserializeOwned};

use super::{ErrorTitle, IdleWarning};
use crate::{errors::AppError, routes};

/// A page whose content is the session's data. The data is loaded before
/// the HTML is sent (so the page works without JavaScript); a session that
/// cannot have it is sent where it belongs, or told what went wrong.
#[component]
pub fn SessionPage<T, Fut>(
    title: &'static str,
    /// The page's server function.
    load: fn() -> Fut,
    render: fn(T) -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let data = Resource::new_blocking(|| (), move |_| load());
    view! {
        <Title text=title/>
        <Suspense fallback=|| view! { <p>"Wczytywanie…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(value) => view! { {render(value)} <IdleWarning/> }.into_any(),
                    Err(e) => view! { <SessionProblem error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a page shows when its session cannot use it.
#[component]
pub fn SessionProblem(error: AppError) -> impl IntoView {
    match error {
        AppError::NotSignedIn => view! { <Redirect path=routes::SIGN_IN/> }.into_any(),
        AppError::StepPending { path } => view! { <Redirect path/> }.into_any(),
        other => view! {
            <div class="page">
                <ErrorTitle/>
                <div class="notice notice--error" role="alert">{other.message()}</div>
            </div>
        }
        .into_any(),
    }
}
