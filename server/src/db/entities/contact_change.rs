//! A change of contact data waiting for the code sent to the new address or
//! number (and, unless the session had just stepped up, for the code sent to
//! the current recovery channel).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub new_email: String,
    pub new_phone: String,
    pub new_channel: String,
    pub created_at: i64,
    /// A code went to the current recovery channel too, and must be typed.
    pub current_code_required: bool,
    /// Set when the code was typed and the change made.
    pub applied_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
