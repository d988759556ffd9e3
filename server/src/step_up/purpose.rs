//! What a verification code is for, and the message that carries it. Each
//! purpose has its own codes (a code of one purpose is never found when
//! another is checked), its own send limits and its own wording.

use crate::{
    domain::VerificationCode,
    notifications::{Channel, OutgoingMessage},
};

/// A password-reset code lives longer than a sign-in code: the person may
/// be looking for where it went.
pub const PASSWORD_RESET_TTL_MS: i64 = 15 * 60_000;

/// What a code is for; each purpose has its own codes and its own wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    SignIn,
    /// Proves the person receives mail or SMS at a new address or number.
    ContactChange,
    /// Sent to the person's CURRENT recovery channel: proves that whoever
    /// moves the channel away still holds it (a stolen session and password
    /// are not enough).
    ContactChangeCurrent,
    /// "Nie pamiętasz hasła?": proves the person holds the recovery channel.
    PasswordReset,
    /// "Zarejestruj się": proves the new profile's contact (kept with the
    /// registration, not in the code store: there is no person yet).
    Registration,
}

impl CodePurpose {
    /// The purpose as stored with the code (and in the send-limit keys).
    pub fn tag(self) -> &'static str {
        match self {
            CodePurpose::SignIn => "sign_in",
            CodePurpose::ContactChange => "contact_change",
            CodePurpose::ContactChangeCurrent => "contact_change_current",
            CodePurpose::PasswordReset => "password_reset",
            CodePurpose::Registration => "registration",
        }
    }

    /// How long a code of the purpose lives.
    pub fn ttl_ms(self) -> i64 {
        match self {
            CodePurpose::PasswordReset => PASSWORD_RESET_TTL_MS,
            _ => super::codes::CODE_TTL_MS,
        }
    }

    pub(crate) fn message(self, channel: Channel, recipient: String, code: &VerificationCode) -> OutgoingMessage {
        let code = code.expose();
        let (subject, body, purpose) = match (self, channel) {
            (CodePurpose::SignIn, Channel::Sms) => (
                None,
                format!(
                    "eZUS: Twój kod do logowania: {code}. Ważny 10 minut. Nie podawaj go nikomu – pracownik ZUS nigdy o niego nie prosi."
                ),
                "sign_in_code",
            ),
            (CodePurpose::SignIn, Channel::Email) => (
                Some("Kod do logowania w eZUS"),
                format!(
                    "Dzień dobry,\n\n\
                     ktoś – zapewne Ty – podał prawidłowy login i hasło do Twojego profilu w eZUS.\n\
                     Aby dokończyć logowanie, wpisz ten kod weryfikacyjny:\n\n    {code}\n\n\
                     Kod jest ważny 10 minut i służy wyłącznie do logowania. Nie podawaj go nikomu – \
                     pracownik ZUS nigdy o niego nie prosi.\n\n\
                     Jeśli to nie Ty się logujesz, zmień hasło w eZUS i skontaktuj się z Centrum \
                     Obsługi Telefonicznej ZUS: 22 560 16 00.\n\n\
                     Zakład Ubezpieczeń Społecznych"
                ),
                "sign_in_code",
            ),
            (CodePurpose::ContactChange, Channel::Sms) => (
                None,
                format!(
                    "eZUS: kod do zmiany danych kontaktowych w Twoim profilu: {code}. Ważny 10 minut. Nie podawaj go nikomu – pracownik ZUS nigdy o niego nie prosi."
                ),
                "contact_change_code",
            ),
            (CodePurpose::ContactChange, Channel::Email) => (
                Some("Kod do zmiany danych kontaktowych w eZUS"),
                format!(
                    "Dzień dobry,\n\n\
                     w eZUS podano ten adres jako nowy adres kontaktowy profilu. Aby potwierdzić \
                     zmianę danych kontaktowych, wpisz ten kod:\n\n    {code}\n\n\
                     Kod jest ważny 10 minut i służy wyłącznie do tej zmiany. Nie podawaj go nikomu – \
                     pracownik ZUS nigdy o niego nie prosi. Jeśli to nie Ty, zignoruj tę wiadomość.\n\n\
                     Zakład Ubezpieczeń Społecznych"
                ),
                "contact_change_code",
            ),
            (CodePurpose::ContactChangeCurrent, Channel::Sms) => (
                None,
                format!(
                    "eZUS: kod potwierdza zmianę danych kontaktowych Twojego profilu: {code}. Ważny 10 minut. Jeśli to nie Ty, nie podawaj go nikomu i zadzwoń do ZUS: 22 560 16 00."
                ),
                "contact_change_current_code",
            ),
            (CodePurpose::ContactChangeCurrent, Channel::Email) => (
                Some("Kod potwierdzający zmianę danych kontaktowych w eZUS"),
                format!(
                    "Dzień dobry,\n\n\
                     ktoś – zapewne Ty – chce zmienić dane kontaktowe lub kanał odzyskiwania dostępu \
                     Twojego profilu w eZUS. Ta wiadomość idzie na Twój obecny adres. Kod potwierdza \
                     zmianę danych kontaktowych:\n\n    {code}\n\n\
                     Kod jest ważny 10 minut i służy wyłącznie do tej zmiany. Pracownik ZUS nigdy o \
                     niego nie prosi.\n\n\
                     Jeśli to nie Ty, nie podawaj go nikomu i zadzwoń do Centrum Obsługi \
                     Telefonicznej ZUS: 22 560 16 00. Ktoś może znać Twoje hasło – zmień je.\n\n\
                     Zakład Ubezpieczeń Społecznych"
                ),
                "contact_change_current_code",
            ),
            (CodePurpose::PasswordReset, Channel::Sms) => (
                None,
                format!(
                    "eZUS: kod do ustawienia nowego hasła: {code}. Ważny 15 minut. Nie podawaj go nikomu. Jeśli to nie Ty, zadzwoń do ZUS: 22 560 16 00."
                ),
                "password_reset_code",
            ),
            (CodePurpose::PasswordReset, Channel::Email) => (
                Some("Kod do ustawienia nowego hasła w eZUS"),
                format!(
                    "Dzień dobry,\n\n\
                     ktoś – zapewne Ty – chce ustawić nowe hasło do Twojego profilu w eZUS \
                     („Nie pamiętasz hasła?”). Aby to zrobić, wpisz ten kod:\n\n    {code}\n\n\
                     Kod jest ważny 15 minut i służy wyłącznie do ustawienia nowego hasła. Nie podawaj \
                     go nikomu – pracownik ZUS nigdy o niego nie prosi.\n\n\
                     Jeśli to nie Ty, nie wpisuj kodu i zadzwoń do Centrum Obsługi Telefonicznej ZUS: \
                     22 560 16 00.\n\n\
                     Zakład Ubezpieczeń Społecznych"
                ),
                "password_reset_code",
            ),
            (CodePurpose::Registration, Channel::Sms) => (
                None,
                format!(
                    "eZUS: kod do założenia profilu: {code}. Ważny 10 minut. Nie podawaj go nikomu. Jeśli to nie Ty zakładasz profil, zignoruj tę wiadomość."
                ),
                "registration_code",
            ),
            (CodePurpose::Registration, Channel::Email) => (
                Some("Kod do założenia profilu w eZUS"),
                format!(
                    "Dzień dobry,\n\n\
                     ktoś – zapewne Ty – zakłada profil w eZUS i podał ten adres. Aby go potwierdzić, \
                     wpisz ten kod:\n\n    {code}\n\n\
                     Kod jest ważny 10 minut. Nie podawaj go nikomu – pracownik ZUS nigdy o niego nie prosi. \
                     Jeśli to nie Ty, zignoruj tę wiadomość: bez kodu profil nie powstanie.\n\n\
                     Zakład Ubezpieczeń Społecznych"
                ),
                "registration_code",
            ),
        };
        OutgoingMessage { channel, recipient, subject: subject.map(Into::into), body, purpose }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [CodePurpose; 5] = [
        CodePurpose::SignIn,
        CodePurpose::ContactChange,
        CodePurpose::ContactChangeCurrent,
        CodePurpose::PasswordReset,
        CodePurpose::Registration,
    ];

    #[test]
    fn every_message_says_what_the_code_is_for_and_warns() {
        let code = VerificationCode::parse("123456").unwrap();
        for channel in [Channel::Sms, Channel::Email] {
            let m = CodePurpose::SignIn.message(channel, "x".into(), &code);
            assert!(m.body.contains("123456"));
            assert!(m.body.contains("do logowania") || m.body.contains("dokończyć logowanie"));
            assert!(m.body.contains("Nie podawaj go nikomu"));
            let current = CodePurpose::ContactChangeCurrent.message(channel, "x".into(), &code);
            assert!(current.body.contains("123456"));
            assert!(current.body.contains("zmianę danych kontaktowych"));
            assert!(current.body.contains("Jeśli to nie Ty, nie podawaj go nikomu i zadzwoń do"));
            assert!(current.body.contains("22 560 16 00"));
        }
        for purpose in ALL {
            let sms = purpose.message(Channel::Sms, "x".into(), &code);
            assert!(sms.body.chars().count() <= 160 * 2, "{purpose:?} fits in two SMS parts");
        }
    }

    /// Capitals read as shouting (and screen readers spell some of them
    /// out): only the names ZUS, eZUS and SMS are written in capitals.
    #[test]
    fn no_message_shouts() {
        let code = VerificationCode::parse("123456").unwrap();
        for purpose in ALL {
            for channel in [Channel::Sms, Channel::Email] {
                let m = purpose.message(channel, "x".into(), &code);
                let text = format!("{} {}", m.subject.unwrap_or_default(), m.body);
                for word in text.split(|c: char| !c.is_alphabetic()) {
                    let capitals = word.chars().filter(|c| c.is_uppercase()).count();
                    assert!(capitals < 2 || ["ZUS", "eZUS", "SMS"].contains(&word), "{purpose:?}/{channel:?} shouts: {word}");
                }
            }
        }
    }

    #[test]
    fn each_purpose_has_its_own_tag_and_message_purpose() {
        let code = VerificationCode::parse("123456").unwrap();
        for a in ALL {
            for b in ALL.into_iter().filter(|b| *b != a) {
                assert_ne!(a.tag(), b.tag());
                assert_ne!(a.message(Channel::Sms, "x".into(), &code).purpose, b.message(Channel::Sms, "x".into(), &code).purpose);
            }
        }
    }
}
