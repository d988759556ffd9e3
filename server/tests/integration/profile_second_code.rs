//! Moving the second factor: unless the session stepped up within the last
//! 5 minutes, a change of contact data needs a code from the CURRENT
//! recovery channel too; a confirmed change ends every other session of the
//! person and steps this one up under a new token — all in one transaction.

use ezus_server::db::entities::person;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter};

use crate::on_both_databases;
use crate::profile::{change, code_in, label_for, newest, sent};
use crate::support::*;

const NEW_PHONE: &str = "+48700800900";
const EXPIRED: &str = "/logowanie?sesja=wygasla";

/// Moves every session's step up `minutes` into the past.
pub(crate) async fn stepped_up_minutes_ago(app: &TestApp, minutes: i64) {
    let db = app.db().await;
    let sql = format!("UPDATE sessions SET stepped_up_at = stepped_up_at - {}", minutes * 60_000);
    assert!(db.execute_unprepared(&sql).await.unwrap().rows_affected() > 0);
}

async fn jans_phone(app: &TestApp) -> String {
    person::Entity::find().filter(person::Column::Login.eq("jkowalski")).one(&app.db().await).await.unwrap().unwrap().phone
}

pub(crate) async fn confirm(app: &TestApp, token: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post_form("/api/potwierdz-kontakt", "/profil/potwierdz", fields, Some(token)).await
}

/// Where a session's request for the portal ends: `None` for the portal
/// itself (the session lives), else the redirect.
async fn portal(app: &TestApp, token: &str) -> Option<String> {
    location(&app.get("/portal", Some(token)).await)
}

/// Makes every DELETE of a session fail inside the database.
async fn refuse_ending_sessions(app: &TestApp, refuse: bool) {
    let db = app.db().await;
    let statements: &[&str] = match (db.get_database_backend(), refuse) {
        (DbBackend::Sqlite, true) => &["CREATE TRIGGER refuse_end BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'refused'); END"],
        (DbBackend::Sqlite, false) => &["DROP TRIGGER refuse_end"],
        (_, true) => &[
            "CREATE FUNCTION refuse_end() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_end BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_end()",
        ],
        (_, false) => &["DROP TRIGGER refuse_end ON sessions"],
    };
    for statement in statements {
        db.execute_unprepared(statement).await.unwrap();
    }
}

on_both_databases! {
    an_older_step_up_needs_a_code_from_the_current_channel_too(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        stepped_up_minutes_ago(&app, 6).await;
        let response = change(&app, &token, JAN.email, "700 800 900", "email", JAN.password).await;
        assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz"));
        let to_new = newest(&app, "contact_change_code").await;
        assert_eq!((to_new.channel.as_str(), to_new.recipient.as_str()), ("sms", NEW_PHONE));
        // A second code, to Jan's current channel (e-mail), saying what it is for.
        let to_current = newest(&app, "contact_change_current_code").await;
        assert_eq!((to_current.channel.as_str(), to_current.recipient.as_str()), ("email", JAN.email));
        assert!(to_current.body.contains("zmianę danych kontaktowych"), "{}", to_current.body);
        assert!(to_current.body.contains("Jeśli to nie Ty, nie podawaj go nikomu i zadzwoń do"), "{}", to_current.body);
        assert!(to_current.body.contains("22 560 16 00"));
        let (new_code, current_code) = (code_in(&to_new), code_in(&to_current));

        // The page asks for both, each saying where its code went.
        let html = app.get("/profil/potwierdz", Some(&token)).await.text().await.unwrap();
        assert_eq!(label_for(&html, "code").as_deref(), Some("Kod z nowego numeru"), "{html}");
        assert_eq!(label_for(&html, "current_code").as_deref(), Some("Kod z obecnego adresu e-mail"), "{html}");
        assert!(html.contains("nowy numer •••\u{a0}•••\u{a0}900"), "shown, unbroken: {html}");
        assert!(html.contains("nowy numer telefonu kończący się na 900"), "said: {html}");
        assert!(html.contains("obecny adres j•••@example.pl"), "{html}");
        assert!(html.contains("obecny adres e-mail zaczynający się na j, w domenie example.pl"), "{html}");

        // The new number's code alone is refused, at the missing field.
        let error = redirected_error(&confirm(&app, &token, &[("code", &new_code)]).await).unwrap();
        assert_eq!(error["Codes"]["current_code"], "Missing", "{error}");
        assert!(error["Codes"]["code"].is_null(), "{error}");
        // A code of the other purpose never passes: the new number's code as
        // the current channel's, then both swapped.
        let error = redirected_error(&confirm(&app, &token, &[("code", &new_code), ("current_code", &new_code)]).await).unwrap();
        assert!(error["Codes"]["current_code"]["Wrong"].is_object(), "{error}");
        assert!(error["Codes"]["code"].is_null(), "{error}");
        let error = redirected_error(&confirm(&app, &token, &[("code", &current_code), ("current_code", &new_code)]).await).unwrap();
        assert!(error["Codes"]["code"]["Wrong"].is_object(), "{error}");
        assert!(error["Codes"]["current_code"]["Wrong"].is_object(), "{error}");
        // Nothing changed; the change still waits.
        assert_eq!(jans_phone(&app).await, JAN.phone);
        assert_eq!(sent(&app, "contact_changed").await, 0);
        assert_eq!(location(&app.get("/profil/potwierdz", Some(&token)).await), None, "still pending");

        // Both codes, each in its own field: the change is made.
        let response = confirm(&app, &token, &[("code", &new_code), ("current_code", &current_code)]).await;
        assert_eq!(location(&response).as_deref(), Some("/profil?zmieniono=1"));
        let new_token = session_cookie(&response, app.cookie_name).expect("a new session token");
        assert_ne!(new_token, token);
        assert_eq!(jans_phone(&app).await, NEW_PHONE);
        assert_eq!(newest(&app, "contact_changed").await.recipient, JAN.email, "the old channel hears of it");
        assert_eq!(portal(&app, &token).await.as_deref(), Some(EXPIRED), "the old token is over");
        assert_eq!(portal(&app, &new_token).await, None);
        // The change was a step up: the next change, at once, needs only the new destination's code.
        let before = sent(&app, "contact_change_current_code").await;
        let response = change(&app, &new_token, "jan.nowy@example.pl", NEW_PHONE, "email", JAN.password).await;
        assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz"));
        assert_eq!(sent(&app, "contact_change_current_code").await, before);
    }

    a_confirmed_change_ends_every_other_session_and_rotates_this_one(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let other_device = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let someone_else = app.signed_in("anowak", ANNA.password, "/zmiana-hasla").await;
        change(&app, &token, JAN.email, "700 800 900", "sms", JAN.password).await;
        let code = code_in(&newest(&app, "contact_change_code").await);
        let response = confirm(&app, &token, &[("code", &code)]).await;
        assert_eq!(location(&response).as_deref(), Some("/profil?zmieniono=1"));
        let new_token = session_cookie(&response, app.cookie_name).expect("a new session token");
        assert_ne!(new_token, token);
        assert_eq!(portal(&app, &token).await.as_deref(), Some(EXPIRED), "the old token no longer works");
        assert_eq!(portal(&app, &other_device).await.as_deref(), Some(EXPIRED), "the other session is ended");
        assert_eq!(portal(&app, &new_token).await, None, "this session goes on under the new token");
        assert_eq!(location(&app.get("/zmiana-hasla", Some(&someone_else)).await), None, "another person's session stays");
    }

    if_the_other_sessions_cannot_be_ended_nothing_changes(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let other_device = app.signed_in("jkowalski", JAN.password, "/portal").await;
        change(&app, &token, JAN.email, "700 800 900", "email", JAN.password).await;
        let code = code_in(&newest(&app, "contact_change_code").await);
        refuse_ending_sessions(&app, true).await;
        let response = confirm(&app, &token, &[("code", &code)]).await;
        assert!(redirected_error(&response).unwrap().to_string().contains("Unavailable"));
        assert!(session_cookie(&response, app.cookie_name).is_none());
        // None of it happened: the data, both sessions, the code, no notice.
        assert_eq!(jans_phone(&app).await, JAN.phone);
        assert_eq!(sent(&app, "contact_changed").await, 0);
        assert_eq!(portal(&app, &other_device).await, None);
        assert_eq!(portal(&app, &token).await, None);
        refuse_ending_sessions(&app, false).await;
        let response = confirm(&app, &token, &[("code", &code)]).await;
        assert_eq!(location(&response).as_deref(), Some("/profil?zmieniono=1"), "the code was not used up");
        assert_eq!(jans_phone(&app).await, NEW_PHONE);
        assert_eq!(portal(&app, &other_device).await.as_deref(), Some(EXPIRED));
    }

    two_racing_confirmations_make_the_change_once(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        change(&app, &token, JAN.email, "700 800 900", "email", JAN.password).await;
        let code = code_in(&newest(&app, "contact_change_code").await);
        let fields = [("code", code.as_str())];
        let (a, b) = tokio::join!(confirm(&app, &token, &fields), confirm(&app, &token, &fields));
        let made = [&a, &b].into_iter().filter(|r| location(r).as_deref() == Some("/profil?zmieniono=1")).count();
        assert_eq!(made, 1, "{:?} {:?}", location(&a), location(&b));
        assert_eq!(sent(&app, "contact_changed").await, 1);
    }

    the_code_store_keeps_the_two_purposes_apart_and_issues_them_all_or_none(app) {
        use ezus_server::{
            domain::VerificationCode,
            notifications::Channel,
            step_up::{codes::*, send_limits::SmsPolicy},
        };
        let db = ezus_server::db::connect_and_migrate(&test_settings(&app.database_url, false).database).await.unwrap();
        let jan = person::Entity::find().filter(person::Column::Login.eq("jkowalski")).one(&db).await.unwrap().unwrap();
        let codes = VerificationCodes::new(db.clone(), SmsPolicy::default());
        let both = [
            CodeRequest { purpose: CodePurpose::ContactChange, channel: Channel::Sms, recipient: NEW_PHONE.into() },
            CodeRequest { purpose: CodePurpose::ContactChangeCurrent, channel: Channel::Email, recipient: JAN.email.into() },
        ];
        // What is stored with the codes fails: no code is sent.
        let failing: AlsoStore = Box::new(|_| Box::pin(async { Err(sea_orm::DbErr::Custom("refused".into())) }));
        assert!(codes.issue_all(jan.id, &both, failing).await.is_err());
        assert_eq!(codes.count(jan.id).await.unwrap(), 0);
        assert_eq!(sent(&app, "contact_change_code").await + sent(&app, "contact_change_current_code").await, 0);
        let nothing_more: fn() -> AlsoStore = || Box::new(|_| Box::pin(async { Ok(()) }));
        assert_eq!(codes.issue_all(jan.id, &both, nothing_more()).await.unwrap(), AllIssued::Sent);
        // Within 30 s neither goes again, not even one of them.
        let again = codes.issue_all(jan.id, &both, nothing_more()).await.unwrap();
        assert!(matches!(again, AllIssued::TooSoon { .. }), "{again:?}");
        assert_eq!(codes.count(jan.id).await.unwrap(), 2);

        let new_code = VerificationCode::parse(&code_in(&newest(&app, "contact_change_code").await)).unwrap();
        let current_code = VerificationCode::parse(&code_in(&newest(&app, "contact_change_current_code").await)).unwrap();
        if new_code.expose() != current_code.expose() {
            // Each code fits its own purpose only.
            let crossed = codes.verify(jan.id, CodePurpose::ContactChangeCurrent, &new_code).await.unwrap();
            assert!(matches!(crossed, Err(CheckOutcome::Wrong { .. })), "{crossed:?}");
            let crossed = codes.verify(jan.id, CodePurpose::ContactChange, &current_code).await.unwrap();
            assert!(matches!(crossed, Err(CheckOutcome::Wrong { .. })), "{crossed:?}");
        }
        // A match is not used up until consumed, and then only once.
        let matched = codes.verify(jan.id, CodePurpose::ContactChange, &new_code).await.unwrap().expect("matches");
        assert!(codes.verify(jan.id, CodePurpose::ContactChange, &new_code).await.unwrap().is_ok(), "still live");
        assert!(VerificationCodes::consume(&db, matched).await.unwrap());
        assert!(!VerificationCodes::consume(&db, matched).await.unwrap());
        assert_eq!(codes.check(jan.id, CodePurpose::ContactChange, &new_code).await.unwrap(), CheckOutcome::NoCode);
        assert_eq!(codes.check(jan.id, CodePurpose::ContactChangeCurrent, &current_code).await.unwrap(), CheckOutcome::Accepted);
    }
}
