//! Limits that hold under racing requests, and messages that do not outlive
//! their codes:
//! - `send_locks`: one row per limited thing (a person's codes of one
//!   purpose, an SMS number). Issuing a code first upserts its rows, which
//!   locks them until the transaction ends (a row lock on PostgreSQL, the
//!   write lock on SQLite), so the limits are checked and counted by one
//!   request at a time.
//! - `outbox.expires_at`: a code message is not delivered after its code
//!   expired; `outbox.expired_at`: when the worker gave such a message up.
//! - an index to count the messages sent to one recipient.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("send_locks")
                    .if_not_exists()
                    .col(string_len("key", 300).primary_key())
                    .col(big_integer("touched_at"))
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(Table::alter().table("outbox").add_column(big_integer_null("expires_at")).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("outbox").add_column(big_integer_null("expired_at")).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_recipient")
                    .table("outbox")
                    .col("recipient")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_outbox_recipient").table("outbox").to_owned()).await?;
        manager.alter_table(Table::alter().table("outbox").drop_column("expired_at").to_owned()).await?;
        manager.alter_table(Table::alter().table("outbox").drop_column("expires_at").to_owned()).await?;
        manager.drop_table(Table::drop().table("send_locks").to_owned()).await
    }
}
