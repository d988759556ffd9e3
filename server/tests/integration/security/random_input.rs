//! Random input at every server function and every page (proptest): random
//! field names and values (any Unicode, control characters and NUL, very
//! long), bodies as correct forms, as hand-made forms with broken percent
//! escapes and as raw bytes, under random content types, with and without
//! a session, from random client addresses; and the pages with random
//! `__err`/`__path` in their address (what a form post without JavaScript
//! is sent back with). No answer may be a 5xx: whatever is sent is the
//! sender's fault or an ordinary refusal. The server functions come from
//! `bad_input::ENDPOINTS`, which `bad_input::every_server_function_is_listed`
//! keeps equal to what the server registers.
//!
//! `nul_and_control_characters_in_any_field_get_no_5xx_on_*` puts NUL and
//! other control characters into each field alone (the rest valid). On
//! PostgreSQL, which refuses NUL in text, it found typed logins and names
//! reaching the database with their NUL and coming back as 503 "service
//! unavailable"; control characters are now dropped from what is stored or
//! used as a key (`sign_in::throttle`, `password_reset`, `registration::form`).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::header;

use crate::bad_input::ENDPOINTS;
use crate::support::*;

/// Cases per database (each one request).
const CASES: u32 = 500;

const PAGES: &[&str] = &[
    "/logowanie", "/kod-weryfikacyjny", "/zmiana-hasla", "/wybierz-konto", "/wybierz-role", "/portal", "/profil", "/profil/potwierdz",
    "/rejestracja", "/rejestracja/kod", "/rejestracja/login", "/rejestracja/gotowe", "/nie-pamietam-loginu", "/nie-pamietam-hasla",
    "/nie-pamietam-hasla/kod", "/nie-pamietam-hasla/nowe-haslo", "/login-gov-pl/blad", "/wylogowano",
];

#[derive(Debug, Clone)]
enum Body {
    /// Pairs encoded correctly (by the client).
    Form(Vec<(String, String)>),
    /// Pairs joined by hand, with `%` escapes that may be broken.
    Handmade(Vec<(String, String)>),
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
enum Call {
    Function { endpoint: usize, body: Body, content_type: Option<String>, script: bool, session: usize, forwarded: String },
    Page { page: usize, err: String, path: String, session: usize },
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "[\\x00-\\x1f\\x7f]{0,6}[a-z0-9@.+ ]{0,12}",
        2 => "[0-9 +-]{0,14}",
        1 => "\\PC{0,300}",
        // Long, yet all fields together under the 64 KiB limit: a body over
        // it is refused before it is read (`http_stack` tests that), and
        // the client would see the closed socket rather than the 413.
        1 => (1usize..1_500).prop_map(|n| "ą".repeat(n)),
        1 => prop::sample::select(vec![
            String::new(), "\0".into(), "%".into(), "%00".into(), "%ff%fe".into(), "\u{202e}\u{200b}".into(), "\u{feff}".into(),
            "<script>alert(1)</script>".into(), "' OR '1'='1".into(), "75031412355".into(), "jkowalski".into(), "123456".into(),
        ]),
    ]
}

/// Field names (mostly the function's own) with values.
fn pairs(endpoint: usize) -> impl Strategy<Value = Vec<(String, String)>> {
    let known: Vec<String> = ENDPOINTS[endpoint].fields().map(str::to_owned).chain(["__proto__".into(), "x[]".into()]).collect();
    let name = prop_oneof![3 => prop::sample::select(known), 1 => any::<String>()];
    prop::collection::vec((name, text()), 0..12)
}

fn body(endpoint: usize) -> impl Strategy<Value = Body> {
    prop_oneof![
        4 => pairs(endpoint).prop_map(Body::Form),
        2 => pairs(endpoint).prop_map(Body::Handmade),
        1 => prop::collection::vec(any::<u8>(), 0..512).prop_map(Body::Bytes),
    ]
}

fn forwarded() -> impl Strategy<Value = String> {
    prop_oneof![
        (any::<[u8; 4]>()).prop_map(|b| format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])),
        (any::<[u16; 8]>()).prop_map(|s| s.iter().map(|p| format!("{p:x}")).collect::<Vec<_>>().join(":")),
        "[ -~]{0,40}",
    ]
}

fn call(sessions: usize) -> impl Strategy<Value = Call> {
    let function = (0..ENDPOINTS.len()).prop_flat_map(move |endpoint| {
        let content_type = prop_oneof![
            8 => Just(Some("application/x-www-form-urlencoded".to_owned())),
            1 => Just(Some("application/x-www-form-urlencoded; charset=iso-8859-2".to_owned())),
            1 => Just(None),
            1 => "[ -~]{0,40}".prop_map(Some),
        ];
        (body(endpoint), content_type, any::<bool>(), 0..sessions, forwarded()).prop_map(move |(body, content_type, script, session, forwarded)| {
            Call::Function { endpoint, body, content_type, script, session, forwarded }
        })
    });
    let page = (0..PAGES.len(), prop_oneof![any::<String>(), "[A-Za-z0-9_=-]{0,80}"], any::<String>(), 0..sessions)
        .prop_map(|(page, err, path, session)| Call::Page { page, err, path, session });
    prop_oneof![4 => function, 1 => page]
}

fn percent(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn send(app: &TestApp, cookies: &[Option<String>], call: &Call) -> reqwest::StatusCode {
    let cookie = |session: &usize| cookies[*session].clone();
    let request = match call {
        Call::Function { endpoint, body, content_type, script, session, forwarded } => {
            let endpoint = &ENDPOINTS[*endpoint];
            let mut request = app.client.post(app.url(endpoint.path)).header("x-forwarded-for", forwarded.as_str());
            request = match body {
                Body::Form(pairs) => request.form(pairs),
                Body::Handmade(pairs) => {
                    // Values with their `%` left as typed: some escapes are broken.
                    let joined: Vec<String> = pairs.iter().map(|(n, v)| format!("{}={}", percent(n), v.replace('&', "%26").replace(' ', "+"))).collect();
                    request.body(joined.join("&"))
                }
                Body::Bytes(bytes) => request.body(bytes.clone()),
            };
            if let Some(content_type) = content_type {
                request = request.header(header::CONTENT_TYPE, content_type.as_str());
            }
            request = if *script {
                request.header(header::ACCEPT, "application/json")
            } else {
                request.header(header::ACCEPT, "text/html").header(header::REFERER, app.url(endpoint.page))
            };
            match cookie(session) {
                Some(c) => request.header(header::COOKIE, c),
                None => request,
            }
        }
        Call::Page { page, err, path, session } => {
            let url = format!("{}?__err={}&__path={}", PAGES[*page], percent(err), percent(path));
            let request = app.client.get(app.url(&url)).header(header::ACCEPT, "text/html");
            match cookie(session) {
                Some(c) => request.header(header::COOKIE, c),
                None => request,
            }
        }
    };
    match request.send().await {
        Ok(response) => response.status(),
        // A header value the client itself will not send (e.g. a newline): nothing reached the server.
        Err(e) if e.is_builder() => reqwest::StatusCode::BAD_REQUEST,
        Err(e) => panic!("{call:?}: {e:?}"),
    }
}

// The closure must return proptest's own (large) `TestCaseError`.
#[allow(clippy::result_large_err)]
async fn never_a_5xx(backend: Backend) {
    let Some(url) = fresh_database(backend).await else { return };
    let mut settings = test_settings(&url, false);
    // Each call from its own random address, so the per-address throttle
    // does not turn most of them away before they reach the functions.
    settings.http.trusted_proxies = Some(vec!["127.0.0.0/8".into()]);
    let app = TestApp::spawn_with(settings).await;
    let at_code = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
    let in_portal = app.signed_in("ewojcik", "Wojcik-Haslo-2024", "/portal").await;
    let session = |token: &str| Some(format!("{}={token}", app.cookie_name));
    let cookies = vec![None, session(&at_code), session(&in_portal), Some(format!("{}=%00garbage", app.cookie_name)),
        Some("__Host-ezus_reset=x; __Host-ezus_registration=y".into())];
    let handle = tokio::runtime::Handle::current();
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, max_shrink_iters: 300, ..Config::default() });
    let strategy = call(cookies.len());
    let result = tokio::task::block_in_place(|| {
        runner.run(&strategy, |call| {
            let status = handle.block_on(send(&app, &cookies, &call));
            if status.is_server_error() {
                return Err(TestCaseError::fail(format!("{status} for {call:?}")));
            }
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{backend:?}: {e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_input_to_every_function_and_page_never_gets_a_5xx_on_sqlite() {
    never_a_5xx(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_input_to_every_function_and_page_never_gets_a_5xx_on_postgres() {
    never_a_5xx(Backend::Postgres).await;
}

/// A valid value for the field, so that the special one is what is looked at.
fn plausible(field: &str) -> &'static str {
    match field {
        "login" => "nowy.login",
        "password" | "current_password" => JAN.password,
        "new_password" | "repeated" => "sosna jezioro latarnia 9",
        "code" | "current_code" => "123456",
        "pesel" => "44051401359",
        "email" => "nowy@example.pl",
        "phone" | "contact" => "600 700 800",
        "channel" => "email",
        "kind" => "business",
        "first_name" => "Marta",
        "last_name" => "Lis",
        "nip" => "526-000-12-46",
        "company_name" => "Lis i Wspólnicy",
        "account" => "individual",
        "role" => "ubezpieczony",
        _ => "",
    }
}

/// The inputs a database treats specially — NUL (PostgreSQL refuses it in
/// text), other control characters, a lone surrogate's replacement, very
/// long text — in every field of every function, each alone.
async fn special_characters_in_every_field(backend: Backend) {
    let Some(url) = fresh_database(backend).await else { return };
    let mut settings = test_settings(&url, false);
    settings.http.trusted_proxies = Some(vec!["127.0.0.0/8".into()]);
    let app = TestApp::spawn_with(settings).await;
    let in_portal = app.signed_in("jkowalski", JAN.password, "/portal").await;
    let cookies = [None, Some(format!("{}={in_portal}", app.cookie_name))];
    let mut failures = Vec::new();
    for (n, endpoint) in ENDPOINTS.iter().enumerate() {
        for field in endpoint.fields() {
            for special in ["jan\0kowalski", "\0", "a\u{1}\u{1b}[31m\u{7f}b", "\u{fffd}", "75031412355\0"] {
                for session in 0..cookies.len() {
                    let pairs = endpoint.fields().map(|f| (f.to_owned(), if f == field { special.to_owned() } else { plausible(f).to_owned() })).collect();
                    let call = Call::Function { endpoint: n, body: Body::Form(pairs), content_type: Some("application/x-www-form-urlencoded".into()), script: true, session, forwarded: format!("10.0.{}.{}", n, session) };
                    let status = send(&app, &cookies, &call).await;
                    if status.is_server_error() {
                        failures.push(format!("{status} {} {field}={special:?} session {session}", endpoint.path));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_and_control_characters_in_any_field_get_no_5xx_on_sqlite() {
    special_characters_in_every_field(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_and_control_characters_in_any_field_get_no_5xx_on_postgres() {
    special_characters_in_every_field(Backend::Postgres).await;
}
