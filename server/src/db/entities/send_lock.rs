//! A row that serialises the requests counted against one limit (see
//! `crate::step_up::send_limits`). It holds no count: the counts are read
//! from the codes and the outbox while the row is locked.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "send_locks")]
pub struct Model {
    /// `person:<id>:<purpose>` or `sms:<E.164 number>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// The last time a request took the lock.
    pub touched_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
