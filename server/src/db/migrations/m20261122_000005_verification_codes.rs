use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("verification_codes")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("person_id"))
                    .col(string_len("purpose", 32))
                    .col(string_len("salt", 32))
                    .col(string_len("code_hash", 64))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .col(integer("failed_attempts"))
                    .col(big_integer_null("consumed_at"))
                    .col(big_integer_null("superseded_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_verification_codes_person")
                            .from("verification_codes", "person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_verification_codes_person")
                    .table("verification_codes")
                    .col("person_id")
                    .col("purpose")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("verification_codes").to_owned()).await
    }
}
