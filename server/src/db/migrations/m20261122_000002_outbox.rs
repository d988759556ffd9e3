//! The outbox: every e-mail and SMS the portal sends, written in the same
//! transaction as the event that causes it and delivered by
//! `notifications::DeliveryWorker`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("channel", 8))
                    .col(string_len("recipient", 254))
                    .col(text_null("subject"))
                    .col(text("body"))
                    .col(string_len("purpose", 64))
                    .col(big_integer("created_at"))
                    .col(integer("attempts"))
                    .col(big_integer("next_attempt_at"))
                    .col(big_integer_null("sent_at"))
                    .col(text_null("last_error"))
                    .col(big_integer_null("claimed_until"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table("outbox")
                    .col("sent_at")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("outbox").to_owned()).await
    }
}
