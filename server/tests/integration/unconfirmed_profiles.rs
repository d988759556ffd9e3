//! Profiles not confirmed within 7 days (`retention.unconfirmed_profile_days`)
//! are removed by the retention job, each with everything that references
//! it; recent and confirmed ones stay; two instances at once and a second
//! run do no harm.

use ezus_server::{config::RetentionSettings, db::now_millis, retention::Retention};
use sea_orm::DatabaseConnection;

use crate::fresh_db::{count, exec, migrated, with_people};
use crate::on_both_fresh_databases;

const DAY: i64 = 24 * 3_600_000;

fn retention(db: &DatabaseConnection) -> Retention {
    // The shipped periods: unconfirmed profiles 7 days.
    Retention::new(db.clone(), &RetentionSettings::default())
}

/// Sets the person's registration `days_ago` days back.
async fn registered(db: &DatabaseConnection, login: &str, days_ago: i64) {
    exec(db, &format!("UPDATE persons SET created_at = {} WHERE login = '{login}'", now_millis() - days_ago * DAY)).await;
}

/// A session, a live code, a pending contact change, a role and a recent
/// failed sign-in of the person: rows that reference them, or their login.
async fn with_rows(db: &DatabaseConnection, login: &str) {
    let of = format!("FROM persons WHERE login = '{login}'");
    exec(db, &format!(
        "INSERT INTO sessions (token_hash, person_id, stage, created_at, last_seen_at, expires_at, password_upgrade_due) \
         SELECT 'token-{login}', id, 'code_required', {{now}}, {{now}}, {{now}} + 3600000, false {of}"
    )).await;
    exec(db, &format!(
        "INSERT INTO verification_codes (person_id, purpose, salt, code_hash, created_at, expires_at, failed_attempts) \
         SELECT id, 'sign_in', 'aa', 'bb', {{now}}, {{now}} + 600000, 0 {of}"
    )).await;
    exec(db, &format!(
        "INSERT INTO contact_changes (person_id, new_email, new_phone, new_channel, created_at, current_code_required) \
         SELECT id, 'nowy@example.pl', phone, 'email', {{now}}, true {of}"
    )).await;
    exec(db, &format!("INSERT INTO person_roles (person_id, role) SELECT id, 'ubezpieczony' {of}")).await;
    exec(db, &format!(
        "INSERT INTO sign_in_throttle (key, failures, window_started_at, blocked_until) VALUES ('account:{login}', 3, {{now}}, 0)"
    )).await;
}

/// How many rows reference the person with this login (or their login).
async fn rows_of(db: &DatabaseConnection, login: &str) -> i64 {
    let mut total = 0;
    for table in ["sessions", "verification_codes", "contact_changes", "person_roles"] {
        total += count(db, &format!("SELECT COUNT(*) FROM {table} WHERE person_id IN (SELECT id FROM persons WHERE login = '{login}')")).await;
    }
    total + count(db, &format!("SELECT COUNT(*) FROM sign_in_throttle WHERE key = 'account:{login}'")).await
}

async fn exists(db: &DatabaseConnection, login: &str) -> bool {
    count(db, &format!("SELECT COUNT(*) FROM persons WHERE login = '{login}'")).await == 1
}

/// Another unconfirmed person, registered `days_ago` days back.
async fn unconfirmed(db: &DatabaseConnection, login: &str, pesel: &str, days_ago: i64) {
    exec(db, &format!(
        "INSERT INTO persons (login, password_hash, pesel, first_name, last_name, email, phone, recovery_channel, profile_confirmed, created_at, password_changed_at) \
         VALUES ('{login}', 'x', '{pesel}', 'Ktoś', 'Nowy', '{login}@example.pl', '+48600000000', 'email', false, {t}, {t})",
        t = now_millis() - days_ago * DAY
    )).await;
}

on_both_fresh_databases! {
    a_profile_unconfirmed_for_8_days_goes_with_all_its_rows(db, _url) {
        with_people(&db).await;
        registered(&db, "pzielinski", 8).await;
        with_rows(&db, "pzielinski").await;
        with_rows(&db, "jkowalski").await;
        let before = count(&db, "SELECT COUNT(*) FROM sessions").await;
        assert_eq!(rows_of(&db, "pzielinski").await, 5);

        let removed = retention(&db).run_once().await.unwrap();
        assert_eq!(removed.unconfirmed_profiles, 1);
        assert!(!exists(&db, "pzielinski").await);
        // Every row that was his went with him (counted by table, as his id is gone).
        assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, before - 1);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions WHERE token_hash = 'token-pzielinski'").await, 0);
        for table in ["verification_codes", "contact_changes", "person_roles"] {
            let orphans = count(&db, &format!("SELECT COUNT(*) FROM {table} WHERE person_id NOT IN (SELECT id FROM persons)")).await;
            assert_eq!(orphans, 0, "{table}");
        }
        assert_eq!(count(&db, "SELECT COUNT(*) FROM sign_in_throttle WHERE key = 'account:pzielinski'").await, 0);
        // Jan's rows are untouched.
        assert_eq!(rows_of(&db, "jkowalski").await, 5);
    }

    recent_and_confirmed_profiles_stay(db, _url) {
        with_people(&db).await;
        registered(&db, "pzielinski", 6).await;
        with_rows(&db, "pzielinski").await;
        // Confirmed long ago, or confirmed after registering 30 days back.
        registered(&db, "jkowalski", 400).await;
        registered(&db, "anowak", 30).await;
        assert_eq!(retention(&db).run_once().await.unwrap().unconfirmed_profiles, 0);
        for login in ["pzielinski", "jkowalski", "anowak", "ewojcik"] {
            assert!(exists(&db, login).await, "{login}");
        }
        assert_eq!(rows_of(&db, "pzielinski").await, 5);
        // A day later by the clock of the job, the 6-day one is still young…
        let now = now_millis();
        assert_eq!(retention(&db).run_at(now + DAY - 60_000).await.unwrap().unconfirmed_profiles, 0);
        // …and past the 7 days, he goes.
        assert_eq!(retention(&db).run_at(now + DAY + 60_000).await.unwrap().unconfirmed_profiles, 1);
        assert!(!exists(&db, "pzielinski").await);
    }

    the_demo_data_keeps_the_demo_unconfirmed_profile_young(db, _url) {
        with_people(&db).await;
        registered(&db, "pzielinski", 8).await;
        // A dev start: the demo people are loaded before the job runs.
        with_people(&db).await;
        assert_eq!(retention(&db).run_once().await.unwrap().unconfirmed_profiles, 0);
        assert!(exists(&db, "pzielinski").await);
    }

    two_instances_at_once_and_a_second_run_do_no_harm(db, url) {
        with_people(&db).await;
        for i in 0..30 {
            // Valid-looking 11-digit numbers, unique per person (not checked by the schema).
            unconfirmed(&db, &format!("stary{i}"), &format!("900101{i:05}"), 9).await;
            with_rows(&db, &format!("stary{i}")).await;
        }
        unconfirmed(&db, "nowy", "90010199999", 1).await;
        let other = migrated(&url).await;
        let (first, second) = (retention(&db), retention(&other));
        let (a, b) = tokio::join!(first.run_once(), second.run_once());
        assert_eq!(a.unwrap().unconfirmed_profiles + b.unwrap().unconfirmed_profiles, 30);
        assert_eq!(retention(&db).run_once().await.unwrap().total(), 0);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM persons WHERE login LIKE 'stary%'").await, 0);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM sessions").await, 0);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM sign_in_throttle").await, 0);
        assert!(exists(&db, "nowy").await && exists(&db, "pzielinski").await);
    }
}
