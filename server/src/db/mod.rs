//! The database: sea-orm over SQLite (embedded default) or PostgreSQL.
//! Connected and migrated at start-up.

pub mod entities;
pub mod migrations;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, sqlx::sqlite::SqliteJournalMode};
use sea_orm_migration::MigratorTrait;

use crate::config::DatabaseSettings;

pub async fn connect_and_migrate(settings: &DatabaseSettings) -> Result<DatabaseConnection, DbErr> {
    let db = connect(&settings.url, settings.max_connections).await?;
    migrations::Migrator::up(&db, None).await?;
    Ok(db)
}

/// A pool on `url`, as the server and its tests open one.
///
/// No idle timeout and no maximum lifetime: with either, sqlx 0.9 runs a
/// periodic maintenance task over the idle connections, and that task was
/// seen twice spinning at 100 % of a core without ever yielding (its count
/// of idle connections had wrapped below zero), which starved the runtime
/// and hung a test run. Without them the task is never started; idle
/// connections simply stay open, at most `max_connections` of them.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    if url.starts_with("sqlite:") {
        write_ahead_log(url).await?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_timeout(std::time::Duration::from_secs(5))
        .acquire_timeout(std::time::Duration::from_secs(5))
        .sqlx_logging(false);
    Database::connect(options).await
}

/// Puts a SQLite file in write-ahead-log mode (it stays so: the mode is
/// kept in the file). Readers then never wait for the writer, and a commit
/// is one synced append to the log instead of a rollback journal written,
/// synced and deleted: in the default mode, 200 people signing in at once
/// queued on the file's lock until the pool's 5 s ran out and they were
/// told the service was unavailable (the soak test). Durable as before
/// (`synchronous` stays FULL).
///
/// Done on one connection of its own before the pool opens: switching the
/// mode takes a lock that SQLite's busy timeout does not wait for, so two
/// connections switching at once (a pool opening two) would fail with
/// "database is locked". Another process doing the same is waited for.
async fn write_ahead_log(url: &str) -> Result<(), DbErr> {
    const TRIES: u32 = 50;
    for attempt in 1.. {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(1)
            .min_connections(1)
            .connect_timeout(std::time::Duration::from_secs(5))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|sqlite| sqlite.journal_mode(SqliteJournalMode::Wal));
        match Database::connect(options).await {
            Ok(single) => return single.close().await,
            Err(e) if attempt < TRIES && e.to_string().contains("database is locked") => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Milliseconds since the Unix epoch: how every time is stored (the same on
/// SQLite and PostgreSQL, and compared as plain integers).
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
