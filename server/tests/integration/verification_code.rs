//! `/kod-weryfikacyjny`: the code sent by the recovery channel.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};

use crate::on_both_databases;
use crate::support::*;

async fn sql(app: &TestApp, statement: &str) {
    let db = app.db().await;
    db.execute_raw(Statement::from_string(db.get_database_backend(), statement)).await.unwrap();
}

fn problem(response: &reqwest::Response) -> serde_json::Value {
    redirected_error(response).expect("an error")["Problem"].clone()
}

async fn resend(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_form("/api/wyslij-kod", "/kod-weryfikacyjny", &[], Some(token)).await
}

async fn sign_in_codes_sent_to(app: &TestApp, recipient: &str) -> u64 {
    use ezus_server::db::entities::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    outbox::Entity::find()
        .filter(outbox::Column::Recipient.eq(recipient))
        .filter(outbox::Column::Purpose.eq("sign_in_code"))
        .count(&app.db().await)
        .await
        .unwrap()
}

/// Signs Jan in twelve times: within 30 s a new sign-in does not re-send the
/// code, so all twelve sessions wait on the same live code and no session
/// rotation can hide a second use. Then all type it at once.
async fn race_one_code_from_twelve_sessions(app: &TestApp, round: u64) {
    let mut sessions = Vec::new();
    for _ in 0..12 {
        sessions.push(app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await);
    }
    assert_eq!(sign_in_codes_sent_to(app, JAN.email).await, round, "one code for all the sessions");
    let code = app.last_code("jkowalski").await;
    let attempts = sessions.iter().map(|token| app.submit_code(&code, token));
    let responses = futures_util::future::join_all(attempts).await;
    let mut winners = Vec::new();
    let mut losers = Vec::new();
    for (response, token) in responses.iter().zip(&sessions) {
        match session_cookie(response, app.cookie_name) {
            Some(new_token) => {
                assert_eq!(location(response).as_deref(), Some("/portal"));
                winners.push(new_token);
            }
            None => {
                // A loser is told the code is no longer valid — or, as the
                // attempts of one person are counted before the code is
                // looked at, to wait: nothing more.
                let error = redirected_error(response).expect("an error");
                let expired = error == serde_json::json!({"Problem": "Expired"});
                assert!(expired || error["Problem"]["Throttled"].is_object(), "{error}");
                losers.push(token);
            }
        }
    }
    assert_eq!(winners.len(), 1, "round {round}: exactly one of the racing sessions gets in with the code");
    assert_eq!(app.get("/portal", Some(&winners[0])).await.status(), StatusCode::OK);
    for token in losers {
        // Still waiting for a code, and the used one stays worthless.
        assert_eq!(location(&app.get("/portal", Some(token)).await).as_deref(), Some("/kod-weryfikacyjny"));
        let again = app.submit_code(&code, token).await;
        assert!(session_cookie(&again, app.cookie_name).is_none(), "the used code opens nothing");
        let error = problem(&again);
        assert!(error == serde_json::json!("Expired") || error["Throttled"].is_object(), "{error}");
    }
}

async fn jan(db: &sea_orm::DatabaseConnection) -> ezus_server::db::entities::person::Model {
    use ezus_server::db::entities::person;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    person::Entity::find().filter(person::Column::Login.eq(JAN.login)).one(db).await.unwrap().expect("Jan")
}

on_both_databases! {
    the_code_goes_by_the_chosen_channel_and_says_what_it_is_for(app) {
        let jan = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let html = without_markers(&app.get("/kod-weryfikacyjny", Some(&jan)).await.text().await.unwrap());
        // Seen as a mask (hidden from screen readers), said in words.
        assert!(html.contains(r#"<span aria-hidden="true">adres j•••@example.pl</span>"#), "{html}");
        assert!(html.contains("adres e-mail zaczynający się na j, w domenie example.pl"), "{html}");
        assert!(html.contains(r#"autocomplete="one-time-code""#) && html.contains(r#"inputmode="numeric""#));
        // The legacy password gets its code first too.
        let anna = app.signed_in("anowak", "Haslo123", "/kod-weryfikacyjny").await;
        let html = app.get("/kod-weryfikacyjny", Some(&anna)).await.text().await.unwrap();
        assert!(html.contains("numer •••\u{a0}•••\u{a0}300"), "a number that never wraps: {html}");
        assert!(html.contains("numer telefonu kończący się na 300"), "{html}");

        let db = app.db().await;
        use ezus_server::db::entities::outbox;
        use sea_orm::EntityTrait;
        let messages = outbox::Entity::find().all(&db).await.unwrap();
        let codes: Vec<_> = messages.iter().filter(|m| m.purpose == "sign_in_code").collect();
        let to_jan = codes.iter().find(|m| m.recipient == JAN.email).expect("an e-mail to Jan");
        assert_eq!(to_jan.channel, "email");
        assert!(to_jan.subject.as_deref().unwrap().contains("logowania"));
        let to_anna = codes.iter().find(|m| m.recipient == ANNA.phone).expect("an SMS to Anna");
        assert_eq!(to_anna.channel, "sms");
        assert!(to_anna.body.contains("kod do logowania") && to_anna.body.contains("Nie podawaj go nikomu"));
        // Only a salted hash of the code is stored.
        let code = app.last_code("jkowalski").await;
        let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT code_hash, salt FROM verification_codes")).await.unwrap();
        for r in rows {
            let hash: String = r.try_get("", "code_hash").unwrap();
            assert!(!hash.contains(&code));
        }
    }

    wrong_codes_count_down_and_the_fifth_kills_the_code(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let code = app.last_code("jkowalski").await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for left in [4, 3, 2, 1] {
            let response = app.submit_code(wrong, &token).await;
            assert_eq!(problem(&response), serde_json::json!({"Wrong": {"tries_left": left}}));
        }
        let fifth = app.submit_code(wrong, &token).await;
        assert_eq!(problem(&fifth), serde_json::json!("Exhausted"));
        // Now even the right code is refused: a new one is needed.
        assert_eq!(problem(&app.submit_code(&code, &token).await), serde_json::json!("Exhausted"));
        assert_eq!(problem(&app.submit_code("12a456", &token).await), serde_json::json!("Malformed"));
        assert_eq!(problem(&app.submit_code("", &token).await), serde_json::json!("Missing"));

        // Without JavaScript the page offers "Wyślij nowy kod" instead of the code field.
        let back = reqwest::Url::parse(&location(&fifth).unwrap()).unwrap();
        let html = app.get(&format!("{}?{}", back.path(), back.query().unwrap()), Some(&token)).await.text().await.unwrap();
        assert!(html.contains("Wyślij nowy kod"), "{html}");
        assert!(!html.contains(r#"id="code""#), "no field for the dead code: {html}");
        assert!(html.contains("<title>Błąd: Wpisz kod weryfikacyjny – eZUS</title>"), "{html}");

        // The dead code has arrived: no 30-second pause before a new one.
        let response = resend(&app, &token).await;
        assert_eq!(location(&response).as_deref(), Some("/kod-weryfikacyjny?wyslano=1"));
        assert_eq!(sign_in_codes_sent_to(&app, JAN.email).await, 2, "a second code went out");
    }

    resending_waits_30_seconds_replaces_the_old_code_and_stops_at_5_an_hour(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let first = app.last_code("jkowalski").await;
        let too_soon = problem(&resend(&app, &token).await);
        let wait = too_soon["ResendTooSoon"]["retry_after_secs"].as_u64().unwrap();
        assert!((25..=30).contains(&wait), "{too_soon}");
        for sent in 2..=5 {
            sql(&app, "UPDATE verification_codes SET created_at = created_at - 31000").await;
            let response = resend(&app, &token).await;
            assert_eq!(location(&response).as_deref(), Some("/kod-weryfikacyjny?wyslano=1"), "code {sent}");
        }
        let last = app.last_code("jkowalski").await;
        sql(&app, "UPDATE verification_codes SET created_at = created_at - 31000").await;
        let limit = problem(&resend(&app, &token).await);
        let wait = limit["ResendTooSoon"]["retry_after_secs"].as_u64().unwrap();
        assert!(wait > 30 * 60, "the hourly limit, not the 30 s pause: {limit}");
        if first != last {
            assert_eq!(problem(&app.submit_code(&first, &token).await), serde_json::json!({"Wrong": {"tries_left": 4}}));
        }
        let response = app.submit_code(&last, &token).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
    }

    an_expired_code_is_refused(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let code = app.last_code("jkowalski").await;
        sql(&app, "UPDATE verification_codes SET expires_at = created_at").await;
        assert_eq!(problem(&app.submit_code(&code, &token).await), serde_json::json!("Expired"));
    }

    a_code_works_once_even_raced_from_several_sessions(app) {
        // A race is won or lost by timing: three rounds, each with a new code.
        for round in 1..=3 {
            race_one_code_from_twelve_sessions(&app, round).await;
        }
    }

    the_code_store_accepts_a_code_once_among_many_concurrent_checks(app) {
        use ezus_server::{domain::VerificationCode, step_up::codes::*};
        // Connected as the server connects (its pool of connections).
        let db = ezus_server::db::connect_and_migrate(&test_settings(&app.database_url, false).database).await.unwrap();
        let jan = jan(&db).await;
        let codes = VerificationCodes::new(db.clone(), ezus_server::step_up::send_limits::SmsPolicy::default());
        assert_eq!(codes.issue(&jan, CodePurpose::SignIn).await.unwrap(), IssueOutcome::Sent);
        let typed = VerificationCode::parse(&app.last_code("jkowalski").await).unwrap();
        let jan_id = jan.id;
        const RACERS: usize = 16;
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(RACERS));
        let checks = (0..RACERS).map(|_| {
            let (codes, typed, start) = (codes.clone(), typed.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                codes.check(jan_id, CodePurpose::SignIn, &typed).await.unwrap()
            })
        });
        let outcomes: Vec<CheckOutcome> =
            futures_util::future::join_all(checks).await.into_iter().map(Result::unwrap).collect();
        let accepted = outcomes.iter().filter(|o| **o == CheckOutcome::Accepted).count();
        assert_eq!(accepted, 1, "{outcomes:?}");
        assert!(outcomes.iter().all(|o| matches!(o, CheckOutcome::Accepted | CheckOutcome::NoCode)), "{outcomes:?}");
        assert_eq!(codes.check(jan.id, CodePurpose::SignIn, &typed).await.unwrap(), CheckOutcome::NoCode);
    }

    a_code_is_only_for_its_own_person(app) {
        let jan = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let anna = app.signed_in("anowak", "Haslo123", "/kod-weryfikacyjny").await;
        let jans_code = app.last_code("jkowalski").await;
        let annas_code = app.last_code("anowak").await;
        if jans_code != annas_code {
            assert!(problem(&app.submit_code(&jans_code, &anna).await)["Wrong"].is_object());
        }
        assert_eq!(location(&app.submit_code(&jans_code, &jan).await).as_deref(), Some("/portal"));
    }
}

#[tokio::test]
async fn the_dev_inbox_exists_only_in_dev_mode() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let prod = TestApp::spawn_with(test_settings(&url, false)).await;
    assert_eq!(prod.get("/dev/skrzynka", None).await.status(), StatusCode::NOT_FOUND);
    let api = prod.client.post(prod.url("/api/dev-skrzynka")).header("accept", "application/json").send().await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);

    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let dev = TestApp::spawn_with(test_settings(&url, true)).await;
    dev.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
    let code = dev.last_code("jkowalski").await;
    let html = dev.get("/dev/skrzynka", None).await.text().await.unwrap();
    assert!(html.contains("Skrzynka deweloperska") && html.contains(&code), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_hourly_limit_the_page_does_not_claim_a_code_was_sent() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn_with(test_settings(&url, false)).await;
    for _ in 0..5 {
        app.signed_in("jkowalski", JAN.password, "/portal").await;
    }
    let token = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
    let html = app.get("/kod-weryfikacyjny", Some(&token)).await.text().await.unwrap();
    assert!(html.contains("Wysłaliśmy już 5 kodów w ciągu godziny"), "{html}");
    assert!(!html.contains("Wysłaliśmy e-mail z kodem"), "{html}");
}
