//! Start-up: configuration errors, migrations, demo data.

use std::process::Command;

use ezus_server::{
    config::Settings, db, demo_data, passwords::hasher::PasswordHasher,
};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support::*;

/// The server binary with the shipped Leptos.toml, in dev mode as
/// ./scripts/serve runs it.
fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    // No hash list (./scripts/test runs this before `cargo leptos build`
    // writes one): the refusals under test come after the site's check.
    command.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).env("EZUS_SITE__DEV_MODE", "true").env("LEPTOS_HASH_FILES", "false");
    command
}

fn refusal(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn dev_mode_cannot_be_had_by_accident() {
    // As shipped (dev mode off), the dev inbox transports are refused.
    let shipped = refusal(server().env_remove("EZUS_SITE__DEV_MODE"));
    assert!(shipped.contains("notifications.email_transport") && shipped.contains("dev mode"), "{shipped}");
    // Dev mode listening beyond loopback is refused.
    let exposed = refusal(server().env("LEPTOS_SITE_ADDR", "0.0.0.0:0"));
    assert!(exposed.contains("site.dev_mode") && exposed.contains("loopback"), "{exposed}");
    // Dev mode with a real transport is refused.
    let real = refusal(
        server()
            .env("EZUS_NOTIFICATIONS__SMS_TRANSPORT", "http")
            .env("EZUS_NOTIFICATIONS__SMS_GATEWAY_URL", "https://sms.zus.pl/send")
            .env("EZUS_NOTIFICATIONS__SMS_GATEWAY_TOKEN", "t0ken"),
    );
    assert!(real.contains("site.dev_mode") && real.contains("dev_inbox"), "{real}");
    // Production beyond loopback must say which proxies to trust.
    let production = refusal(
        server()
            .env("EZUS_SITE__DEV_MODE", "false")
            .env("LEPTOS_SITE_ADDR", "0.0.0.0:0")
            .env("EZUS_NOTIFICATIONS__EMAIL_TRANSPORT", "smtp")
            .env("EZUS_NOTIFICATIONS__SMTP_HOST", "mail.zus.pl")
            .env("EZUS_NOTIFICATIONS__SMS_TRANSPORT", "http")
            .env("EZUS_NOTIFICATIONS__SMS_GATEWAY_URL", "https://sms.zus.pl/send")
            .env("EZUS_NOTIFICATIONS__SMS_GATEWAY_TOKEN", "t0ken")
            // The shipped node settings are the simulator's (plain http, published keys).
            .env("EZUS_NATIONAL_NODE__ENABLED", "false"),
    );
    assert!(production.contains("http.trusted_proxies"), "{production}");
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
        assert_eq!(person::Entity::find().count(&db).await.unwrap(), demo_data::DEMO_PEOPLE.len() as u64);
        assert_eq!(payer::Entity::find().count(&db).await.unwrap(), 3);
        assert_eq!(proxy_grant::Entity::find().count(&db).await.unwrap(), 2);
    }
    // Dev mode loads them at start-up, and the demo passwords work.
    let app = TestApp::spawn_with(settings).await;
    app.signed_in("jkowalski", "Kowalski-Haslo-2024", "/wybierz-konto").await;
    app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
}
