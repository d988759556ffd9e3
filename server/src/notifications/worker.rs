//! The delivery worker: finds due messages in the outbox, takes a lease on
//! each before delivering it, and records the outcome.
//!
//! One delivery per message, also with several server instances on one
//! database: a worker delivers a message only after its
//! `UPDATE outbox SET claimed_until = <now + lease> WHERE id = ? AND
//! sent_at IS NULL AND next_attempt_at <= now AND (claimed_until IS NULL OR
//! claimed_until < now)` changed exactly one row. That single statement is
//! atomic on SQLite (one writer at a time) and on PostgreSQL (a second
//! UPDATE of the row waits for the first and re-checks the condition), so
//! only one worker wins. The lease (5 min) outlasts the longest delivery
//! ([`SEND_DEADLINE`]); a worker that dies mid-delivery leaves a lease that
//! expires, and the message is tried again: delivery is at least once, and
//! exactly once unless an instance dies between the gateway's "accepted" and
//! the database's "sent" (the SMS `reference` lets a gateway notice that).
//!
//! Codes do not rest in the outbox: the update that marks a message sent
//! also replaces its body with [`DELIVERED_BODY`] — except for the dev inbox
//! transport (development only), whose "delivery" is /dev/skrzynka reading
//! the body. A message with `expires_at` (a code message: its code's expiry)
//! is never delivered later: each pass first marks such messages expired,
//! unsent, with [`EXPIRED_BODY`], and no claim takes one past its time.

use std::{sync::Arc, time::Duration};

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use tokio::task::JoinHandle;

use super::{
    Channel, mask_recipient,
    transport::{DevInbox, HttpSmsGateway, SmtpMailer, Transport, TransportError},
};
use crate::{
    config::{EmailTransport, NotificationSettings, SmsTransport},
    db::{entities::outbox, now_millis},
};

/// The wait after the first failure; it doubles after each further one...
pub const FIRST_RETRY: Duration = Duration::from_secs(5);
/// ...up to this, and then stays there: a message is never given up.
pub const MAX_RETRY: Duration = Duration::from_secs(15 * 60);
/// From this many failed attempts on, each failure is logged at error level
/// (about 40 minutes of failures with the schedule above).
pub const LOUD_AFTER_ATTEMPTS: i32 = 10;
/// How long a worker holds a message it is delivering.
pub const LEASE: Duration = Duration::from_secs(5 * 60);
/// A delivery that takes longer counts as failed (well inside the lease).
pub const SEND_DEADLINE: Duration = Duration::from_secs(2 * 60);
/// How many due messages one pass looks at.
pub const BATCH_SIZE: u64 = 50;
/// `last_error` is cut to this many characters.
const ERROR_CHARS: usize = 500;
/// What a delivered message's body becomes.
pub const DELIVERED_BODY: &str = "[usunięto po doręczeniu]";
/// What the body of a message given up unsent becomes.
pub const EXPIRED_BODY: &str = "[nie wysłano: kod stracił ważność]";

/// The wait before the next attempt, after `failed_attempts` failures in a
/// row: 5 s, 10 s, 20 s, … 640 s, then 15 min for ever.
pub fn retry_delay(failed_attempts: i32) -> Duration {
    let doublings = failed_attempts.saturating_sub(1).clamp(0, 20) as u32;
    FIRST_RETRY.saturating_mul(1 << doublings).min(MAX_RETRY)
}

pub struct DeliveryWorker {
    db: DatabaseConnection,
    email: Arc<dyn Transport>,
    sms: Arc<dyn Transport>,
    poll_interval: Duration,
}

/// What one pass did.
struct Pass {
    /// Due messages seen (at most [`BATCH_SIZE`]).
    seen: usize,
    delivered: usize,
}

impl DeliveryWorker {
    pub fn new(db: DatabaseConnection, email: Arc<dyn Transport>, sms: Arc<dyn Transport>) -> Self {
        DeliveryWorker { db, email, sms, poll_interval: Duration::from_secs(1) }
    }

    /// The transports named in the configuration.
    pub fn from_settings(db: DatabaseConnection, settings: &NotificationSettings) -> Result<Self, TransportError> {
        let email: Arc<dyn Transport> = match settings.email_transport {
            EmailTransport::Smtp => Arc::new(SmtpMailer::new(settings)?),
            EmailTransport::DevInbox => Arc::new(DevInbox),
        };
        let sms: Arc<dyn Transport> = match settings.sms_transport {
            SmsTransport::Http => Arc::new(HttpSmsGateway::new(&settings.sms_gateway_url, &settings.sms_gateway_token)?),
            SmsTransport::DevInbox => Arc::new(DevInbox),
        };
        Ok(Self::new(db, email, sms).with_poll_interval(Duration::from_millis(settings.poll_interval_ms)))
    }

    pub fn with_poll_interval(mut self, every: Duration) -> Self {
        self.poll_interval = every.max(Duration::from_millis(1));
        self
    }

    /// Runs until aborted: a pass every poll interval, and at once another
    /// while a pass found a full batch.
    pub fn spawn(self) -> JoinHandle<()> {
        tokio::spawn(async move {
            tracing::info!(
                email = self.email.name(),
                sms = self.sms.name(),
                poll_interval_ms = self.poll_interval.as_millis() as u64,
                "message delivery started"
            );
            let mut every = tokio::time::interval(self.poll_interval);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                loop {
                    match self.pass().await {
                        Ok(pass) if pass.seen as u64 == BATCH_SIZE && pass.delivered > 0 => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "message delivery pass failed; trying again at the next poll");
                            break;
                        }
                    }
                }
            }
        })
    }

    /// One pass over the due messages; how many were delivered.
    pub async fn deliver_due(&self) -> Result<usize, DbErr> {
        Ok(self.pass().await?.delivered)
    }

    async fn pass(&self) -> Result<Pass, DbErr> {
        let now = now_millis();
        self.expire(now).await?;
        let due: Vec<i32> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Id)
            .filter(due_at(now))
            .order_by_asc(outbox::Column::NextAttemptAt)
            .order_by_asc(outbox::Column::Id)
            .limit(BATCH_SIZE)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut delivered = 0;
        for &id in &due {
            // Claimed one at a time, just before delivery, so that another
            // instance can take the rest of the batch meanwhile.
            let Some((message, lease)) = self.claim(id).await? else { continue };
            if self.deliver(message, lease).await? {
                delivered += 1;
            }
        }
        Ok(Pass { seen: due.len(), delivered })
    }

    /// Gives up the unsent messages past their `expires_at` that nobody is
    /// delivering: marked expired, body gone. Idempotent, safe on every instance.
    async fn expire(&self, now: i64) -> Result<u64, DbErr> {
        let expired = outbox::Entity::update_many()
            .col_expr(outbox::Column::ExpiredAt, Expr::value(now))
            .col_expr(outbox::Column::Body, Expr::value(EXPIRED_BODY))
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::ExpiredAt.is_null())
            .filter(outbox::Column::ExpiresAt.lte(now))
            .filter(Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lt(now)))
            .exec(&self.db)
            .await?
            .rows_affected;
        if expired > 0 {
            tracing::warn!(expired, "messages given up unsent: their codes expired before delivery");
        }
        Ok(expired)
    }

    /// Takes the lease on a message, if it is still due and nobody holds it.
    async fn claim(&self, id: i32) -> Result<Option<(outbox::Model, i64)>, DbErr> {
        let now = now_millis();
        let lease = now + LEASE.as_millis() as i64;
        let taken = outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(lease))
            .filter(outbox::Column::Id.eq(id))
            .filter(due_at(now))
            .exec(&self.db)
            .await?
            .rows_affected;
        if taken != 1 {
            return Ok(None);
        }
        Ok(outbox::Entity::find_by_id(id).one(&self.db).await?.map(|m| (m, lease)))
    }

    /// Delivers a claimed message and records the outcome; true when sent.
    async fn deliver(&self, message: outbox::Model, lease: i64) -> Result<bool, DbErr> {
        let attempt = message.attempts.saturating_add(1);
        let transport = match Channel::parse(&message.channel) {
            Some(Channel::Email) => Some(&self.email),
            Some(Channel::Sms) => Some(&self.sms),
            None => None,
        };
        let via = transport.map(|t| t.name()).unwrap_or("none");
        let outcome = match transport {
            Some(transport) => match tokio::time::timeout(SEND_DEADLINE, transport.send(&message)).await {
                Ok(result) => result,
                Err(_) => Err(TransportError::Unreachable(format!("no answer within {} s", SEND_DEADLINE.as_secs()))),
            },
            None => Err(TransportError::Invalid(format!("unknown channel {:?}", message.channel))),
        };
        let held = outbox::Column::ClaimedUntil.eq(lease);
        let keeps_body = transport.is_some_and(|t| t.keeps_body());
        match outcome {
            Ok(()) => {
                let mut sent = outbox::Entity::update_many();
                if !keeps_body {
                    // The code leaves the table in the update that says it was sent.
                    sent = sent.col_expr(outbox::Column::Body, Expr::value(DELIVERED_BODY));
                }
                let recorded = sent
                    .col_expr(outbox::Column::SentAt, Expr::value(now_millis()))
                    .col_expr(outbox::Column::Attempts, Expr::value(attempt))
                    .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<i64>::None))
                    .filter(outbox::Column::Id.eq(message.id))
                    .filter(held)
                    .exec(&self.db)
                    .await?
                    .rows_affected;
                if recorded == 1 {
                    crate::metrics::message_sent(&message.channel, &message.purpose);
                    tracing::info!(
                        id = message.id,
                        channel = %message.channel,
                        purpose = %message.purpose,
                        attempt,
                        to = %mask_recipient(&message.recipient),
                        via,
                        "message sent"
                    );
                } else {
                    tracing::error!(
                        id = message.id,
                        channel = %message.channel,
                        purpose = %message.purpose,
                        attempt,
                        "message sent after its lease had expired; another instance may send it again"
                    );
                }
                Ok(true)
            }
            Err(error) => {
                let wait = retry_delay(attempt);
                let next_attempt_at = now_millis() + wait.as_millis() as i64;
                let text: String = error.to_string().chars().take(ERROR_CHARS).collect();
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::Attempts, Expr::value(attempt))
                    .col_expr(outbox::Column::LastError, Expr::value(text))
                    .col_expr(outbox::Column::NextAttemptAt, Expr::value(next_attempt_at))
                    .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<i64>::None))
                    .filter(outbox::Column::Id.eq(message.id))
                    .filter(held)
                    .exec(&self.db)
                    .await?;
                if attempt >= LOUD_AFTER_ATTEMPTS {
                    tracing::error!(
                        id = message.id,
                        channel = %message.channel,
                        purpose = %message.purpose,
                        attempt,
                        to = %mask_recipient(&message.recipient),
                        via,
                        error = %error,
                        retry_in_secs = wait.as_secs(),
                        next_attempt_at,
                        "message still not delivered; retrying"
                    );
                } else {
                    tracing::warn!(
                        id = message.id,
                        channel = %message.channel,
                        purpose = %message.purpose,
                        attempt,
                        to = %mask_recipient(&message.recipient),
                        via,
                        error = %error,
                        retry_in_secs = wait.as_secs(),
                        next_attempt_at,
                        "message not delivered; retrying"
                    );
                }
                Ok(false)
            }
        }
    }
}

/// Not sent, not expired, due, and not held by a live lease.
fn due_at(now: i64) -> Condition {
    Condition::all()
        .add(outbox::Column::SentAt.is_null())
        .add(outbox::Column::ExpiredAt.is_null())
        .add(Condition::any().add(outbox::Column::ExpiresAt.is_null()).add(outbox::Column::ExpiresAt.gt(now)))
        .add(outbox::Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(outbox::Column::ClaimedUntil.is_null())
                .add(outbox::Column::ClaimedUntil.lt(now)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_five_seconds_up_to_fifteen_minutes() {
        let secs: Vec<u64> = (1..=10).map(|n| retry_delay(n).as_secs()).collect();
        assert_eq!(secs, [5, 10, 20, 40, 80, 160, 320, 640, 900, 900]);
    }

    #[test]
    fn a_message_is_never_given_up() {
        for failures in [11, 100, 10_000, i32::MAX] {
            assert_eq!(retry_delay(failures), MAX_RETRY, "{failures}");
        }
        assert_eq!(retry_delay(0), FIRST_RETRY);
        assert_eq!(retry_delay(-3), FIRST_RETRY);
    }

    #[test]
    fn a_delivery_ends_well_inside_its_lease() {
        assert!(SEND_DEADLINE * 2 <= LEASE);
        assert!(super::super::transport::SEND_TIMEOUT < SEND_DEADLINE);
    }
}
