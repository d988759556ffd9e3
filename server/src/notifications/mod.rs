//! Messages that are never lost: every e-mail and SMS is first written to the
//! `outbox` table, in the same transaction as the event that causes it
//! ([`enqueue`]), then delivered by a [`DeliveryWorker`] with retries and
//! back-off. A message whose gateway is down waits in the table until the
//! gateway is back; several server instances share the work without
//! delivering a message twice (a lease per message, see [`worker`]).

mod dev_inbox;
pub mod transport;
pub mod worker;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::Expr,
};

pub use dev_inbox::DevInboxService;
pub use transport::{DevInbox, HttpSmsGateway, SmtpMailer, Transport, TransportError};
pub use worker::{DeliveryWorker, EXPIRED_BODY, retry_delay};

use crate::db::{entities::outbox, now_millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    /// As stored in `outbox.channel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(stored: &str) -> Option<Channel> {
        match stored {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A message to send. The body may hold a one-time code: it is stored, and
/// sent, but never logged, and purged once delivered (see [`worker`]).
pub struct OutgoingMessage {
    pub channel: Channel,
    /// An e-mail address or an E.164 phone number (`+48600100200`).
    pub recipient: String,
    /// E-mail only.
    pub subject: Option<String>,
    pub body: String,
    /// A short machine tag, e.g. `sign_in_code`, `password_changed`.
    pub purpose: &'static str,
}

/// Writes the message to the outbox on the given connection or transaction,
/// so it commits or rolls back with the event that causes it.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, message: OutgoingMessage) -> Result<(), DbErr> {
    enqueue_expiring(conn, message, None).await
}

/// Like [`enqueue`], for a message worthless after `expires_at` (ms since
/// the epoch; a code's expiry): the worker gives it up then, unsent.
pub async fn enqueue_expiring<C: ConnectionTrait>(
    conn: &C,
    message: OutgoingMessage,
    expires_at: Option<i64>,
) -> Result<(), DbErr> {
    let now = now_millis();
    let subject = match message.channel {
        Channel::Email => message.subject,
        Channel::Sms => None,
    };
    let row = outbox::ActiveModel {
        channel: Set(message.channel.as_str().to_owned()),
        recipient: Set(message.recipient),
        subject: Set(subject),
        body: Set(message.body),
        purpose: Set(message.purpose.to_owned()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        claimed_until: Set(None),
        expires_at: Set(expires_at),
        expired_at: Set(None),
        ..Default::default()
    };
    let id = outbox::Entity::insert(row).exec(conn).await?.last_insert_id;
    tracing::debug!(id, channel = message.channel.as_str(), purpose = message.purpose, "message queued");
    Ok(())
}

/// Withdraws the messages of `purpose` that expire at `expires_at` and that
/// `is_it` recognises by their body, unless they are sent or a worker is
/// delivering them now: marked expired, unsent, the body gone
/// ([`EXPIRED_BODY`]). For a code that was replaced before its message
/// left (the gateway was down): only the live code may reach the person.
/// How many were withdrawn.
pub async fn withdraw<C: ConnectionTrait>(
    conn: &C,
    purpose: &str,
    expires_at: i64,
    is_it: impl Fn(&str) -> bool,
) -> Result<u64, DbErr> {
    let now = now_millis();
    let waiting = Condition::all()
        .add(outbox::Column::Purpose.eq(purpose))
        .add(outbox::Column::ExpiresAt.eq(expires_at))
        .add(outbox::Column::SentAt.is_null())
        .add(outbox::Column::ExpiredAt.is_null())
        .add(Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lt(now)));
    let candidates = outbox::Entity::find().filter(waiting.clone()).all(conn).await?;
    let mut withdrawn = 0;
    for message in candidates.into_iter().filter(|m| is_it(&m.body)) {
        withdrawn += outbox::Entity::update_many()
            .col_expr(outbox::Column::ExpiredAt, Expr::value(now))
            .col_expr(outbox::Column::Body, Expr::value(EXPIRED_BODY))
            .filter(outbox::Column::Id.eq(message.id))
            .filter(waiting.clone())
            .exec(conn)
            .await?
            .rows_affected;
        tracing::info!(id = message.id, purpose, "unsent message withdrawn: its code was replaced");
    }
    Ok(withdrawn)
}

/// The newest messages first, sent or not: what the development inbox page
/// shows. Only meaningful with the `dev_inbox` transports.
pub async fn dev_inbox<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .order_by_desc(outbox::Column::CreatedAt)
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The recipient as it may appear in a log line: `j***@example.pl`,
/// `+48******200`.
pub fn mask_recipient(recipient: &str) -> String {
    if let Some((local, domain)) = recipient.rsplit_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = recipient.chars().collect();
    if chars.len() <= 6 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_masked_for_the_log() {
        assert_eq!(mask_recipient("jan.kowalski@example.pl"), "j***@example.pl");
        assert_eq!(mask_recipient("+48600100200"), "+48******200");
        assert_eq!(mask_recipient("12345"), "*****");
        assert_eq!(mask_recipient("żaneta@example.pl"), "ż***@example.pl");
    }

    #[test]
    fn channels_round_trip_through_the_table() {
        for channel in [Channel::Email, Channel::Sms] {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
        assert_eq!(Channel::parse("fax"), None);
    }
}
