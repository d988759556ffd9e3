//! One confirmation of a profile: when, how (`office`, later
//! `login_gov_pl`), who ran the operator command where, and a note.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profile_confirmations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    /// Milliseconds since the epoch.
    pub confirmed_at: i64,
    /// `office` (at a ZUS office, by the operator command) or `login_gov_pl`.
    pub method: String,
    /// `user@host` of the operator command, where known.
    pub run_by: Option<String>,
    /// What the operator wrote with `--note`.
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
