//! A person with an eZUS profile.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "persons")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Lower-case, unique.
    #[sea_orm(unique)]
    pub login: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// None for a person without a PESEL (then `birth_date` and `id_document`).
    #[sea_orm(unique)]
    pub pesel: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// E.164, e.g. +48600100200.
    pub phone: String,
    /// `email` or `sms`: where verification codes and notices go.
    pub recovery_channel: String,
    /// Confirmed at a ZUS office or through login.gov.pl ("zaufany").
    pub profile_confirmed: bool,
    pub created_at: i64,
    pub password_changed_at: i64,
    /// ISO date of birth, for a person without a PESEL.
    pub birth_date: Option<String>,
    /// Series and number of an identity document (upper case, no spaces), for a person without a PESEL.
    #[sea_orm(unique)]
    pub id_document: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
}

impl Related<super::session::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Session.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
