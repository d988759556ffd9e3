//! The limits on sending codes hold under racing requests (one session,
//! several sessions, several persons), numbers abroad are refused, and one
//! number gets at most its cap of messages whoever causes them.

use ezus_server::{
    config::Argon2Settings,
    db::now_millis,
    demo_data::{self, DemoPerson},
    passwords::hasher::PasswordHasher,
};
use futures_util::future::join_all;
use sea_orm::{ConnectionTrait, Statement};

use crate::on_both_databases;
use crate::support::*;

/// Maria signs in with a modern password and gets her codes by SMS.
const MARIA: &DemoPerson = &DemoPerson {
    login: "mwisniewska",
    password: "Wisniewska-Haslo-2024",
    pesel: "92071314764",
    first_name: "Maria",
    last_name: "Wiśniewska",
    email: "maria.wisniewska@example.pl",
    phone: "+48603400500",
    recovery_channel: "sms",
    profile_confirmed: true,
};

/// A number that messages were already sent to, by other people.
const BUSY_NUMBER: &str = "+48700800900";

pub(crate) async fn sql(app: &TestApp, statement: &str) {
    let db = app.db().await;
    let statement = statement.replace("{now}", &now_millis().to_string());
    db.execute_raw(Statement::from_string(db.get_database_backend(), statement)).await.unwrap();
}

async fn count(app: &TestApp, query: &str) -> i64 {
    let db = app.db().await;
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), query)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn code_messages(app: &TestApp, purpose: &str) -> i64 {
    count(app, &format!("SELECT COUNT(*) FROM outbox WHERE purpose = '{purpose}'")).await
}

async fn messages_to(app: &TestApp, recipient: &str) -> i64 {
    count(app, &format!("SELECT COUNT(*) FROM outbox WHERE recipient = '{recipient}'")).await
}

/// What "30 seconds later" does to the person's codes.
pub(crate) async fn age_codes(app: &TestApp) {
    sql(app, "UPDATE verification_codes SET created_at = created_at - 31000").await;
}

/// `n` SMS already sent to the number, the newest `minutes_apart` ago and
/// each older one that much earlier.
async fn sent_before(app: &TestApp, number: &str, n: i64, newest_ago_ms: i64, apart_ms: i64) {
    for i in 0..n {
        let at = now_millis() - newest_ago_ms - i * apart_ms;
        sql(app, &format!(
            "INSERT INTO outbox (channel, recipient, subject, body, purpose, created_at, attempts, next_attempt_at, sent_at) \
             VALUES ('sms', '{number}', NULL, '[usunięto po doręczeniu]', 'sign_in_code', {at}, 1, {at}, {at})"
        ))
        .await;
    }
}

async fn add_maria(app: &TestApp) {
    let cheap = Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1, max_concurrent: 1, max_queued: 0 };
    let hasher = PasswordHasher::new(&cheap).unwrap();
    demo_data::load(&app.db().await, &hasher, std::slice::from_ref(MARIA)).await.unwrap();
}

async fn resend(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_form("/api/wyslij-kod", "/kod-weryfikacyjny", &[], Some(token)).await
}

async fn change_phone(app: &TestApp, token: &str, email: &str, phone: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/zmien-kontakt",
        "/profil",
        &[("email", email), ("phone", phone), ("channel", "sms"), ("current_password", password)],
        Some(token),
    )
    .await
}

/// The page a refused no-JS form post sends the browser back to.
fn back_to(response: &reqwest::Response) -> String {
    let url = reqwest::Url::parse(&location(response).unwrap()).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or(""))
}

fn resent(response: &reqwest::Response) -> bool {
    location(response).as_deref() == Some("/kod-weryfikacyjny?wyslano=1")
}

fn too_soon(response: &reqwest::Response) -> bool {
    redirected_error(response).is_some_and(|e| e["Problem"]["ResendTooSoon"]["retry_after_secs"].is_u64())
}

on_both_databases! {
    ten_parallel_resends_of_one_session_send_one_code(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        assert_eq!(code_messages(&app, "sign_in_code").await, 1);
        age_codes(&app).await;
        let responses = join_all((0..10).map(|_| resend(&app, &token))).await;
        assert_eq!(responses.iter().filter(|r| resent(r)).count(), 1, "exactly one resend gets through");
        assert!(responses.iter().filter(|r| !resent(r)).all(too_soon), "the others hear when to try again");
        assert_eq!(code_messages(&app, "sign_in_code").await, 2, "one new code message, not ten");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM verification_codes").await, 2);
        // The one code sent is the one that works.
        let code = app.last_code("jkowalski").await;
        assert_eq!(location(&app.submit_code(&code, &token).await).as_deref(), Some("/portal"));
    }

    two_sessions_of_one_person_racing_share_one_hourly_limit(app) {
        let first = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let second = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        assert_eq!(code_messages(&app, "sign_in_code").await, 1, "the 30 s pause spans sessions");
        for sent in 2..=5 {
            age_codes(&app).await;
            let racing = (0..4).flat_map(|_| [resend(&app, &first), resend(&app, &second)]);
            let responses = join_all(racing).await;
            assert_eq!(responses.iter().filter(|r| resent(r)).count(), 1, "round {sent}");
            assert_eq!(code_messages(&app, "sign_in_code").await, sent);
        }
        age_codes(&app).await;
        let racing = (0..4).flat_map(|_| [resend(&app, &first), resend(&app, &second)]);
        let responses = join_all(racing).await;
        assert!(responses.iter().all(too_soon), "5 an hour, across sessions");
        assert_eq!(code_messages(&app, "sign_in_code").await, 5);
    }

    a_number_abroad_is_refused_with_a_clear_message_and_gets_no_code(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let html = app.get("/profil", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("tylko na polskie numery (+48)"), "the hint says it: {html}");
        let response = change_phone(&app, &token, JAN.email, "+49 151 23456789", JAN.password).await;
        let error = redirected_error(&response).expect("an error");
        assert_eq!(error["Problem"]["problems"][0], serde_json::json!({"PhoneCountry": {"allowed": ["+48"]}}), "{error}");
        assert_eq!(error["Problem"]["phone"], "+49 151 23456789", "typed number kept");
        let page = app.get(&back_to(&response), Some(&token)).await.text().await.unwrap();
        assert!(page.contains("Numer telefonu musi być polskim numerem komórkowym (+48)."), "{page}");
        assert_eq!(messages_to(&app, "+4915123456789").await, 0);
        assert_eq!(code_messages(&app, "contact_change_code").await, 0);
        // A Polish number goes through.
        let response = change_phone(&app, &token, JAN.email, "700 800 901", JAN.password).await;
        assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz"));
    }

    one_number_gets_at_most_its_hourly_cap_whoever_asks(app) {
        add_maria(&app).await;
        // Maria's and Jan's codes both go by SMS to one number, which already
        // had 9 messages this hour (from other people).
        sql(&app, &format!("UPDATE persons SET phone = '{BUSY_NUMBER}', recovery_channel = 'sms'")).await;
        sent_before(&app, BUSY_NUMBER, 9, 60_000, 60_000).await;
        let (jan, maria) = tokio::join!(
            app.sign_in("jkowalski", JAN.password),
            app.sign_in("mwisniewska", MARIA.password),
        );
        assert_eq!(messages_to(&app, BUSY_NUMBER).await, 10, "the 10th goes, the 11th does not");
        // Whoever lost the race is told, and is not told a code was sent.
        let mut pages = Vec::new();
        for response in [jan, maria] {
            assert_eq!(location(&response).as_deref(), Some("/kod-weryfikacyjny"));
            let token = session_cookie(&response, app.cookie_name).unwrap();
            pages.push((app.get("/kod-weryfikacyjny", Some(&token)).await.text().await.unwrap(), token));
        }
        let capped: Vec<_> = pages.iter().filter(|(html, _)| html.contains("Na ten numer telefonu wysłaliśmy już zbyt wiele wiadomości")).collect();
        assert_eq!(capped.len(), 1, "one of the two pages says the number is capped");
        assert!(!capped[0].0.contains("Wysłaliśmy SMS z kodem"), "{}", capped[0].0);
        assert!(too_soon(&resend(&app, &capped[0].1).await), "and a resend is refused");
        assert_eq!(messages_to(&app, BUSY_NUMBER).await, 10);
    }

    a_new_number_is_refused_past_its_cap_for_the_day(app) {
        // 20 messages in the last 24 hours, none in the last hour.
        sent_before(&app, BUSY_NUMBER, 20, 2 * 3_600_000, 60_000).await;
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let response = change_phone(&app, &token, JAN.email, BUSY_NUMBER, JAN.password).await;
        let error = redirected_error(&response).expect("an error");
        let wait = error["Problem"]["problems"][0]["NumberCapped"]["retry_after_secs"].as_u64().expect("NumberCapped");
        // The oldest of the 20 (2 h 19 min ago) leaves the day in about 21 h 41 min.
        assert!((21 * 3600..22 * 3600).contains(&wait), "{error}");
        let page = app.get(&back_to(&response), Some(&token)).await.text().await.unwrap();
        assert!(page.contains("Na ten numer telefonu wysłaliśmy już zbyt wiele wiadomości"), "{page}");
        assert_eq!(messages_to(&app, BUSY_NUMBER).await, 20, "no SMS sent");
        assert_eq!(code_messages(&app, "contact_change_code").await, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_allowed_countries_come_from_the_configuration() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, false);
    settings.sms.allowed_country_codes = ezus_server::domain::CountryCodes::parse(["+48", "+49"]).unwrap();
    let app = TestApp::spawn_with(settings).await;
    let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
    let response = change_phone(&app, &token, JAN.email, "+49 151 23456789", JAN.password).await;
    assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz"));
    assert_eq!(messages_to(&app, "+4915123456789").await, 1);
    let response = change_phone(&app, &token, JAN.email, "+420 601 123 456", JAN.password).await;
    let error = redirected_error(&response).expect("an error");
    assert_eq!(error["Problem"]["problems"][0], serde_json::json!({"PhoneCountry": {"allowed": ["+48", "+49"]}}));
}
