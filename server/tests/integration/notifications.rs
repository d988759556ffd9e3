//! Messages that are never lost: the outbox, the delivery worker, and the
//! SMTP and HTTP SMS transports against real gateways started by the test.
//! Each test runs on SQLite and on PostgreSQL.

use std::{collections::HashMap, sync::Arc, time::Duration};

use ezus_server::{
    config::{DatabaseSettings, EmailTransport, NotificationSettings, SmsTransport, SmtpTls},
    db::{self, entities::outbox, now_millis},
    notifications::{
        self, Channel, DeliveryWorker, DevInbox, HttpSmsGateway, OutgoingMessage, SmtpMailer, Transport,
    },
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    Set, TransactionTrait,
};
use tokio::net::TcpListener;

use crate::fake_gateways::{ParsedMail, SmsGateway, SmtpReceiver, reference_of};
use crate::support::*;

const TOKEN: &str = "gateway-token-123";
const BODY_PL: &str = "Dzień dobry,\r\n\r\nTwój kod logowania do eZUS: 481516.\r\nZażółć gęślą jaźń. ŻÓŁTA ŁÓDŹ.\r\n";

async fn migrated(url: &str) -> DatabaseConnection {
    db::connect_and_migrate(&DatabaseSettings { url: url.to_owned(), max_connections: 5 }).await.unwrap()
}

fn settings(smtp_port: u16, sms_url: &str) -> NotificationSettings {
    NotificationSettings {
        email_transport: EmailTransport::Smtp,
        sms_transport: SmsTransport::Http,
        smtp_host: "127.0.0.1".into(),
        smtp_port,
        smtp_tls: SmtpTls::None,
        smtp_username: String::new(),
        smtp_password: String::new(),
        mail_from: "eZUS <no-reply@zus.pl>".into(),
        sms_gateway_url: sms_url.into(),
        sms_gateway_token: TOKEN.into(),
        poll_interval_ms: 50,
    }
}

fn sms_only(db: &DatabaseConnection, gateway_url: &str) -> DeliveryWorker {
    let sms: Arc<dyn Transport> = Arc::new(HttpSmsGateway::new(gateway_url, TOKEN).unwrap());
    DeliveryWorker::new(db.clone(), Arc::new(DevInbox), sms)
}

fn code_sms(to: &str, code: &str) -> OutgoingMessage {
    OutgoingMessage {
        channel: Channel::Sms,
        recipient: to.into(),
        subject: None,
        body: format!("eZUS: Twój kod logowania to {code}. Nie podawaj go nikomu."),
        purpose: "sign_in_code",
    }
}

async fn all(db: &DatabaseConnection) -> Vec<outbox::Model> {
    outbox::Entity::find().all(db).await.unwrap()
}

async fn only(db: &DatabaseConnection) -> outbox::Model {
    let mut rows = all(db).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.remove(0)
}

/// What the passing of time until the next attempt would do.
async fn make_due(db: &DatabaseConnection, row: outbox::Model) {
    let mut active = row.into_active_model();
    active.next_attempt_at = Set(now_millis());
    active.update(db).await.unwrap();
}

/// Runs each body on a fresh, migrated SQLite and PostgreSQL database (no
/// server: a running server would deliver the messages itself).
macro_rules! on_both_databases_without_server {
    ($($name:ident($db:ident, $url:ident) $body:block)*) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $url = fresh_database(Backend::Sqlite).await.unwrap();
                    let $db = migrated(&$url).await;
                    $body
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some($url) = fresh_database(Backend::Postgres).await else { return };
                    let $db = migrated(&$url).await;
                    $body
                }
            )*
        }
    };
}

on_both_databases_without_server! {
    an_email_reaches_a_real_smtp_server_intact(db, _url) {
        let smtp = SmtpReceiver::start().await;
        let worker = DeliveryWorker::from_settings(db.clone(), &settings(smtp.port, "http://127.0.0.1:9/unused")).unwrap();
        notifications::enqueue(&db, OutgoingMessage {
            channel: Channel::Email,
            recipient: "jan.kowalski@example.pl".into(),
            subject: Some("Kod logowania — eZUS: zażółć".into()),
            body: BODY_PL.into(),
            purpose: "sign_in_code",
        }).await.unwrap();

        assert_eq!(worker.deliver_due().await.unwrap(), 1);

        let mails = smtp.received();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].mail_from, "no-reply@zus.pl");
        assert_eq!(mails[0].rcpt_to, ["jan.kowalski@example.pl"]);
        let mail = ParsedMail::parse(&mails[0].data);
        assert_eq!(mail.header("Subject"), Some("Kod logowania — eZUS: zażółć"));
        assert_eq!(mail.header("To"), Some("jan.kowalski@example.pl"));
        assert_eq!(mail.header("From"), Some("eZUS <no-reply@zus.pl>"));
        let content_type = mail.header("Content-Type").unwrap().to_ascii_lowercase();
        assert!(content_type.starts_with("text/plain") && content_type.contains("charset=utf-8"), "{content_type}");
        assert_eq!(mail.body.trim_end(), BODY_PL.trim_end());

        let row = only(&db).await;
        // Named after its row: a second delivery of it would be the same message.
        let message_id = format!("<ezus.{}@zus.pl>", reference_of(&row));
        assert_eq!(mail.header("Message-ID"), Some(message_id.as_str()));
        assert!(row.sent_at.is_some());
        assert_eq!((row.attempts, row.last_error, row.claimed_until), (1, None, None));
        // Sent is sent: the next pass sends nothing again.
        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        assert_eq!(smtp.received().len(), 1);
    }

    an_sms_reaches_the_gateway_as_documented(db, _url) {
        let gateway = SmsGateway::start().await;
        let worker = DeliveryWorker::from_settings(db.clone(), &settings(9, &gateway.url)).unwrap();
        notifications::enqueue(&db, code_sms("+48600100200", "481516")).await.unwrap();

        assert_eq!(worker.deliver_due().await.unwrap(), 1);

        let row = only(&db).await;
        let requests = gateway.received();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].authorization.as_deref(), Some("Bearer gateway-token-123"));
        assert!(requests[0].content_type.as_deref().unwrap().starts_with("application/json"));
        assert_eq!(requests[0].json, serde_json::json!({
            "to": "+48600100200",
            "text": "eZUS: Twój kod logowania to 481516. Nie podawaj go nikomu.",
            "reference": reference_of(&row),
        }));
        assert!(row.sent_at.is_some());
        assert_eq!(row.attempts, 1);
        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        assert_eq!(gateway.received().len(), 1);
    }

    a_message_waits_while_the_gateway_answers_503_and_goes_once_it_is_back(db, _url) {
        let gateway = SmsGateway::start().await;
        gateway.answer_with(503);
        let worker = sms_only(&db, &gateway.url);
        notifications::enqueue(&db, code_sms("+48601200300", "112358")).await.unwrap();

        let before = now_millis();
        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        let after = now_millis();
        let row = only(&db).await;
        assert_eq!(row.sent_at, None);
        assert_eq!(row.attempts, 1);
        assert!(row.last_error.as_deref().unwrap().contains("503"), "{:?}", row.last_error);
        assert!((before + 5_000..=after + 5_000).contains(&row.next_attempt_at), "retried 5 s later");
        assert_eq!(row.claimed_until, None);

        // Not due yet: no new request to the gateway.
        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        assert_eq!(gateway.received().len(), 1);

        // Still down at the second try: the wait doubles.
        make_due(&db, row).await;
        let before = now_millis();
        worker.deliver_due().await.unwrap();
        let row = only(&db).await;
        assert_eq!((row.attempts, row.sent_at), (2, None));
        assert!(row.next_attempt_at >= before + 10_000, "then 10 s later");

        gateway.answer_with(200);
        make_due(&db, row).await;
        assert_eq!(worker.deliver_due().await.unwrap(), 1);
        let row = only(&db).await;
        assert!(row.sent_at.is_some());
        assert_eq!(row.attempts, 3);
        assert_eq!(gateway.accepted().len(), 1);
        assert_eq!(gateway.accepted()[0].json["reference"], reference_of(&row));

        make_due(&db, row).await;
        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        assert_eq!(gateway.received().len(), 3, "two refused, one accepted, nothing more");
    }

    a_message_survives_a_gateway_that_is_not_there(db, _url) {
        // A port nobody listens on.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let url = format!("http://127.0.0.1:{port}/sms");
        let worker = sms_only(&db, &url);
        notifications::enqueue(&db, code_sms("+48602300400", "271828")).await.unwrap();

        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        let row = only(&db).await;
        assert_eq!((row.attempts, row.sent_at), (1, None));
        assert!(row.last_error.as_deref().unwrap().contains("unreachable"), "{:?}", row.last_error);

        let gateway = SmsGateway::start_on(TcpListener::bind(("127.0.0.1", port)).await.unwrap());
        make_due(&db, row).await;
        assert_eq!(worker.deliver_due().await.unwrap(), 1);
        assert_eq!(gateway.received().len(), 1);
        assert_eq!(gateway.received()[0].json["to"], "+48602300400");
        let row = only(&db).await;
        assert_eq!(row.attempts, 2);
        assert!(row.sent_at.is_some());
    }

    an_email_survives_an_smtp_server_that_is_not_there(db, _url) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let mailer: Arc<dyn Transport> = Arc::new(SmtpMailer::new(&settings(port, "")).unwrap());
        let worker = DeliveryWorker::new(db.clone(), mailer, Arc::new(DevInbox));
        notifications::enqueue(&db, OutgoingMessage {
            channel: Channel::Email,
            recipient: "anna.nowak@example.pl".into(),
            subject: Some("Hasło zostało zmienione".into()),
            body: "Hasło do Twojego konta eZUS zostało zmienione.".into(),
            purpose: "password_changed",
        }).await.unwrap();

        assert_eq!(worker.deliver_due().await.unwrap(), 0);
        let row = only(&db).await;
        assert_eq!((row.attempts, row.sent_at), (1, None));
        assert!(row.last_error.is_some());
    }

    two_workers_racing_deliver_every_message_exactly_once(db, url) {
        const MESSAGES: usize = 120;
        let gateway = SmsGateway::start().await;
        for n in 0..MESSAGES {
            notifications::enqueue(&db, code_sms(&format!("+48600{n:06}"), &format!("{n:06}"))).await.unwrap();
        }
        // Two server instances: two connection pools on one database.
        let first = sms_only(&db, &gateway.url);
        let second = sms_only(&migrated(&url).await, &gateway.url);
        let run = async |worker: &DeliveryWorker| {
            let mut delivered = 0;
            for _ in 0..100 {
                delivered += worker.deliver_due().await.unwrap();
                let unsent = outbox::Entity::find().filter(outbox::Column::SentAt.is_null()).count(&db).await.unwrap();
                if unsent == 0 {
                    break;
                }
            }
            delivered
        };
        let (a, b) = tokio::join!(run(&first), run(&second));
        assert_eq!(a + b, MESSAGES, "first {a}, second {b}");

        let requests = gateway.received();
        let mut per_reference: HashMap<String, usize> = HashMap::new();
        for request in &requests {
            *per_reference.entry(request.json["reference"].as_str().unwrap().to_owned()).or_default() += 1;
        }
        let rows = all(&db).await;
        assert_eq!(rows.len(), MESSAGES);
        for row in rows {
            assert!(row.sent_at.is_some(), "{row:?}");
            assert_eq!(row.attempts, 1, "{row:?}");
            assert_eq!(per_reference.get(&reference_of(&row)), Some(&1), "{row:?}");
        }
        assert_eq!(requests.len(), MESSAGES);
    }

    a_rolled_back_event_leaves_no_message(db, _url) {
        let gateway = SmsGateway::start().await;
        let txn = db.begin().await.unwrap();
        notifications::enqueue(&txn, code_sms("+48600100200", "000001")).await.unwrap();
        txn.rollback().await.unwrap();
        assert!(all(&db).await.is_empty());

        let txn = db.begin().await.unwrap();
        notifications::enqueue(&txn, code_sms("+48600100200", "000002")).await.unwrap();
        txn.commit().await.unwrap();
        assert_eq!(sms_only(&db, &gateway.url).deliver_due().await.unwrap(), 1);
        let texts: Vec<String> = gateway.received().iter().map(|r| r.json["text"].as_str().unwrap().to_owned()).collect();
        assert_eq!(texts.len(), 1);
        assert!(texts[0].contains("000002"), "{texts:?}");
    }

    the_dev_inbox_keeps_messages_readable_newest_first(db, _url) {
        let worker = DeliveryWorker::new(db.clone(), Arc::new(DevInbox), Arc::new(DevInbox));
        for code in ["111111", "222222", "333333"] {
            notifications::enqueue(&db, code_sms("+48600100200", code)).await.unwrap();
        }
        assert_eq!(worker.deliver_due().await.unwrap(), 3);
        let newest = notifications::dev_inbox(&db, 2).await.unwrap();
        assert_eq!(newest.len(), 2);
        assert!(newest[0].body.contains("333333") && newest[1].body.contains("222222"));
        assert!(newest.iter().all(|m| m.sent_at.is_some() && m.channel == "sms"));
    }

    the_running_server_delivers_what_is_queued(db, url) {
        let gateway = SmsGateway::start().await;
        let mut config = test_settings(&url, false);
        config.notifications = settings(9, &gateway.url);
        let _app = TestApp::spawn_with(config).await;
        notifications::enqueue(&db, code_sms("+48600100200", "314159")).await.unwrap();
        for _ in 0..100 {
            if !gateway.received().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(gateway.accepted().len(), 1);
        assert!(gateway.accepted()[0].json["text"].as_str().unwrap().contains("314159"));
        assert!(only(&db).await.sent_at.is_some());
    }
}

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct CapturedLog(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything this test binary logs, from every thread (a subscriber set
/// for one thread only misses lines under parallel tests).
fn captured_log() -> &'static CapturedLog {
    static LOG: std::sync::OnceLock<CapturedLog> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let log = CapturedLog::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other test sets a global subscriber");
        log
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_tells_the_operator_what_happened_without_the_code_or_the_number() {
    let log = captured_log();
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let db = migrated(&url).await;
    let gateway = SmsGateway::start().await;
    gateway.answer_with(503);
    let worker = sms_only(&db, &gateway.url);
    notifications::enqueue(&db, OutgoingMessage { purpose: "log_check", ..code_sms("+48699887766", "975310") })
        .await
        .unwrap();
    worker.deliver_due().await.unwrap();
    gateway.answer_with(200);
    make_due(&db, only(&db).await).await;
    assert_eq!(worker.deliver_due().await.unwrap(), 1);

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let ours: Vec<&str> = text.lines().filter(|l| l.contains("purpose=log_check")).collect();
    let id = only(&db).await.id;
    let failure = ours.iter().find(|l| l.contains("message not delivered")).expect(&text);
    for part in [format!("id={id}"), "attempt=1".into(), "HTTP 503".into(), "retry_in_secs=5".into(), "to=+48******766".into()] {
        assert!(failure.contains(&part), "{part} in {failure}");
    }
    let sent = ours.iter().find(|l| l.contains("message sent")).expect(&text);
    for part in [format!("id={id}"), "attempt=2".into(), "channel=sms".into(), "to=+48******766".into()] {
        assert!(sent.contains(&part), "{part} in {sent}");
    }
    assert!(!text.contains("975310"), "the code never reaches the log:\n{text}");
    assert!(!text.contains("+48699887766"), "nor the whole number:\n{text}");
}
