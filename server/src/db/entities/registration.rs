//! A registration waiting for its code (`registrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// `individual` or `business`.
    pub kind: String,
    pub first_name: String,
    pub last_name: String,
    pub pesel: Option<String>,
    /// ISO date, for a person without a PESEL.
    pub birth_date: Option<String>,
    /// Series and number of an identity document, for a person without a PESEL.
    pub id_document: Option<String>,
    pub email: String,
    /// E.164.
    pub phone: String,
    /// `email` or `sms`: where the code goes and, later, the profile's channel.
    pub recovery_channel: String,
    pub login: String,
    pub password_hash: String,
    pub nip: Option<String>,
    pub company_name: Option<String>,
    pub code_hash: String,
    pub code_salt: String,
    pub code_sent_at: i64,
    pub codes_sent: i32,
    pub failed_attempts: i32,
    pub created_at: i64,
    pub expires_at: i64,
    pub code_verified_at: Option<i64>,
    pub completed_at: Option<i64>,
    /// The name and PESEL came from login.gov.pl: the profile is confirmed at once.
    pub node_verified: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
