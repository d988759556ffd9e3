//! A request sent to login.gov.pl and not yet answered. Only hashes of the
//! RelayState and of the browser's cookie are stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "node_sign_ins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub relay_hash: String,
    pub browser_hash: String,
    pub request_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub consumed_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
