//! `profile_confirmations`: each confirmation of a profile ("niepotwierdzony"
//! becomes confirmed), with how it was made — at a ZUS office by the
//! operator command `server confirm-profile`, later through login.gov.pl —
//! who ran the command where, and the operator's note. Written in the
//! transaction that sets `persons.profile_confirmed`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("profile_confirmations")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("person_id"))
                    .col(big_integer("confirmed_at"))
                    .col(string_len("method", 16))
                    .col(string_len_null("run_by", 255))
                    .col(string_len_null("note", 500))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_profile_confirmations_person")
                            .from("profile_confirmations", "person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_profile_confirmations_person")
                    .table("profile_confirmations")
                    .col("person_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("profile_confirmations").to_owned()).await
    }
}
