//! Passwords across the portal: Unicode normalisation at sign-in, in the
//! profile and at the change; breached passwords (the built-in list and the
//! optional range API).

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, password_hash::SaltString};
use ezus_server::db::entities::person;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use unicode_normalization::UnicodeNormalization;

use crate::fake_gateways::{FakeRangeApi, sha1_hex};
use crate::on_both_databases;
use crate::support::*;

const GOOD: &str = "rower deszcz latarnia 7";
/// On the built-in list (SecLists' top 1,000,000), yet zxcvbn scores it 3+:
/// only the list refuses it.
const BREACHED_LOCALLY: &str = "medalofhonor";
const NFC: &str = "Zażółć-Gęślą-Jaźń";

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

async fn change(app: &TestApp, token: &str, new: &str, repeated: &str) -> reqwest::Response {
    app.post_form("/api/zmien-haslo", "/zmiana-hasla", &[("new_password", new), ("repeated", repeated)], Some(token))
        .await
}

fn rejected(response: &reqwest::Response) -> String {
    let error = redirected_error(response).expect("an error in the URL");
    error["Rejected"].as_str().unwrap_or_else(|| panic!("{error}")).to_owned()
}

async fn stored_hash(app: &TestApp, login: &str) -> String {
    person::Entity::find().filter(person::Column::Login.eq(login)).one(&app.db().await).await.unwrap().unwrap().password_hash
}

/// A hash as the portal made them before passwords were normalised: of the
/// bytes as typed, with the parameters the test server uses (so only the
/// form, not the parameters, can call for a rehash).
fn hash_as_typed(password: &str) -> String {
    let params = Params::new(8192, 1, 1, None).unwrap();
    let salt = SaltString::encode_b64(b"sixteen byte sal").unwrap();
    Argon2::new(Algorithm::Argon2id, argon2::Version::V0x13, params).hash_password(password.as_bytes(), &salt).unwrap().to_string()
}

async fn set_hash(app: &TestApp, login: &str, hash: &str) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let db = app.db().await;
    let mut person = person::Entity::find().filter(person::Column::Login.eq(login)).one(&db).await.unwrap().unwrap().into_active_model();
    person.password_hash = Set(hash.to_owned());
    person.update(&db).await.unwrap();
}

/// The production settings with the range API at `url` answering within `timeout_ms`.
async fn spawn_with_range_api(url: &str, timeout_ms: u64) -> TestApp {
    let database = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&database, false);
    settings.breached_passwords.range_api_url = url.to_owned();
    settings.breached_passwords.timeout_ms = timeout_ms;
    TestApp::spawn_with(settings).await
}

on_both_databases! {
    a_password_set_in_nfc_signs_in_when_typed_in_nfd(app) {
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        // The repeat typed decomposed is the same password.
        let response = change(&app, &token, NFC, &nfd(NFC)).await;
        assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"), "{:?}", redirected_error(&response));
        assert_ne!(nfd(NFC), NFC);
        app.signed_in("anowak", &nfd(NFC), "/portal").await;
        app.signed_in("anowak", NFC, "/portal").await;
        let wrong = app.sign_in("anowak", "Zazolc-Gesla-Jazn").await;
        assert!(redirected_error(&wrong).unwrap().get("InvalidCredentials").is_some());
    }

    a_legacy_hash_of_a_raw_password_still_signs_in_and_is_rehashed_normalised(app) {
        // "ﬁ" (a ligature) and "Ｋ" (full width) typed before normalisation: NFKC makes them "fi" and "K".
        let typed = "ﬁrma-Ｋowalski-2019";
        let legacy = hash_as_typed(typed);
        set_hash(&app, "jkowalski", &legacy).await;
        app.signed_in("jkowalski", typed, "/portal").await;
        let rehashed = stored_hash(&app, "jkowalski").await;
        assert_ne!(rehashed, legacy, "the hash was replaced at the sign-in");
        assert_eq!(rehashed.split('$').nth(3), legacy.split('$').nth(3), "same argon2 parameters: the form made the rehash");
        // The normalised form now signs in (it did not against the legacy hash), and so does the form as typed.
        app.signed_in("jkowalski", "firma-Kowalski-2019", "/portal").await;
        app.signed_in("jkowalski", typed, "/portal").await;
        assert_eq!(stored_hash(&app, "jkowalski").await, rehashed, "rehashed once");
    }

    the_profile_takes_the_current_password_in_any_unicode_form(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        // Jan's password becomes NFC "Zażółć-Gęślą-Jaźń" (as the portal hashes it now).
        set_hash(&app, "jkowalski", &hash_as_typed(NFC)).await;
        let response = app
            .post_form(
                "/api/zmien-kontakt",
                "/profil",
                &[("email", JAN.email), ("phone", "700 800 900"), ("channel", "sms"), ("current_password", &nfd(NFC))],
                Some(&token),
            )
            .await;
        assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz"), "{:?}", redirected_error(&response));
    }

    a_breached_password_that_zxcvbn_passes_is_refused_by_the_list(app) {
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        for typed in [BREACHED_LOCALLY, "MedalOfHonor"] {
            assert_eq!(rejected(&change(&app, &token, typed, typed).await), "Breached", "{typed}");
        }
        let assessed: serde_json::Value = app
            .client
            .post(app.url("/api/ocen-haslo"))
            .header("accept", "application/json")
            .header("cookie", format!("{}={token}", app.cookie_name))
            .form(&[("new_password", BREACHED_LOCALLY)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(assessed["problem"], "Breached");
        assert!(assessed["strength"].as_u64().unwrap() >= 3, "zxcvbn alone would let it through: {assessed}");
    }

    an_overlong_candidate_is_too_long_at_once(app) {
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        // 30,000 characters: twice that still fits the body limit of 64 KiB.
        let huge = "x".repeat(30_000);
        let started = Instant::now();
        let response = app
            .client
            .post(app.url("/api/ocen-haslo"))
            .header("accept", "application/json")
            .header("cookie", format!("{}={token}", app.cookie_name))
            .form(&[("new_password", huge.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.json::<serde_json::Value>().await.unwrap(), serde_json::json!({"problem": "TooLong", "strength": 0}));
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(rejected(&change(&app, &token, &huge, &huge).await), "TooLong");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_range_api_refuses_what_it_knows_and_only_a_hash_prefix_leaves() {
    let known_breached = "kiedy sowa spi w stodole";
    // GOOD appears only as a padding line (count 0): not a breach.
    let api = FakeRangeApi::start(&[(known_breached, 42), (GOOD, 0)], 0).await;
    let app = spawn_with_range_api(&api.url, 2000).await;
    let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;

    assert_eq!(rejected(&change(&app, &token, known_breached, known_breached).await), "Breached");
    let requests = api.received();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, format!("/range/{}", &sha1_hex(known_breached)[..5]));
    assert_eq!(requests[0].add_padding.as_deref(), Some("true"));

    let response = change(&app, &token, GOOD, GOOD).await;
    assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"), "{:?}", redirected_error(&response));
    assert_eq!(api.received().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_range_api_falls_back_to_the_local_list() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = spawn_with_range_api(&format!("http://127.0.0.1:{port}"), 2000).await;
    let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
    assert_eq!(rejected(&change(&app, &token, BREACHED_LOCALLY, BREACHED_LOCALLY).await), "Breached");
    let response = change(&app, &token, GOOD, GOOD).await;
    assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"), "{:?}", redirected_error(&response));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_range_api_never_holds_up_a_password_change() {
    // It would refuse GOOD, but answers after 10 s; the portal waits 300 ms.
    let api = FakeRangeApi::start(&[(GOOD, 7)], 10_000).await;
    let app = spawn_with_range_api(&api.url, 300).await;
    let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
    let started = Instant::now();
    let response = change(&app, &token, GOOD, GOOD).await;
    assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"), "{:?}", redirected_error(&response));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(api.received().len(), 1, "it was asked");
}
