//! The retention job: finished rows go once their period is over, rows
//! still in use (or within their period) stay; safe to run twice and on two
//! instances at once; the server runs it by itself.

use std::time::Duration;

use ezus_server::{config::RetentionSettings, retention::Retention};

use crate::fresh_db::{count, exec, migrated, with_people};
use crate::on_both_fresh_databases;
use crate::support::*;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn retention(db: &sea_orm::DatabaseConnection) -> Retention {
    // The shipped periods: throttle 24 h, codes 24 h, contact changes 30 d, outbox 30 d.
    Retention::new(db.clone(), &RetentionSettings::default())
}

/// `{ago:N}` in a statement stands for `now - N` ms.
async fn at(db: &sea_orm::DatabaseConnection, statement: &str, agos: &[i64]) {
    let now = ezus_server::db::now_millis();
    let mut s = statement.to_owned();
    for (i, ago) in agos.iter().enumerate() {
        s = s.replace(&format!("{{t{i}}}"), &(now - ago).to_string());
    }
    exec(db, &s).await;
}

async fn keys(db: &sea_orm::DatabaseConnection, table: &str, key: &str) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), format!("SELECT {key} FROM {table} ORDER BY {key}")))
        .await
        .unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

on_both_fresh_databases! {
    old_throttle_rows_go_running_and_recent_ones_stay(db, _url) {
        let row = "INSERT INTO sign_in_throttle (key, failures, window_started_at, blocked_until) VALUES";
        at(&db, &format!("{row} ('account:old', 9, {{t0}}, {{t1}})"), &[27 * HOUR, 26 * HOUR]).await;
        at(&db, &format!("{row} ('client:old', 40, {{t0}}, 0)"), &[26 * HOUR]).await;
        at(&db, &format!("{row} ('account:recent-window', 2, {{t0}}, 0)"), &[10 * 60_000]).await;
        at(&db, &format!("{row} ('account:recent-delay', 9, {{t0}}, {{t1}})"), &[26 * HOUR, 2 * HOUR]).await;
        at(&db, &format!("{row} ('account:blocked-now', 30, {{t0}}, {{t1}})"), &[30 * HOUR, -60_000]).await;
        let removed = retention(&db).run_once().await.unwrap();
        assert_eq!(removed.sign_in_throttle, 2);
        assert_eq!(keys(&db, "sign_in_throttle", "key").await, ["account:blocked-now", "account:recent-delay", "account:recent-window"]);
    }

    old_send_locks_go(db, _url) {
        at(&db, "INSERT INTO send_locks (key, touched_at) VALUES ('sms:+48600100200', {t0}), ('person:1:sign_in', {t1})", &[25 * HOUR, 60_000]).await;
        assert_eq!(retention(&db).run_once().await.unwrap().send_locks, 1);
        assert_eq!(keys(&db, "send_locks", "key").await, ["person:1:sign_in"]);
    }

    finished_codes_go_after_a_day_and_live_ones_stay(db, _url) {
        with_people(&db).await;
        let code = |name: &str, consumed: &str, superseded: &str, expires: &str| format!(
            "INSERT INTO verification_codes (person_id, purpose, salt, code_hash, created_at, expires_at, failed_attempts, consumed_at, superseded_at) \
             SELECT id, '{name}', 'aa', 'bb', {{t0}}, {expires}, 0, {consumed}, {superseded} FROM persons WHERE login = 'jkowalski'"
        );
        // Older than the 24 h period: used, replaced, expired.
        at(&db, &code("old-used", "{t0}", "NULL", "{t1}"), &[25 * HOUR, 25 * HOUR - 600_000]).await;
        at(&db, &code("old-replaced", "NULL", "{t0}", "{t1}"), &[25 * HOUR, 25 * HOUR - 600_000]).await;
        at(&db, &code("old-expired", "NULL", "NULL", "{t1}"), &[25 * HOUR, 25 * HOUR - 600_000]).await;
        // Within the period, and a live code.
        at(&db, &code("recent-used", "{t0}", "NULL", "{t1}"), &[HOUR, HOUR - 600_000]).await;
        at(&db, &code("live", "NULL", "NULL", "{t1}"), &[60_000, -540_000]).await;
        assert_eq!(retention(&db).run_once().await.unwrap().verification_codes, 3);
        assert_eq!(keys(&db, "verification_codes", "purpose").await, ["live", "recent-used"]);
    }

    finished_contact_changes_go_after_30_days_and_pending_ones_stay(db, _url) {
        with_people(&db).await;
        let change = |phone: &str, applied: &str| format!(
            "INSERT INTO contact_changes (person_id, new_email, new_phone, new_channel, created_at, applied_at) \
             SELECT id, email, '{phone}', 'sms', {{t0}}, {applied} FROM persons WHERE login = 'jkowalski'"
        );
        at(&db, &change("+48700000001", "{t0}"), &[31 * DAY]).await;
        at(&db, &change("+48700000002", "NULL"), &[31 * DAY]).await;
        at(&db, &change("+48700000003", "{t0}"), &[29 * DAY]).await;
        at(&db, &change("+48700000004", "NULL"), &[60_000]).await;
        assert_eq!(retention(&db).run_once().await.unwrap().contact_changes, 2);
        assert_eq!(keys(&db, "contact_changes", "new_phone").await, ["+48700000003", "+48700000004"]);
    }

    delivered_and_expired_messages_go_after_30_days_and_waiting_ones_never(db, _url) {
        let message = |to: &str, sent: &str, expires: &str, expired: &str| format!(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, created_at, attempts, next_attempt_at, sent_at, expires_at, expired_at) \
             VALUES ('sms', '{to}', NULL, 'x', 'test', {{t0}}, 1, {{t0}}, {sent}, {expires}, {expired})"
        );
        at(&db, &message("+48700000001", "{t0}", "NULL", "NULL"), &[31 * DAY]).await;
        at(&db, &message("+48700000002", "NULL", "{t0}", "{t0}"), &[31 * DAY]).await;
        at(&db, &message("+48700000003", "{t0}", "NULL", "NULL"), &[29 * DAY]).await;
        // A gateway down for 40 days: never dropped.
        at(&db, &message("+48700000004", "NULL", "NULL", "NULL"), &[40 * DAY]).await;
        // Past its expiry, not yet given up by a worker: the worker decides.
        at(&db, &message("+48700000005", "NULL", "{t0}", "NULL"), &[31 * DAY]).await;
        assert_eq!(retention(&db).run_once().await.unwrap().outbox, 2);
        assert_eq!(keys(&db, "outbox", "recipient").await, ["+48700000003", "+48700000004", "+48700000005"]);
    }

    expired_password_resets_go_after_a_day_and_live_ones_stay(db, _url) {
        let reset = |token: &str| format!(
            "INSERT INTO password_resets (token_hash, person_id, login, created_at, expires_at, code_sent_at, failed_attempts) \
             VALUES ('{token}', NULL, 'x', {{t0}}, {{t1}}, {{t0}}, 0)"
        );
        at(&db, &reset("old"), &[26 * HOUR, 25 * HOUR]).await;
        at(&db, &reset("expired-recently"), &[2 * HOUR, HOUR]).await;
        at(&db, &reset("live"), &[60_000, -600_000]).await;
        assert_eq!(retention(&db).run_once().await.unwrap().password_resets, 1);
        assert_eq!(keys(&db, "password_resets", "token_hash").await, ["expired-recently", "live"]);
    }

    two_instances_at_once_and_a_second_run_do_no_harm(db, url) {
        for i in 0..40 {
            at(&db, &format!("INSERT INTO send_locks (key, touched_at) VALUES ('old-{i}', {{t0}}), ('new-{i}', {{t1}})"), &[25 * HOUR, 0]).await;
        }
        let other = migrated(&url).await;
        let (first, second) = (retention(&db), retention(&other));
        let (a, b) = tokio::join!(first.run_once(), second.run_once());
        assert_eq!(a.unwrap().send_locks + b.unwrap().send_locks, 40);
        assert_eq!(retention(&db).run_once().await.unwrap().total(), 0);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM send_locks").await, 40);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_runs_the_job_by_itself() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let db = migrated(&url).await;
    at(&db, "INSERT INTO send_locks (key, touched_at) VALUES ('old', {t0})", &[25 * HOUR]).await;
    let _app = TestApp::spawn_with(test_settings(&url, false)).await;
    for _ in 0..100 {
        if count(&db, "SELECT COUNT(*) FROM send_locks").await == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the retention job did not run at start-up");
}
