//! The message that carries the login.

use crate::notifications::{Channel, OutgoingMessage};

pub fn login_reminder(channel: Channel, recipient: String, login: &str) -> OutgoingMessage {
    let (subject, body) = match channel {
        Channel::Sms => (
            None,
            format!("eZUS: Twój login to {login}. Jeśli to nie Ty prosisz o przypomnienie loginu, zadzwoń do ZUS: 22 560 16 00."),
        ),
        Channel::Email => (
            Some("Twój login do eZUS".to_owned()),
            format!(
                "Dzień dobry,\n\n\
                 ktoś – zapewne Ty – poprosił o przypomnienie loginu do Twojego profilu w eZUS.\n\n\
                 Twój login: {login}\n\n\
                 Hasła nie wysyłamy nigdy. Jeśli go nie pamiętasz, ustaw nowe na stronie logowania \
                 („Nie pamiętasz hasła?”).\n\n\
                 Jeśli to nie Ty prosisz o login, nic nie musisz robić – nikt nie zaloguje się bez \
                 Twojego hasła i kodu. W razie wątpliwości zadzwoń do Centrum Obsługi Telefonicznej \
                 ZUS: 22 560 16 00.\n\n\
                 Zakład Ubezpieczeń Społecznych"
            ),
        ),
    };
    OutgoingMessage { channel, recipient, subject, body, purpose: "login_reminder" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_carries_the_login_and_never_a_password() {
        for channel in [Channel::Sms, Channel::Email] {
            let m = login_reminder(channel, "x".into(), "jkowalski");
            assert!(m.body.contains("jkowalski"));
            assert!(m.body.contains("22 560 16 00"));
            assert!(m.body.chars().count() <= 160 || channel == Channel::Email);
        }
    }
}
