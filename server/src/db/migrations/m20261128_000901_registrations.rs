//! A registration waiting for its code: the form as typed (the password
//! only as its argon2id hash), the code (salted hash) sent to the contact
//! that is to be proven, and its tries. Held by its own cookie (only the
//! token's hash is stored). The profile is made only once the code is right.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("registrations")
                    .if_not_exists()
                    .col(string_len("token_hash", 64).primary_key())
                    .col(string_len("kind", 16))
                    .col(string_len("first_name", 100))
                    .col(string_len("last_name", 100))
                    // A person without a PESEL gives the date of birth and an identity document.
                    .col(string_len_null("pesel", 11))
                    .col(string_len_null("birth_date", 10))
                    .col(string_len_null("id_document", 32))
                    .col(string_len("email", 254))
                    .col(string_len("phone", 16))
                    .col(string_len("recovery_channel", 8))
                    .col(string_len("login", 64))
                    .col(string("password_hash"))
                    .col(string_len_null("nip", 10))
                    .col(string_len_null("company_name", 200))
                    .col(string_len("code_hash", 64))
                    .col(string_len("code_salt", 32))
                    .col(big_integer("code_sent_at"))
                    .col(integer("codes_sent").default(1))
                    .col(integer("failed_attempts").default(0))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .col(big_integer_null("code_verified_at"))
                    .col(big_integer_null("completed_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("registrations").to_owned()).await
    }
}
