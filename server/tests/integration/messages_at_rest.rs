//! Codes do not rest in the outbox: a delivered message's body is purged in
//! the update that marks it sent (except by the dev inbox, whose page is the
//! delivery), and a code message is never delivered after its code expired.

use std::sync::Arc;

use ezus_server::{
    db::{entities::outbox, now_millis},
    notifications::{
        self, Channel, DeliveryWorker, DevInbox, HttpSmsGateway, OutgoingMessage, SmtpMailer, Transport,
        worker::{DELIVERED_BODY, EXPIRED_BODY},
    },
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};

use crate::fake_gateways::{SmsGateway, SmtpReceiver};
use crate::on_both_fresh_databases;
use crate::support::*;

const TOKEN: &str = "gateway-token-123";

fn sms_worker(db: &DatabaseConnection, gateway_url: &str) -> DeliveryWorker {
    let sms: Arc<dyn Transport> = Arc::new(HttpSmsGateway::new(gateway_url, TOKEN).unwrap());
    DeliveryWorker::new(db.clone(), Arc::new(DevInbox), sms)
}

fn code_sms(code: &str) -> OutgoingMessage {
    OutgoingMessage {
        channel: Channel::Sms,
        recipient: "+48600100200".into(),
        subject: None,
        body: format!("eZUS: kod do logowania: {code}."),
        purpose: "sign_in_code",
    }
}

async fn only(db: &DatabaseConnection) -> outbox::Model {
    let mut rows = outbox::Entity::find().all(db).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.remove(0)
}

/// What the passing of time does: due now, and `expires_at` moved.
async fn later(db: &DatabaseConnection, expires_at: Option<i64>) {
    let mut row = only(db).await.into_active_model();
    row.next_attempt_at = Set(now_millis());
    row.expires_at = Set(expires_at);
    row.update(db).await.unwrap();
}

on_both_fresh_databases! {
    a_delivered_sms_leaves_no_code_behind(db, _url) {
        let gateway = SmsGateway::start().await;
        let worker = sms_worker(&db, &gateway.url);
        notifications::enqueue_expiring(&db, code_sms("481516"), Some(now_millis() + 600_000)).await.unwrap();
        assert_eq!(worker.deliver_due().await.unwrap(), 1);
        assert!(gateway.accepted()[0].json["text"].as_str().unwrap().contains("481516"), "the person got the code");
        let row = only(&db).await;
        assert!(row.sent_at.is_some());
        assert_eq!(row.body, DELIVERED_BODY, "the outbox no longer holds it");
        assert_eq!((row.recipient.as_str(), row.purpose.as_str()), ("+48600100200", "sign_in_code"), "what was sent, to whom, stays");
    }

    a_delivered_email_leaves_no_code_behind(db, _url) {
        let smtp = SmtpReceiver::start().await;
        let mut settings = ezus_server::config::Settings::from_toml(&include_str!("../../../Leptos.toml").replace("dev_mode = false", "dev_mode = true"), "Leptos.toml")
            .unwrap()
            .notifications;
        settings.smtp_host = "127.0.0.1".into();
        settings.smtp_port = smtp.port;
        settings.smtp_tls = ezus_server::config::SmtpTls::None;
        let mailer: Arc<dyn Transport> = Arc::new(SmtpMailer::new(&settings).unwrap());
        let worker = DeliveryWorker::new(db.clone(), mailer, Arc::new(DevInbox));
        notifications::enqueue(&db, OutgoingMessage {
            channel: Channel::Email,
            recipient: "jan.kowalski@example.pl".into(),
            subject: Some("Kod do logowania w eZUS".into()),
            body: "Twój kod: 271828".into(),
            purpose: "sign_in_code",
        }).await.unwrap();
        assert_eq!(worker.deliver_due().await.unwrap(), 1);
        assert!(smtp.received()[0].data.contains("271828"));
        assert_eq!(only(&db).await.body, DELIVERED_BODY);
    }

    the_dev_inbox_keeps_the_body_it_shows(db, _url) {
        let worker = DeliveryWorker::new(db.clone(), Arc::new(DevInbox), Arc::new(DevInbox));
        notifications::enqueue_expiring(&db, code_sms("314159"), Some(now_millis() + 600_000)).await.unwrap();
        assert_eq!(worker.deliver_due().await.unwrap(), 1);
        let row = only(&db).await;
        assert!(row.sent_at.is_some());
        assert!(row.body.contains("314159"), "/dev/skrzynka shows it: {row:?}");
    }

    a_code_message_is_never_delivered_after_its_code_expired(db, _url) {
        let gateway = SmsGateway::start().await;
        gateway.answer_with(503);
        let worker = sms_worker(&db, &gateway.url);
        notifications::enqueue_expiring(&db, code_sms("112358"), Some(now_millis() + 600_000)).await.unwrap();
        assert_eq!(worker.deliver_due().await.unwrap(), 0, "the gateway is down");
        assert_eq!(gateway.received().len(), 1);

        // The gateway is back, but the code expired meanwhile.
        gateway.answer_with(200);
        later(&db, Some(now_millis() - 1)).await;
        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        assert_eq!(gateway.received().len(), 1, "no second request: never sent");
        let row = only(&db).await;
        assert_eq!(row.sent_at, None);
        assert!(row.expired_at.is_some(), "marked expired: {row:?}");
        assert_eq!(row.body, EXPIRED_BODY, "and the code is gone");
        // For good: later passes leave it alone.
        later(&db, row.expires_at).await;
        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        assert_eq!(gateway.received().len(), 1);
    }

    a_message_without_expiry_or_before_it_is_delivered(db, _url) {
        let gateway = SmsGateway::start().await;
        let worker = sms_worker(&db, &gateway.url);
        notifications::enqueue(&db, code_sms("000001")).await.unwrap();
        notifications::enqueue_expiring(&db, code_sms("000002"), Some(now_millis() + 60_000)).await.unwrap();
        assert_eq!(worker.deliver_due().await.unwrap(), 2);
        assert_eq!(gateway.accepted().len(), 2);
    }
}

/// Through the server: the message of a code carries the code's expiry.
async fn a_code_message_expires_with_its_code(backend: Backend) {
    use sea_orm::{ConnectionTrait, Statement};
    let Some(app) = TestApp::spawn(backend).await else { return };
    app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT o.expires_at AS message, c.expires_at AS code FROM outbox o, verification_codes c",
        ))
        .await
        .unwrap()
        .unwrap();
    let (message, code): (Option<i64>, i64) = (row.try_get("", "message").unwrap(), row.try_get("", "code").unwrap());
    assert_eq!(message, Some(code));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_message_expires_with_its_code_sqlite() {
    a_code_message_expires_with_its_code(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_message_expires_with_its_code_postgres() {
    a_code_message_expires_with_its_code(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_dev_mode_the_inbox_page_still_shows_delivered_codes() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let dev = TestApp::spawn_with(test_settings(&url, true)).await;
    dev.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
    let code = dev.last_code("jkowalski").await;
    let db = dev.db().await;
    for _ in 0..100 {
        if only(&db).await.sent_at.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(only(&db).await.sent_at.is_some(), "delivered by the dev inbox transport");
    let html = dev.get("/dev/skrzynka", None).await.text().await.unwrap();
    assert!(html.contains(&code), "{html}");
}
