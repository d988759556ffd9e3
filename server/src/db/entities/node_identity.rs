//! A person login.gov.pl vouched for whose PESEL has no profile: offered
//! registration with these data filled in and locked. Held by its own cookie
//! (only the token's hash is stored).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "node_identities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub pesel: String,
    pub first_name: String,
    pub last_name: String,
    /// ISO date.
    pub birth_date: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
