//! "Nowe hasło" and "Powtórz nowe hasło" with their rules, the live check
//! and what a refusal empties — the same wherever a new password is set
//! (the forced change, the forgotten password).

use leptos::prelude::*;

use super::{PasswordField, use_enhanced};
use crate::pages::change_password::NewPasswordProblem;

/// Which fields a refusal empties: the repeat of a rejected password is
/// useless, so both go; a mismatch empties only the repeat; a missing
/// repeat keeps the new password. Without JavaScript the page comes back
/// from the server with both empty (a password is never sent back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleared {
    Nothing,
    Repeat,
    Both,
}

impl Cleared {
    pub fn after(problem: Option<NewPasswordProblem>, enhanced: bool) -> Cleared {
        match problem {
            _ if !enhanced => Cleared::Both,
            Some(NewPasswordProblem::RepeatMissing) => Cleared::Nothing,
            Some(NewPasswordProblem::RepeatMismatch) => Cleared::Repeat,
            _ => Cleared::Both,
        }
    }

    pub fn note(self) -> Option<&'static str> {
        match self {
            Cleared::Nothing => None,
            Cleared::Repeat => Some("Pole „Powtórz nowe hasło” jest teraz puste – wpisz w nim nowe hasło jeszcze raz."),
            Cleared::Both => Some("Ze względów bezpieczeństwa oba pola z hasłem są teraz puste – wpisz nowe hasło i powtórz je."),
        }
    }
}

/// Goes inside the form, before its button.
#[component]
pub fn NewPasswordFields(
    /// Set on each refused submission: the problem of a field, if it was one.
    #[prop(into)]
    refused: Signal<Option<Option<NewPasswordProblem>>>,
    /// Checks what is typed (`Some`), or forgets the last check (`None`).
    check: Callback<Option<String>>,
    /// What the last check found, spoken politely.
    #[prop(into)]
    announcement: Signal<String>,
    /// Whose password it is, for password managers (a hidden field, not
    /// sent); none where the form has its own login field.
    #[prop(optional, into)]
    login: Option<String>,
    #[prop(default = "Nowe hasło")] label: &'static str,
    #[prop(default = "Powtórz nowe hasło")] repeat_label: &'static str,
    /// A profile being made has no current password to differ from.
    #[prop(default = true)]
    replaces_one: bool,
) -> impl IntoView {
    let enhanced = use_enhanced();
    // With JavaScript the rules are checked once typing pauses (not on every key).
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
    };
    let on_input = Callback::new(move |typed: String| {
        cancel();
        let handle = set_timeout_with_handle(
            move || check.run((!typed.is_empty()).then_some(typed)),
            std::time::Duration::from_millis(800),
        );
        pending.set_value(handle.ok());
    });
    let problem = move || refused.get().flatten();
    let cleared = Signal::derive(move || refused.get().map(|p| Cleared::after(p, enhanced.get_untracked())));
    // An emptied new password has no strength to speak of.
    Effect::new(move |_| {
        if cleared.get() == Some(Cleared::Both) {
            cancel();
            check.run(None);
        }
    });
    let message_for = move |field: &'static str| {
        Signal::derive(move || problem().filter(|p| p.field() == field).map(|p| p.message()))
    };
    let described_by_for = move |field: &'static str, error_id: &'static str| {
        Signal::derive(move || problem().filter(|p| p.field() == field).map(|_| error_id))
    };
    view! {
        {move || cleared.get().and_then(Cleared::note).map(|note| view! { <p class="hint" id="cleared-note">{note}</p> })}
        <div class="hint" id="password-rules">
            <p>{label} ":"</p>
            <ul>
                <li>"ma od 12 do 128 znaków – mogą to być dowolne znaki, także spacje i polskie litery,"</li>
                <li>"nie może być popularnym hasłem ani zawierać Twojego loginu, numeru PESEL, imienia lub nazwiska,"</li>
                {replaces_one.then(|| view! { <li>"musi się różnić od obecnego."</li> })}
            </ul>
            <p>"Łatwo zapamiętasz hasło złożone z kilku niepowiązanych słów."</p>
        </div>
        {login.map(|login| view! { <input type="text" autocomplete="username" value=login readonly hidden/> })}
        <PasswordField
            id="new_password"
            name="new_password"
            label
            autocomplete="new-password"
            hint_ids="password-rules new_password-check"
            message=message_for("new_password")
            described_by=described_by_for("new_password", "new_password-error")
            clear_when=Signal::derive(move || cleared.get() == Some(Cleared::Both))
            on_input
        />
        <p class="hint password-check" id="new_password-check" aria-live="polite">{move || announcement.get()}</p>
        <PasswordField
            id="repeated"
            name="repeated"
            label=repeat_label
            toggle_noun="powtórzone hasło"
            autocomplete="new-password"
            message=message_for("repeated")
            described_by=described_by_for("repeated", "repeated-error")
            clear_when=Signal::derive(move || matches!(cleared.get(), Some(Cleared::Both | Cleared::Repeat)))
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_must_be_retyped_is_emptied_and_the_page_says_so() {
        use NewPasswordProblem as P;
        assert_eq!(Cleared::after(Some(P::RepeatMissing), true), Cleared::Nothing);
        assert_eq!(Cleared::after(Some(P::RepeatMismatch), true), Cleared::Repeat);
        assert_eq!(Cleared::after(Some(P::TooShort), true), Cleared::Both);
        assert_eq!(Cleared::after(None, true), Cleared::Both, "a failure of the service");
        assert_eq!(Cleared::after(Some(P::RepeatMissing), false), Cleared::Both, "without JavaScript the server sends none back");
        assert!(Cleared::Nothing.note().is_none());
        assert!(Cleared::Repeat.note().unwrap().contains("Powtórz nowe hasło"));
    }
}
