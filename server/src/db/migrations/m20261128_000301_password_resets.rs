//! "Nie pamiętasz hasła?": a reset in progress, held by its own cookie
//! (only the token's hash is stored). One is made for every accepted form,
//! whether or not the login and PESEL matched a profile (then `person_id`
//! is empty and no code was sent): both go through the same steps.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("password_resets")
                    .if_not_exists()
                    .col(string_len("token_hash", 64).primary_key())
                    .col(integer_null("person_id"))
                    // The login as typed: the throttle's key for the code entry.
                    .col(string_len("login", 64))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .col(big_integer("code_sent_at"))
                    // Wrong codes of a reset with no profile behind it (a real
                    // code counts its own tries).
                    .col(integer("failed_attempts").default(0))
                    .col(big_integer_null("code_verified_at"))
                    .col(big_integer_null("finished_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_password_resets_person")
                            .from("password_resets", "person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("password_resets").to_owned()).await
    }
}
