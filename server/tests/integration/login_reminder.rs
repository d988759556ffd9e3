//! "Nie pamiętasz loginu?": the login goes only to a contact of the
//! profile, and a stranger learns nothing — the same status, address and
//! time whether or not the data matched a profile.

use std::time::{Duration, Instant};

use ezus_server::same_answer::ANSWER_FLOOR;
use reqwest::StatusCode;

use crate::on_both_databases;
use crate::profile::{newest, sent};
use crate::support::*;

/// A valid PESEL no profile has.
const NOBODY: &str = "44051401359";

async fn ask(app: &TestApp, pesel: &str, contact: &str) -> (reqwest::Response, Duration) {
    let started = Instant::now();
    let response = app.post_form("/api/przypomnij-login", "/nie-pamietam-loginu", &[("pesel", pesel), ("contact", contact)], None).await;
    (response, started.elapsed())
}

on_both_databases! {
    the_login_goes_only_to_the_profiles_contact_and_every_answer_is_the_same(app) {
        let cases = [
            (JAN.pesel, JAN.email, Some(("email", JAN.email))),
            (JAN.pesel, "+48 600 100 200", Some(("sms", JAN.phone))),
            (JAN.pesel, "obcy@example.pl", None),
            (JAN.pesel, "700 800 900", None),
            (NOBODY, JAN.email, None),
            (ANNA.pesel, JAN.email, None),
        ];
        let mut answers = Vec::new();
        for (pesel, contact, expected) in cases {
            let before = sent(&app, "login_reminder").await;
            let (response, took) = ask(&app, pesel, contact).await;
            assert!(took >= ANSWER_FLOOR, "{pesel}/{contact} answered in {took:?}");
            answers.push((response.status(), location(&response)));
            match expected {
                Some((channel, recipient)) => {
                    let message = newest(&app, "login_reminder").await;
                    assert_eq!((message.channel.as_str(), message.recipient.as_str()), (channel, recipient));
                    assert!(message.body.contains("jkowalski"), "{}", message.body);
                    assert_eq!(sent(&app, "login_reminder").await, before + 1);
                }
                None => assert_eq!(sent(&app, "login_reminder").await, before, "nothing sent for {pesel}/{contact}"),
            }
        }
        assert!(answers.iter().all(|a| *a == (StatusCode::FOUND, Some("/nie-pamietam-loginu?wyslano=1".to_owned()))), "{answers:?}");
        let html = app.get("/nie-pamietam-loginu?wyslano=1", None).await.text().await.unwrap();
        assert!(html.contains("Jeśli podane dane są zgodne z profilem, wysłaliśmy login"), "{html}");
    }

    every_problem_of_the_form_is_named_and_what_was_typed_stays(app) {
        let (response, _) = ask(&app, "", "").await;
        let error = redirected_error(&response).expect("refused");
        assert_eq!(error["Problems"]["problems"], serde_json::json!(["PeselMissing", "ContactMissing"]), "{error}");
        let (response, _) = ask(&app, "75031412356", "jan@").await;
        let error = redirected_error(&response).expect("refused");
        assert_eq!(error["Problems"]["problems"], serde_json::json!(["PeselInvalid", "ContactInvalid"]), "{error}");
        assert_eq!((error["Problems"]["pesel"].as_str(), error["Problems"]["contact"].as_str()), (Some("75031412356"), Some("jan@")));
        assert_eq!(sent(&app, "login_reminder").await, 0);
    }

    one_pesel_asked_for_again_and_again_is_slowed_down(app) {
        let mut throttled = 0;
        for _ in 0..10 {
            let (response, _) = ask(&app, JAN.pesel, JAN.email).await;
            if redirected_error(&response).is_some_and(|e| e["Throttled"]["retry_after_secs"].as_u64().is_some()) {
                throttled += 1;
            }
        }
        assert!(throttled >= 4, "{throttled} of 10 throttled");
        assert!(sent(&app, "login_reminder").await <= 6, "at most the free allowance and one more are sent");
    }
}
