use leptos::{html, prelude::*};

/// One problem, linked to the field it concerns (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The `id` of the field to jump to.
    pub field_id: Option<&'static str>,
    pub message: String,
}

impl FieldError {
    pub fn at(field_id: &'static str, message: impl Into<String>) -> Self {
        FieldError { field_id: Some(field_id), message: message.into() }
    }

    pub fn general(message: impl Into<String>) -> Self {
        FieldError { field_id: None, message: message.into() }
    }
}

/// The list of problems at the top of a form (the GOV.UK pattern).
///
/// Announced as an alert and focused: by `autofocus` when the page arrives
/// from the server (no JavaScript), by script when it appears after a
/// submission in the browser.
#[component]
pub fn ErrorSummary(errors: Vec<FieldError>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    view! {
        <div
            class="error-summary"
            role="alert"
            tabindex="-1"
            autofocus
            node_ref=node
            aria-labelledby="error-summary-title"
        >
            <h2 class="error-summary__title" id="error-summary-title">
                "Wystąpił problem"
            </h2>
            <ul class="error-summary__list">
                {errors
                    .into_iter()
                    .map(|e| match e.field_id {
                        Some(id) => view! { <li><a href=format!("#{id}")>{e.message}</a></li> }.into_any(),
                        None => view! { <li>{e.message}</li> }.into_any(),
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}
