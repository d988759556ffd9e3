//! An insurance title (tytuł ubezpieczenia) of an insured person.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "insurance_titles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    /// The 6-digit insurance code, e.g. `011000` (employment contract).
    pub code: String,
    pub description: String,
    pub payer_name: String,
    /// ISO date.
    pub since: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
