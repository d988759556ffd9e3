//! Bad input to every server function: a field missing or given twice, a
//! body that is not UTF-8 or not a form, garbage. Each is refused as the
//! caller's fault — 400 (415 for a body that is no form), a clear error,
//! the function's body never run — and never with a 500. Sent as script
//! calls and as plain form posts (with and without the page they came from),
//! without a session and with sessions at two stages.

use std::collections::BTreeSet;

use base64::{Engine, engine::general_purpose::URL_SAFE};
use reqwest::{StatusCode, header};

use crate::on_both_databases;
use crate::support::*;

/// A server function: where it is, the page its form is on, its fields
/// (`defaulted` ones are `#[server(default)]`: missing reads as empty).
pub(crate) struct Endpoint {
    pub path: &'static str,
    pub page: &'static str,
    pub required: &'static [&'static str],
    pub defaulted: &'static [&'static str],
}

const fn endpoint(path: &'static str, page: &'static str, required: &'static [&'static str], defaulted: &'static [&'static str]) -> Endpoint {
    Endpoint { path, page, required, defaulted }
}

/// Every server function the server registers; a new one fails
/// [`every_server_function_is_listed`] until it is added here (the
/// security suite's out-of-order and random-input tests use this list too).
pub(crate) const ENDPOINTS: &[Endpoint] = &[
    endpoint("/api/zaloguj", "/logowanie", &["login", "password"], &[]),
    endpoint("/api/wyloguj", "/portal", &[], &[]),
    endpoint("/api/przedluz-sesje", "/portal", &[], &[]),
    endpoint("/api/kod", "/kod-weryfikacyjny", &[], &[]),
    endpoint("/api/potwierdz-kod", "/kod-weryfikacyjny", &[], &["code"]),
    endpoint("/api/wyslij-kod", "/kod-weryfikacyjny", &[], &[]),
    endpoint("/api/ocen-haslo", "/zmiana-hasla", &["new_password"], &[]),
    endpoint("/api/zmiana-hasla", "/zmiana-hasla", &[], &[]),
    endpoint("/api/zmien-haslo", "/zmiana-hasla", &["new_password", "repeated"], &[]),
    endpoint("/api/konta", "/wybierz-konto", &[], &[]),
    endpoint("/api/wybierz-konto", "/wybierz-konto", &[], &["account"]),
    endpoint("/api/role", "/wybierz-role", &[], &[]),
    endpoint("/api/wybierz-role", "/wybierz-role", &[], &["role"]),
    endpoint("/api/portal", "/portal", &[], &[]),
    endpoint("/api/profil", "/profil", &[], &[]),
    endpoint("/api/zmien-kontakt", "/profil", &["email", "phone", "current_password"], &["channel"]),
    endpoint("/api/kod-kontakt", "/profil/potwierdz", &[], &[]),
    endpoint("/api/potwierdz-kontakt", "/profil/potwierdz", &[], &["code", "current_code"]),
    endpoint("/api/wyslij-kody-kontakt", "/profil/potwierdz", &[], &[]),
    endpoint("/api/przypomnij-login", "/nie-pamietam-loginu", &["pesel", "contact"], &[]),
    endpoint("/api/odzyskaj-haslo", "/nie-pamietam-hasla", &["login", "pesel"], &[]),
    endpoint("/api/odzyskaj-haslo-kod", "/nie-pamietam-hasla/kod", &[], &[]),
    endpoint("/api/odzyskaj-haslo-potwierdz", "/nie-pamietam-hasla/kod", &[], &["code"]),
    endpoint("/api/odzyskaj-haslo-wyslij", "/nie-pamietam-hasla/kod", &[], &[]),
    endpoint("/api/odzyskaj-haslo-nowe", "/nie-pamietam-hasla/nowe-haslo", &[], &[]),
    endpoint("/api/odzyskaj-haslo-ocen", "/nie-pamietam-hasla/nowe-haslo", &["new_password"], &[]),
    endpoint("/api/odzyskaj-haslo-zapisz", "/nie-pamietam-hasla/nowe-haslo", &["new_password", "repeated"], &[]),
    endpoint("/api/zarejestruj", "/rejestracja", &["first_name", "last_name", "email", "phone", "login", "new_password", "repeated"], &["kind", "pesel", "no_pesel", "birth_date", "id_document", "channel", "nip", "company_name"]),
    endpoint("/api/ocen-haslo-rejestracja", "/rejestracja", &["new_password"], &[]),
    endpoint("/api/rejestracja-kod", "/rejestracja/kod", &[], &[]),
    endpoint("/api/rejestracja-dane-z-wezla", "/rejestracja", &[], &[]),
    endpoint("/api/rejestracja-potwierdz", "/rejestracja/kod", &[], &["code"]),
    endpoint("/api/rejestracja-wyslij", "/rejestracja/kod", &[], &[]),
    endpoint("/api/rejestracja-login", "/rejestracja/login", &[], &[]),
    endpoint("/api/rejestracja-wybierz-login", "/rejestracja/login", &["login"], &[]),
    endpoint("/api/rejestracja-gotowe", "/rejestracja/gotowe", &[], &[]),
    endpoint("/api/dev-skrzynka", "/dev/skrzynka", &[], &[]),
];

const FORM: &str = "application/x-www-form-urlencoded";
const BAD_INPUT_PAGE: &str = "Nie udało się odczytać formularza";
const BAD_INPUT_MESSAGE: &str = "Formularz nie dotarł do nas w całości albo został uszkodzony.";

#[derive(Debug, Clone, Copy)]
enum Caller {
    /// The Leptos client: accepts the function's JSON.
    Script,
    /// A browser without JavaScript, from the form's page.
    Form,
    /// The same, with the page it came from withheld.
    FormWithoutReferer,
}

const CALLERS: [Caller; 3] = [Caller::Script, Caller::Form, Caller::FormWithoutReferer];

impl Endpoint {
    pub fn fields(&self) -> impl Iterator<Item = &'static str> {
        self.required.iter().chain(self.defaulted).copied()
    }

    /// A URL-encoded form of all fields but `without`, with `extra` after.
    fn form(&self, without: Option<&str>, extra: &str) -> Vec<u8> {
        let mut pairs: Vec<String> = self.fields().filter(|f| Some(*f) != without).map(|f| format!("{f}=x")).collect();
        if !extra.is_empty() {
            pairs.push(extra.to_owned());
        }
        pairs.join("&").into_bytes()
    }

    /// Bodies that cannot be read as this function's arguments, each named.
    fn unreadable_bodies(&self) -> Vec<(String, Vec<u8>)> {
        let mut bodies = Vec::new();
        if !self.required.is_empty() {
            bodies.push(("an empty body".to_owned(), Vec::new()));
        }
        for field in self.required {
            bodies.push((format!("no `{field}`"), self.form(Some(field), "")));
        }
        let mut not_utf8 = self.form(None, "");
        not_utf8.extend_from_slice(b"&z=\xff\xfe\xc3\x28");
        bodies.push(("bytes that are not UTF-8".to_owned(), not_utf8));
        for field in self.fields() {
            bodies.push((format!("`{field}` twice"), self.form(None, &format!("{field}=y"))));
        }
        // Even a function without arguments reads its body as a form.
        bodies.push(("a stray field twice".to_owned(), self.form(None, "stray=1&stray=2")));
        for field in self.fields() {
            bodies.push((format!("`{field}` as a map"), self.form(Some(field), &format!("{field}[a]=1"))));
        }
        bodies.push(("garbage".to_owned(), b"%%%[[[]]]&&==".to_vec()));
        bodies
    }
}

async fn call(app: &TestApp, endpoint: &Endpoint, caller: Caller, content_type: Option<&str>, body: Vec<u8>, session: Option<&str>) -> reqwest::Response {
    let accept = match caller {
        Caller::Script => "application/json",
        Caller::Form | Caller::FormWithoutReferer => "text/html,application/xhtml+xml",
    };
    let mut request = app.client.post(app.url(endpoint.path)).header(header::ACCEPT, accept).body(body);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    if let Caller::Form = caller {
        request = request.header(header::REFERER, app.url(endpoint.page));
    }
    if let Some(token) = session {
        request = request.header(header::COOKIE, format!("{}={token}", app.cookie_name));
    }
    request.send().await.unwrap()
}

/// `"BadInput"`, or `{"App": "BadInput"}` from an error type that wraps it.
fn is_bad_input(error: &serde_json::Value) -> bool {
    error == "BadInput" || error["App"] == "BadInput"
}

/// The answer to a body that could not be read: 400 with the typed error
/// to script; back to the form's page with it, or the 400 page without one.
async fn assert_refused_as_bad_input(endpoint: &Endpoint, caller: Caller, response: reqwest::Response, what: &str) {
    let status = response.status();
    let at = format!("{} {what}, {caller:?}", endpoint.path);
    match caller {
        Caller::Script => {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{at}");
            let error: serde_json::Value = response.json().await.unwrap_or_else(|e| panic!("{at}: {e}"));
            assert!(is_bad_input(&error), "{at}: {error}");
        }
        Caller::Form => {
            assert_eq!(status, StatusCode::FOUND, "{at}");
            let back = reqwest::Url::parse(&location(&response).unwrap()).unwrap();
            assert_eq!(back.path(), endpoint.page, "{at}: back to the form's page");
            let query = |key: &str| back.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
            assert_eq!(query("__path").as_deref(), Some(endpoint.path), "{at}");
            let error: serde_json::Value = serde_json::from_slice(&URL_SAFE.decode(query("__err").unwrap()).unwrap()).unwrap();
            assert!(is_bad_input(&error), "{at}: {error}");
        }
        Caller::FormWithoutReferer => assert_error_page(response, StatusCode::BAD_REQUEST, &at).await,
    }
}

async fn assert_error_page(response: reqwest::Response, status: StatusCode, at: &str) {
    assert_eq!(response.status(), status, "{at}");
    assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{at}");
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="pl">"#) && html.contains(BAD_INPUT_PAGE), "{at}: {html}");
}

/// Sends every kind of bad input to every server function, without a
/// session and with each of `sessions`.
async fn sweep(app: &TestApp, dev_mode: bool, sessions: &[&str]) {
    let sessions: Vec<Option<&str>> = std::iter::once(None).chain(sessions.iter().copied().map(Some)).collect();
    for endpoint in ENDPOINTS {
        for &session in &sessions {
            for caller in CALLERS {
                if endpoint.path == "/api/dev-skrzynka" && !dev_mode {
                    // Outside dev mode it does not exist, whatever is sent.
                    let response = call(app, endpoint, caller, Some(FORM), b"%%%".to_vec(), session).await;
                    assert_eq!(response.status(), StatusCode::NOT_FOUND);
                    continue;
                }
                for (what, body) in endpoint.unreadable_bodies() {
                    let response = call(app, endpoint, caller, Some(FORM), body, session).await;
                    assert_refused_as_bad_input(endpoint, caller, response, &what).await;
                }
                for content_type in [Some("application/json"), Some("text/plain"), Some("multipart/form-data; boundary=b"), None] {
                    // A form's fields (never empty) under another type, or under none.
                    let response = call(app, endpoint, caller, content_type, endpoint.form(None, "stray=1"), session).await;
                    let at = format!("{} as {content_type:?}, {caller:?}", endpoint.path);
                    match caller {
                        Caller::Script => assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{at}"),
                        _ => assert_error_page(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, &at).await,
                    }
                }
                // A `#[server(default)]` field left out reads as empty: the
                // function answers it as it answers an empty field (the typed
                // 422 "enter the code"… at the right stage), never a 5xx.
                for field in endpoint.defaulted {
                    let missing = call(app, endpoint, caller, Some(FORM), endpoint.form(Some(field), ""), session).await;
                    let empty = call(app, endpoint, caller, Some(FORM), endpoint.form(Some(field), &format!("{field}=")), session).await;
                    let at = format!("{} without `{field}`, {caller:?}, session {}", endpoint.path, session.is_some());
                    assert!(missing.status().is_client_error() || missing.status() == StatusCode::FOUND, "{at}: {}", missing.status());
                    assert_ne!(missing.status(), StatusCode::BAD_REQUEST, "{at}: it could be read");
                    assert_eq!(missing.status(), empty.status(), "{at}");
                    assert_eq!(location(&missing), location(&empty), "{at}");
                    assert_eq!(missing.text().await.unwrap(), empty.text().await.unwrap(), "{at}");
                }
            }
        }
    }
}

/// Signs Jan in to the code step, then fully (to `signed_in_at`); returns
/// both sessions.
async fn two_sessions(app: &TestApp, signed_in_at: &str) -> (String, String) {
    let at_code = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
    let signed_in = app.signed_in("jkowalski", JAN.password, signed_in_at).await;
    (at_code, signed_in)
}

/// Nothing bad input sent reached a function's body: both sessions are
/// where they were (the sign-out and the code check never ran).
async fn assert_sessions_untouched(app: &TestApp, at_code: &str, signed_in: &str, signed_in_at: &str) {
    assert_eq!(app.get("/kod-weryfikacyjny", Some(at_code)).await.status(), StatusCode::OK);
    assert_eq!(app.get(signed_in_at, Some(signed_in)).await.status(), StatusCode::OK);
}

/// The server mounts exactly the functions server_fn has registered.
#[test]
fn every_server_function_is_listed() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| {
            assert_eq!(method, http::Method::POST, "{path}: every server function is a form post");
            path.to_owned()
        })
        .collect();
    let listed: BTreeSet<String> = ENDPOINTS.iter().map(|e| e.path.to_owned()).collect();
    assert_eq!(registered, listed, "ENDPOINTS in bad_input.rs lists exactly the registered server functions");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_mode_every_server_function_refuses_bad_input_as_the_callers_fault() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn_with(test_settings(&url, true)).await;
    // In dev mode Jan has several accounts (and the dev inbox exists).
    let (at_code, signed_in) = two_sessions(&app, "/wybierz-konto").await;
    sweep(&app, true, &[&at_code, &signed_in]).await;
    assert_sessions_untouched(&app, &at_code, &signed_in, "/wybierz-konto").await;
}

on_both_databases! {
    every_server_function_refuses_bad_input_as_the_callers_fault(app) {
        let (at_code, signed_in) = two_sessions(&app, "/portal").await;
        sweep(&app, false, &[&at_code, &signed_in]).await;
        assert_sessions_untouched(&app, &at_code, &signed_in, "/portal").await;
    }

    a_form_that_arrives_incomplete_is_shown_again_with_a_polish_message(app) {
        // The sign-in form without its password field, as an old page might send it.
        let response = app.client.post(app.url("/api/zaloguj"))
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, app.url("/logowanie"))
            .form(&[("login", "jkowalski")])
            .send().await.unwrap();
        assert!(set_cookie_header(&response, app.cookie_name).is_none());
        let back = location(&response).unwrap();
        let html = app.get(back.strip_prefix(&app.address).unwrap(), None).await.text().await.unwrap();
        assert!(html.contains(r#"role="alert""#) && html.contains(BAD_INPUT_MESSAGE), "{html}");
        // The code given twice on a session's page: the same, and the session stays.
        let token = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let response = app.client.post(app.url("/api/potwierdz-kod"))
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, app.url("/kod-weryfikacyjny"))
            .header(header::COOKIE, format!("{}={token}", app.cookie_name))
            .header(header::CONTENT_TYPE, FORM)
            .body("code=123456&code=654321")
            .send().await.unwrap();
        let back = location(&response).unwrap();
        let html = app.get(back.strip_prefix(&app.address).unwrap(), Some(&token)).await.text().await.unwrap();
        assert!(html.contains(BAD_INPUT_MESSAGE), "{html}");
    }
}
