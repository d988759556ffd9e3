//! Sessions remember whether the password must be upgraded once the code is
//! entered (the code comes first), and when the session last stepped up (a
//! code or a new password), for changes that need a recent step-up.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(Table::alter().table("sessions").add_column(boolean("password_upgrade_due").default(false)).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("sessions").add_column(big_integer_null("stepped_up_at")).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("sessions").drop_column("stepped_up_at").to_owned()).await?;
        manager.alter_table(Table::alter().table("sessions").drop_column("password_upgrade_due").to_owned()).await
    }
}
