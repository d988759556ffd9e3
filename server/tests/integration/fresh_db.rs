//! A fresh, migrated database of each kind without a server (a running
//! server would deliver and clean up on its own), with the test people.

use ezus_server::{
    config::{Argon2Settings, DatabaseSettings},
    db::{self, now_millis},
    demo_data,
    passwords::hasher::PasswordHasher,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

pub async fn migrated(url: &str) -> DatabaseConnection {
    db::connect_and_migrate(&DatabaseSettings { url: url.to_owned(), max_connections: 5 }).await.unwrap()
}

/// The demo people (foreign keys of codes and contact changes need them).
pub async fn with_people(db: &DatabaseConnection) {
    let cheap = Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1, max_concurrent: 1, max_queued: 0 };
    demo_data::load(db, &PasswordHasher::new(&cheap).unwrap(), demo_data::DEMO_PEOPLE).await.unwrap();
}

/// Runs a statement; `{now}` stands for the current time in ms.
pub async fn exec(db: &DatabaseConnection, statement: &str) {
    let statement = statement.replace("{now}", &now_millis().to_string());
    db.execute_raw(Statement::from_string(db.get_database_backend(), statement)).await.unwrap();
}

pub async fn count(db: &DatabaseConnection, query: &str) -> i64 {
    let query = query.replace("{now}", &now_millis().to_string());
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), query)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Runs each body on a fresh, migrated SQLite and PostgreSQL database.
#[macro_export]
macro_rules! on_both_fresh_databases {
    ($($name:ident($db:ident, $url:ident) $body:block)*) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $url = $crate::support::fresh_database($crate::support::Backend::Sqlite).await.unwrap();
                    let $db = $crate::fresh_db::migrated(&$url).await;
                    $body
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some($url) = $crate::support::fresh_database($crate::support::Backend::Postgres).await else { return };
                    let $db = $crate::fresh_db::migrated(&$url).await;
                    $body
                }
            )*
        }
    };
}
