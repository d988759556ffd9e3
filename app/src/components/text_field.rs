//! A labelled text input with its hint and its error, as every form here
//! lays them out: label, hint, error, input; the input described by the
//! hint and the error, and marked invalid while the error shows.

use leptos::prelude::*;

#[component]
pub fn TextField(
    /// Also the field's `name`.
    id: &'static str,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// Shown under the label (its element is `{id}-hint`).
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The problem with this field (its element is `{id}-error`).
    #[prop(into)]
    message: Signal<Option<String>>,
    /// What the field holds: what was typed, after a refusal.
    #[prop(optional, into)]
    value: Signal<String>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<String> =
                hint.map(|_| hint_id.clone()).into_iter().chain(message.get().map(|_| error_id.clone())).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || message.get().map(|m| view! {
                <p class="field__error" id=error_id.clone()><span class="visually-hidden">"Błąd: "</span>{m}</p>
            })}
            <input
                class="field__input"
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck="false"
                autocapitalize="none"
                value=move || value.get()
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described_by
            />
        </div>
    }
}
