//! The notice sent by the recovery channel after a password change, so a
//! person learns at once of a change they did not make.

use crate::step_up::codes::channel_of;
use crate::{
    db::entities::person,
    notifications::{Channel, OutgoingMessage},
};

/// The notice that the password was changed, by the recovery channel: if it
/// was not the person, they learn of it at once.
pub fn password_changed_notice(person: &person::Model) -> OutgoingMessage {
    match channel_of(person) {
        Channel::Sms => OutgoingMessage {
            channel: Channel::Sms,
            recipient: person.phone.clone(),
            subject: None,
            body: "eZUS: hasło do Twojego profilu zostało zmienione. Jeśli to nie Ty, zadzwoń do ZUS: 22 560 16 00.".into(),
            purpose: "password_changed",
        },
        Channel::Email => OutgoingMessage {
            channel: Channel::Email,
            recipient: person.email.clone(),
            subject: Some("Hasło do eZUS zostało zmienione".into()),
            body: "Dzień dobry,\n\n\
                   hasło do Twojego profilu w eZUS zostało właśnie zmienione.\n\n\
                   Jeśli to Ty, nic nie musisz robić. Jeśli to nie Ty, natychmiast skontaktuj się z \
                   Centrum Obsługi Telefonicznej ZUS: 22 560 16 00.\n\n\
                   Zakład Ubezpieczeń Społecznych"
                .into(),
            purpose: "password_changed",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(channel: &str) -> person::Model {
        person::Model {
            id: 1,
            login: "anowak".into(),
            password_hash: String::new(),
            pesel: Some("58072204561".into()),
            first_name: "Anna".into(),
            last_name: "Nowak".into(),
            email: "anna.nowak@example.pl".into(),
            phone: "+48601200300".into(),
            recovery_channel: channel.into(),
            profile_confirmed: true,
            created_at: 0,
            password_changed_at: 0,
            birth_date: None,
            id_document: None,
        }
    }

    #[test]
    fn the_notice_goes_by_the_recovery_channel_and_says_whom_to_call() {
        let sms = password_changed_notice(&person("sms"));
        assert_eq!((sms.channel, sms.recipient.as_str()), (Channel::Sms, "+48601200300"));
        let email = password_changed_notice(&person("email"));
        assert_eq!((email.channel, email.recipient.as_str()), (Channel::Email, "anna.nowak@example.pl"));
        for m in [sms, email] {
            assert!(m.body.contains("22 560 16 00"));
            assert_eq!(m.purpose, "password_changed");
        }
    }
}
