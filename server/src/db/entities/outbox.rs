//! One message in the outbox (see `crate::notifications`).

use sea_orm::entity::prelude::*;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `email` or `sms`.
    pub channel: String,
    /// An e-mail address or an E.164 phone number.
    pub recipient: String,
    /// E-mail only.
    pub subject: Option<String>,
    /// May hold a one-time code: never logged.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// A short machine tag, e.g. `sign_in_code`.
    pub purpose: String,
    pub created_at: i64,
    /// Delivery attempts made so far (the successful one included).
    pub attempts: i32,
    /// Not delivered before this time (ms since the epoch).
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// A worker's lease: while it lies in the future, no other worker
    /// delivers this message.
    pub claimed_until: Option<i64>,
    /// Not delivered after this time: a code message dies with its code.
    pub expires_at: Option<i64>,
    /// When the worker gave the message up because it had expired.
    pub expired_at: Option<i64>,
}

/// Without the body and the full recipient, so that a `{:?}` in a log line
/// leaks neither a one-time code nor an address.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("outbox::Model")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .field("recipient", &crate::notifications::mask_recipient(&self.recipient))
            .field("purpose", &self.purpose)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("sent_at", &self.sent_at)
            .field("last_error", &self.last_error)
            .field("claimed_until", &self.claimed_until)
            .field("expires_at", &self.expires_at)
            .field("expired_at", &self.expired_at)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
