//! The load for `./scripts/bench`, from a process of its own: full sign-ins
//! against servers that run as their own processes (the release binary,
//! pinned to cores by the script), and the hashing bound of the cores this
//! process may use. Each prints one `key=value` line that the script reads.
//!
//! - `--hash-bound`: argon2id hashes/s on the shipped pool (one thread per
//!   core this process may run on: `taskset` decides), 8 hashes per thread;
//! - `--against URL[,URL…] --database URL --first N --sign-ins N
//!   --concurrency N`: N full sign-ins (password, the code read from the
//!   outbox, the portal), each by another person (`bench{first}`…, created
//!   first), spread in turn over the servers, which share the database.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, atomic::{AtomicUsize, Ordering}},
    time::Instant,
};

use ezus_server::{config::Settings, passwords::{hasher::PasswordHasher, normalise::NormalisedPassword}};

use crate::people;

pub struct Load {
    urls: Vec<String>,
    database: String,
    first: usize,
    sign_ins: usize,
    concurrency: usize,
}

pub enum Mode {
    HashBound,
    Load(Load),
}

/// The external mode the arguments ask for, if any.
pub fn mode(args: &[String]) -> Option<Mode> {
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let number = |name: &str, default: usize| value(name).map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}: not a number")));
    if args.iter().any(|a| a == "--hash-bound") {
        return Some(Mode::HashBound);
    }
    let urls = value("--against")?;
    Some(Mode::Load(Load {
        urls: urls.split(',').map(|u| u.trim_end_matches('/').to_owned()).collect(),
        database: value("--database").expect("--against needs --database URL"),
        first: number("--first", 0),
        sign_ins: number("--sign-ins", 128),
        concurrency: number("--concurrency", 8),
    }))
}

pub async fn run(mode: Mode, settings: &Settings) {
    match mode {
        Mode::HashBound => hash_bound(settings).await,
        Mode::Load(load) => sign_ins(load, settings).await,
    }
}

async fn hash_bound(settings: &Settings) {
    let mut argon2 = settings.argon2.clone();
    argon2.max_concurrent = 0;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    argon2.max_queued = 16 * threads;
    let hasher = PasswordHasher::new(&argon2).unwrap();
    let password = NormalisedPassword::new(people::PASSWORD);
    hasher.hash(&password).await.unwrap();
    let started = Instant::now();
    let jobs: Vec<_> = (0..8 * threads)
        .map(|_| {
            let (hasher, password) = (hasher.clone(), password.clone());
            tokio::spawn(async move { hasher.hash(&password).await.unwrap() })
        })
        .collect();
    for job in jobs {
        job.await.unwrap();
    }
    println!("hash_bound threads={threads} hashes_per_sec={:.2}", (8 * threads) as f64 / started.elapsed().as_secs_f64());
}

async fn sign_ins(load: Load, settings: &Settings) {
    let db = ezus_server::db::connect(&load.database, 8).await.expect("the servers' database");
    let hasher = PasswordHasher::new(&settings.argon2).unwrap();
    people::add(&db, &hasher, load.first, load.sign_ins).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(BTreeMap::<String, usize>::new()));
    let (started, cpu_before) = (Instant::now(), cpu_seconds());
    let workers: Vec<_> = (0..load.concurrency)
        .map(|_| {
            let (client, db, next, tally, urls) = (client.clone(), db.clone(), next.clone(), tally.clone(), load.urls.clone());
            let (first, total) = (load.first, load.sign_ins);
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let base = &urls[i % urls.len()];
                    let outcome = people::full_sign_in(&client, base, &db, &format!("bench{}", first + i)).await;
                    *tally.lock().unwrap().entry(outcome).or_default() += 1;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let tally = tally.lock().unwrap().clone();
    let reached = tally.get("portal").copied().unwrap_or(0);
    let others: Vec<String> = tally.iter().filter(|(k, _)| *k != "portal").map(|(k, v)| format!("{v}× {k}")).collect();
    println!(
        "sign_ins reached={reached} total={} seconds={seconds:.2} per_sec={:.2} cpu_seconds={cpu:.2} others={}",
        load.sign_ins,
        reached as f64 / seconds,
        if others.is_empty() { "none".to_owned() } else { others.join("; ").replace(' ', "_") }
    );
}

/// CPU time this process has used (user + system), from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
    ticks / 100.0 // USER_HZ: 100 on Linux
}
