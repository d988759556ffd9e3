//! "Wyloguj się" on every signed-in page (and "Anuluj logowanie" on the
//! code page): a plain form, so it works without JavaScript too.

use leptos::prelude::*;

use crate::pages::portal::SignOut;

#[component]
pub fn SignOutForm(
    #[prop(default = "Wyloguj się")] label: &'static str,
    /// A sentence shown in the form, before the button.
    #[prop(optional)]
    intro: Option<&'static str>,
) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let failed = move || sign_out.value().get().and_then(Result::err);
    view! {
        {move || failed().map(|e| view! { <div class="notice notice--error" role="alert">{e.message()}</div> })}
        <ActionForm action=sign_out attr:class="form form--inline">
            {intro.map(|intro| view! { <p>{intro}</p> })}
            <button type="submit" class="button button--secondary">{label}</button>
        </ActionForm>
    }
}
