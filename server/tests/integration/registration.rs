//! "Zarejestruj się": the code proves the contact before any profile is
//! made; taken data get the same answer as new data (the owner is told);
//! a login taken meanwhile is asked for again; the profile waits to be
//! confirmed.

use ezus_server::{
    db::entities::{payer, person},
    domain::IdDocument,
    profile_confirmation::{Attribution, ConfirmationMethod, ProfileConfirmations, ProfileKey},
};
use reqwest::header;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::on_both_databases;
use crate::profile::{code_in, newest, sent};
use crate::support::*;

/// A PESEL no profile has (the README's demo PESEL for registering).
const MARTA_PESEL: &str = "90010112318";
const PASSWORD: &str = "sosna jezioro latarnia 9";

fn cookie_name(app: &TestApp) -> String {
    app.cookie_name.replace("session", "registration")
}

fn form<'a>(pesel: &'a str, email: &'a str, login: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("kind", "individual"),
        ("first_name", "Marta"),
        ("last_name", "Lis"),
        ("pesel", pesel),
        ("email", email),
        ("phone", "600 700 800"),
        ("channel", "email"),
        ("login", login),
        ("new_password", PASSWORD),
        ("repeated", PASSWORD),
        ("nip", ""),
        ("company_name", ""),
    ]
}

async fn post(app: &TestApp, endpoint: &str, page: &str, fields: &[(&str, &str)], token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.post(app.url(endpoint)).header(header::ACCEPT, "text/html").header(header::REFERER, app.url(page)).form(fields);
    if let Some(token) = token {
        request = request.header(header::COOKIE, format!("{}={token}", cookie_name(app)));
    }
    request.send().await.unwrap()
}

async fn get(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header(header::COOKIE, format!("{}={token}", cookie_name(app))).send().await.unwrap()
}

/// Sends the form; the cookie, after checking where it leads.
async fn register(app: &TestApp, fields: &[(&str, &str)]) -> String {
    let response = post(app, "/api/zarejestruj", "/rejestracja", fields, None).await;
    assert_eq!(location(&response).as_deref(), Some("/rejestracja/kod"), "{:?}", redirected_error(&response));
    session_cookie(&response, &cookie_name(app)).expect("a registration cookie")
}

async fn code(app: &TestApp, token: &str, code: &str) -> reqwest::Response {
    post(app, "/api/rejestracja-potwierdz", "/rejestracja/kod", &[("code", code)], Some(token)).await
}

async fn person(app: &TestApp, login: &str) -> Option<person::Model> {
    person::Entity::find().filter(person::Column::Login.eq(login)).one(&app.db().await).await.unwrap()
}

on_both_databases! {
    the_code_proves_the_contact_and_then_an_unconfirmed_profile_is_made(app) {
        let token = register(&app, &form(MARTA_PESEL, "marta.lis@example.pl", "MLis")).await;
        assert!(person(&app, "mlis").await.is_none(), "no profile before the code");
        let message = newest(&app, "registration_code").await;
        assert_eq!((message.channel.as_str(), message.recipient.as_str()), ("email", "marta.lis@example.pl"));
        let html = get(&app, "/rejestracja/kod", &token).await.text().await.unwrap();
        assert!(html.contains("m•••@example.pl") && html.contains("adres e-mail zaczynający się na m"), "{html}");
        let right = code_in(&message);
        let wrong = if right == "000000" { "111111" } else { "000000" };
        assert_eq!(redirected_error(&code(&app, &token, wrong).await).unwrap()["Problem"], serde_json::json!({"Wrong": {"tries_left": 4}}));
        assert_eq!(location(&code(&app, &token, &right).await).as_deref(), Some("/rejestracja/gotowe"));
        let done = get(&app, "/rejestracja/gotowe", &token).await;
        assert!(set_cookie_header(&done, &cookie_name(&app)).is_some_and(|c| c.contains("Max-Age=0")));
        let html = done.text().await.unwrap();
        assert!(html.contains("Profil założony") && html.contains("nie jest jeszcze potwierdzony"), "{html}");
        let marta = person(&app, "mlis").await.expect("the profile");
        assert!(!marta.profile_confirmed);
        assert_eq!((marta.pesel.as_deref(), marta.phone.as_str(), marta.recovery_channel.as_str()), (Some(MARTA_PESEL), "+48600700800", "email"));
        // It cannot sign in until it is confirmed.
        assert_eq!(redirected_error(&app.sign_in("mlis", PASSWORD).await).unwrap()["ProfileUnconfirmed"]["login"], "mlis");
    }

    a_business_gets_its_payer_account_with_the_profile(app) {
        let mut fields = form(MARTA_PESEL, "marta.lis@example.pl", "mlis");
        fields[0] = ("kind", "business");
        fields[10] = ("nip", "526-000-12-46");
        fields[11] = ("company_name", "Lis i Wspólnicy");
        let token = register(&app, &fields).await;
        let right = code_in(&newest(&app, "registration_code").await);
        assert_eq!(location(&code(&app, &token, &right).await).as_deref(), Some("/rejestracja/gotowe"));
        let marta = person(&app, "mlis").await.unwrap();
        let firm = payer::Entity::find().filter(payer::Column::Nip.eq("5260001246")).one(&app.db().await).await.unwrap().unwrap();
        assert_eq!((firm.owner_person_id, firm.name.as_str()), (Some(marta.id), "Lis i Wspólnicy"));
    }

    taken_data_get_the_same_answer_and_the_owner_is_told(app) {
        for (pesel, email, login) in [(JAN.pesel, "ktos@example.pl", "ktos1"), (MARTA_PESEL, JAN.email, "ktos2")] {
            let token = register(&app, &form(pesel, email, login)).await;
            let right = code_in(&newest(&app, "registration_code").await);
            let started = std::time::Instant::now();
            assert_eq!(location(&code(&app, &token, &right).await).as_deref(), Some("/rejestracja/gotowe"), "the same page as a new profile");
            assert!(started.elapsed() >= ezus_server::same_answer::ANSWER_FLOOR, "and in the same time as a new profile");
            assert!(get(&app, "/rejestracja/gotowe", &token).await.text().await.unwrap().contains("Profil założony"));
            assert!(person(&app, login).await.is_none(), "no second profile");
        }
        assert_eq!(sent(&app, "already_registered").await, 2);
        let notice = newest(&app, "already_registered").await;
        assert_eq!(notice.recipient, JAN.email, "Jan is told, by his own channel");
        assert!(notice.body.contains("jkowalski"));
    }

    a_login_taken_meanwhile_is_asked_for_again_with_a_free_suggestion(app) {
        let token = register(&app, &form(MARTA_PESEL, "marta.lis@example.pl", "jkowalski")).await;
        let right = code_in(&newest(&app, "registration_code").await);
        assert_eq!(location(&code(&app, &token, &right).await).as_deref(), Some("/rejestracja/login"));
        let html = get(&app, "/rejestracja/login", &token).await.text().await.unwrap();
        assert!(html.contains("Wybierz inny login") && html.contains(r#"value="jkowalski2""#), "{html}");
        let taken = post(&app, "/api/rejestracja-wybierz-login", "/rejestracja/login", &[("login", "jkowalski")], Some(&token)).await;
        assert_eq!(redirected_error(&taken).unwrap()["Problems"]["problems"], serde_json::json!(["LoginTaken"]));
        let chosen = post(&app, "/api/rejestracja-wybierz-login", "/rejestracja/login", &[("login", "marta.lis")], Some(&token)).await;
        assert_eq!(location(&chosen).as_deref(), Some("/rejestracja/gotowe"));
        assert_eq!(person(&app, "marta.lis").await.unwrap().pesel.as_deref(), Some(MARTA_PESEL));
    }

    without_a_pesel_the_date_of_birth_and_a_document_identify_the_person(app) {
        let mut fields = form("", "olena@example.pl", "olena");
        fields.extend([("no_pesel", "1"), ("birth_date", "24.11.1985"), ("id_document", "fx 1234567")]);
        let token = register(&app, &fields).await;
        let right = code_in(&newest(&app, "registration_code").await);
        assert_eq!(location(&code(&app, &token, &right).await).as_deref(), Some("/rejestracja/gotowe"));
        let olena = person(&app, "olena").await.expect("the profile");
        assert_eq!((olena.pesel, olena.birth_date.as_deref(), olena.id_document.as_deref()), (None, Some("1985-11-24"), Some("FX1234567")));
        // At the office she is confirmed by her document, and may sign in.
        let key = ProfileKey::Document(IdDocument::parse("FX1234567").unwrap());
        ProfileConfirmations::new(app.db().await).confirm(&key, ConfirmationMethod::Office, &Attribution::default()).await.unwrap();
        assert_eq!(location(&app.sign_in("olena", PASSWORD).await).as_deref(), Some("/kod-weryfikacyjny"));
        // A second person without a PESEL is no clash; the same document is the same person.
        let mut other = form("", "inna@example.pl", "inna");
        other.extend([("no_pesel", "1"), ("birth_date", "01.02.1990"), ("id_document", "GB7654321")]);
        let token = register(&app, &other).await;
        let right = code_in(&newest(&app, "registration_code").await);
        assert_eq!(location(&code(&app, &token, &right).await).as_deref(), Some("/rejestracja/gotowe"));
        assert!(person(&app, "inna").await.is_some());
        let mut again = form("", "ktos@example.pl", "ktos");
        again.extend([("no_pesel", "1"), ("birth_date", "24.11.1985"), ("id_document", "FX-1234567")]);
        let token = register(&app, &again).await;
        let right = code_in(&newest(&app, "registration_code").await);
        assert_eq!(location(&code(&app, &token, &right).await).as_deref(), Some("/rejestracja/gotowe"));
        assert!(person(&app, "ktos").await.is_none());
        assert_eq!(newest(&app, "already_registered").await.recipient, "olena@example.pl");
        // Missing parts are named.
        let mut half = form("", "nowa@example.pl", "nowa");
        half.extend([("no_pesel", "1"), ("birth_date", "31.02.1985"), ("id_document", "")]);
        let response = post(&app, "/api/zarejestruj", "/rejestracja", &half, None).await;
        let problems = &redirected_error(&response).unwrap()["Problems"]["problems"];
        assert!(problems.as_array().unwrap().iter().any(|p| p == "BirthDateInvalid") && problems.as_array().unwrap().iter().any(|p| p == "DocumentMissing"), "{problems}");
    }

    every_problem_of_the_form_is_named_at_once_and_nothing_is_sent(app) {
        let response = post(&app, "/api/zarejestruj", "/rejestracja", &[("first_name", ""), ("last_name", ""), ("pesel", "123"), ("email", "x@"), ("phone", ""), ("login", "a b"), ("new_password", "krotkie"), ("repeated", "krotkie")], None).await;
        let error = redirected_error(&response).unwrap();
        assert_eq!(
            error["Problems"]["problems"],
            serde_json::json!(["KindMissing", "FirstNameMissing", "LastNameMissing", "PeselInvalid", "EmailInvalid", "PhoneMissing", "ChannelMissing", "LoginInvalid", {"Password": "TooShort"}])
        );
        assert_eq!(error["Problems"]["typed"]["email"], "x@");
        assert!(!location(&response).unwrap().contains("krotkie"), "never the password");
        assert_eq!(sent(&app, "registration_code").await, 0);
    }

    steps_out_of_turn_lead_to_the_form(app) {
        assert_eq!(location(&app.get("/rejestracja/kod", None).await).as_deref(), Some("/rejestracja"));
        assert_eq!(location(&app.get("/rejestracja/gotowe", None).await).as_deref(), Some("/rejestracja"));
    }
}
