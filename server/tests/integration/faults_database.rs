//! The database goes away in the middle of a sign-in: the person is told,
//! in Polish, to try again (a 503 page, or the form's own message — never
//! a 500), nothing half-done stays behind, and the portal recovers by
//! itself when the database is back.
//!
//! - PostgreSQL is reached through a TCP proxy that the test cuts (every
//!   connection reset, new ones refused: what a stopped server looks like)
//!   and restores.
//! - SQLite: another connection holds the file's write lock (`BEGIN
//!   EXCLUSIVE`) past the busy timeout, so no write gets through.
//! - On both, a fault injected at one statement of a step (a trigger that
//!   fails it) shows that each step commits all or nothing.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use app::errors::UNAVAILABLE;
use ezus_server::db::entities::{person, session, sign_in_throttle, verification_code};
use reqwest::{StatusCode, header};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

use crate::support::*;

/// A TCP proxy in front of the database that can be cut and restored.
struct TcpProxy {
    port: u16,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    task: JoinHandle<()>,
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}

impl TcpProxy {
    async fn start(target: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let task = tokio::spawn({
            let (up, links) = (up.clone(), links.clone());
            async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if !up.load(Ordering::SeqCst) {
                        // Refused: closed at once, as a stopped server's port.
                        drop(client);
                        continue;
                    }
                    let link = tokio::spawn(async move {
                        if let Ok(mut server) = TcpStream::connect(target).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    });
                    links.lock().unwrap().push(link);
                }
            }
        });
        TcpProxy { port, up, links, task }
    }

    /// Every open connection dropped, new ones refused.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

fn jan_person() -> &'static ezus_server::demo_data::DemoPerson {
    JAN
}

async fn person_id(db: &DatabaseConnection, login: &str) -> i32 {
    person::Entity::find().filter(person::Column::Login.eq(login)).one(db).await.unwrap().unwrap().id
}

async fn sessions_of(db: &DatabaseConnection, person_id: i32) -> Vec<session::Model> {
    session::Entity::find().filter(session::Column::PersonId.eq(person_id)).all(db).await.unwrap()
}

async fn codes_of(db: &DatabaseConnection, person_id: i32) -> Vec<verification_code::Model> {
    verification_code::Entity::find().filter(verification_code::Column::PersonId.eq(person_id)).all(db).await.unwrap()
}

/// A script's call of a server function (what the hydrated page sends).
async fn by_script(app: &TestApp, endpoint: &str, fields: &[(&str, &str)], session: &str) -> reqwest::Response {
    app.client
        .post(app.url(endpoint))
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, format!("{}={session}", app.cookie_name))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// A no-JS form post refused because the service is unavailable: the
/// redirect back carries `Unavailable`, and the page it leads to says so.
async fn told_to_try_again(app: &TestApp, response: reqwest::Response, session: Option<&str>) {
    assert_eq!(response.status(), StatusCode::FOUND, "the form's redirect, not a 500");
    let error = redirected_error(&response).expect("an error for the page");
    assert!(error.to_string().contains("Unavailable"), "{error}");
    let back = reqwest::Url::parse(&location(&response).unwrap()).unwrap();
    let page = app.get(&format!("{}?{}", back.path(), back.query().unwrap()), session).await;
    let status = page.status();
    let html = page.text().await.unwrap();
    assert!(status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE, "{status}");
    assert!(html.contains(UNAVAILABLE), "{status}: {html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_mid_journey_is_survived_and_recovered_from() {
    let Some(direct_url) = fresh_database(Backend::Postgres).await else { return };
    let parsed = reqwest::Url::parse(&direct_url).unwrap();
    let target: SocketAddr = tokio::net::lookup_host((parsed.host_str().unwrap(), parsed.port().unwrap_or(5432)))
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = TcpProxy::start(target).await;
    let mut proxied = parsed.clone();
    proxied.set_host(Some("127.0.0.1")).unwrap();
    proxied.set_port(Some(proxy.port)).unwrap();
    let app = TestApp::spawn_with(test_settings(proxied.as_str(), false)).await;
    let direct = ezus_server::db::connect(&direct_url, 2).await.unwrap();
    let jan = jan_person();
    let jan_id = person_id(&direct, jan.login).await;

    // Jan's password is accepted; his code is in his mailbox.
    let token = app.signed_in(jan.login, jan.password, "/kod-weryfikacyjny").await;
    let code = app.last_code(jan.login).await;

    proxy.cut();
    let started = Instant::now();
    // Typing the code: the form comes back with "spróbuj ponownie".
    told_to_try_again(&app, app.submit_code(&code, &token).await, Some(&token)).await;
    // The page itself, reloaded: a 503 page that says so.
    let page = app.get("/kod-weryfikacyjny", Some(&token)).await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = page.text().await.unwrap();
    assert!(html.contains(UNAVAILABLE) && html.contains("<html lang=\"pl\""), "{html}");
    // The same call from the page's script: 503 and the typed error.
    let scripted = by_script(&app, "/api/potwierdz-kod", &[("code", &code)], &token).await;
    assert_eq!(scripted.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(scripted.text().await.unwrap().contains("Unavailable"));
    // Someone else signing in meanwhile is told the same.
    told_to_try_again(&app, app.sign_in(ANNA.login, ANNA.password).await, None).await;
    let readiness = app.get("/readyz", None).await;
    assert_eq!(readiness.status(), StatusCode::SERVICE_UNAVAILABLE, "the load balancer is told too");
    assert!(started.elapsed() < Duration::from_secs(60), "answered within the pool's timeouts: {:?}", started.elapsed());

    // Nothing half-done: Jan's one session still waits for the same live code.
    let sessions = sessions_of(&direct, jan_id).await;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].stage, "code_required");
    let codes = codes_of(&direct, jan_id).await;
    assert_eq!(codes.len(), 1);
    assert_eq!((codes[0].consumed_at, codes[0].failed_attempts), (None, 0));
    assert_eq!(sessions_of(&direct, person_id(&direct, ANNA.login).await).await.len(), 0, "no session for Anna");

    // The database is back: the pool reconnects by itself.
    proxy.restore();
    let response = app.submit_code(&code, &token).await;
    assert_eq!(location(&response).as_deref(), Some("/portal"), "the same code, now accepted");
    app.signed_in(ANNA.login, ANNA.password, "/kod-weryfikacyjny").await;
    assert_eq!(app.get("/readyz", None).await.status(), StatusCode::OK);
    let throttle = sign_in_throttle::Entity::find().all(&direct).await.unwrap();
    assert!(throttle.iter().all(|row| row.failures == 0), "no attempt counted against anyone: {throttle:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_locked_against_writes_mid_journey_is_survived_and_recovered_from() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let db = app.db().await;
    let jan = jan_person();
    let jan_id = person_id(&db, jan.login).await;
    let token = app.signed_in(jan.login, jan.password, "/kod-weryfikacyjny").await;
    let code = app.last_code(jan.login).await;

    // Another process holds the write lock for longer than the busy timeout.
    let locker = ezus_server::db::connect(&app.database_url, 1).await.unwrap();
    locker.execute_unprepared("BEGIN EXCLUSIVE").await.unwrap();
    let started = Instant::now();
    let (typed, other) = tokio::join!(app.submit_code(&code, &token), app.sign_in(ANNA.login, ANNA.password));
    told_to_try_again(&app, typed, Some(&token)).await;
    told_to_try_again(&app, other, None).await;
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
    locker.execute_unprepared("ROLLBACK").await.unwrap();

    let sessions = sessions_of(&db, jan_id).await;
    assert_eq!((sessions.len(), sessions[0].stage.as_str()), (1, "code_required"));
    let codes = codes_of(&db, jan_id).await;
    assert_eq!((codes.len(), codes[0].consumed_at, codes[0].failed_attempts), (1, None, 0));
    assert_eq!(sessions_of(&db, person_id(&db, ANNA.login).await).await.len(), 0);

    let response = app.submit_code(&code, &token).await;
    assert_eq!(location(&response).as_deref(), Some("/portal"));
    app.signed_in(ANNA.login, ANNA.password, "/kod-weryfikacyjny").await;
    let throttle = sign_in_throttle::Entity::find().all(&db).await.unwrap();
    assert!(throttle.iter().all(|row| row.failures == 0), "{throttle:?}");
}

/// Makes every UPDATE (or INSERT) of the sessions table fail, as a database
/// failing in the middle of a step would.
async fn fail_sessions(db: &DatabaseConnection, backend: Backend, on: &str) {
    let statements: Vec<String> = match backend {
        Backend::Sqlite => vec![format!("CREATE TRIGGER injected_fault BEFORE {on} ON sessions BEGIN SELECT RAISE(ABORT, 'injected fault'); END")],
        Backend::Postgres => vec![
            "CREATE OR REPLACE FUNCTION injected_fault() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql".into(),
            format!("CREATE TRIGGER injected_fault BEFORE {on} ON sessions FOR EACH ROW EXECUTE FUNCTION injected_fault()"),
        ],
    };
    for statement in statements {
        db.execute_unprepared(&statement).await.unwrap();
    }
}

async fn heal_sessions(db: &DatabaseConnection, backend: Backend) {
    let statement = match backend {
        Backend::Sqlite => "DROP TRIGGER injected_fault",
        Backend::Postgres => "DROP TRIGGER injected_fault ON sessions",
    };
    db.execute_unprepared(statement).await.unwrap();
}

async fn a_failing_step_leaves_nothing_half_done(backend: Backend) {
    let Some(app) = TestApp::spawn(backend).await else { return };
    let db = app.db().await;
    let jan = jan_person();
    let jan_id = person_id(&db, jan.login).await;

    // The step up after the code fails at its last statement (the
    // session's new token): the code must not be spent.
    let token = app.signed_in(jan.login, jan.password, "/kod-weryfikacyjny").await;
    let code = app.last_code(jan.login).await;
    fail_sessions(&db, backend, "UPDATE").await;
    told_to_try_again(&app, app.submit_code(&code, &token).await, Some(&token)).await;
    let codes = codes_of(&db, jan_id).await;
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].consumed_at, None, "the code is not spent by a step that did not happen");
    heal_sessions(&db, backend).await;
    let response = app.submit_code(&code, &token).await;
    assert_eq!(location(&response).as_deref(), Some("/portal"), "the same code works once the database does");
    assert_eq!(codes_of(&db, jan_id).await.iter().filter(|c| c.consumed_at.is_some()).count(), 1);

    // A sign-in whose session cannot be stored: no session; the code sent
    // just before stays valid and serves the next attempt, and no second
    // code is sent within the 30 s.
    let anna_id = person_id(&db, ANNA.login).await;
    fail_sessions(&db, backend, "INSERT").await;
    told_to_try_again(&app, app.sign_in(ANNA.login, ANNA.password).await, None).await;
    assert_eq!(sessions_of(&db, anna_id).await.len(), 0, "no session without its code, nor a half-made one");
    heal_sessions(&db, backend).await;
    let token = app.signed_in(ANNA.login, ANNA.password, "/kod-weryfikacyjny").await;
    assert_eq!(codes_of(&db, anna_id).await.len(), 1, "one code, sent once");
    let (_, at) = app.confirm_code(ANNA.login, &token).await;
    assert_eq!(at.as_deref(), Some("/zmiana-hasla"));
    let attempts = sign_in_throttle::Entity::find().filter(sign_in_throttle::Column::Failures.gt(0)).count(&db).await.unwrap();
    assert_eq!(attempts, 0, "no attempt counted twice, nor at all");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_failing_step_leaves_nothing_half_done() {
    a_failing_step_leaves_nothing_half_done(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_failing_step_leaves_nothing_half_done() {
    a_failing_step_leaves_nothing_half_done(Backend::Postgres).await;
}
