//! Sign-in speed and memory, measured against a baseline in the same run.
//!
//! Starts the real server (release build, shipped argon2 parameters, a fresh
//! SQLite file) and prints:
//! - argon2id: time per hash, and hashes per second with all cores;
//! - HTTP latency (p50, p95) of `/healthz` (the baseline: the whole stack
//!   without work) and of a password sign-in — unknown login, wrong password
//!   for a real login (these two must cost the same: that is what keeps
//!   logins from being enumerated) — and of a full sign-in (the password,
//!   the code read from the outbox, on to the portal; each by another person)
//!   at 1 and at 8 concurrent clients, with the ratio to the baseline; the
//!   full sign-ins count only those that reached the portal (every answer is
//!   tallied) and are compared with the hashing bound (hashes/s, all cores);
//! - the process's peak resident memory after start-up and after the burst,
//!   which the bounded hashing concurrency keeps flat;
//! - hashing admission: a burst of 64 simultaneous sign-ins against the
//!   shipped queue (twice the pool): how many are checked, how many are
//!   refused at once with 503, how fast each kind is answered, and the
//!   right-password sign-in's latency in the middle of the burst.
//!
//! Run: `cargo bench -p server --bench sign_in` (add `-- --quick` for fewer rounds).
//! `./scripts/bench` runs it with `--hash-bound` and `--against`: the load
//! for servers in processes of their own ([`external`]).

mod external;
mod people;

use std::time::{Duration, Instant};

use ezus_server::{
    config::Settings,
    demo_data,
    passwords::{hasher::PasswordHasher, normalise::NormalisedPassword},
    startup::Application,
};
use people::{client_ip, full_sign_in, rand_suffix};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Figures {
    p50: Duration,
    p95: Duration,
    per_sec: f64,
}

async fn measure<F, Fut>(total: usize, concurrency: usize, request: F) -> Figures
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let per_task = total / concurrency;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut times = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let t = Instant::now();
                    request().await;
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    times.sort();
    Figures { p50: percentile(&times, 0.5), p95: percentile(&times, 0.95), per_sec: times.len() as f64 / elapsed.as_secs_f64() }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The shipped Leptos.toml with dev mode on (its transports are the dev
/// inbox), then production's settings where they matter.
fn shipped_settings() -> Settings {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shipped = std::fs::read_to_string(root.join("Leptos.toml")).expect("Leptos.toml");
    let mut settings = Settings::from_toml(&shipped.replace("dev_mode = false", "dev_mode = true"), "Leptos.toml").expect("Leptos.toml");
    settings.site.dev_mode = false;
    settings
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 16 } else { 64 };
    let mut settings = shipped_settings();
    if let Some(mode) = external::mode(&std::env::args().collect::<Vec<_>>()) {
        return external::run(mode, &settings).await;
    }
    let db_file = std::env::temp_dir().join(format!("ezus-bench-{}.sqlite", std::process::id()));
    settings.database.url = format!("sqlite://{}?mode=rwc", db_file.display());
    // Each simulated client comes from its own address, so the per-address
    // throttle (a defence, not the subject here) never steps in.
    // (The benchmark's loopback is its trusted proxy.)
    settings.http.trusted_proxies = Some(vec!["127.0.0.0/8".into()]);
    // The latency rows measure the work, not admission: room for all 8
    // clients. The admission row below uses the shipped queue.
    let shipped_queue = settings.argon2.max_queued;
    settings.argon2.max_queued = 64;
    settings.metrics.listen = "127.0.0.1:0".into();
    let leptos = settings.leptos.as_mut().unwrap();
    leptos.site_addr = "127.0.0.1:0".parse().unwrap();
    // No page assets here: no hash list beside the bench binary to check.
    leptos.hash_files = false;

    println!("eZUS sign-in benchmark ({} rounds; argon2id m={} KiB, t={}, p={}; {} cores)",
        rounds, settings.argon2.memory_kib, settings.argon2.iterations, settings.argon2.parallelism,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));

    // argon2id alone.
    let hasher = PasswordHasher::new(&settings.argon2).unwrap();
    let password = NormalisedPassword::new("Kowalski-Haslo-2024");
    let t = Instant::now();
    for _ in 0..8 {
        hasher.hash(&password).await.unwrap();
    }
    let one = t.elapsed() / 8;
    let t = Instant::now();
    let burst: Vec<_> = (0..16).map(|_| { let h = hasher.clone(); let p = password.clone(); tokio::spawn(async move { h.hash(&p).await.unwrap() }) }).collect();
    for b in burst {
        b.await.unwrap();
    }
    let parallel_rate = 16.0 / t.elapsed().as_secs_f64();
    println!("argon2id hash: {:.1} ms each; {:.1} hashes/s with bounded concurrency", ms(one), parallel_rate);

    let rss_before = peak_rss_kib();
    let app = Application::build(settings.clone()).await.expect("server starts");
    let base = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    let db = ezus_server::db::connect(&settings.database.url, 4).await.unwrap();
    demo_data::load(&db, &hasher, demo_data::DEMO_PEOPLE).await.unwrap();
    // Real logins for the wrong-password rows, one wrong attempt each, so the
    // per-account throttle (a defence, not the subject) never steps in.
    // The first 2 x rounds for the wrong-password rows, the next for full sign-ins.
    people::add(&db, &hasher, 0, rounds * 4).await;
    let next_known = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let next_full = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(rounds * 2));
    let rss_started = peak_rss_kib();

    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let health = {
        let (c, u) = (client.clone(), format!("{base}/healthz"));
        move || { let (c, u) = (c.clone(), u.clone()); async move { c.get(&u).send().await.unwrap().bytes().await.unwrap(); } }
    };
    // A wrong password: for `login`, or an unknown login when none.
    let sign_in = |login: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>| {
        let (c, base) = (client.clone(), base.clone());
        move || {
            let (c, base) = (c.clone(), base.clone());
            let login = match &login {
                Some(next) => format!("bench{}", next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
                None => format!("nikt{}", rand_suffix()),
            };
            async move {
                let r = c.post(format!("{base}/api/zaloguj")).header("accept", "text/html").header("origin", base.as_str())
                    .header("x-forwarded-for", client_ip())
                    .form(&[("login", login.as_str()), ("password", "Dowolne-Haslo-123")]).send().await.unwrap();
                assert_eq!(r.status(), 302);
            }
        }
    };

    // Warm up.
    measure(8, 1, health.clone()).await;
    println!("{:<34} {:>9} {:>9} {:>10} {:>12}", "request (concurrency)", "p50 ms", "p95 ms", "per s", "p50 / base");
    for concurrency in [1, 8] {
        let baseline = measure(rounds * 4, concurrency, health.clone()).await;
        let line = |name: &str, f: &Figures| {
            println!("{:<34} {:>9.2} {:>9.2} {:>10.1} {:>11.1}x", format!("{name} ({concurrency})"), ms(f.p50), ms(f.p95), f.per_sec, ms(f.p50) / ms(baseline.p50));
        };
        line("GET /healthz [baseline]", &baseline);
        let unknown = measure(rounds, concurrency, sign_in(None)).await;
        line("sign-in, unknown login", &unknown);
        let wrong = measure(rounds, concurrency, sign_in(Some(next_known.clone()))).await;
        line("sign-in, wrong password", &wrong);
        // Full sign-ins, each by another person (no limit of one person's
        // codes steps in): password, the code read from the outbox, and on
        // to the portal. Only those that reached it count.
        let tally = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::<String, usize>::new()));
        let full = {
            let (c, base, next, db, tally) = (client.clone(), base.clone(), next_full.clone(), db.clone(), tally.clone());
            measure(rounds, concurrency, move || {
                let (c, base, db, tally) = (c.clone(), base.clone(), db.clone(), tally.clone());
                let login = format!("bench{}", next.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                async move {
                    let outcome = full_sign_in(&c, &base, &db, &login).await;
                    *tally.lock().unwrap().entry(outcome).or_default() += 1;
                }
            })
            .await
        };
        let tally = tally.lock().unwrap().clone();
        let reached = tally.get("portal").copied().unwrap_or(0);
        let succeeded = full.per_sec * reached as f64 / rounds as f64;
        line("full sign-in (password, code, portal)", &full);
        println!(
            "    answers: {tally:?}; {succeeded:.1} sign-ins/s reached the portal = {:.2} x the hashing bound of {parallel_rate:.1} hashes/s (goal >= 0.9)",
            succeeded / parallel_rate
        );
    }
    let rss_after = peak_rss_kib();
    println!("peak RSS: {} MiB before start, {} MiB after start, {} MiB after the sign-in bursts", rss_before / 1024, rss_started / 1024, rss_after / 1024);
    admission_burst(&settings, shipped_queue, &hasher).await;
    let _ = std::fs::remove_file(&db_file);
}

/// 64 sign-ins at once (unknown logins, each from its own address) against
/// a second server with the shipped hashing queue, and one right-password
/// sign-in in the middle of them.
async fn admission_burst(settings: &Settings, shipped_queue: usize, hasher: &PasswordHasher) {
    let mut settings = settings.clone();
    settings.argon2.max_queued = shipped_queue;
    let db_file = std::env::temp_dir().join(format!("ezus-bench-burst-{}.sqlite", std::process::id()));
    settings.database.url = format!("sqlite://{}?mode=rwc", db_file.display());
    let app = Application::build(settings.clone()).await.expect("server starts");
    let base = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    let db = ezus_server::db::connect(&settings.database.url, 4).await.unwrap();
    demo_data::load(&db, hasher, demo_data::DEMO_PEOPLE).await.unwrap();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let attempt = |login: String, password: &'static str| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let t = Instant::now();
            let status = client
                .post(format!("{base}/api/zaloguj"))
                .header("accept", "application/json")
                .header("origin", base.as_str())
                .header("x-forwarded-for", client_ip())
                .form(&[("login", login.as_str()), ("password", password)])
                .send()
                .await
                .unwrap()
                .status();
            (status.as_u16(), t.elapsed())
        }
    };
    let started = Instant::now();
    let burst: Vec<_> = (0..64).map(|i| tokio::spawn(attempt(format!("nikt{i}"), "Dowolne-Haslo-123"))).collect();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let honest = attempt("jkowalski".into(), "Kowalski-Haslo-2024").await;
    let mut checked = Vec::new();
    let mut refused = Vec::new();
    for b in burst {
        let (status, took) = b.await.unwrap();
        match status {
            401 => checked.push(took),
            503 => refused.push(took),
            other => panic!("unexpected status {other}"),
        }
    }
    let total = started.elapsed();
    checked.sort();
    refused.sort();
    let queue = if shipped_queue == 0 { "twice the pool".to_owned() } else { shipped_queue.to_string() };
    println!("admission: 64 sign-ins at once, queue {queue}: {} checked (p50 {:.1} ms, max {:.1} ms), {} refused with 503 (p50 {:.2} ms, max {:.2} ms); all answered in {:.1} ms",
        checked.len(),
        checked.get(checked.len() / 2).map_or(0.0, |d| ms(*d)),
        checked.last().map_or(0.0, |d| ms(*d)),
        refused.len(),
        refused.get(refused.len() / 2).map_or(0.0, |d| ms(*d)),
        refused.last().map_or(0.0, |d| ms(*d)),
        ms(total));
    println!("admission: the right password during the burst: status {}, {:.1} ms", honest.0, ms(honest.1));
    let _ = std::fs::remove_file(&db_file);
}
