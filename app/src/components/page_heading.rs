//! Focus after a step (WCAG 2.4.3): with JavaScript every step is a
//! navigation inside the page, after which the focus would fall to `<body>`
//! — a keyboard user's next Tab lands in the footer and a screen reader says
//! nothing. So the new page's `h1` takes the focus (and is read aloud),
//! unless the page shows an error summary, which takes it itself. On the
//! first load nothing moves: the person starts at the top, with the skip link.

use leptos::{html, prelude::*};
use leptos_router::hooks::use_location;

/// Whether the router has moved to another page since the first load.
#[derive(Debug, Clone, Copy)]
pub struct Navigated(RwSignal<bool>);

/// Provides [`Navigated`]; in the app, above the routes.
pub fn provide_navigation_focus() {
    provide_context(Navigated(RwSignal::new(false)));
}

/// Watches the address (inside the router) and marks the first move.
#[component]
pub fn NavigationWatch() -> impl IntoView {
    let location = use_location();
    let navigated = use_context::<Navigated>();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if let (Some(previous), Some(Navigated(flag))) = (previous, navigated)
            && previous != path
            && !flag.get_untracked()
        {
            flag.set(true);
        }
        path
    });
}

/// The page's `h1`: focusable by script only (`tabindex="-1"`), and focused
/// when the page was reached by a navigation in the browser.
#[component]
pub fn PageHeading(children: Children) -> impl IntoView {
    let node = NodeRef::<html::H1>::new();
    let navigated = use_context::<Navigated>();
    Effect::new(move |_| {
        let moved = navigated.is_some_and(|Navigated(flag)| flag.get());
        if let (true, Some(heading)) = (moved, node.get()) {
            focus_when_attached(heading, 30);
        }
    });
    view! { <h1 tabindex="-1" class="page-heading" node_ref=node>{children()}</h1> }
}

/// A page that loads its data renders inside a suspense boundary, and is
/// put into the document a little after its heading exists: focus waits
/// for that (a few frames at most). An error summary, if shown, keeps it.
fn focus_when_attached(heading: leptos::web_sys::HtmlHeadingElement, frames_left: u8) {
    if heading.is_connected() {
        if document().query_selector(".error-summary").ok().flatten().is_none() {
            let _ = heading.focus();
        }
    } else if frames_left > 0 {
        request_animation_frame(move || focus_when_attached(heading, frames_left - 1));
    }
}
