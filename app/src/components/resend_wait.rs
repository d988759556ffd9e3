//! How long until another code may be sent, shown before the person presses
//! "Wyślij kod ponownie". With JavaScript it counts down: on screen every
//! second, and to a screen reader politely in 10-second steps (a live region
//! that changed every second would talk over everything else).

use leptos::prelude::*;

use super::use_enhanced;
use crate::errors;

/// What is said `secs` seconds before another code may be sent.
pub fn wait_text(secs: u64) -> String {
    if secs == 0 {
        "Możesz już wysłać nowy kod.".into()
    } else {
        format!("Nowy kod możesz wysłać za {}.", errors::wait_in_words(secs))
    }
}

/// The wait as a screen reader hears it: rounded up to 10 seconds (to a
/// minute above one), so that the live region changes every 10 seconds.
pub fn spoken_wait(secs: u64) -> String {
    match secs {
        0 => wait_text(0),
        s if s < 60 => wait_text(s.div_ceil(10) * 10),
        s => wait_text(s.div_ceil(60) * 60),
    }
}

/// `secs`: the wait as the server last said it (the page's data, a resend's
/// answer). Each new value restarts the count.
#[component]
pub fn ResendWait(#[prop(into)] secs: Signal<u64>) -> impl IntoView {
    let enhanced = use_enhanced();
    let (left, set_left) = signal(secs.get_untracked());
    let ticker = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(handle) = ticker.get_value() {
            handle.clear();
            ticker.set_value(None);
        }
    };
    Effect::new(move |_| {
        let start = secs.get();
        stop();
        set_left.set(start);
        if start > 0 {
            let handle = set_interval_with_handle(
                move || {
                    set_left.update(|s| *s = s.saturating_sub(1));
                    if left.get_untracked() == 0 {
                        stop();
                    }
                },
                std::time::Duration::from_secs(1),
            );
            ticker.set_value(handle.ok());
        }
    });
    on_cleanup(stop);
    view! {
        <p class="hint" id="resend-wait">
            // Without JavaScript: the wait when the page was made.
            <Show when=move || enhanced.get() fallback=move || wait_text(secs.get_untracked())>
                <span aria-hidden="true">{move || wait_text(left.get())}</span>
                <span class="visually-hidden" role="status">{move || spoken_wait(left.get())}</span>
            </Show>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spoken_wait_changes_in_10_second_steps() {
        assert_eq!(spoken_wait(30), "Nowy kod możesz wysłać za 30 sekund.");
        assert_eq!(spoken_wait(29), "Nowy kod możesz wysłać za 30 sekund.");
        assert_eq!(spoken_wait(20), "Nowy kod możesz wysłać za 20 sekund.");
        assert_eq!(spoken_wait(1), "Nowy kod możesz wysłać za 10 sekund.");
        assert_eq!(spoken_wait(0), "Możesz już wysłać nowy kod.");
        assert_eq!(spoken_wait(61), "Nowy kod możesz wysłać za 2 minuty.");
        let distinct: std::collections::BTreeSet<String> = (0..=30).map(spoken_wait).collect();
        assert_eq!(distinct.len(), 4, "30 seconds are announced 4 times, not 31");
    }
}
