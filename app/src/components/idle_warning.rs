//! The warning before the idle timeout (WCAG 2.2.1 Timing Adjustable): two
//! minutes before a signed-in session would end for lack of activity, a
//! dialog says so and offers to stay signed in. Needs JavaScript; without
//! it the server still ends the session and the sign-in page says why.

use leptos::{html, prelude::*};

use crate::{errors::AppError, pages::portal::SignOut, routes};

/// How long before the end the warning appears.
const WARN_BEFORE_SECS: u64 = 120;

/// Keeps the session alive; answers the idle timeout in seconds.
#[server(prefix = "/api", endpoint = "przedluz-sesje")]
pub async fn keep_alive() -> Result<u64, AppError> {
    use crate::ports::{self, SignInPort};
    ports::load(|port: std::sync::Arc<dyn SignInPort>, request| async move { port.keep_alive(&request).await }).await
}

#[component]
pub fn IdleWarning() -> impl IntoView {
    let (shown, set_shown) = signal(false);
    let extend = ServerAction::<KeepAlive>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let stay = NodeRef::<html::Button>::new();
    let leave = NodeRef::<html::Button>::new();
    let timers = StoredValue::new(Vec::<TimeoutHandle>::new());

    // (Re)starts the clock: warn 2 minutes before the end, leave at the end.
    // Each arming has its generation; a timer of an older one does nothing,
    // whether or not clearing it reached the browser in time.
    let generation = StoredValue::new(0u64);
    let arm = move |idle_secs: u64| {
        for handle in timers.get_value() {
            handle.clear();
        }
        generation.update_value(|g| *g += 1);
        let current = generation.get_value();
        // Not live once re-armed, nor once this page is gone (the stored
        // value is then disposed): only the newest clock of a page counts.
        let live = move || generation.try_get_value() == Some(current);
        let mut handles = Vec::new();
        let warn_in = std::time::Duration::from_secs(idle_secs.saturating_sub(WARN_BEFORE_SECS));
        let end_in = std::time::Duration::from_secs(idle_secs);
        if let Ok(h) = set_timeout_with_handle(move || if live() { set_shown.set(true) }, warn_in) {
            handles.push(h);
        }
        if let Ok(h) = set_timeout_with_handle(
            move || {
                if live() {
                    let _ = window().location().set_href(&format!("{}?{}", routes::SIGN_IN, routes::SESSION_ENDED_QUERY));
                }
            },
            end_in,
        ) {
            handles.push(h);
        }
        timers.set_value(handles);
    };
    // On arrival (in the browser only): the server counts from this page's request.
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            extend.dispatch(KeepAlive {});
        }
    });
    // Every answer re-arms the clock, even one equal to the last (so the
    // version, not the value, is what changes).
    Effect::new(move |_| {
        extend.version().get();
        if let Some(Ok(idle_secs)) = extend.value().get_untracked() {
            set_shown.set(false);
            arm(idle_secs);
        }
    });
    // A real modal: the page behind is inert (Tab stays in the dialog), and
    // closing it gives the focus back where the person was (the browser
    // remembers it for a modal <dialog>).
    let dialog = NodeRef::<html::Dialog>::new();
    // Escape asks the dialog to close with a `cancel` event, which does not
    // bubble to Leptos's delegated listeners: listen on the dialog itself.
    // Escape means "Przedłuż sesję": staying is the safe answer.
    Effect::new(move |listening: Option<bool>| {
        if listening == Some(true) {
            return true;
        }
        let Some(dialog) = dialog.get() else { return false };
        use leptos::wasm_bindgen::{JsCast, closure::Closure};
        let on_cancel = Closure::<dyn Fn(leptos::web_sys::Event)>::new(move |ev: leptos::web_sys::Event| {
            ev.prevent_default();
            extend.dispatch(KeepAlive {});
        });
        let _ = dialog.add_event_listener_with_callback("cancel", on_cancel.as_ref().unchecked_ref());
        // Should the browser close it anyway, staying is still the answer.
        let on_close = Closure::<dyn Fn(leptos::web_sys::Event)>::new(move |_| {
            if shown.get_untracked() {
                extend.dispatch(KeepAlive {});
            }
        });
        let _ = dialog.add_event_listener_with_callback("close", on_close.as_ref().unchecked_ref());
        // They live as long as the dialog element (one per page).
        on_cancel.forget();
        on_close.forget();
        true
    });
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else { return };
        if shown.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
            if let Some(button) = stay.get() {
                let _ = button.focus();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });
    on_cleanup(move || {
        for handle in timers.get_value() {
            handle.clear();
        }
    });

    view! {
        <dialog
            class="dialog"
            role="alertdialog"
            aria-labelledby="idle-title"
            aria-describedby="idle-text"
            node_ref=dialog
            // Tab and Shift+Tab go round the two buttons (the APG dialog
            // pattern); the page behind is inert anyway.
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() != "Tab" {
                    return;
                }
                let (Some(first), Some(last)) = (stay.get(), leave.get()) else { return };
                let active = document().active_element();
                let on = |button: &leptos::web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == button.as_ref());
                if ev.shift_key() && on(&first) {
                    ev.prevent_default();
                    let _ = last.focus();
                } else if !ev.shift_key() && on(&last) {
                    ev.prevent_default();
                    let _ = first.focus();
                }
            }
        >
            <h2 class="heading-s" id="idle-title">"Czy chcesz kontynuować?"</h2>
            <p id="idle-text">
                "Za 2 minuty wylogujemy Cię z powodu braku aktywności. Jeśli chcesz dalej pracować, przedłuż sesję."
            </p>
            <div class="dialog__actions">
                <button type="button" class="button" node_ref=stay on:click=move |_| { extend.dispatch(KeepAlive {}); }>
                    "Przedłuż sesję"
                </button>
                <button type="button" class="button button--secondary" node_ref=leave on:click=move |_| { sign_out.dispatch(SignOut {}); }>
                    "Wyloguj się"
                </button>
            </div>
        </dialog>
    }
}
