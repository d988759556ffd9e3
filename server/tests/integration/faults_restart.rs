//! The server is killed (SIGKILL) in the middle of a stream of sign-ins and
//! started again on the same SQLite file: no message is lost or sent twice
//! (the outbox, with real SMTP and SMS gateways started by the test), and
//! the sessions opened before the kill go on (one in the portal, one
//! waiting for its code).

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use ezus_server::{
    config::DatabaseSettings,
    db::{
        self,
        entities::{outbox, verification_code},
        now_millis,
    },
};
use reqwest::header;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    crowd::{self, CROWD_PASSWORD, Member},
    fake_gateways::{ParsedMail, SmsGateway, SmtpReceiver, reference_of},
    server_process::{ServerProcess, free_port, fresh_sqlite_file, remove_sqlite},
    support::test_settings,
};

const COOKIE: &str = "__Host-ezus_session";
/// People signing in at once while the server is killed.
const LOAD_CLIENTS: usize = 12;

struct Portal {
    client: reqwest::Client,
    base: String,
}

impl Portal {
    fn new(base: &str) -> Portal {
        let mut same_origin = header::HeaderMap::new();
        same_origin.insert(header::ORIGIN, base.parse().unwrap());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(same_origin)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Portal { client, base: base.to_owned() }
    }

    fn post(&self, path: &str, from: &str, ip: &str, session: Option<&str>, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, format!("{}{from}", self.base))
            .header("x-forwarded-for", ip)
            .form(form);
        if let Some(token) = session {
            request = request.header(header::COOKIE, format!("{COOKIE}={token}"));
        }
        request
    }
}

fn cookie_of(response: &reqwest::Response) -> Option<String> {
    crate::support::session_cookie(response, COOKIE)
}

fn location_of(response: &reqwest::Response) -> String {
    crate::support::location(response).unwrap_or_default()
}

/// The codes each recipient was sent, as the gateways received them (a
/// message delivered twice appears twice).
/// Every outbox row of `channel` reached its gateway under its own
/// reference (as `received` lists them): once, or twice if it was in
/// doubt at the kill — never under another name.
fn each_delivered_once(rows: &[outbox::Model], channel: &str, received: Vec<String>, in_doubt: &BTreeSet<i32>) {
    let mut references: BTreeMap<String, usize> = BTreeMap::new();
    for reference in received {
        *references.entry(reference).or_default() += 1;
    }
    let channel_rows: Vec<&outbox::Model> = rows.iter().filter(|m| m.channel == channel).collect();
    assert_eq!(references.len(), channel_rows.len(), "every {channel} message reached its gateway under its own reference");
    for row in channel_rows {
        let times = references.get(&reference_of(row)).copied().unwrap_or(0);
        let most = if in_doubt.contains(&row.id) { 2 } else { 1 };
        assert!((1..=most).contains(&times), "{channel} message {} delivered {times} times", row.id);
    }
}

fn delivered(smtp: &SmtpReceiver, sms: &SmsGateway) -> HashMap<String, Vec<String>> {
    let mut by_recipient: HashMap<String, Vec<String>> = HashMap::new();
    for mail in smtp.received() {
        let body = ParsedMail::parse(&mail.data).body;
        by_recipient.entry(mail.rcpt_to[0].clone()).or_default().push(crowd::code_in(&body).expect("a code in the mail"));
    }
    for request in sms.accepted() {
        let text = request.json["text"].as_str().unwrap();
        by_recipient
            .entry(request.json["to"].as_str().unwrap().to_owned())
            .or_default()
            .push(crowd::code_in(text).expect("a code in the SMS"));
    }
    by_recipient
}

async fn wait_for_code(smtp: &SmtpReceiver, sms: &SmsGateway, to: &str, nth: usize) -> String {
    let start = Instant::now();
    loop {
        if let Some(code) = delivered(smtp, sms).get(to).and_then(|codes| codes.get(nth)) {
            return code.clone();
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no code reached {to}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn unsent(db: &DatabaseConnection) -> Vec<outbox::Model> {
    outbox::Entity::find().filter(outbox::Column::SentAt.is_null()).all(db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_sigkill_under_load_no_message_is_lost_or_doubled_and_sessions_go_on() {
    // The machine's share held across the kill and the restart.
    let _share = crate::support::Shared::enter().await;
    let smtp = SmtpReceiver::start().await;
    let sms = SmsGateway::start().await;
    let (file, url) = fresh_sqlite_file("restart");
    let db = db::connect_and_migrate(&DatabaseSettings { url: url.clone(), max_connections: 2 }).await.unwrap();
    let argon2 = test_settings(&url, false).argon2;
    let people: Vec<Member> = crowd::add_people(&db, &argon2, "restart", 0, 600, |i| i % 2 == 0, false).await;

    let port = free_port();
    let env = vec![
        ("EZUS_SITE__DEV_MODE", "false".to_owned()),
        ("EZUS_ARGON2__MEMORY_KIB", "8192".to_owned()),
        ("EZUS_ARGON2__ITERATIONS", "1".to_owned()),
        ("EZUS_ARGON2__MAX_QUEUED", "64".to_owned()),
        ("EZUS_HTTP__TRUSTED_PROXIES", "127.0.0.0/8".to_owned()),
        ("EZUS_NOTIFICATIONS__EMAIL_TRANSPORT", "smtp".to_owned()),
        ("EZUS_NOTIFICATIONS__SMTP_HOST", "127.0.0.1".to_owned()),
        ("EZUS_NOTIFICATIONS__SMTP_PORT", smtp.port.to_string()),
        ("EZUS_NOTIFICATIONS__SMTP_TLS", "none".to_owned()),
        ("EZUS_NOTIFICATIONS__SMS_TRANSPORT", "http".to_owned()),
        ("EZUS_NOTIFICATIONS__SMS_GATEWAY_URL", sms.url.clone()),
        ("EZUS_NOTIFICATIONS__SMS_GATEWAY_TOKEN", "gateway-token".to_owned()),
        ("EZUS_NOTIFICATIONS__POLL_INTERVAL_MS", "20".to_owned()),
    ];
    let server = ServerProcess::start(port, &url, &env).await;
    let portal = Arc::new(Portal::new(&server.address));

    // Before the kill: A reaches the portal; B's password is accepted and
    // her code is on its way.
    let (a, b) = (&people[0], &people[1]);
    let first = portal.post("/api/zaloguj", "/logowanie", "10.9.0.1", None, &[("login", a.login.as_str()), ("password", CROWD_PASSWORD)]).send().await.unwrap();
    assert_eq!(location_of(&first), "/kod-weryfikacyjny");
    let code = wait_for_code(&smtp, &sms, &a.phone, 0).await;
    let second = portal.post("/api/potwierdz-kod", "/kod-weryfikacyjny", "10.9.0.1", cookie_of(&first).as_deref(), &[("code", &code)]).send().await.unwrap();
    assert_eq!(location_of(&second), "/portal");
    let token_a = cookie_of(&second).unwrap();
    let first_b = portal.post("/api/zaloguj", "/logowanie", "10.9.0.2", None, &[("login", b.login.as_str()), ("password", CROWD_PASSWORD)]).send().await.unwrap();
    assert_eq!(location_of(&first_b), "/kod-weryfikacyjny");
    let token_b = cookie_of(&first_b).unwrap();
    let code_b = wait_for_code(&smtp, &sms, &b.email, 0).await;

    // Load: every client signs in one person after another until the server dies.
    let answers: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let accepted: Arc<Mutex<Vec<Member>>> = Arc::default();
    let dead = Arc::new(AtomicBool::new(false));
    let others: Vec<Member> = people[2..].to_vec();
    let mut load = Vec::new();
    for client in 0..LOAD_CLIENTS {
        let mine: Vec<Member> = others.iter().skip(client).step_by(LOAD_CLIENTS).cloned().collect();
        let (portal, answers, accepted, dead) = (portal.clone(), answers.clone(), accepted.clone(), dead.clone());
        load.push(tokio::spawn(async move {
            let ip = format!("10.8.{client}.1");
            for person in mine {
                let sent = portal.post("/api/zaloguj", "/logowanie", &ip, None, &[("login", person.login.as_str()), ("password", CROWD_PASSWORD)]).send().await;
                let answer = match &sent {
                    Ok(r) => format!("{} {}", r.status().as_u16(), location_of(r)),
                    Err(_) => "no answer (killed)".to_owned(),
                };
                *answers.lock().unwrap().entry(answer).or_default() += 1;
                match sent {
                    Ok(r) if location_of(&r) == "/kod-weryfikacyjny" => accepted.lock().unwrap().push(person),
                    Ok(_) => {}
                    Err(_) => break,
                }
                if dead.load(Ordering::SeqCst) {
                    break;
                }
            }
        }));
    }
    // Killed in full flow: once 40 sign-ins were answered (or after 20 s).
    let start = Instant::now();
    while accepted.lock().unwrap().len() < 40 && start.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sent_before_kill = outbox::Entity::find().filter(outbox::Column::SentAt.is_not_null()).count(&db).await.unwrap();
    server.kill().await;
    dead.store(true, Ordering::SeqCst);
    for task in load {
        task.await.unwrap();
    }
    let answers = answers.lock().unwrap().clone();
    let accepted = accepted.lock().unwrap().clone();
    eprintln!("answers before and at the kill: {answers:?}; {sent_before_kill} messages had been sent");
    assert!(accepted.len() >= 10, "the kill came under load: {answers:?}");
    for answer in answers.keys() {
        assert!(
            answer == "302 /kod-weryfikacyjny" || answer == "no answer (killed)",
            "only sign-ins and the kill's broken connections: {answers:?}"
        );
    }
    // Messages claimed by the dead process wait for their lease to end (5
    // minutes): they may or may not have reached the gateway. Time passes.
    let in_doubt: BTreeSet<i32> = unsent(&db).await.into_iter().filter(|m| m.claimed_until.is_some()).map(|m| m.id).collect();
    db.execute_unprepared(&format!("UPDATE outbox SET claimed_until = {} WHERE sent_at IS NULL AND claimed_until IS NOT NULL", now_millis() - 1))
        .await
        .unwrap();

    let server = ServerProcess::start(port, &url, &env).await;

    // The sessions go on: A is still in the portal, B types the code she got.
    let page = portal.client.get(format!("{}/portal", server.address)).header(header::ACCEPT, "text/html")
        .header(header::COOKIE, format!("{COOKIE}={token_a}")).send().await.unwrap();
    assert_eq!(page.status(), 200, "A's session outlived the kill: {:?}", location_of(&page));
    let b_in = portal.post("/api/potwierdz-kod", "/kod-weryfikacyjny", "10.9.0.2", Some(&token_b), &[("code", &code_b)]).send().await.unwrap();
    assert_eq!(location_of(&b_in), "/portal", "B's code, sent before the kill, works after it");

    // Every message goes out.
    let start = Instant::now();
    while !unsent(&db).await.is_empty() {
        assert!(start.elapsed() < Duration::from_secs(30), "undelivered: {:?}", unsent(&db).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Each code issued has exactly one message; each message was delivered
    // exactly once — a message in doubt at the kill at most twice, and then
    // with the same reference for the gateway to drop the second.
    let codes = verification_code::Entity::find().count(&db).await.unwrap();
    let rows = outbox::Entity::find().all(&db).await.unwrap();
    assert_eq!(codes as usize, rows.len(), "one message for each code issued");
    assert!(rows.iter().all(|m| m.sent_at.is_some() && m.expired_at.is_none()));
    let sms_references = sms.accepted().iter().map(|r| r.json["reference"].as_str().unwrap().to_owned()).collect();
    each_delivered_once(&rows, "sms", sms_references, &in_doubt);
    // The same for the e-mails, by the reference in their Message-ID: a
    // doubled e-mail is the same message twice, never two messages.
    let mail_references = smtp
        .received()
        .iter()
        .map(|mail| {
            let id = ParsedMail::parse(&mail.data).header("Message-ID").expect("a Message-ID").to_owned();
            id.trim_start_matches("<ezus.").split('@').next().unwrap_or_default().to_owned()
        })
        .collect();
    each_delivered_once(&rows, "email", mail_references, &in_doubt);
    let by_recipient = delivered(&smtp, &sms);
    let mut doubled = 0;
    for row in rows.iter().filter(|m| m.channel == "email") {
        let mails = by_recipient.get(&row.recipient).map_or(0, Vec::len);
        let expected = rows.iter().filter(|m| m.recipient == row.recipient).count();
        let most = expected + rows.iter().filter(|m| m.recipient == row.recipient && in_doubt.contains(&m.id)).count();
        assert!((expected..=most).contains(&mails), "{}: {mails} e-mails for {expected} messages", row.recipient);
        doubled += mails - expected;
    }
    for person in &accepted {
        let to = if person.sms { &person.phone } else { &person.email };
        assert!(by_recipient.contains_key(to), "{} was told a code was sent, and it was", person.login);
    }
    eprintln!(
        "after the restart: {} messages, all delivered; {} in doubt at the kill; {} e-mails doubled",
        rows.len(),
        in_doubt.len(),
        doubled
    );
    server.stop().await;
    remove_sqlite(&file);
}
