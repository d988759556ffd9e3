//! Where a code went, masked ("j•••@example.pl", "••• ••• 300"), as people
//! see it and as a screen reader says it. Read aloud, bullets become
//! "punktor punktor…" or nothing at all, so the visible form is hidden from
//! assistive technology and a spoken one stands beside it; the visible
//! number never wraps (non-breaking spaces).

use leptos::prelude::*;

use crate::pages::verify_code::CodeChannel;

/// The spoken form: "numer telefonu kończący się na 300", "adres e-mail
/// zaczynający się na j, w domenie example.pl".
pub fn spoken(channel: CodeChannel, masked: &str) -> String {
    match channel {
        CodeChannel::Sms => {
            let last: String = masked.chars().filter(char::is_ascii_digit).collect();
            format!("numer telefonu kończący się na {last}")
        }
        CodeChannel::Email => match masked.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take_while(|c| *c != '•').collect();
                format!("adres e-mail zaczynający się na {first}, w domenie {domain}")
            }
            None => "adres e-mail".into(),
        },
    }
}

/// "numer ••• ••• 300" on screen, "numer telefonu kończący się na 300" to
/// a screen reader; `adjective` goes before both ("nowy", "obecny").
#[component]
pub fn MaskedDestination(
    channel: CodeChannel,
    masked: String,
    #[prop(optional)] adjective: Option<&'static str>,
) -> impl IntoView {
    let noun = match channel {
        CodeChannel::Sms => "numer",
        CodeChannel::Email => "adres",
    };
    let before = adjective.map(|a| format!("{a} ")).unwrap_or_default();
    let shown = format!("{before}{noun} {}", masked.replace(' ', "\u{a0}"));
    let said = format!("{before}{}", spoken(channel, &masked));
    view! {
        <span aria-hidden="true">{shown}</span>
        <span class="visually-hidden">{said}</span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_destinations_are_said_in_words() {
        assert_eq!(spoken(CodeChannel::Sms, "••• ••• 300"), "numer telefonu kończący się na 300");
        assert_eq!(
            spoken(CodeChannel::Email, "j•••@example.pl"),
            "adres e-mail zaczynający się na j, w domenie example.pl"
        );
        for channel in [CodeChannel::Sms, CodeChannel::Email] {
            assert!(!spoken(channel, "j•••@example.pl").contains('•'));
        }
    }
}
