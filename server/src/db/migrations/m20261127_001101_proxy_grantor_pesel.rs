//! A proxy grant names its grantor by PESEL too (as the ZUS-PEL form does):
//! the portal words "udzielił" / "udzieliła" after the grantor's sex, which
//! the PESEL records. Grants stored before have none (and are worded
//! without it).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("proxy_grants").add_column(string_len_null("grantor_pesel", 11)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("proxy_grants").drop_column("grantor_pesel").to_owned()).await
    }
}
