//! User enumeration, by message and by timing: a stranger cannot tell
//! whether a login, PESEL, e-mail address or phone number belongs to a
//! profile — not from the words, status, address or headers of the answer,
//! nor from how long it takes. The timing tests take many pairs of samples,
//! one of each kind back to back in a random order, and compare them with a
//! signed-rank test (`stats.rs`); run on SQLite only (the protections — the dummy hash, the
//! answer floor — are in code every database shares, and timing tests on
//! both would double the slowest tests of the suite).
//!
//! Break-checked: verifying no hash for an unknown login
//! (`passwords/hasher.rs`), and each of the three
//! `answer_no_sooner_than(started, ANSWER_FLOOR)` removed, each fail the
//! test that names it.

use std::time::Instant;

use reqwest::{StatusCode, header};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::stats::{self, Comparison};
use super::{Answer, assert_all_same};
use crate::on_both_databases;
use crate::profile::{code_in, newest};
use crate::support::*;

/// Pairs of samples in the sign-in test (each an argon2 hash at the shipped cost).
const SIGN_IN_SAMPLES: usize = 40;
/// Pairs of samples in the recovery forms' tests (each ≥ 300 ms, the floor).
const FLOOR_SAMPLES: usize = 40;
/// Pairs in the registration's test (a form and a code each).
const REGISTRATION_SAMPLES: usize = 20;
/// Where the sign-in's two kinds count as told apart. Its samples are
/// noisy (a hash each, on a shared machine), so only a strong result counts.
const P_SIGN_IN: f64 = 1e-4;
/// The same for answers held to the floor: with it, both kinds answer at
/// 300 ms to within the timer's 1 ms, so a shift of 1 ms (also required)
/// never comes by chance, and a weaker p may count.
const P_FLOOR: f64 = 1e-2;
/// Not counted: the first requests warm up connections and caches.
const WARM_UP: usize = 2;
const PASSWORD: &str = "sosna jezioro latarnia 9";

/// Takes `n` pairs of samples, one of kind A (`true`) and one of kind B
/// back to back in a random order (after [`WARM_UP`] pairs, not counted);
/// `sample(kind, i)` answers in ms.
async fn sample_pairs(n: usize, mut sample: impl AsyncFnMut(bool, usize) -> f64) -> Vec<(f64, f64)> {
    let mut pairs = Vec::new();
    for i in 0..WARM_UP + n {
        let a_first = stats::coin();
        let first = sample(a_first, 2 * i).await;
        let second = sample(!a_first, 2 * i + 1).await;
        if i >= WARM_UP {
            pairs.push(if a_first { (first, second) } else { (second, first) });
        }
    }
    pairs
}

fn assert_indistinguishable(what: &str, comparison: Comparison, p_threshold: f64) {
    eprintln!(
        "timing {what}: median {:.2} ms vs {:.2} ms, shift {:+.2} ms, signed-rank p = {:.2e}",
        comparison.median_a_ms, comparison.median_b_ms, comparison.shift_ms, comparison.p
    );
    assert!(!comparison.distinguishable(p_threshold), "{what}: the two kinds can be told apart by time: {comparison:?}");
}

/// The counts a burst of samples would trip: the throttles (per login,
/// PESEL and address) and the send limits. Each sample starts clean, so
/// every one goes the whole way, as a stranger's first try would.
async fn forget_recent_attempts(db: &DatabaseConnection) {
    for table in ["sign_in_throttle", "send_locks", "verification_codes", "outbox"] {
        db.execute_unprepared(&format!("DELETE FROM {table}")).await.unwrap();
    }
}

/// A server for timing. Its SQLite file is in memory (`/dev/shm`, where a
/// commit's fsync costs nothing), so the disk's noise does not drown a
/// difference of a few milliseconds; with `production_hashing`, argon2 at
/// the shipped cost (the tests otherwise use a cheaper one).
async fn timing_app(production_hashing: bool) -> TestApp {
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).unwrap();
    let file = dir.join(format!("ezus-timing-{}.sqlite", u64::from_le_bytes(suffix)));
    let mut settings = test_settings(&format!("sqlite://{}?mode=rwc", file.display()), false);
    if production_hashing {
        let shipped = ezus_server::config::Settings::from_toml(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")).unwrap().replace("dev_mode = false", "dev_mode = true"),
            "Leptos.toml",
        )
        .unwrap();
        (settings.argon2.memory_kib, settings.argon2.iterations) = (shipped.argon2.memory_kib, shipped.argon2.iterations);
    }
    TestApp::spawn_with(settings).await
}

fn ms_since(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

/// A valid PESEL of someone born 1.01.1990 that no test person has.
pub fn fresh_pesel(serial: usize) -> String {
    let first = format!("900101{:04}", 1000 + serial % 9000);
    let digits: Vec<u32> = first.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = digits.iter().zip([1, 3, 7, 9, 1, 3, 7, 9, 1, 3]).map(|(d, w)| d * w).sum();
    format!("{first}{}", (10 - sum % 10) % 10)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_unknown_login_and_wrong_password_take_the_same_time() {
    let app = timing_app(true).await;
    let db = app.db().await;
    let mut answers = Vec::new();
    let pairs = sample_pairs(SIGN_IN_SAMPLES, async |known, i| {
        forget_recent_attempts(&db).await;
        let login = if known { "jkowalski".to_owned() } else { format!("nieznany{i}") };
        let password = format!("Zle-Haslo-{i:05}");
        let started = Instant::now();
        let response = app
            .client
            .post(app.url("/api/zaloguj"))
            .header(header::ACCEPT, "application/json")
            .form(&[("login", login.as_str()), ("password", &password)])
            .send()
            .await
            .unwrap();
        let answer = Answer::of(response, &[(login.as_str(), "LOGIN")]).await;
        let ms = ms_since(started);
        answers.push(answer);
        ms
    })
    .await;
    assert_eq!(answers[0].status, StatusCode::UNAUTHORIZED, "{:?}", answers[0]);
    assert_all_same("sign-in", &answers);
    assert_indistinguishable("sign-in, wrong password vs unknown login", stats::compare(&pairs), P_SIGN_IN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgotten_password_for_a_profile_and_for_nobody_take_the_same_time() {
    let app = timing_app(false).await;
    let db = app.db().await;
    let mut answers = Vec::new();
    let pairs = sample_pairs(FLOOR_SAMPLES, async |real, i| {
        forget_recent_attempts(&db).await;
        // Nobody: another's PESEL with a real login, or a login no one has.
        let login = match (real, i % 2) {
            (true, _) => "jkowalski".to_owned(),
            (false, 0) => "anowak".to_owned(),
            (false, _) => format!("nikt{i}"),
        };
        let started = Instant::now();
        let response = app.post_form("/api/odzyskaj-haslo", "/nie-pamietam-hasla", &[("login", login.as_str()), ("pesel", JAN.pesel)], None).await;
        let ms = ms_since(started);
        answers.push(Answer::of(response, &[]).await);
        ms
    })
    .await;
    assert_eq!(answers[0].location.as_deref(), Some("/nie-pamietam-hasla/kod"));
    assert_all_same("the answer", &answers);
    assert_indistinguishable("forgotten password, a profile vs nobody", stats::compare(&pairs), P_FLOOR);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgotten_login_for_a_profile_and_for_nobody_take_the_same_time() {
    let app = timing_app(false).await;
    let db = app.db().await;
    let mut answers = Vec::new();
    let pairs = sample_pairs(FLOOR_SAMPLES, async |real, i| {
        forget_recent_attempts(&db).await;
        let (pesel, contact) = match (real, i % 2) {
            (true, 0) => (JAN.pesel.to_owned(), JAN.email),
            (true, _) => (JAN.pesel.to_owned(), "600 100 200"),
            (false, 0) => (fresh_pesel(i), JAN.email),
            (false, _) => (JAN.pesel.to_owned(), "obcy@example.pl"),
        };
        let started = Instant::now();
        let response = app.post_form("/api/przypomnij-login", "/nie-pamietam-loginu", &[("pesel", pesel.as_str()), ("contact", contact)], None).await;
        let ms = ms_since(started);
        answers.push(Answer::of(response, &[]).await);
        ms
    })
    .await;
    assert_eq!(answers[0].location.as_deref(), Some("/nie-pamietam-loginu?wyslano=1"));
    assert_all_same("the answer", &answers);
    assert_indistinguishable("forgotten login, a profile vs nobody", stats::compare(&pairs), P_FLOOR);
}

/// A registration with Jan's PESEL, e-mail, phone and login, and one with
/// data nobody has: the form, the code and the last page answer alike, in
/// the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_with_taken_and_free_data_takes_the_same_time() {
    let app = timing_app(false).await;
    let db = app.db().await;
    let cookie = app.cookie_name.replace("session", "registration");
    let (mut forms, mut codes, mut pages) = (Vec::new(), Vec::new(), Vec::new());
    let mut form_ms: Vec<(usize, bool, f64)> = Vec::new();
    let pairs = sample_pairs(REGISTRATION_SAMPLES, async |taken, i| {
        forget_recent_attempts(&db).await;
        let (pesel, email, phone, login) = if taken {
            (JAN.pesel.to_owned(), JAN.email.to_owned(), "600 100 200".to_owned(), "jkowalski".to_owned())
        } else {
            (fresh_pesel(i), format!("jan.nowy{i}@example.pl"), format!("600 700 {:03}", i % 1000), format!("nowy{i}"))
        };
        let fields = [
            ("kind", "individual"), ("first_name", "Jan"), ("last_name", "Nowy"), ("pesel", pesel.as_str()), ("email", email.as_str()),
            ("phone", phone.as_str()), ("channel", "email"), ("login", login.as_str()), ("new_password", PASSWORD), ("repeated", PASSWORD),
        ];
        let started = Instant::now();
        let response = app.post_form("/api/zarejestruj", "/rejestracja", &fields, None).await;
        let took_form = ms_since(started);
        let token = session_cookie(&response, &cookie).expect("a registration cookie");
        forms.push(Answer::of(response, &[]).await);
        form_ms.push((i, taken, took_form));
        let code = code_in(&newest(&app, "registration_code").await);
        let with_cookie = format!("{cookie}={token}");
        let started = Instant::now();
        let response = app.client.post(app.url("/api/rejestracja-potwierdz")).header(header::ACCEPT, "text/html")
            .header(header::REFERER, app.url("/rejestracja/kod")).header(header::COOKIE, &with_cookie)
            .form(&[("code", code.as_str())]).send().await.unwrap();
        let took_code = ms_since(started);
        codes.push(Answer::of(response, &[]).await);
        let done = app.client.get(app.url("/rejestracja/gotowe")).header(header::COOKIE, &with_cookie).send().await.unwrap();
        pages.push(Answer::of(done, &[]).await);
        took_code
    })
    .await;
    for (step, answers) in [("the form", &forms), ("the code", &codes), ("the last page", &pages)] {
        assert_all_same(step, answers);
    }
    assert_eq!(codes[0].location.as_deref(), Some("/rejestracja/gotowe"));
    assert!(pages[0].body.contains("Profil założony"));
    // The forms of each pair of samples (2p and 2p + 1), warm-up left out.
    let form_pairs: Vec<(f64, f64)> = form_ms
        .chunks(2)
        .skip(WARM_UP)
        .map(|pair| if pair[0].1 { (pair[0].2, pair[1].2) } else { (pair[1].2, pair[0].2) })
        .collect();
    assert_indistinguishable("registration form, taken vs free data", stats::compare(&form_pairs), P_SIGN_IN);
    assert_indistinguishable("registration code, taken vs free data", stats::compare(&pairs), P_FLOOR);
}

on_both_databases! {
    unknown_login_and_wrong_password_look_the_same_to_the_letter(app) {
        // Without JavaScript: the address the form is sent back to, and the page there.
        let mut seen = Vec::new();
        for login in ["jkowalski", "nieznany1", "ktos.inny"] {
            let response = app.sign_in(login, "Zle-Haslo-2024x").await;
            let back = location(&response).expect("back to the form");
            let back = back.strip_prefix(&app.address).unwrap_or(&back).to_owned();
            let error = redirected_error(&response).unwrap().to_string();
            let page = Answer::of(app.get(&back, None).await, &[(login, "LOGIN")]).await;
            let first = Answer::of(response, &[]).await;
            seen.push((first.status, first.headers.clone(), error.replace(&serde_json::to_string(login).unwrap(), "\"LOGIN\""), page));
        }
        assert_eq!(seen[0].0, StatusCode::FOUND);
        assert!(seen[0].3.body.contains("Nieprawidłowy login lub hasło."));
        assert!(seen.iter().all(|s| *s == seen[0]), "{seen:#?}");
    }
}
