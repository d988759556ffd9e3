use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A business paying contributions (płatnik składek).
        manager
            .create_table(
                Table::create()
                    .table("payers")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_uniq("nip", 10))
                    .col(string_len("name", 200))
                    .col(string_len("address", 300))
                    .col(integer_null("owner_person_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_payers_owner")
                            .from("payers", "owner_person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Roles of the individual account beyond "ogólna", which everybody has.
        manager
            .create_table(
                Table::create()
                    .table("person_roles")
                    .if_not_exists()
                    .col(integer("person_id"))
                    .col(string_len("role", 32))
                    .primary_key(Index::create().col("person_id").col("role"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_roles_person")
                            .from("person_roles", "person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A payer's authorisation for a person to act on its account.
        manager
            .create_table(
                Table::create()
                    .table("proxy_grants")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("payer_id"))
                    .col(integer("proxy_person_id"))
                    .col(string_len("grantor_name", 200))
                    .col(string_len("scope", 32))
                    .col(big_integer("valid_from"))
                    .col(big_integer_null("valid_to"))
                    .col(big_integer_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_proxy_grants_payer")
                            .from("proxy_grants", "payer_id")
                            .to("payers", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_proxy_grants_proxy")
                            .from("proxy_grants", "proxy_person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_proxy_grants_proxy").table("proxy_grants").col("proxy_person_id").to_owned(),
            )
            .await?;
        // Insurance titles (tytuły ubezpieczenia) of an insured person.
        manager
            .create_table(
                Table::create()
                    .table("insurance_titles")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("person_id"))
                    .col(string_len("code", 6))
                    .col(string_len("description", 200))
                    .col(string_len("payer_name", 200))
                    .col(string_len("since", 10))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_insurance_titles_person")
                            .from("insurance_titles", "person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Benefits (świadczenia) a benefit recipient receives.
        manager
            .create_table(
                Table::create()
                    .table("benefits")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("person_id"))
                    .col(string_len("kind", 100))
                    .col(string_len("case_number", 40))
                    .col(string_len("since", 10))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_benefits_person")
                            .from("benefits", "person_id")
                            .to("persons", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The account and role a session works in.
        manager
            .alter_table(Table::alter().table("sessions").add_column(string_len_null("account", 32)).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("sessions").add_column(string_len_null("role", 32)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["benefits", "insurance_titles", "proxy_grants", "person_roles", "payers"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
