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
    settings.session.idle_timeout_secs = 2;
    settings.session.absolute_timeout_secs = 2;
    let app = TestApp::spawn_with(settings).await;
    let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
    for _ in 0..3 {
        assert!(portal_open(&app.get("/portal", Some(&token)).await));
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
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
    assert_eq!(location(&response).as_deref(), Some("/portal"));
    let token = session_cookie(&response, a.cookie_name).unwrap();
    let on_b = b.get("/portal", Some(&token)).await;
    assert!(portal_open(&on_b), "{} {:?} {}", on_b.status(), location(&on_b), on_b.text().await.unwrap_or_default());
    b.post_form("/api/wyloguj", "/portal", &[], Some(&token)).await;
    assert_eq!(location(&a.get("/portal", Some(&token)).await).as_deref(), Some("/logowanie?sesja=wygasla"));
}
