//! Server-side sessions: ending, rotation, timeouts, several instances.

use std::time::Duration;

use reqwest::StatusCode;

use crate::on_both_databases;
use crate::support::*;

async fn sign_out(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_form("/api/wyloguj", "/portal", &[], Some(token)).await
}

fn portal_open(response: &reqwest::Response) -> bool {
    response.status() == StatusCode::OK
}

/// Moves every session's start (and with it its absolute end) and its last use.
async fn shift_session(app: &TestApp, created_at: i64, last_seen_at: i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.db().await;
    let absolute_ms = test_settings(&app.database_url, false).session.absolute_timeout_secs as i64 * 1000;
    let sql = format!(
        "UPDATE sessions SET created_at = {created_at}, expires_at = {}, last_seen_at = {last_seen_at}",
        created_at + absolute_ms
    );
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
}

async fn jan_id(app: &TestApp) -> i32 {
    use ezus_server::db::entities::person;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    person::Entity::find().filter(person::Column::Login.eq(JAN.login)).one(&app.db().await).await.unwrap().unwrap().id
}

on_both_databases! {
    signing_out_ends_the_session_on_the_server(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let response = sign_out(&app, &token).await;
        assert_eq!(location(&response).as_deref(), Some("/wylogowano"));
        let cleared = set_cookie_header(&response, app.cookie_name).unwrap();
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        // The browser forgets the cookie; a copy of it (an attacker's) is worthless too.
        let replay = app.get("/portal", Some(&token)).await;
        assert_eq!(location(&replay).as_deref(), Some("/logowanie?sesja=wygasla"));
    }

    signing_in_again_replaces_the_browsers_session(app) {
        let first = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let response = app
            .post_form("/api/zaloguj", "/logowanie", &[("login", "jkowalski"), ("password", JAN.password)], Some(&first))
            .await;
        let second = session_cookie(&response, app.cookie_name).unwrap();
        assert_ne!(first, second);
        let (second, _) = app.confirm_code("jkowalski", &second).await;
        assert!(!portal_open(&app.get("/portal", Some(&first)).await));
        assert!(portal_open(&app.get("/portal", Some(&second)).await));
    }

    a_session_in_use_ends_12_hours_after_sign_in(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        // Signed in 12 h ago and busy ever since: seen a second ago, so the
        // 15-minute idle timeout is far off — only the absolute end is past.
        let now = ezus_server::db::now_millis();
        let twelve_hours = 12 * 3600 * 1000;
        shift_session(&app, now - twelve_hours + 60_000, now - 1000).await;
        assert!(portal_open(&app.get("/portal", Some(&token)).await), "a minute before the absolute end it still works");
        shift_session(&app, now - twelve_hours - 1000, now - 1000).await;
        let refused = app.get("/portal", Some(&token)).await;
        assert_eq!(location(&refused).as_deref(), Some("/logowanie?sesja=wygasla"));
        assert!(set_cookie_header(&refused, app.cookie_name).unwrap().contains("Max-Age=0"));
        let api = app.client.post(app.url("/api/przedluz-sesje"))
            .header("cookie", format!("{}={token}", app.cookie_name))
            .header("accept", "application/json").send().await.unwrap();
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "nor can a keep-alive revive it");
    }

    sessions_of_many_people_step_up_at_the_same_moment(app) {
        use ezus_server::session::{SessionState, SessionStore, Stage};
        // Connected as the server connects (its pool of connections).
        let settings = test_settings(&app.database_url, false);
        let db = ezus_server::db::connect_and_migrate(&settings.database).await.unwrap();
        let store = SessionStore::new(db, &settings.session);
        let person = jan_id(&app).await;
        const PEOPLE: usize = 24;
        for _round in 0..5 {
            let mut waiting = Vec::new();
            for _ in 0..PEOPLE {
                let token = store.open(person, SessionState::at(Stage::CodeRequired), false, None).await.unwrap();
                waiting.push(store.find(&token).await.unwrap().expect("a live session"));
            }
            let start = std::sync::Arc::new(tokio::sync::Barrier::new(PEOPLE));
            let step_ups = waiting.into_iter().map(|session| {
                let (store, start) = (store.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    store.advance(&session, SessionState::at(Stage::InPortal)).await
                })
            });
            for result in futures_util::future::join_all(step_ups).await {
                let token = result.unwrap().expect("no database error").expect("the session advanced");
                assert_eq!(store.find(&token).await.unwrap().unwrap().state.stage, Stage::InPortal);
            }
        }
    }

    forged_and_malformed_tokens_open_nothing(app) {
        app.signed_in("jkowalski", JAN.password, "/portal").await;
        // Shaped like a token, but no session has it.
        let response = app.get("/portal", Some(&"A".repeat(43))).await;
        assert_eq!(location(&response).as_deref(), Some("/logowanie?sesja=wygasla"));
        // Not even shaped like one: ignored.
        for forged in ["x", "", "%00"] {
            let response = app.get("/portal", Some(forged)).await;
            assert_eq!(location(&response).as_deref(), Some("/logowanie"), "{forged:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_ends_after_the_idle_timeout() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, false);
    settings.session.idle_timeout_secs = 1;
    settings.session.absolute_timeout_secs = 3600;
    let app = TestApp::spawn_with(settings).await;
    let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
    assert!(portal_open(&app.get("/portal", Some(&token)).await));
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let expired = app.get("/portal", Some(&token)).await;
    // The person is told why, and the dead cookie goes.
    assert_eq!(location(&expired).as_deref(), Some("/logowanie?sesja=wygasla"));
    assert!(set_cookie_header(&expired, app.cookie_name).unwrap().contains("Max-Age=0"));
    let html = app.get("/logowanie?sesja=wygasla", None).await.text().await.unwrap();
    assert!(html.contains("Twoja sesja wygasła"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_session_still_ends_at_the_absolute_timeout() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, false);
    // Idle far longer than absolute: only the absolute end can stop it.
    settings.session.idle_timeout_secs = 3600;
    settings.session.absolute_timeout_secs = 3;
    let app = TestApp::spawn_with(settings).await;
    let started = std::time::Instant::now();
    let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
    // In use every 300 ms, keep-alive included, until the 3 s are nearly up.
    while started.elapsed() < Duration::from_millis(2500) {
        assert!(portal_open(&app.get("/portal", Some(&token)).await));
        let kept = app.client.post(app.url("/api/przedluz-sesje"))
            .header("cookie", format!("{}={token}", app.cookie_name))
            .header("accept", "application/json").send().await.unwrap();
        assert_eq!(kept.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tokio::time::sleep(Duration::from_millis(3100).saturating_sub(started.elapsed())).await;
    assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/logowanie?sesja=wygasla"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_postgresql_continue_each_others_sessions() {
    let Some(url) = fresh_database(Backend::Postgres).await else { return };
    let a = TestApp::spawn_with(test_settings(&url, false)).await;
    let b = TestApp::spawn_with(test_settings(&url, false)).await;
    assert_ne!(a.address, b.address);
    // Started on A (legacy password), the code sent by A typed on B, the
    // password changed on A, used on B, ended on B.
    let token = a.signed_in("anowak", "Haslo123", "/kod-weryfikacyjny").await;
    assert_eq!(location(&b.get("/portal", Some(&token)).await).as_deref(), Some("/kod-weryfikacyjny"));
    let (token, at) = b.confirm_code("anowak", &token).await;
    assert_eq!(at.as_deref(), Some("/zmiana-hasla"));
    let good = "rower deszcz latarnia 7";
    let response = a
        .post_form("/api/zmien-haslo", "/zmiana-hasla", &[("new_password", good), ("repeated", good)], Some(&token))
        .await;
    assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"));
    let token = session_cookie(&response, a.cookie_name).unwrap();
    let on_b = b.get("/portal", Some(&token)).await;
    assert!(portal_open(&on_b), "{} {:?} {}", on_b.status(), location(&on_b), on_b.text().await.unwrap_or_default());
    b.post_form("/api/wyloguj", "/portal", &[], Some(&token)).await;
    assert_eq!(location(&a.get("/portal", Some(&token)).await).as_deref(), Some("/logowanie?sesja=wygasla"));
}
