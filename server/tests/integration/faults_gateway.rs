//! The SMS gateway is down while a person signs in: the code waits in the
//! outbox and reaches the phone once the gateway is back, exactly once;
//! meanwhile the person may ask for a new code within the designed limits
//! (not before 30 s), and then only the new, live code is delivered — the
//! replaced one is withdrawn, never sent late. On SQLite and PostgreSQL.

use std::time::{Duration, Instant};

use ezus_server::{
    config::{EmailTransport, SmsTransport},
    db::{entities::outbox, now_millis},
    demo_data::DEMO_PEOPLE,
    notifications::EXPIRED_BODY,
};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::{
    crowd::code_in,
    fake_gateways::{SmsGateway, SmtpReceiver, reference_of},
    support::*,
};

async fn sql(app: &TestApp, statement: &str) {
    app.db().await.execute_unprepared(statement).await.unwrap();
}

async fn messages(app: &TestApp) -> Vec<outbox::Model> {
    outbox::Entity::find().order_by_asc(outbox::Column::Id).all(&app.db().await).await.unwrap()
}

async fn the_code_waits_for_the_gateway_and_goes_once(backend: Backend) {
    let Some(url) = fresh_database(backend).await else { return };
    let gateway = SmsGateway::start().await;
    let smtp = SmtpReceiver::start().await;
    gateway.answer_with(503);
    let mut settings = test_settings(&url, false);
    settings.notifications.sms_transport = SmsTransport::Http;
    settings.notifications.sms_gateway_url = gateway.url.clone();
    settings.notifications.sms_gateway_token = "gateway-token".into();
    settings.notifications.email_transport = EmailTransport::Smtp;
    settings.notifications.smtp_host = "127.0.0.1".into();
    settings.notifications.smtp_port = smtp.port;
    settings.notifications.smtp_tls = ezus_server::config::SmtpTls::None;
    settings.notifications.poll_interval_ms = 50;
    let app = TestApp::spawn_with(settings).await;
    let ewa = DEMO_PEOPLE.iter().find(|p| p.login == "ewojcik").unwrap();
    assert_eq!(ewa.recovery_channel, "sms");

    // The password is right; the code cannot leave: the gateway answers 503.
    let token = app.signed_in(ewa.login, ewa.password, "/kod-weryfikacyjny").await;
    let start = Instant::now();
    while gateway.received().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "the worker tried the gateway");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first = messages(&app).await;
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].sent_at, first[0].attempts >= 1), (None, true), "kept, to be tried again");
    let page = app.get("/kod-weryfikacyjny", Some(&token)).await;
    assert_eq!(page.status(), 200, "the code page still works");

    // "Wyślij nowy kod" at once: the designed wait (30 s) answers, with its time.
    let too_soon = app.post_form("/api/wyslij-kod", "/kod-weryfikacyjny", &[], Some(&token)).await;
    let error = redirected_error(&too_soon).expect("the refusal travels back to the page");
    let wait = error["Problem"]["ResendTooSoon"]["retry_after_secs"].as_u64().unwrap_or(0);
    assert!((1..=30).contains(&wait), "{error}");
    assert_eq!(messages(&app).await.len(), 1, "no second message within 30 s");

    // 30 s later (time passes for the code's row) the new code is issued.
    sql(&app, "UPDATE verification_codes SET created_at = created_at - 31000").await;
    let resent = app.post_form("/api/wyslij-kod", "/kod-weryfikacyjny", &[], Some(&token)).await;
    assert_eq!(location(&resent).as_deref(), Some("/kod-weryfikacyjny?wyslano=1"));
    let both = messages(&app).await;
    assert_eq!(both.len(), 2);
    assert_eq!((both[0].sent_at, both[1].sent_at), (None, None));

    // The gateway is back; both messages' retry times have come.
    gateway.answer_with(200);
    sql(&app, &format!("UPDATE outbox SET next_attempt_at = {} WHERE sent_at IS NULL", now_millis())).await;
    let start = Instant::now();
    while gateway.accepted().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "delivered once the gateway is back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Ten more polls: nothing else goes out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let accepted = gateway.accepted();
    assert_eq!(accepted.len(), 1, "exactly one SMS reached the phone: {accepted:?}");
    assert_eq!(accepted[0].json["to"], ewa.phone);
    assert_eq!(accepted[0].json["reference"], reference_of(&both[1]), "the new code's message");
    let after = messages(&app).await;
    assert!(after[1].sent_at.is_some());
    assert_eq!(after[0].sent_at, None, "the replaced one never goes");
    assert!(after[0].expired_at.is_some() && after[0].body == EXPIRED_BODY, "withdrawn, its code gone from the table");

    // The code that arrived signs her in.
    let code = code_in(accepted[0].json["text"].as_str().unwrap()).unwrap();
    let (_, at) = {
        let response = app.submit_code(&code, &token).await;
        (session_cookie(&response, app.cookie_name), location(&response))
    };
    assert_eq!(at.as_deref(), Some("/portal"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_code_waits_for_the_gateway_and_goes_once() {
    the_code_waits_for_the_gateway_and_goes_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_code_waits_for_the_gateway_and_goes_once() {
    the_code_waits_for_the_gateway_and_goes_once(Backend::Postgres).await;
}
