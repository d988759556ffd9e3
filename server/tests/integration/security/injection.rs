//! XSS payloads in every text field, rendered inert; SQL-injection strings
//! treated as data. Every form is sent as a browser without JavaScript
//! sends it (the page then shows what was typed, from the error in its
//! address — the same address an attacker could send as a link) and as a
//! script calls it (a JSON answer, never HTML). Stored values (names, a
//! company name) come back on the portal's pages. `html_scan.rs` reads each
//! page as a browser would: a payload may appear only as text or as an
//! attribute's value, never as an element, an event attribute, a script
//! without the response's nonce or a `javascript:` address.
//!
//! Break-checked: rendering the sign-in login with `inner_html` instead of
//! `value` fails `typed_payloads_come_back_as_text_on_every_form`.

use ezus_server::{
    db::entities::person,
    domain::Pesel,
    profile_confirmation::{Attribution, ConfirmationMethod, ProfileConfirmations, ProfileKey},
};
use reqwest::{StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::html_scan::scan;
use super::{csp_nonce, sqlite_app};
use crate::on_both_databases;
use crate::profile::{code_in, newest, sent};
use crate::support::*;

/// Each carries a number of its own, to find where it came back.
const PAYLOADS: &[&str] = &[
    "<script>alert(7301)</script>",
    "\"><img src=x onerror=alert(7302)>",
    "'><svg onload=alert(7303)>",
    "javascript:alert(7304)",
    "</textarea></title><ezus-xss>7305</ezus-xss>",
    "</script><script>alert(7306)</script>",
    "{{7307}}<!--",
];

const SQL: &[&str] = &["' OR '1'='1' --", "x'); DROP TABLE persons; --", "\" OR \"\"=\"", "jkowalski'--", "1; DELETE FROM sessions"];

/// `html` shows nothing of `payload` as markup; with `echoed`, it shows it as data.
fn assert_inert(what: &str, html: &str, nonce: Option<&str>, payload: &str, echoed: bool) {
    let page = scan(html);
    for element in &page.elements {
        assert_ne!(element.name, "ezus-xss", "{what}: the payload became an element: {html}");
        for (name, value) in &element.attributes {
            assert!(!name.starts_with("on"), "{what}: an event attribute <{} {name}={value:?}>: {html}", element.name);
            let url = value.trim().to_ascii_lowercase();
            if ["href", "src", "action", "formaction"].contains(&name.as_str()) {
                assert!(!url.starts_with("javascript:"), "{what}: a javascript: address: {html}");
            }
        }
        if element.name == "script" {
            let has = element.attributes.iter().find(|(n, _)| n == "nonce").map(|(_, v)| v.as_str());
            assert!(has.is_some() && has == nonce, "{what}: a script without this response's nonce: {element:?} in {html}");
        }
    }
    if echoed {
        let prefix: String = payload.trim().chars().take(16).collect();
        assert!(page.data.iter().any(|d| d.contains(&prefix)), "{what}: {payload:?} is not shown back at all: {html}");
    }
}

/// The page a no-JS form post was sent back to, and the response's nonce.
async fn page_after(app: &TestApp, response: reqwest::Response, cookie: Option<(&str, &str)>) -> (String, Option<String>) {
    assert_eq!(response.status(), StatusCode::FOUND, "{:?}", response.text().await);
    let back = location(&response).unwrap();
    let path = back.strip_prefix(&app.address).unwrap_or(&back).to_owned();
    let mut request = app.client.get(app.url(&path)).header(header::ACCEPT, "text/html");
    if let Some((name, token)) = cookie {
        request = request.header(header::COOKIE, format!("{name}={token}"));
    }
    let page = request.send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "{path}");
    let nonce = csp_nonce(&page);
    (page.text().await.unwrap(), nonce)
}

/// The same form called by a script: a JSON answer, never a page.
async fn assert_script_answer_is_json(app: &TestApp, endpoint: &str, fields: &[(&str, &str)], cookie: Option<(&str, &str)>) {
    let mut request = app.client.post(app.url(endpoint)).header(header::ACCEPT, "application/json").form(fields);
    if let Some((name, token)) = cookie {
        request = request.header(header::COOKIE, format!("{name}={token}"));
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_client_error(), "{endpoint}: {}", response.status());
    let kind = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
    assert!(kind.starts_with("application/json"), "{endpoint}: {kind}");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

/// A form: its function, its page, its fields and the cookie it needs.
type Form<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, Option<(&'a str, &'a str)>);

fn registration_fields(payload: &str, no_pesel: bool) -> Vec<(&'static str, &str)> {
    let mut fields = vec![
        ("kind", "business"), ("first_name", payload), ("last_name", payload), ("email", payload), ("phone", payload),
        ("channel", "email"), ("login", payload), ("new_password", "krotkie"), ("repeated", "krotkie"), ("nip", payload),
        ("company_name", payload),
    ];
    if no_pesel {
        fields.extend([("no_pesel", "1"), ("birth_date", payload), ("id_document", payload)]);
    } else {
        fields.push(("pesel", payload));
    }
    fields
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_payloads_come_back_as_text_on_every_form() {
    let app = sqlite_app(false).await;
    let session = app.signed_in("jkowalski", JAN.password, "/portal").await;
    let jan = Some((app.cookie_name, session.as_str()));
    // A registration at the login choice (its login was taken).
    let reg_name = app.cookie_name.replace("session", "registration");
    let taken = [("kind", "individual"), ("first_name", "Marta"), ("last_name", "Lis"), ("pesel", "90010112318"), ("email", "marta.lis@example.pl"),
        ("phone", "600 700 800"), ("channel", "email"), ("login", "jkowalski"), ("new_password", "sosna jezioro latarnia 9"), ("repeated", "sosna jezioro latarnia 9")];
    let response = app.post_form("/api/zarejestruj", "/rejestracja", &taken, None).await;
    let reg_token = session_cookie(&response, &reg_name).unwrap();
    let registration = Some((reg_name.as_str(), reg_token.as_str()));
    let code = code_in(&newest(&app, "registration_code").await);
    let client = app.client.post(app.url("/api/rejestracja-potwierdz")).header(header::COOKIE, format!("{reg_name}={reg_token}"));
    assert_eq!(location(&client.header(header::ACCEPT, "text/html").form(&[("code", code.as_str())]).send().await.unwrap()).as_deref(), Some("/rejestracja/login"));

    for &payload in PAYLOADS {
        let forms: Vec<Form> = vec![
            ("/api/zaloguj", "/logowanie", vec![("login", payload), ("password", "x")], None),
            ("/api/przypomnij-login", "/nie-pamietam-loginu", vec![("pesel", payload), ("contact", payload)], None),
            ("/api/odzyskaj-haslo", "/nie-pamietam-hasla", vec![("login", payload), ("pesel", payload)], None),
            ("/api/zarejestruj", "/rejestracja", registration_fields(payload, false), None),
            ("/api/zarejestruj", "/rejestracja", registration_fields(payload, true), None),
            ("/api/zmien-kontakt", "/profil", vec![("email", payload), ("phone", payload), ("channel", "email"), ("current_password", "x")], jan),
            ("/api/rejestracja-wybierz-login", "/rejestracja/login", vec![("login", payload)], registration),
        ];
        for (endpoint, page, fields, cookie) in forms {
            let mut request = app.client.post(app.url(endpoint)).header(header::ACCEPT, "text/html").header(header::REFERER, app.url(page)).form(&fields);
            if let Some((name, token)) = cookie {
                request = request.header(header::COOKIE, format!("{name}={token}"));
            }
            let (html, nonce) = page_after(&app, request.send().await.unwrap(), cookie).await;
            assert_inert(&format!("{endpoint} from {page}"), &html, nonce.as_deref(), payload, true);
            assert_script_answer_is_json(&app, endpoint, &fields, cookie).await;
        }
        // Addresses an attacker could send as links.
        let encoded: String = url_encode(payload);
        for path in [format!("/login-gov-pl/blad?powod={encoded}"), format!("/logowanie?sesja={encoded}"), format!("/nie-pamietam-loginu?wyslano={encoded}")] {
            let response = app.get(&path, None).await;
            assert!(response.status().is_success() || response.status().is_redirection(), "{path}: {}", response.status());
            let nonce = csp_nonce(&response);
            assert_inert(&path, &response.text().await.unwrap(), nonce.as_deref(), payload, false);
        }
    }
}

fn url_encode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

on_both_databases! {
    stored_payloads_and_sql_are_kept_as_data_and_shown_as_text(app) {
        // A business registers with names that are markup and SQL.
        let (first, last, company) = (PAYLOADS[0], "O'Brien\"); DROP TABLE persons; --", PAYLOADS[5]);
        let password = "sosna jezioro latarnia 9";
        let reg_name = app.cookie_name.replace("session", "registration");
        let fields = [("kind", "business"), ("first_name", first), ("last_name", last), ("pesel", "90010112318"), ("email", "marta.lis@example.pl"),
            ("phone", "600 700 800"), ("channel", "email"), ("login", "mlis"), ("new_password", password), ("repeated", password),
            ("nip", "526-000-12-46"), ("company_name", company)];
        let response = app.post_form("/api/zarejestruj", "/rejestracja", &fields, None).await;
        assert_eq!(location(&response).as_deref(), Some("/rejestracja/kod"), "{:?}", redirected_error(&response));
        let token = session_cookie(&response, &reg_name).unwrap();
        let code = code_in(&newest(&app, "registration_code").await);
        let response = app.client.post(app.url("/api/rejestracja-potwierdz")).header(header::COOKIE, format!("{reg_name}={token}"))
            .header(header::ACCEPT, "text/html").form(&[("code", code.as_str())]).send().await.unwrap();
        assert_eq!(location(&response).as_deref(), Some("/rejestracja/gotowe"));
        let db = app.db().await;
        let marta = person::Entity::find().filter(person::Column::Login.eq("mlis")).one(&db).await.unwrap().expect("stored");
        assert_eq!((marta.first_name.as_str(), marta.last_name.as_str()), (first, last), "stored exactly as typed");
        ProfileConfirmations::new(db.clone()).confirm(&ProfileKey::Pesel(Pesel::parse("90010112318").unwrap()), ConfirmationMethod::Office, &Attribution::default()).await.unwrap();

        // Her pages show the names and the company as text.
        let response = app.sign_in("mlis", password).await;
        let session = session_cookie(&response, app.cookie_name).expect("signed in");
        let code = code_in(&newest(&app, "sign_in_code").await);
        let (session, at) = {
            let response = app.submit_code(&code, &session).await;
            (session_cookie(&response, app.cookie_name).unwrap(), location(&response))
        };
        assert_eq!(at.as_deref(), Some("/wybierz-konto"), "her own account and her firm's");
        for page in ["/wybierz-konto", "/profil"] {
            let response = app.get(page, Some(&session)).await;
            assert_eq!(response.status(), StatusCode::OK, "{page}");
            let nonce = csp_nonce(&response);
            let html = response.text().await.unwrap();
            assert_inert(page, &html, nonce.as_deref(), first, page == "/wybierz-konto");
            assert_inert(page, &html, nonce.as_deref(), company, page == "/wybierz-konto");
        }

        // SQL typed into the sign-in and recovery forms is looked up as data.
        for &sql in SQL {
            let response = app.sign_in(sql, sql).await;
            assert!(set_cookie_header(&response, app.cookie_name).is_none(), "{sql}");
            assert!(redirected_error(&response).is_some_and(|e| e.get("InvalidCredentials").is_some()), "{sql}");
            let response = app.sign_in(&format!("jkowalski{sql}"), JAN.password).await;
            assert!(redirected_error(&response).is_some_and(|e| e.get("InvalidCredentials").is_some()), "{sql}");
            let response = app.post_form("/api/odzyskaj-haslo", "/nie-pamietam-hasla", &[("login", sql), ("pesel", JAN.pesel)], None).await;
            assert_eq!(location(&response).as_deref(), Some("/nie-pamietam-hasla/kod"), "{sql}");
            let response = app.post_form("/api/przypomnij-login", "/nie-pamietam-loginu", &[("pesel", sql), ("contact", sql)], None).await;
            assert!(redirected_error(&response).is_some(), "{sql}");
            forget_throttles(&app).await;
        }
        assert_eq!(sent(&app, "password_reset_code").await, 0, "no SQL matched Jan's profile");
        assert_eq!(sent(&app, "login_reminder").await, 0);
        // Every table is still there and whole: five people, and Jan signs in.
        assert_eq!(person::Entity::find().count(&db).await.unwrap(), ezus_server::demo_data::DEMO_PEOPLE.len() as u64 + 1);
        app.signed_in("jkowalski", JAN.password, "/portal").await;
    }
}

/// Clears the throttles between rounds, so each string reaches the lookup.
async fn forget_throttles(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    app.db().await.execute_unprepared("DELETE FROM sign_in_throttle").await.unwrap();
}
