//! Verification codes (DESIGN.md, "Numbers"): 6 digits from a CSPRNG, stored
//! salted and hashed, valid 10 minutes, single use even under racing
//! requests, at most 5 wrong tries per code, a new code no sooner than 30 s
//! after the last and at most 5 an hour, and a cap per SMS number (checked
//! and counted in the issuing transaction: see [`super::send_limits`]). Each
//! code is sent by the person's recovery channel through the outbox, in the
//! same transaction that stores it, with a text that says what it is for;
//! the message expires with the code.

use std::{future::Future, pin::Pin};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

pub use super::purpose::CodePurpose;
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
    notifications::{self, Channel},
};

pub const CODE_TTL_MS: i64 = 10 * 60_000;
pub const MAX_WRONG_TRIES: i32 = 5;

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

/// One code to issue: what for, and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRequest {
    pub purpose: CodePurpose,
    pub channel: Channel,
    pub recipient: String,
}

/// What [`VerificationCodes::issue_all`] stores with the codes, in their transaction.
pub type AlsoStore =
    Box<dyn for<'t> FnOnce(&'t DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + 't>> + Send>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllIssued {
    Sent,
    /// A limit stopped the code of `purpose`: none was sent.
    TooSoon { purpose: CodePurpose, retry_after_secs: u64, limit: SendLimit },
}

/// A typed code that matches a live code, not used up yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matched {
    id: i32,
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

/// The messages of the person's live codes of `purpose` that have not left
/// yet (the gateway is down): withdrawn in the transaction that replaces
/// the codes, so that a replaced code is never delivered late. A message is
/// its code's when it expires with it and carries it.
async fn withdraw_unsent(txn: &DatabaseTransaction, person_id: i32, purpose: CodePurpose, message_purpose: &str) -> Result<(), DbErr> {
    let live = row::Entity::find()
        .filter(row::Column::PersonId.eq(person_id))
        .filter(row::Column::Purpose.eq(purpose.tag()))
        .filter(row::Column::ConsumedAt.is_null())
        .filter(row::Column::SupersededAt.is_null())
        .all(txn)
        .await?;
    for code in live {
        let carries = |body: &str| {
            body.split(|c: char| !c.is_ascii_digit())
                .any(|word| word.len() == 6 && bool::from(hash(&code.salt, word).as_bytes().ct_eq(code.code_hash.as_bytes())))
        };
        notifications::withdraw(txn, message_purpose, code.expires_at, carries).await?;
    }
    Ok(())
}

/// A new code and the salt its hash is stored with.
pub(crate) fn fresh_code() -> Result<(VerificationCode, String), BackendError> {
    let code = VerificationCode::generate().map_err(|e| BackendError::Random(e.to_string()))?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| BackendError::Random(e.to_string()))?;
    Ok((code, salt.iter().map(|b| format!("{b:02x}")).collect()))
}

pub(crate) fn hash(salt: &str, code: &str) -> String {
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
        let request = CodeRequest { purpose, channel, recipient };
        Ok(match self.issue_all(person_id, &[request], Box::new(|_| Box::pin(async { Ok(()) }))).await? {
            AllIssued::Sent => IssueOutcome::Sent,
            AllIssued::TooSoon { retry_after_secs, limit, .. } => IssueOutcome::TooSoon { retry_after_secs, limit },
        })
    }

    /// Issues several codes (of different purposes) at once, and stores
    /// `also` with them: in one transaction, all or none — if any of the
    /// send limits says wait, nothing is sent or stored.
    pub async fn issue_all(&self, person_id: i32, requests: &[CodeRequest], also: AlsoStore) -> Result<AllIssued, BackendError> {
        let fresh = requests.iter().map(|_| fresh_code()).collect::<Result<Vec<_>, _>>()?;
        let txn = self.db.begin().await?;
        // The limits are checked under their locks, and the codes stored
        // before they are released: racing requests are counted one by one.
        // Always in one order — person keys, then numbers, each sorted — so
        // two transactions never wait on each other's locks.
        let mut person_keys: Vec<String> = requests.iter().map(|r| send_limits::person_key(person_id, r.purpose.tag())).collect();
        let mut number_keys: Vec<String> =
            requests.iter().filter(|r| r.channel == Channel::Sms).map(|r| send_limits::number_key(&r.recipient)).collect();
        person_keys.sort();
        number_keys.sort();
        number_keys.dedup();
        for key in person_keys.iter().chain(&number_keys) {
            send_limits::lock(&txn, key, now_millis()).await?;
        }
        let now = now_millis();
        for request in requests {
            let mut wait = send_limits::person_wait(&txn, person_id, request.purpose.tag(), now).await?;
            if request.channel == Channel::Sms {
                wait = Wait::longest(wait, send_limits::number_wait(&txn, &request.recipient, &self.sms, now).await?);
            }
            if let Some(wait) = wait {
                txn.rollback().await?;
                let purpose = request.purpose;
                tracing::info!(person_id, purpose = purpose.tag(), limit = ?wait.limit, wait_ms = wait.ms, "verification code not sent: limit");
                return Ok(AllIssued::TooSoon { purpose, retry_after_secs: wait.secs(), limit: wait.limit });
            }
        }
        for (request, (code, salt)) in requests.iter().zip(fresh) {
            let expires_at = now + request.purpose.ttl_ms();
            let message = request.purpose.message(request.channel, request.recipient.clone(), &code);
            withdraw_unsent(&txn, person_id, request.purpose, message.purpose).await?;
            row::Entity::update_many()
                .col_expr(row::Column::SupersededAt, Expr::value(now))
                .filter(row::Column::PersonId.eq(person_id))
                .filter(row::Column::Purpose.eq(request.purpose.tag()))
                .filter(row::Column::ConsumedAt.is_null())
                .filter(row::Column::SupersededAt.is_null())
                .exec(&txn)
                .await?;
            row::ActiveModel {
                person_id: Set(person_id),
                purpose: Set(request.purpose.tag().into()),
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
            notifications::enqueue_expiring(&txn, message, Some(expires_at)).await?;
        }
        also(&txn).await?;
        txn.commit().await?;
        for request in requests {
            tracing::info!(person_id, purpose = request.purpose.tag(), channel = request.channel.as_str(), "verification code issued");
        }
        Ok(AllIssued::Sent)
    }

    /// Checks a typed code against the person's live code for the purpose,
    /// and uses it up if it matches.
    pub async fn check(&self, person_id: i32, purpose: CodePurpose, typed: &VerificationCode) -> Result<CheckOutcome, BackendError> {
        match self.verify(person_id, purpose, typed).await? {
            Ok(matched) => Ok(if Self::consume(&self.db, matched).await? { CheckOutcome::Accepted } else { CheckOutcome::NoCode }),
            Err(refused) => Ok(refused),
        }
    }

    /// Checks a typed code against the person's live code for the purpose
    /// — a wrong one counts against the code's tries — without using it up:
    /// [`Self::consume`] does that, in the transaction of what it allows.
    /// Only a code of this very purpose can match.
    pub async fn verify(&self, person_id: i32, purpose: CodePurpose, typed: &VerificationCode) -> Result<Result<Matched, CheckOutcome>, BackendError> {
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
            return Ok(Err(CheckOutcome::NoCode));
        };
        if now >= code.expires_at {
            return Ok(Err(CheckOutcome::Expired));
        }
        if code.failed_attempts >= MAX_WRONG_TRIES {
            return Ok(Err(CheckOutcome::Exhausted));
        }
        let matches: bool = hash(&code.salt, typed.expose()).as_bytes().ct_eq(code.code_hash.as_bytes()).into();
        if !matches {
            row::Entity::update_many()
                .col_expr(row::Column::FailedAttempts, ExprTrait::add(Expr::col(row::Column::FailedAttempts), 1))
                .filter(row::Column::Id.eq(code.id))
                .exec(&self.db)
                .await?;
            let tries_left = MAX_WRONG_TRIES - code.failed_attempts - 1;
            return Ok(Err(if tries_left <= 0 { CheckOutcome::Exhausted } else { CheckOutcome::Wrong { tries_left } }));
        }
        Ok(Ok(Matched { id: code.id }))
    }

    /// Uses up a matched code; `false` if it was used, replaced or killed
    /// meanwhile. Single use: of two racing requests with the right code,
    /// only one changes the row; the other finds it consumed (and, inside a
    /// transaction, must roll back what the code was to allow).
    pub async fn consume<C: ConnectionTrait>(conn: &C, matched: Matched) -> Result<bool, DbErr> {
        let used = row::Entity::update_many()
            .col_expr(row::Column::ConsumedAt, Expr::value(now_millis()))
            .filter(row::Column::Id.eq(matched.id))
            .filter(row::Column::ConsumedAt.is_null())
            .filter(row::Column::SupersededAt.is_null())
            .filter(row::Column::FailedAttempts.lt(MAX_WRONG_TRIES))
            .exec(conn)
            .await?;
        Ok(used.rows_affected == 1)
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
    fn hashes_depend_on_the_salt() {
        assert_ne!(hash("aa", "123456"), hash("bb", "123456"));
        assert_eq!(hash("aa", "123456").len(), 64);
    }
}
