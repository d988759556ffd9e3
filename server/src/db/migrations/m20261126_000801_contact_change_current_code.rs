//! A contact change remembers whether it also waits for a code sent to the
//! person's current recovery channel (the session had not stepped up within
//! the last 5 minutes when the change was asked for).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A change pending while this runs had no such code sent: it must be
        // asked for again (true), never confirmed with one code only.
        manager
            .alter_table(
                Table::alter().table("contact_changes").add_column(boolean("current_code_required").default(true)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("contact_changes").drop_column("current_code_required").to_owned()).await
    }
}
