//! A server-side session. Only the SHA-256 of the cookie's token is stored.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// Hex SHA-256 of the token in the cookie.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub person_id: i32,
    /// Where the person is in the sign-in flow (see `session::Stage`).
    pub stage: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// The absolute end: created_at + the absolute timeout.
    pub expires_at: i64,
    /// The chosen account (see `accounts::AccountRef`), once chosen.
    pub account: Option<String>,
    /// The chosen role of the individual account, once chosen.
    pub role: Option<String>,
    /// The password was a legacy one: once the code is entered, only the
    /// password change is open.
    pub password_upgrade_due: bool,
    /// When the session last stepped up (a code entered, a password changed).
    pub stepped_up_at: Option<i64>,
    /// After a sign-in through login.gov.pl: the node's NameID and
    /// SessionIndex, for the LogoutRequest sent at sign-out.
    pub node_name_id: Option<String>,
    pub node_session_index: Option<String>,
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
