use super::PageHeading;
use crate::format::Date;
use leptos::prelude::*;

/// One option of a radio group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadioOption {
    pub id: String,
    pub value: String,
    pub label: String,
    pub hint: String,
    /// A date that ends the hint: "Ważne do 24 listopada 2028." (label, ISO date).
    pub date: Option<(&'static str, String)>,
    pub checked: bool,
}

/// A radio group whose legend is the page's heading (one question per page),
/// each option with a label and a hint, and the group's error at the top.
#[component]
pub fn RadioChoices(
    name: &'static str,
    legend: &'static str,
    intro: &'static str,
    /// The id of the error message element.
    error_id: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    options: Vec<RadioOption>,
) -> impl IntoView {
    view! {
        <fieldset class="choice-group" aria-describedby=move || error.get().map(|_| error_id)>
            <legend class="choice-group__legend"><PageHeading>{legend}</PageHeading></legend>
            <p class="hint">{intro}</p>
            {move || error.get().map(|m| view! {
                <p class="field__error" id=error_id>
                    <span class="visually-hidden">"Błąd: "</span>{m}
                </p>
            })}
            {options
                .into_iter()
                .map(|option| {
                    let hint_id = format!("{}-hint", option.id);
                    view! {
                        <div class="choice">
                            <input
                                class="choice__input"
                                type="radio"
                                name=name
                                id=option.id.clone()
                                value=option.value
                                checked=option.checked
                                aria-describedby=hint_id.clone()
                            />
                            <label class="choice__label" for=option.id>{option.label}</label>
                            <p class="choice__hint" id=hint_id>
                                {option.hint}
                                {option.date.map(|(label, iso)| view! { " " {label} " " <Date iso/> "." })}
                            </p>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
