//! The portal's side of "Zaloguj przez login.gov.pl" that needs no node:
//! the start (its form, cookie and CSP), the ACS refusing answers that do not
//! belong to a sign-in of this browser, and the metadata. The journeys with
//! the node simulator are in `login_gov_pl_journey.rs`.

use base64::{Engine, engine::general_purpose::STANDARD};
use reqwest::{StatusCode, header};

use crate::support::{TestApp, fresh_database, test_settings, Backend};

async fn app(dev_mode: bool, tweak: impl FnOnce(&mut ezus_server::config::Settings)) -> TestApp {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let mut settings = test_settings(&url, dev_mode);
    tweak(&mut settings);
    TestApp::spawn_with(settings).await
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn cookie_pair(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

/// Starts a sign-in as the portal's own page would: the node cookie and the RelayState.
pub async fn begin(app: &TestApp, cookie_name: &str) -> (String, String, String) {
    let response = app.post_form("/login-gov-pl/start", "/logowanie", &[], None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = cookie_pair(&response, cookie_name);
    let html = response.text().await.unwrap();
    (cookie, hidden(&html, "RelayState"), hidden(&html, "SAMLRequest"))
}

async fn acs(app: &TestApp, origin: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.post(app.url("/saml/acs")).header(header::ORIGIN, origin).form(fields);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.send().await.unwrap()
}

fn location(response: &reqwest::Response) -> &str {
    response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn the_start_posts_a_signed_request_to_the_node_from_this_page_only() {
    let app = app(false, |_| {}).await;
    let response = app.post_form("/login-gov-pl/start", "/logowanie", &[], None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(csp.contains("form-action 'self' http://127.0.0.1:3002;"), "{csp}");
    let node_cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-ezus_node="))
        .expect("the browser's node cookie");
    for flag in ["HttpOnly", "Secure", "SameSite=None", "Path=/"] {
        assert!(node_cookie.contains(flag), "{node_cookie} lacks {flag}");
    }
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"action="http://127.0.0.1:3002/login/SingleSignOnService""#), "{html}");
    assert!(html.contains("Przejdź do login.gov.pl"), "the no-JS button");
    let xml = String::from_utf8(STANDARD.decode(hidden(&html, "SAMLRequest")).unwrap()).unwrap();
    for part in [
        "AuthnRequest",
        r#"ForceAuthn="true""#,
        "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact",
        "http://eidas.europa.eu/LoA/substantial",
        "SignatureValue",
    ] {
        assert!(xml.contains(part), "{part} missing in {xml}");
    }

    // Every other page may post forms to the portal only.
    let page = app.get("/logowanie", None).await;
    let csp = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("form-action 'self';"), "{csp}");
}

#[tokio::test]
async fn a_page_elsewhere_cannot_start_a_sign_in_in_a_victims_browser() {
    let app = app(false, |_| {}).await;
    let response = app
        .client
        .post(app.url("/login-gov-pl/start"))
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_answer_this_browser_did_not_ask_for_is_refused_as_expired() {
    let app = app(true, |_| {}).await;
    // Posted from the node's site: the ACS takes cross-site posts by design.
    let node = "http://127.0.0.1:3002";
    let unsolicited = acs(&app, node, None, &[("SAMLart", "AAQAAA"), ("RelayState", "x")]).await;
    assert_eq!(unsolicited.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&unsolicited), "/login-gov-pl/blad?powod=wygaslo");

    // Another browser's RelayState with this browser's cookie (login CSRF).
    let (mine, _, _) = begin(&app, "ezus_node").await;
    let (_, theirs, _) = begin(&app, "ezus_node").await;
    let foreign = acs(&app, node, Some(&mine), &[("SAMLart", "AAQAAA"), ("RelayState", &theirs)]).await;
    assert_eq!(location(&foreign), "/login-gov-pl/blad?powod=wygaslo");
    assert!(foreign.headers().get_all(header::SET_COOKIE).iter().all(|c| !c.to_str().unwrap().starts_with("ezus_session=")));
}

#[tokio::test]
async fn a_node_that_does_not_answer_is_said_so_and_the_request_is_not_reusable() {
    // Nothing listens on port 9 (discard) of loopback.
    let app = app(true, |s| s.national_node.artifact_resolution_url = "http://127.0.0.1:9/resolve".into()).await;
    let (cookie, relay, _) = begin(&app, "ezus_node").await;
    let fields = [("SAMLart", "AAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), ("RelayState", relay.as_str())];
    let first = acs(&app, "http://127.0.0.1:3002", Some(&cookie), &fields).await;
    assert_eq!(location(&first), "/login-gov-pl/blad?powod=niedostepny");
    let again = acs(&app, "http://127.0.0.1:3002", Some(&cookie), &fields).await;
    assert_eq!(location(&again), "/login-gov-pl/blad?powod=wygaslo", "a request is answered once");
}

#[tokio::test]
async fn every_failure_has_its_page_in_polish() {
    let app = app(true, |_| {}).await;
    for (reason, heading) in [
        ("anulowano", "Logowanie przez login.gov.pl zostało przerwane"),
        ("poziom", "Ten sposób logowania nie wystarczy do eZUS"),
        ("zaufanie", "Błąd zaufania"),
        ("wygaslo", "Logowanie przez login.gov.pl wygasło"),
        ("niedostepny", "login.gov.pl nie odpowiada"),
    ] {
        let page = app.get(&format!("/login-gov-pl/blad?powod={reason}"), None).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains(heading), "{reason}: {html}");
        assert!(html.contains("Spróbuj ponownie przez login.gov.pl"), "{reason}: the way on");
    }
}

#[tokio::test]
async fn the_metadata_names_our_keys_and_endpoints() {
    let app = app(true, |_| {}).await;
    let response = app.get("/saml/metadata", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/samlmetadata+xml");
    let xml = response.text().await.unwrap();
    for part in [r#"entityID="ezus-portal-dev""#, "http://127.0.0.1:3000/saml/acs", r#"use="signing""#, r#"use="encryption""#] {
        assert!(xml.contains(part), "{part} missing in {xml}");
    }
}
