use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("contact_changes")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("person_id"))
                    .col(string_len("new_email", 254))
                    .col(string_len("new_phone", 16))
                    .col(string_len("new_channel", 8))
                    .col(big_integer("created_at"))
                    .col(big_integer_null("applied_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_contact_changes_person")
                            .from("contact_changes", "person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("contact_changes").to_owned()).await
    }
}
