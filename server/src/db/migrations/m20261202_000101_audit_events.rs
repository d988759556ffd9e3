//! The audit trail: security events (who, what, when, from where, result).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .if_not_exists()
                    .col(big_integer("id").auto_increment().primary_key())
                    .col(big_integer("at"))
                    .col(string_len("event", 32))
                    .col(integer_null("person_id"))
                    .col(string_len_null("login", 64))
                    .col(string_len_null("client", 64))
                    .col(string_len("outcome", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_audit_events_at").table("audit_events").col("at").to_owned())
            .await?;
        manager
            .create_index(Index::create().name("idx_audit_events_person").table("audit_events").col("person_id").to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("audit_events").to_owned()).await
    }
}
