//! A person without a PESEL (a foreigner) registers with the date of birth
//! and the series and number of an identity document: `persons.pesel`
//! becomes optional (still unique where given) and the two columns appear.
//!
//! PostgreSQL drops the NOT NULL. SQLite cannot alter a column, and
//! rebuilding `persons` would cascade-delete every row that references it,
//! so it takes SQLite's documented procedure for removing a NOT NULL
//! constraint (https://sqlite.org/lang_altertable.html, "making other kinds
//! of table schema changes"): the table's stored definition is edited in
//! one transaction and the schema version bumped; no row is touched.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_PESEL: &str = r#""pesel" varchar(11) NOT NULL UNIQUE"#;
const SQLITE_PESEL_OPTIONAL: &str = r#""pesel" varchar(11) UNIQUE"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [string_len_null("birth_date", 10), string_len_null("id_document", 32)] {
            manager.alter_table(Table::alter().table("persons").add_column(column).to_owned()).await?;
        }
        manager
            .create_index(Index::create().name("idx_persons_id_document").table("persons").col("id_document").unique().to_owned())
            .await?;
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                let row = db
                    .query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'persons'"))
                    .await?
                    .ok_or_else(|| DbErr::Migration("no table persons".into()))?;
                let sql: String = row.try_get_by_index(0)?;
                if !sql.contains(SQLITE_PESEL) {
                    return Err(DbErr::Migration(format!("persons.pesel is not defined as expected: {sql}")));
                }
                let version: i64 = db
                    .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA schema_version"))
                    .await?
                    .ok_or_else(|| DbErr::Migration("no schema version".into()))?
                    .try_get_by_index(0)?;
                db.execute_unprepared("PRAGMA writable_schema = ON").await?;
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'persons'",
                    [sql.replace(SQLITE_PESEL, SQLITE_PESEL_OPTIONAL).into()],
                ))
                .await?;
                db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1)).await?;
                db.execute_unprepared("PRAGMA writable_schema = OFF").await?;
            }
            _ => {
                db.execute_unprepared("ALTER TABLE persons ALTER COLUMN pesel DROP NOT NULL").await?;
            }
        }
        Ok(())
    }
}
