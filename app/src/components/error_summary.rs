use leptos::{html, prelude::*};
use leptos_meta::Title;

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

/// The list of problems at the top of a form (the GOV.UK pattern); shown
/// while `errors` is not empty.
///
/// Announced as an alert and focused: by `autofocus` when the page arrives
/// from the server (no JavaScript), by script after each refused submission
/// in the browser. While it shows, the page's title starts with "Błąd: "
/// (what a screen reader says first on arrival, and what the tab and the
/// history show).
///
/// Mounted once per form: the title's "Błąd: " comes and goes only as the
/// summary appears and disappears (a `<Title>` rebuilt in place would leave
/// its formatter behind).
#[component]
pub fn ErrorSummary(#[prop(into)] errors: Signal<Vec<FieldError>>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    let shown = Memo::new(move |_| errors.with(|e| !e.is_empty()));
    // Each refused submission (a new set of errors, even the same again) takes the focus.
    Effect::new(move |_| {
        errors.track();
        if let Some(el) = node.get() {
            let _ = el.focus();
        }
    });
    view! {
        <Show when=move || shown.get()>
            <ErrorTitle/>
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
                    {move || {
                        errors
                            .get()
                            .into_iter()
                            .map(|e| match e.field_id {
                                Some(id) => view! {
                                    <li><a href=format!("#{id}") rel="external" on:click=move |ev| focus_field(id, ev)>{e.message}</a></li>
                                }
                                .into_any(),
                                None => view! { <li>{e.message}</li> }.into_any(),
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// While mounted, the page's title starts with "Błąd: ".
#[component]
pub fn ErrorTitle() -> impl IntoView {
    view! { <Title formatter=|text: String| format!("Błąd: {}", crate::page_title(&text))/> }
}

/// The GOV.UK error summary's link: the field itself takes the focus, with
/// its label scrolled into view above it (a bare `#id` link would only
/// scroll, leaving the focus in the summary and the label off screen).
/// Links to something that is not a form field keep their plain behaviour.
fn focus_field(id: &str, ev: leptos::ev::MouseEvent) {
    use leptos::wasm_bindgen::JsCast;
    let document = document();
    let Some(field) = document.get_element_by_id(id) else { return };
    if !matches!(field.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA") {
        return;
    }
    ev.prevent_default();
    let label = document.query_selector(&format!("label[for='{id}']")).ok().flatten();
    let legend = field.closest("fieldset").ok().flatten().and_then(|f| f.query_selector("legend").ok().flatten());
    // A radio button or checkbox shows its question (the legend); any other field its label.
    let choice = matches!(field.get_attribute("type").as_deref(), Some("radio" | "checkbox"));
    let shown = if choice { legend.or(label) } else { label.or(legend) };
    if let Some(shown) = shown {
        shown.scroll_into_view();
    }
    if let Ok(field) = field.dyn_into::<leptos::web_sys::HtmlElement>() {
        let _ = field.focus();
    }
}
