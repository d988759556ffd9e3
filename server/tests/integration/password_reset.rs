//! "Nie pamiętasz hasła?": login and PESEL, a code by the recovery channel,
//! a new password; every session of the person ends. A stranger learns
//! nothing: data that match no profile get the same answers, in the same
//! time, down to the refused codes.

use std::time::Instant;

use ezus_server::same_answer::ANSWER_FLOOR;
use futures_util::future::join_all;
use reqwest::{StatusCode, header};

use crate::on_both_databases;
use crate::profile::{code_in, newest, sent};
use crate::support::*;

const NEW_PASSWORD: &str = "rower deszcz latarnia 7";

fn reset_cookie_name(app: &TestApp) -> String {
    app.cookie_name.replace("session", "reset")
}

/// A form post carrying the reset's cookie.
async fn post(app: &TestApp, endpoint: &str, page: &str, fields: &[(&str, &str)], reset: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(endpoint))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url(page))
        .form(fields);
    if let Some(token) = reset {
        request = request.header(header::COOKIE, format!("{}={token}", reset_cookie_name(app)));
    }
    request.send().await.unwrap()
}

async fn get(app: &TestApp, path: &str, reset: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header(header::COOKIE, format!("{}={reset}", reset_cookie_name(app))).send().await.unwrap()
}

/// Starts a reset; the cookie, where the browser goes, and how long it took.
async fn start(app: &TestApp, login: &str, pesel: &str) -> (Option<String>, Option<String>, std::time::Duration) {
    let started = Instant::now();
    let response = post(app, "/api/odzyskaj-haslo", "/nie-pamietam-hasla", &[("login", login), ("pesel", pesel)], None).await;
    let took = started.elapsed();
    (session_cookie(&response, &reset_cookie_name(app)), location(&response), took)
}

async fn submit(app: &TestApp, reset: &str, code: &str) -> reqwest::Response {
    post(app, "/api/odzyskaj-haslo-potwierdz", "/nie-pamietam-hasla/kod", &[("code", code)], Some(reset)).await
}

on_both_databases! {
    the_code_opens_the_new_password_and_every_session_ends(app) {
        let old_session = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let (reset, at, _) = start(&app, "JKowalski", JAN.pesel).await;
        let reset = reset.expect("a reset cookie");
        assert_eq!(at.as_deref(), Some("/nie-pamietam-hasla/kod"));
        let message = newest(&app, "password_reset_code").await;
        assert_eq!((message.channel.as_str(), message.recipient.as_str()), ("email", JAN.email));
        // The new password waits for the code.
        assert_eq!(location(&get(&app, "/nie-pamietam-hasla/nowe-haslo", &reset).await).as_deref(), Some("/nie-pamietam-hasla/kod"));
        let response = submit(&app, &reset, &code_in(&message)).await;
        assert_eq!(location(&response).as_deref(), Some("/nie-pamietam-hasla/nowe-haslo"));
        let html = get(&app, "/nie-pamietam-hasla/nowe-haslo", &reset).await.text().await.unwrap();
        assert!(html.contains("Ustaw nowe hasło") && html.contains(r#"autocomplete="username""#) && html.contains("jkowalski"), "{html}");

        let weak = post(&app, "/api/odzyskaj-haslo-zapisz", "/nie-pamietam-hasla/nowe-haslo", &[("new_password", "krotkie"), ("repeated", "krotkie")], Some(&reset)).await;
        assert_eq!(redirected_error(&weak).unwrap()["Rejected"], "TooShort");
        let done = post(&app, "/api/odzyskaj-haslo-zapisz", "/nie-pamietam-hasla/nowe-haslo", &[("new_password", NEW_PASSWORD), ("repeated", NEW_PASSWORD)], Some(&reset)).await;
        assert_eq!(location(&done).as_deref(), Some("/nie-pamietam-hasla/gotowe"));
        assert!(set_cookie_header(&done, &reset_cookie_name(&app)).is_some_and(|c| c.contains("Max-Age=0")), "the reset's cookie goes");
        assert_eq!(sent(&app, "password_changed").await, 1, "the recovery channel is told");
        // Every session of Jan ended; the reset is used up.
        assert_eq!(location(&app.get("/portal", Some(&old_session)).await).as_deref(), Some("/logowanie?sesja=wygasla"));
        let again = post(&app, "/api/odzyskaj-haslo-zapisz", "/nie-pamietam-hasla/nowe-haslo", &[("new_password", NEW_PASSWORD), ("repeated", NEW_PASSWORD)], Some(&reset)).await;
        assert!(redirected_error(&again).is_some(), "a used reset sets nothing");
        // The old password is refused; the new one signs in as usual, with the code.
        assert!(redirected_error(&app.sign_in("jkowalski", JAN.password).await).is_some());
        assert_eq!(location(&app.sign_in("jkowalski", NEW_PASSWORD).await).as_deref(), Some("/kod-weryfikacyjny"));
    }

    data_that_match_nothing_get_the_same_answers_down_to_the_refused_codes(app) {
        let real = start(&app, "jkowalski", JAN.pesel).await;
        // A login with another's PESEL, and a login no one has (each its own throttle key).
        let cases = [start(&app, "anowak", JAN.pesel).await, start(&app, "nikt-taki", JAN.pesel).await];
        assert_eq!(sent(&app, "password_reset_code").await, 1, "a code only for the real one");
        for (cookie, at, took) in [&real].into_iter().chain(&cases) {
            assert!(cookie.is_some(), "a reset cookie every time");
            assert_eq!(at.as_deref(), Some("/nie-pamietam-hasla/kod"));
            assert!(*took >= ANSWER_FLOOR, "answered in {took:?}");
        }
        let real_code = code_in(&newest(&app, "password_reset_code").await);
        let wrong = if real_code == "000000" { "111111" } else { "000000" };
        let answers = |reset: String| {
            let app = &app;
            async move {
                let mut seen = Vec::new();
                for _ in 0..6 {
                    seen.push(redirected_error(&submit(app, &reset, wrong).await));
                }
                seen.push(Some(serde_json::json!(location(&get(app, "/nie-pamietam-hasla/kod", &reset).await))));
                seen
            }
        };
        let expected = answers(real.0.clone().unwrap()).await;
        assert_eq!(expected[0].as_ref().unwrap()["Problem"], serde_json::json!({"Wrong": {"tries_left": 4}}));
        assert_eq!(expected[4].as_ref().unwrap()["Problem"], serde_json::json!("Exhausted"));
        for (cookie, _, _) in &cases {
            assert_eq!(answers(cookie.clone().unwrap()).await, expected, "a stranger's reset answers like a real one");
        }
        // And a stranger's reset never reaches the new password.
        let fake = cases[0].0.clone().unwrap();
        assert_eq!(location(&get(&app, "/nie-pamietam-hasla/nowe-haslo", &fake).await).as_deref(), Some("/nie-pamietam-hasla/kod"));
    }

    a_burst_of_guesses_is_throttled_before_it_is_checked(app) {
        let (reset, _, _) = start(&app, "jkowalski", JAN.pesel).await;
        let reset = reset.unwrap();
        let guesses = (0..20).map(|i| format!("{:06}", 100_000 + i));
        let responses = join_all(guesses.map(|g| {
            let (app, reset) = (&app, reset.clone());
            async move { redirected_error(&submit(app, &reset, &g).await) }
        }))
        .await;
        let checked = responses.iter().filter(|e| e.as_ref().is_some_and(|e| e["Problem"]["Wrong"].is_object() || e["Problem"] == "Exhausted")).count();
        assert!(checked <= 6, "{checked} of 20 guesses were checked");
    }

    the_first_form_names_every_problem_and_sends_nothing(app) {
        let response = post(&app, "/api/odzyskaj-haslo", "/nie-pamietam-hasla", &[("login", ""), ("pesel", "123")], None).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        let error = redirected_error(&response).unwrap();
        assert_eq!(error["Problems"]["problems"], serde_json::json!(["LoginMissing", "PeselInvalid"]));
        assert!(session_cookie(&response, &reset_cookie_name(&app)).is_none());
        assert_eq!(sent(&app, "password_reset_code").await, 0);
        // Without a reset the later steps send back to the start.
        assert_eq!(location(&app.get("/nie-pamietam-hasla/kod", None).await).as_deref(), Some("/nie-pamietam-hasla"));
    }
}
