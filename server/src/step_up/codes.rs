//! Verification codes (DESIGN.md, "Numbers"): 6 digits from a CSPRNG, stored
//! salted and hashed, valid 10 minutes, single use even under racing
//! requests, at most 5 wrong tries per code, a new code no sooner than 30 s
//! after the last and at most 5 an hour, and a cap per SMS number (checked
//! and counted in the issuing transaction: see [`super::send_limits`]). Each
//! code is sent by the person's recovery channel through the outbox, in the
//! same transaction that stores it, with a text that says what it is for;
//! the message expires with the code.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::send_limits::{self, SendLimit, SmsPolicy, Wait};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{
    db::{
        entities::{person, verification_code as row},
        now_millis,
    },
    domain::VerificationCode,
    error::BackendError,
    notifications::{self, Channel, OutgoingMessage},
};

pub const CODE_TTL_MS: i64 = 10 * 60_000;
pub const MAX_WRONG_TRIES: i32 = 5;

/// What a code is for; each purpose has its own codes and its own wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    SignIn,
    /// Proves the person receives mail or SMS at a new address or number.
    ContactChange,
}

impl CodePurpose {
    fn tag(self) -> &'static str {
        match self {
            CodePurpose::SignIn => "sign_in",
            CodePurpose::ContactChange => "contact_change",
        }
    }

    fn message(self, channel: Channel, recipient: String, code: &VerificationCode) -> OutgoingMessage {
        let code = code.expose();
        match (self, channel) {
            (CodePurpose::SignIn, Channel::Sms) => OutgoingMessage {
                channel,
                recipient,
                subject: None,
                body: format!(
                    "eZUS: kod do LOGOWANIA na Twoje konto: {code}. Ważny 10 minut. Nie podawaj go nikomu – pracownik ZUS nigdy o niego nie prosi."
                ),
                purpose: "sign_in_code",
            },
            (CodePurpose::SignIn, Channel::Email) => OutgoingMessage {
                channel,
                recipient,
                subject: Some("Kod do logowania w eZUS".into()),
                body: format!(
                    "Dzień dobry,\n\n\
                     ktoś – zapewne Ty – podał prawidłowy login i hasło do Twojego konta w eZUS.\n\
                     Aby dokończyć LOGOWANIE, wpisz ten kod weryfikacyjny:\n\n    {code}\n\n\
                     Kod jest ważny 10 minut i służy wyłącznie do logowania. Nie podawaj go nikomu – \
                     pracownik ZUS nigdy o niego nie prosi.\n\n\
                     Jeśli to nie Ty się logujesz, zmień hasło w eZUS i skontaktuj się z Centrum \
                     Obsługi Telefonicznej ZUS: 22 560 16 00.\n\n\
                     Zakład Ubezpieczeń Społecznych"
                ),
                purpose: "sign_in_code",
            },
            (CodePurpose::ContactChange, Channel::Sms) => OutgoingMessage {
                channel,
                recipient,
                subject: None,
                body: format!(
                    "eZUS: kod do ZMIANY DANYCH KONTAKTOWYCH w Twoim profilu: {code}. Ważny 10 minut. Nie podawaj go nikomu – pracownik ZUS nigdy o niego nie prosi."
                ),
                purpose: "contact_change_code",
            },
            (CodePurpose::ContactChange, Channel::Email) => OutgoingMessage {
                channel,
                recipient,
                subject: Some("Kod do zmiany danych kontaktowych w eZUS".into()),
                body: format!(
                    "Dzień dobry,\n\n\
                     w eZUS podano ten adres jako nowy adres kontaktowy profilu. Aby potwierdzić \
                     ZMIANĘ DANYCH KONTAKTOWYCH, wpisz ten kod:\n\n    {code}\n\n\
                     Kod jest ważny 10 minut i służy wyłącznie do tej zmiany. Nie podawaj go nikomu – \
                     pracownik ZUS nigdy o niego nie prosi. Jeśli to nie Ty, zignoruj tę wiadomość.\n\n\
                     Zakład Ubezpieczeń Społecznych"
                ),
                purpose: "contact_change_code",
            },
        }
    }
}

/// Where the code went, masked for the page ("na adres j•••@example.pl").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub channel: Channel,
    pub masked: String,
}

pub fn channel_of(person: &person::Model) -> Channel {
    if person.recovery_channel == "sms" { Channel::Sms } else { Channel::Email }
}

/// The channel and the address or number the person's codes go to.
pub fn recipient_of(person: &person::Model) -> (Channel, String) {
    match channel_of(person) {
        Channel::Sms => (Channel::Sms, person.phone.clone()),
        Channel::Email => (Channel::Email, person.email.clone()),
    }
}

pub fn destination_of(person: &person::Model) -> Destination {
    let channel = channel_of(person);
    let masked = match channel {
        Channel::Sms => mask_phone(&person.phone),
        Channel::Email => mask_email(&person.email),
    };
    Destination { channel, masked }
}

/// `jan.kowalski@example.pl` → `j•••@example.pl`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// `+48600100200` → `••• ••• 200`: only the last three digits.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let last: String = digits[digits.len().saturating_sub(3)..].iter().collect();
    format!("••• ••• {last}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueOutcome {
    Sent,
    /// The last code is younger than 30 s, 5 were sent this hour, or the
    /// SMS number has had its messages for the hour or the day.
    TooSoon { retry_after_secs: u64, limit: SendLimit },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckOutcome {
    Accepted,
    Wrong { tries_left: i32 },
    /// Five wrong tries: this code is dead, a new one is needed.
    Exhausted,
    Expired,
    /// No live code (never sent, already used — e.g. by a racing request — or replaced).
    NoCode,
}

fn hash(salt: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{salt}{code}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone)]
pub struct VerificationCodes {
    db: DatabaseConnection,
    sms: SmsPolicy,
}

impl VerificationCodes {
    pub fn new(db: DatabaseConnection, sms: SmsPolicy) -> Self {
        VerificationCodes { db, sms }
    }

    /// Where SMS may go (the profile checks a new number against it).
    pub fn sms_policy(&self) -> &SmsPolicy {
        &self.sms
    }

    /// What keeps another code of the purpose to this channel and recipient
    /// from being sent now (None: nothing). For the pages; [`Self::issue_to`]
    /// checks again under the lock.
    pub async fn resend_wait(
        &self,
        person_id: i32,
        purpose: CodePurpose,
        channel: Channel,
        recipient: &str,
    ) -> Result<Option<Wait>, BackendError> {
        let now = now_millis();
        let mut wait = send_limits::person_wait(&self.db, person_id, purpose.tag(), now).await?;
        if channel == Channel::Sms {
            wait = Wait::longest(wait, send_limits::number_wait(&self.db, recipient, &self.sms, now).await?);
        }
        Ok(wait)
    }

    /// Replaces any live code with a new one and queues its message, in one
    /// transaction — unless the resend limits say wait.
    pub async fn issue(&self, person: &person::Model, purpose: CodePurpose) -> Result<IssueOutcome, BackendError> {
        let (channel, recipient) = recipient_of(person);
        self.issue_to(person.id, purpose, channel, recipient).await
    }

    /// Like [`Self::issue`], to a given address or number (a new one, to prove it works).
    pub async fn issue_to(
        &self,
        person_id: i32,
        purpose: CodePurpose,
        channel: Channel,
        recipient: String,
    ) -> Result<IssueOutcome, BackendError> {
        let code = VerificationCode::generate().map_err(|e| BackendError::Random(e.to_string()))?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| BackendError::Random(e.to_string()))?;
        let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
        let txn = self.db.begin().await?;
        // The limits are checked under their locks, and the code stored
        // before they are released: racing requests are counted one by one.
        send_limits::lock(&txn, &send_limits::person_key(person_id, purpose.tag()), now_millis()).await?;
        if channel == Channel::Sms {
            send_limits::lock(&txn, &send_limits::number_key(&recipient), now_millis()).await?;
        }
        let now = now_millis();
        let mut wait = send_limits::person_wait(&txn, person_id, purpose.tag(), now).await?;
        if channel == Channel::Sms {
            wait = Wait::longest(wait, send_limits::number_wait(&txn, &recipient, &self.sms, now).await?);
        }
        if let Some(wait) = wait {
            txn.rollback().await?;
            tracing::info!(person_id, purpose = purpose.tag(), limit = ?wait.limit, wait_ms = wait.ms, "verification code not sent: limit");
            return Ok(IssueOutcome::TooSoon { retry_after_secs: wait.secs(), limit: wait.limit });
        }
        row::Entity::update_many()
            .col_expr(row::Column::SupersededAt, Expr::value(now))
            .filter(row::Column::PersonId.eq(person_id))
            .filter(row::Column::Purpose.eq(purpose.tag()))
            .filter(row::Column::ConsumedAt.is_null())
            .filter(row::Column::SupersededAt.is_null())
            .exec(&txn)
            .await?;
        let expires_at = now + CODE_TTL_MS;
        row::ActiveModel {
            person_id: Set(person_id),
            purpose: Set(purpose.tag().into()),
            code_hash: Set(hash(&salt, code.expose())),
            salt: Set(salt),
            created_at: Set(now),
            expires_at: Set(expires_at),
            failed_attempts: Set(0),
            consumed_at: Set(None),
            superseded_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        // Never delivered after the code expired.
        notifications::enqueue_expiring(&txn, purpose.message(channel, recipient, &code), Some(expires_at)).await?;
        txn.commit().await?;
        tracing::info!(person_id, purpose = purpose.tag(), channel = channel.as_str(), "verification code issued");
        Ok(IssueOutcome::Sent)
    }

    /// Checks a typed code against the person's live code for the purpose.
    pub async fn check(&self, person_id: i32, purpose: CodePurpose, typed: &VerificationCode) -> Result<CheckOutcome, BackendError> {
        let now = now_millis();
        let Some(code) = row::Entity::find()
            .filter(row::Column::PersonId.eq(person_id))
            .filter(row::Column::Purpose.eq(purpose.tag()))
            .filter(row::Column::SupersededAt.is_null())
            .filter(row::Column::ConsumedAt.is_null())
            .order_by_desc(row::Column::CreatedAt)
            .one(&self.db)
            .await?
        else {
            return Ok(CheckOutcome::NoCode);
        };
        if now >= code.expires_at {
            return Ok(CheckOutcome::Expired);
        }
        if code.failed_attempts >= MAX_WRONG_TRIES {
            return Ok(CheckOutcome::Exhausted);
        }
        let matches: bool = hash(&code.salt, typed.expose()).as_bytes().ct_eq(code.code_hash.as_bytes()).into();
        if !matches {
            row::Entity::update_many()
                .col_expr(row::Column::FailedAttempts, ExprTrait::add(Expr::col(row::Column::FailedAttempts), 1))
                .filter(row::Column::Id.eq(code.id))
                .exec(&self.db)
                .await?;
            let tries_left = MAX_WRONG_TRIES - code.failed_attempts - 1;
            return Ok(if tries_left <= 0 { CheckOutcome::Exhausted } else { CheckOutcome::Wrong { tries_left } });
        }
        // Single use: of two racing requests with the right code, only one
        // changes the row; the other finds it consumed.
        let used = row::Entity::update_many()
            .col_expr(row::Column::ConsumedAt, Expr::value(now))
            .filter(row::Column::Id.eq(code.id))
            .filter(row::Column::ConsumedAt.is_null())
            .filter(row::Column::SupersededAt.is_null())
            .filter(row::Column::FailedAttempts.lt(MAX_WRONG_TRIES))
            .exec(&self.db)
            .await?;
        Ok(if used.rows_affected == 1 { CheckOutcome::Accepted } else { CheckOutcome::NoCode })
    }

    /// Whether a code for the purpose is still usable (sent, unused, unexpired, not killed).
    pub async fn has_live_code(&self, person_id: i32, purpose: CodePurpose) -> Result<bool, BackendError> {
        let live = row::Entity::find()
            .filter(row::Column::PersonId.eq(person_id))
            .filter(row::Column::Purpose.eq(purpose.tag()))
            .filter(row::Column::ConsumedAt.is_null())
            .filter(row::Column::SupersededAt.is_null())
            .filter(row::Column::ExpiresAt.gt(now_millis()))
            .filter(row::Column::FailedAttempts.lt(MAX_WRONG_TRIES))
            .count(&self.db)
            .await?;
        Ok(live > 0)
    }

    /// How many codes were issued for the person (for tests and monitoring).
    pub async fn count(&self, person_id: i32) -> Result<u64, BackendError> {
        Ok(row::Entity::find().filter(row::Column::PersonId.eq(person_id)).count(&self.db).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_masked() {
        assert_eq!(mask_email("jan.kowalski@example.pl"), "j•••@example.pl");
        assert_eq!(mask_phone("+48600100200"), "••• ••• 200");
        assert_eq!(mask_phone("+48 601 200 300"), "••• ••• 300");
    }

    #[test]
    fn every_message_says_what_the_code_is_for_and_warns() {
        let code = VerificationCode::parse("123456").unwrap();
        for channel in [Channel::Sms, Channel::Email] {
            let m = CodePurpose::SignIn.message(channel, "x".into(), &code);
            assert!(m.body.contains("123456"));
            assert!(m.body.contains("LOGOWANIA") || m.body.contains("LOGOWANIE"));
            assert!(m.body.contains("Nie podawaj go nikomu"));
        }
        let sms = CodePurpose::SignIn.message(Channel::Sms, "x".into(), &code);
        assert!(sms.body.chars().count() <= 160 * 2, "fits in two SMS parts");
    }

    #[test]
    fn hashes_depend_on_the_salt() {
        assert_ne!(hash("aa", "123456"), hash("bb", "123456"));
        assert_eq!(hash("aa", "123456").len(), 64);
    }
}
