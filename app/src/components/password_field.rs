use leptos::{html, prelude::*};

use super::use_enhanced;

/// A labelled password input. With JavaScript a toggle named after the field
/// appears ("Pokaż hasło", "Pokaż nowe hasło"; "Ukryj …" while shown, with
/// `aria-pressed`); without it, the plain field works as it is.
#[component]
pub fn PasswordField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    /// The problem with this field, shown at it (its element is `{id}-error`).
    #[prop(into)]
    message: Signal<Option<&'static str>>,
    /// The element that explains the field's problem, when it is part of one
    /// (its own message, or a message standing at another field).
    #[prop(into)]
    described_by: Signal<Option<&'static str>>,
    /// Elements that always describe the field (its rules), before any problem.
    #[prop(optional)]
    hint_ids: Option<&'static str>,
    /// Whenever this turns true (a refused submission), the field is
    /// emptied; the page says which fields it emptied.
    #[prop(optional, into)]
    clear_when: Option<Signal<bool>>,
    /// Called with the field's value as the person types (with JavaScript).
    #[prop(optional)]
    on_input: Option<Callback<String>>,
    /// What the toggle shows or hides ("nowe hasło"); by default the label
    /// in lower case.
    #[prop(optional)]
    toggle_noun: Option<&'static str>,
) -> impl IntoView {
    let noun = StoredValue::new(toggle_noun.map_or_else(|| label.to_lowercase(), str::to_owned));
    let enhanced = use_enhanced();
    let input = NodeRef::<html::Input>::new();
    if let Some(clear_when) = clear_when {
        Effect::new(move |_| {
            if clear_when.get()
                && let Some(input) = input.get()
            {
                input.set_value("");
            }
        });
    }
    let (shown, set_shown) = signal(false);
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            {move || {
                message
                    .get()
                    .map(|m| {
                        view! {
                            <p class="field__error" id=error_id.clone()>
                                <span class="visually-hidden">"Błąd: "</span>
                                {m}
                            </p>
                        }
                    })
            }}
            <div class="password-field">
                <input
                    node_ref=input
                    class="field__input"
                    id=id
                    name=name
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    spellcheck="false"
                    autocapitalize="none"
                    aria-invalid=move || described_by.get().map(|_| "true")
                    aria-describedby=move || {
                        let ids: Vec<&str> = hint_ids.into_iter().chain(described_by.get()).collect();
                        (!ids.is_empty()).then(|| ids.join(" "))
                    }
                    on:input=move |event| {
                        if let Some(on_input) = on_input {
                            on_input.run(event_target_value(&event));
                        }
                    }
                />
                <Show when=move || enhanced.get()>
                    <button
                        type="button"
                        class="button button--secondary password-field__toggle"
                        aria-controls=id
                        aria-pressed=move || if shown.get() { "true" } else { "false" }
                        on:click=move |_| set_shown.update(|s| *s = !*s)
                    >
                        {move || format!("{} {}", if shown.get() { "Ukryj" } else { "Pokaż" }, noun.get_value())}
                    </button>
                </Show>
            </div>
        </div>
    }
}
