//! A payer's authorisation (pełnomocnictwo) for a person to act on its account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proxy_grants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub payer_id: i32,
    pub proxy_person_id: i32,
    /// Who signed the authorisation for the payer.
    pub grantor_name: String,
    /// The grantor's PESEL, where known (grants stored before it was kept have none).
    pub grantor_pesel: Option<String>,
    /// `pelny` (everything) or `dokumenty` (documents and correspondence only).
    pub scope: String,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::payer::Entity", from = "Column::PayerId", to = "super::payer::Column::Id")]
    Payer,
}

impl Related<super::payer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Payer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
