//! Start-up: configuration errors, migrations, demo data.

use std::process::Command;

use ezus_server::{
    config::Settings, db, demo_data, passwords::hasher::PasswordHasher,
};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support::*;

fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    command
}

#[test]
fn a_bad_setting_stops_the_server_with_one_line_naming_the_key() {
    let output = server().env("EZUS_ARGON2__MEMORY_KIB", "lots").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("memory_kib"), "{stderr}");

    let output = server().env("EZUS_DATABASE__URL", "mysql://x").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("database.url"));
}

#[test]
fn an_unreachable_database_stops_the_server_with_a_clear_line() {
    let output = server()
        .env("EZUS_DATABASE__URL", "postgres://nobody:secret@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("eZUS: database postgres://nobody:***@127.0.0.1:1/none"), "{stderr}");
    assert!(!stderr.contains("secret"), "{stderr}");
}

#[tokio::test]
async fn migrations_and_demo_data_are_idempotent() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let settings: Settings = test_settings(&url, true);
    let hasher = PasswordHasher::new(&settings.argon2).unwrap();
    for _ in 0..2 {
        let db = db::connect_and_migrate(&settings.database).await.unwrap();
        demo_data::load(&db, &hasher, demo_data::DEMO_PEOPLE).await.unwrap();
        demo_data::load_accounts(&db).await.unwrap();
        use ezus_server::db::entities::{payer, person, proxy_grant};
        assert_eq!(person::Entity::find().count(&db).await.unwrap(), 3);
        assert_eq!(payer::Entity::find().count(&db).await.unwrap(), 3);
        assert_eq!(proxy_grant::Entity::find().count(&db).await.unwrap(), 2);
    }
    // Dev mode loads them at start-up, and the demo passwords work.
    let app = TestApp::spawn_with(settings).await;
    app.signed_in("jkowalski", "Kowalski-Haslo-2024", "/wybierz-konto").await;
    app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
}
