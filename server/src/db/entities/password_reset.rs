//! A password reset in progress ("Nie pamiętasz hasła?"). Only the SHA-256
//! of the cookie's token is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_resets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// None: the login and PESEL matched no profile (no code was sent, every code is refused).
    pub person_id: Option<i32>,
    /// As typed (normalised): the throttle's key.
    pub login: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// When the last code was (or, with no profile, would have been) sent.
    pub code_sent_at: i64,
    /// Wrong codes typed for a reset with no profile behind it.
    pub failed_attempts: i32,
    pub code_verified_at: Option<i64>,
    pub finished_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
