//! Sign-in through login.gov.pl: the requests sent to the node and not yet
//! answered (each tied to the browser that started it), the artifacts and
//! assertions already used (a replay finds its own row), the identities the
//! node vouched for that have no profile yet (the registration offer), the
//! node's session kept with ours for single logout, and a registration made
//! on the node's word.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("node_sign_ins")
                    .if_not_exists()
                    // SHA-256 of the RelayState sent with the request.
                    .col(string_len("relay_hash", 64).primary_key())
                    // SHA-256 of the cookie of the browser that asked.
                    .col(string_len("browser_hash", 64))
                    // The AuthnRequest's ID: the answer's InResponseTo.
                    .col(string_len("request_id", 64))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .col(big_integer_null("consumed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("node_replays")
                    .if_not_exists()
                    // SHA-256 of `artifact:<SAMLart>` or `assertion:<ID>`.
                    .col(string_len("key_hash", 64).primary_key())
                    .col(big_integer("expires_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("node_identities")
                    .if_not_exists()
                    .col(string_len("token_hash", 64).primary_key())
                    .col(string_len("pesel", 11))
                    .col(string_len("first_name", 100))
                    .col(string_len("last_name", 100))
                    .col(string_len("birth_date", 10))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .to_owned(),
            )
            .await?;
        for column in ["node_name_id", "node_session_index"] {
            manager
                .alter_table(Table::alter().table("sessions").add_column(string_len_null(column, 256)).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("registrations")
                    .add_column(boolean("node_verified").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["node_sign_ins", "node_replays", "node_identities"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
