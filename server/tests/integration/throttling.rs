//! Failed sign-ins slow down further attempts, per account and per address.

use std::time::Duration;

use crate::on_both_databases;
use crate::support::*;

fn kind(response: &reqwest::Response) -> String {
    let error = redirected_error(response).expect("an error");
    error.as_object().unwrap().keys().next().unwrap().clone()
}

on_both_databases! {
    an_account_slows_down_after_five_failures_even_for_the_right_password(app) {
        for _ in 0..6 {
            assert_eq!(kind(&app.sign_in("jkowalski", "zle-haslo-12345").await), "InvalidCredentials");
        }
        // The sixth failure earned a 2-second wait: now even the right password is not checked.
        let throttled = app.sign_in("jkowalski", JAN.password).await;
        assert_eq!(kind(&throttled), "Throttled");
        assert!(set_cookie_header(&throttled, app.cookie_name).is_none());
        let wait = redirected_error(&throttled).unwrap()["Throttled"]["retry_after_secs"].as_u64().unwrap();
        assert!((1..=2).contains(&wait), "{wait}");
        // Other accounts are not affected.
        app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        // It is a delay, not a lock: after it the owner gets in, and the count starts over.
        tokio::time::sleep(Duration::from_millis(2100)).await;
        app.signed_in("jkowalski", JAN.password, "/portal").await;
        assert_eq!(kind(&app.sign_in("jkowalski", "zle-haslo-12345").await), "InvalidCredentials");
    }

    unknown_logins_are_throttled_exactly_like_real_ones(app) {
        for _ in 0..6 {
            assert_eq!(kind(&app.sign_in("nieistnieje", "zle-haslo-12345").await), "InvalidCredentials");
        }
        assert_eq!(kind(&app.sign_in("nieistnieje", "zle-haslo-12345").await), "Throttled");
    }

    one_address_spraying_many_accounts_is_slowed_down(app) {
        for n in 0..31 {
            let login = format!("ofiara{n}");
            assert_eq!(kind(&app.sign_in(&login, "Haslo12345678").await), "InvalidCredentials", "{login}");
        }
        // A fresh account from the same address now waits too.
        assert_eq!(kind(&app.sign_in("jkowalski", JAN.password).await), "Throttled");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_on_one_instance_count_on_another() {
    let Some(url) = fresh_database(Backend::Postgres).await else { return };
    let a = TestApp::spawn_with(test_settings(&url, false)).await;
    let b = TestApp::spawn_with(test_settings(&url, false)).await;
    for n in 0..6 {
        let app = if n % 2 == 0 { &a } else { &b };
        assert_eq!(kind(&app.sign_in("jkowalski", "zle-haslo-12345").await), "InvalidCredentials");
    }
    assert_eq!(kind(&a.sign_in("jkowalski", JAN.password).await), "Throttled");
    assert_eq!(kind(&b.sign_in("jkowalski", JAN.password).await), "Throttled");
}

/// 20 wrong passwords for one login at once, half through each of two
/// instances sharing the database: the attempt is reserved before the
/// password is checked, so at most the free allowance (5) plus one are
/// checked and every other one is refused as throttled.
async fn a_burst_gets_at_most_the_free_allowance_plus_one_checks(backend: Backend) {
    let Some(url) = fresh_database(backend).await else { return };
    let a = TestApp::spawn_with(test_settings(&url, false)).await;
    let b = TestApp::spawn_with(test_settings(&url, false)).await;
    let guesses = (0..20).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        async move {
            app.client
                .post(app.url("/api/zaloguj"))
                .header("accept", "application/json")
                .form(&[("login", "jkowalski"), ("password", &format!("zle-haslo-{i:05}"))])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == reqwest::StatusCode::UNAUTHORIZED).count();
    let throttled = statuses.iter().filter(|s| **s == reqwest::StatusCode::TOO_MANY_REQUESTS).count();
    eprintln!("burst of 20 on {backend:?}: {checked} checked, {throttled} throttled");
    assert_eq!(checked + throttled, 20, "{statuses:?}");
    assert!((1..=6).contains(&checked), "{checked} passwords checked: {statuses:?}");
    // And the right password waits too.
    assert_eq!(a.sign_in("jkowalski", JAN.password).await.status(), reqwest::StatusCode::FOUND);
    assert_eq!(kind(&b.sign_in("jkowalski", JAN.password).await), "Throttled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_parallel_guesses_is_throttled_on_sqlite() {
    a_burst_gets_at_most_the_free_allowance_plus_one_checks(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_parallel_guesses_is_throttled_on_postgres() {
    a_burst_gets_at_most_the_free_allowance_plus_one_checks(Backend::Postgres).await;
}

/// Behind a trusted proxy (here: loopback), each client counts under the
/// address the proxy appended — the right-most untrusted one — so a
/// client cannot escape its count by writing addresses of its own, and one
/// sprayer does not throttle everyone else behind the same proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_counts_under_its_own_address() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, false);
    settings.http.trusted_proxies = Some(vec!["127.0.0.0/8".into()]);
    let app = TestApp::spawn_with(settings).await;
    let attempt = |forwarded: String, login: String, password: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/zaloguj"))
                .header("accept", "application/json")
                .header("x-forwarded-for", forwarded)
                .form(&[("login", login.as_str()), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // The sprayer forges a new left part each time; the proxy appends its real address.
    for n in 0..31 {
        let status = attempt(format!("10.9.{n}.1, 198.51.100.7"), format!("ofiara{n}"), "Haslo12345678").await;
        assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let sprayer = attempt("203.0.113.1, 198.51.100.7".into(), "jkowalski".into(), "Kowalski-Haslo-2024").await;
    assert_eq!(sprayer, reqwest::StatusCode::TOO_MANY_REQUESTS, "still counted under 198.51.100.7");
    // Refused at its address, an attempt is not counted against the account
    // either: the blocked sprayer cannot slow the owner down (10 > 5 free).
    for n in 0..10 {
        let refused = attempt("203.0.113.1, 198.51.100.7".into(), "jkowalski".into(), "zle-haslo-12345").await;
        assert_eq!(refused, reqwest::StatusCode::TOO_MANY_REQUESTS, "refused attempt {n}");
    }
    // Someone else behind the same proxy signs in normally.
    let other = attempt("192.0.2.44".into(), "jkowalski".into(), "Kowalski-Haslo-2024").await;
    assert_eq!(other, reqwest::StatusCode::OK);
}

/// A burst beyond what the hashing pool admits is refused at once with 503
/// and Retry-After, and the form keeps the login; refused attempts are not
/// counted against anybody.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_beyond_the_hashing_queue_is_refused_at_once() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, false);
    (settings.argon2.max_concurrent, settings.argon2.max_queued, settings.argon2.iterations) = (1, 2, 40);
    let app = TestApp::spawn_with(settings).await;
    let guesses = (0..12).map(|i| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/zaloguj"))
                .header("accept", "application/json")
                .form(&[("login", format!("ktos{i}").as_str()), ("password", "zle-haslo-12345")])
                .send()
                .await
                .unwrap()
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let overloaded: Vec<_> = answers.iter().filter(|r| r.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE).collect();
    let checked = answers.iter().filter(|r| r.status() == reqwest::StatusCode::UNAUTHORIZED).count();
    eprintln!("burst of 12 against a queue of 2: {checked} checked, {} refused at once", overloaded.len());
    assert!(!overloaded.is_empty() && checked >= 2, "{:?}", answers.iter().map(|r| r.status()).collect::<Vec<_>>());
    assert_eq!(checked + overloaded.len(), 12);
    for r in &overloaded {
        assert_eq!(r.headers()["retry-after"], "5");
    }
    // Without JavaScript the form comes back with the message and the login.
    let burst = (0..12).map(|i| {
        let app = &app;
        async move { (i, app.sign_in(&format!("osoba{i}"), "zle-haslo-12345").await) }
    });
    let answers = futures_util::future::join_all(burst).await;
    let refused: Vec<_> = answers
        .iter()
        .filter_map(|(i, r)| redirected_error(r).filter(|e| e.get("Overloaded").is_some()).map(|e| (i, e)))
        .collect();
    assert!(!refused.is_empty(), "some form posts refused for overload");
    for (i, error) in refused {
        assert_eq!(error["Overloaded"]["login"], format!("osoba{i}"));
    }
}
