//! A one-time verification code. Only a salted SHA-256 of it is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verification_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    /// What the code is for, e.g. `sign_in`.
    pub purpose: String,
    /// Hex salt and hex SHA-256(salt ‖ code).
    pub salt: String,
    pub code_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub failed_attempts: i32,
    /// Set once, atomically, by the one request that used the code.
    pub consumed_at: Option<i64>,
    /// Set when a newer code replaced this one.
    pub superseded_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
