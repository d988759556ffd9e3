//! A security event of the audit trail (see `crate::audit`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// ms since the epoch.
    pub at: i64,
    pub event: String,
    /// Kept as a number (no foreign key): the trail outlives a removed profile.
    pub person_id: Option<i32>,
    /// The login as typed, for an attempt on no known person (normalised, ≤ 64).
    pub login: Option<String>,
    /// The client's address, as the trusted-proxy rules found it.
    pub client: Option<String>,
    pub outcome: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
