//! The soak: 200 virtual people at once go through the whole journey —
//! the sign-in page, the password, the code (read from the outbox, the
//! store the dev inbox shows), "Wybierz konto", "Wybierz rolę", the portal —
//! again and again for 60 s, against the real server binary (its own
//! process, shipped argon2 cost, a SQLite file) on loopback. Every answer
//! is tallied by step and status; the only refusals allowed are the
//! designed ones (503 + Retry-After from the hashing admission, 429 from a
//! throttle), after which the person waits as told and tries again. Any
//! other answer, or none, fails the test.
//!
//! `EZUS_SOAK_SECS` (default 60) and `EZUS_SOAK_USERS` (default 200) change
//! the run; the figures (journeys/s, p50/p99 of each step, the statuses)
//! are printed — `cargo test -p server --test integration soak -- --nocapture`
//! shows them — and recorded in docs/benchmarks.md.

use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ezus_server::db::entities::outbox;
use reqwest::header;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    crowd::{self, CROWD_PASSWORD, Member},
    server_process::{ServerProcess, free_port, fresh_sqlite_file, remove_sqlite},
};

const COOKIE: &str = "ezus_session";
/// A person's next sign-in no sooner than this after the last one (the
/// 30-second wait between codes), and at most this many in the run (5 an hour).
const REUSE_AFTER: Duration = Duration::from_secs(31);
const MAX_USES: u32 = 5;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The people waiting for their next journey, the first free one first.
struct Queue {
    ready: VecDeque<(Instant, u32, Member)>,
}

impl Queue {
    fn take(&mut self) -> Option<(u32, Member)> {
        let (at, _, _) = self.ready.front()?;
        if *at > Instant::now() {
            return None;
        }
        self.ready.pop_front().map(|(_, uses, m)| (uses, m))
    }

    fn put_back(&mut self, uses: u32, member: Member) {
        if uses < MAX_USES {
            self.ready.push_back((Instant::now() + REUSE_AFTER, uses, member));
        }
    }
}

#[derive(Default)]
struct Tally {
    /// `step status` → how many.
    answers: BTreeMap<String, u64>,
    /// Step → latencies of its answers.
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    /// Unexpected answers (step, what), at most a few kept.
    errors: Vec<String>,
    error_count: u64,
    journeys: u64,
    waits_for_a_person: u64,
}

struct Step<'a> {
    name: &'static str,
    request: reqwest::RequestBuilder,
    /// The status and the `Location` (for a redirect) that mean it worked.
    expect: (u16, Option<&'a str>),
}

/// How one step ended.
enum Outcome {
    Done(reqwest::Response),
    /// A designed refusal: wait this long, then the same step again.
    Retry(Duration),
    Failed,
}

async fn run_step(tally: &Mutex<Tally>, step: Step<'_>) -> Outcome {
    let started = Instant::now();
    let sent = step.request.send().await;
    let took = started.elapsed();
    let mut t = tally.lock().unwrap();
    let response = match sent {
        Ok(response) => response,
        Err(e) => {
            t.error_count += 1;
            t.errors.push(format!("{}: no answer: {e}", step.name));
            return Outcome::Failed;
        }
    };
    let status = response.status().as_u16();
    t.latencies.entry(step.name).or_default().push(took);
    let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let retry_after = response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    // Without JavaScript a refusal is the redirect back to the form, with
    // the error in `__err`: tallied under its kind.
    let refusal = location.as_deref().and_then(refusal_in);
    let kind = refusal.as_deref().map(|k| format!(" {k}")).unwrap_or_default();
    *t.answers.entry(format!("{} {status}{kind}", step.name)).or_default() += 1;
    match (status, step.expect) {
        (s, (want, place)) if s == want && location.as_deref() == place => Outcome::Done(response),
        // The designed answers: the hashing queue is full ("Overloaded",
        // 503 to a script) or a throttle asks to wait ("Throttled", 429),
        // each with Retry-After.
        (302, _) if matches!(refusal.as_deref(), Some("Overloaded" | "Throttled")) && retry_after.is_some() => {
            Outcome::Retry(Duration::from_secs(retry_after.unwrap_or(1)))
        }
        _ => {
            t.error_count += 1;
            if t.errors.len() < 10 {
                t.errors.push(format!("{}: {status} {location:?}", step.name));
            }
            Outcome::Failed
        }
    }
}

async fn step(tally: &Mutex<Tally>, make: impl Fn() -> Step<'static>) -> Option<reqwest::Response> {
    loop {
        match run_step(tally, make()).await {
            Outcome::Done(response) => return Some(response),
            Outcome::Retry(wait) => tokio::time::sleep(wait).await,
            Outcome::Failed => return None,
        }
    }
}

/// The kind of error a no-JS redirect carries (`Overloaded`, `Unavailable`…).
fn refusal_in(location: &str) -> Option<String> {
    use base64::{Engine, engine::general_purpose::URL_SAFE};
    let url = reqwest::Url::parse(location).ok()?;
    let (_, err) = url.query_pairs().find(|(k, _)| k == "__err")?;
    let error: serde_json::Value = serde_json::from_slice(&URL_SAFE.decode(err.as_bytes()).ok()?).ok()?;
    match error {
        serde_json::Value::Object(map) => map.keys().next().cloned(),
        serde_json::Value::String(kind) => Some(kind),
        _ => None,
    }
}

fn session_of(response: &reqwest::Response) -> Option<String> {
    crate::support::session_cookie(response, COOKIE)
}

async fn newest_code(db: &DatabaseConnection, email: &str) -> Option<String> {
    let message = outbox::Entity::find()
        .filter(outbox::Column::Recipient.eq(email))
        .filter(outbox::Column::Purpose.eq("sign_in_code"))
        .order_by_desc(outbox::Column::Id)
        .one(db)
        .await
        .ok()??;
    crowd::code_in(&message.body)
}

/// One person's whole journey; true when they reached the portal.
async fn journey(client: &reqwest::Client, base: &str, ip: &str, db: &DatabaseConnection, who: &Member, tally: &Mutex<Tally>) -> bool {
    let page = |name: &'static str, path: &str, session: Option<&str>| {
        let mut request = client.get(format!("{base}{path}")).header(header::ACCEPT, "text/html").header("x-forwarded-for", ip);
        if let Some(token) = session {
            request = request.header(header::COOKIE, format!("{COOKIE}={token}"));
        }
        Step { name, request, expect: (200, None) }
    };
    let form = |name: &'static str, endpoint: &str, from: &str, session: Option<&str>, fields: Vec<(&'static str, String)>, to: &'static str| {
        let mut request = client
            .post(format!("{base}{endpoint}"))
            .header(header::ACCEPT, "text/html")
            .header(header::ORIGIN, base)
            .header(header::REFERER, format!("{base}{from}"))
            .header("x-forwarded-for", ip)
            .form(&fields);
        if let Some(token) = session {
            request = request.header(header::COOKIE, format!("{COOKIE}={token}"));
        }
        Step { name, request, expect: (302, Some(to)) }
    };
    if step(tally, || page("GET /logowanie", "/logowanie", None)).await.is_none() {
        return false;
    }
    let credentials = vec![("login", who.login.clone()), ("password", CROWD_PASSWORD.to_owned())];
    let Some(signed) = step(tally, || form("POST password", "/api/zaloguj", "/logowanie", None, credentials.clone(), "/kod-weryfikacyjny")).await else {
        return false;
    };
    let Some(token) = session_of(&signed) else { return false };
    if step(tally, || page("GET /kod-weryfikacyjny", "/kod-weryfikacyjny", Some(&token))).await.is_none() {
        return false;
    }
    let Some(code) = newest_code(db, &who.email).await else {
        let mut t = tally.lock().unwrap();
        t.error_count += 1;
        t.errors.push(format!("{}: no code in the outbox", who.login));
        return false;
    };
    let fields = vec![("code", code)];
    let Some(confirmed) = step(tally, || form("POST code", "/api/potwierdz-kod", "/kod-weryfikacyjny", Some(&token), fields.clone(), "/wybierz-konto")).await else {
        return false;
    };
    let Some(token) = session_of(&confirmed) else { return false };
    let steps: [ChoiceStep; 2] = [
        ("GET /wybierz-konto", "/wybierz-konto", "POST account", "/api/wybierz-konto", ("account", "individual"), "/wybierz-role"),
        ("GET /wybierz-role", "/wybierz-role", "POST role", "/api/wybierz-role", ("role", "ubezpieczony"), "/portal"),
    ];
    for (get_name, path, post_name, endpoint, (field, value), next) in steps {
        if step(tally, || page(get_name, path, Some(&token))).await.is_none() {
            return false;
        }
        let fields = vec![(field, value.to_owned())];
        if step(tally, || form(post_name, endpoint, path, Some(&token), fields.clone(), next)).await.is_none() {
            return false;
        }
    }
    step(tally, || page("GET /portal", "/portal", Some(&token))).await.is_some()
}

/// A choice page and its form: (page step, path, form step, endpoint, (field, value), where it leads).
type ChoiceStep = (&'static str, &'static str, &'static str, &'static str, (&'static str, &'static str), &'static str);

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_200_people_through_the_whole_journey_with_no_error() {
    // Alone on the machine: no other test's server runs meanwhile.
    let _alone = crate::support::Exclusive::enter().await;
    let seconds = env_or("EZUS_SOAK_SECS", 60);
    let users = env_or("EZUS_SOAK_USERS", 200) as usize;
    let (file, url) = fresh_sqlite_file("soak");
    let db = ezus_server::db::connect_and_migrate(&ezus_server::config::DatabaseSettings { url: url.clone(), max_connections: 4 })
        .await
        .unwrap();
    // The shipped argon2 cost (the server runs with it too).
    let shipped = std::fs::read_to_string(crate::server_process::repo_root().join("Leptos.toml")).unwrap();
    let argon2 = ezus_server::config::Settings::from_toml(&shipped.replace("dev_mode = false", "dev_mode = true"), "Leptos.toml")
        .unwrap()
        .argon2;
    // Enough people that nobody needs a code sooner than 30 s after the last.
    let people = crowd::add_people(&db, &argon2, "soak", 1, users * 12, |_| false, true).await;
    let server = ServerProcess::start_alone(
        free_port(),
        &url,
        &[("EZUS_SITE__DEV_MODE", "true".into()), ("EZUS_HTTP__TRUSTED_PROXIES", "127.0.0.0/8".into())],
    )
    .await;
    let base = server.address.clone();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(users)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let queue = Arc::new(Mutex::new(Queue { ready: people.into_iter().map(|m| (Instant::now(), 0, m)).collect() }));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let end = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for user in 0..users {
        let (client, base, db, queue, tally) = (client.clone(), base.clone(), db.clone(), queue.clone(), tally.clone());
        // Each virtual person from an address of their own (behind the
        // trusted proxy on loopback), as real people are.
        let ip = format!("10.77.{}.{}", user / 250, user % 250 + 1);
        tasks.push(tokio::spawn(async move {
            while Instant::now() < end {
                let taken = queue.lock().unwrap().take();
                let Some((uses, who)) = taken else {
                    tally.lock().unwrap().waits_for_a_person += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                };
                let reached = journey(&client, &base, &ip, &db, &who, &tally).await;
                if reached {
                    tally.lock().unwrap().journeys += 1;
                }
                queue.lock().unwrap().put_back(uses + 1, who);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut t = std::mem::take(&mut *tally.lock().unwrap());
    println!("soak: {users} virtual people for {elapsed:.1} s against the server binary (debug build unless built otherwise)");
    println!("  journeys reaching the portal: {} = {:.1} journeys/s", t.journeys, t.journeys as f64 / elapsed);
    println!("  {:<24} {:>8} {:>10} {:>10}", "step", "answers", "p50 ms", "p99 ms");
    for (name, latencies) in &mut t.latencies {
        latencies.sort();
        println!("  {:<24} {:>8} {:>10.1} {:>10.1}", name, latencies.len(), percentile(latencies, 0.5), percentile(latencies, 0.99));
    }
    println!("  statuses: {:?}", t.answers);
    println!("  unexpected: {} {:?}; waits for a free person: {}", t.error_count, t.errors, t.waits_for_a_person);
    assert_eq!(t.error_count, 0, "no answer other than the designed ones: {:?}\n{}", t.errors, server.log_text());
    assert!(t.journeys > 0, "people reached the portal");
    server.stop().await;
    remove_sqlite(&file);
}
