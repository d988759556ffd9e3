//! The simulator driven over HTTP (in process), as the portal and a browser would.

mod common;

use axum::http::StatusCode;
use common::sim::*;
use common::*;
use node_simulator::saml;

#[tokio::test]
async fn profil_zaufany_login_resolves_once_and_logs_out() {
    let sim = Sim::new();
    let flow = sim.start("substantial").await;
    let choice = sim.get(&flow).await;
    assert_eq!(choice.status, StatusCode::OK);
    for text in [
        "Profil Zaufany",
        "e-dowód",
        "Bankowość elektroniczna",
        "Anuluj",
        "lang=\"pl\"",
        "Przejdź do treści",
    ] {
        assert!(choice.body.contains(text), "{text}");
    }
    let done = sim
        .post(
            &format!("{flow}/profil-zaufany"),
            &[
                ("login", "pzielinski@example.pl"),
                ("haslo", "Symulator-PZ-2024"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        done.body
            .contains(r#"action="http://127.0.0.1:3000/saml/acs""#)
    );
    assert!(done.body.contains("Kontynuuj"));
    assert!(done.csp.contains("'nonce-"), "{}", done.csp);
    assert!(
        done.csp
            .contains("form-action 'self' http://127.0.0.1:3000")
    );
    assert_eq!(hidden(&done.body, "RelayState"), "rs-1");
    let art = hidden(&done.body, "SAMLart");

    let soap = sim.resolve(&art).await;
    let doc = uppsala::parse(&soap).unwrap();
    assert_eq!(el(&doc, "Signature").len(), 2);
    let r = el(&doc, "Response")[0];
    assert_eq!(attr_of(&doc, r, "InResponseTo"), "_req42");
    assert_eq!(
        attr_of(&doc, el(&doc, "ArtifactResponse")[0], "InResponseTo"),
        "_resolve7"
    );
    let assertion = decrypt_assertion(&doc);
    assert!(
        assertion.contains(">ZIELIŃSKI<")
            && assertion.contains(">PIOTR<")
            && assertion.contains(">89113056793<")
    );
    let adoc = uppsala::parse(&assertion).unwrap();
    let name_id = adoc.text_content_deep(el(&adoc, "NameID")[0]);
    let session_index = attr_of(&adoc, el(&adoc, "AuthnStatement")[0], "SessionIndex");

    // Once only: the second resolution is an empty Success.
    let again = sim.resolve(&art).await;
    assert!(!again.contains("saml2p:Response "), "{again}");
    assert!(again.contains(saml::STATUS_SUCCESS));

    let out = sim
        .soap(
            "/login-services/singleLogoutService",
            logout_request(&sp_signer(), "_lo1", &name_id, &session_index),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert!(
        out.body.contains("LogoutResponse")
            && out.body.contains(r#"InResponseTo="_lo1""#)
            && out.body.contains(saml::STATUS_SUCCESS)
    );
    let odoc = uppsala::parse(&out.body).unwrap();
    let lr = el(&odoc, "LogoutResponse")[0];
    node_verifier().verify_element(&odoc, lr).unwrap();
}

#[tokio::test]
async fn profil_zaufany_wrong_password_is_refused() {
    let sim = Sim::new();
    let flow = sim.start("substantial").await;
    let r = sim
        .post(
            &format!("{flow}/profil-zaufany"),
            &[("login", "jkowalski"), ("haslo", "zle-haslo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Nieprawidłowa nazwa użytkownika lub hasło"));
    assert!(r.body.contains(r##"href="#login""##) && r.body.contains(r#"aria-invalid="true""#));
    assert!(!r.body.contains("SAMLart"));
    // The flow goes on: the right password still works.
    let ok = sim
        .post(
            &format!("{flow}/profil-zaufany"),
            &[("login", "jkowalski"), ("haslo", "Symulator-PZ-2024")],
        )
        .await;
    assert!(ok.body.contains("SAMLart"));
}

#[tokio::test]
async fn authn_request_signed_by_another_key_gets_an_error_page() {
    let sim = Sim::new();
    let r = sim
        .post(
            "/login/SingleSignOnService",
            &[(
                "SAMLRequest",
                &authn_request(&stranger_signer(), "_x", "low"),
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Nieprawidłowe żądanie logowania"));
    assert!(r.location.is_none());
}

#[tokio::test]
async fn a_replayed_authn_request_is_refused() {
    let sim = Sim::new();
    let req = authn_request(&sp_signer(), "_once", "low");
    let first = sim
        .post("/login/SingleSignOnService", &[("SAMLRequest", &req)])
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let again = sim
        .post("/login/SingleSignOnService", &[("SAMLRequest", &req)])
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn artifact_resolve_signed_by_another_key_is_refused() {
    let sim = Sim::new();
    let r = sim
        .soap(
            "/login-services/idpArtifactResolutionService",
            artifact_resolve(&stranger_signer(), "_r", "AAQAAA=="),
        )
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("Fault"));
}

#[tokio::test]
async fn cancel_gives_authn_failed() {
    let sim = Sim::new();
    let flow = sim.start("low").await;
    let done = sim.post(&format!("{flow}/anuluj"), &[]).await;
    let soap = sim.resolve(&hidden(&done.body, "SAMLart")).await;
    assert_eq!(soap.matches(saml::STATUS_AUTHN_FAILED).count(), 2);
    assert!(!soap.contains("EncryptedAssertion"));
}

async fn start_edowod(sim: &Sim, loa: &str) -> (String, String) {
    let flow = sim.start(loa).await;
    let r = sim
        .post(&format!("{flow}/e-dowod"), &[("narzedzie", "telefon")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = sim.get(&format!("{flow}/e-dowod/kod")).await;
    assert!(
        page.body.contains("<svg")
            && page.body.contains("role=\"img\"")
            && page.body.contains("Numer sesji")
    );
    assert!(page.body.contains("aria-live=\"polite\"") && page.body.contains("Sprawdź"));
    let token = between(&page.body, "http://127.0.0.1:3002/edo/", "\"").to_owned();
    (flow, format!("/edo/{token}"))
}

#[tokio::test]
async fn three_wrong_pins_block_the_card() {
    let sim = Sim::new();
    let (flow, app) = start_edowod(&sim, "high").await;
    let card = [("karta", "1"), ("can", "123456")];
    for left in [
        "Pozostałe próby: 2",
        "Pozostałe próby: 1",
        "Karta została zablokowana",
    ] {
        let r = sim.post(&app, &[card[0], card[1], ("pin1", "9999")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(left), "{left}: {}", r.body);
    }
    let r = sim.post(&app, &[card[0], card[1], ("pin1", "1234")]).await;
    assert!(r.body.contains("zablokowana"), "{}", r.body);
    let status = sim.get(&format!("{flow}/e-dowod/stan")).await;
    assert!(status.body.contains("karta-zablokowana"));
    // Another card still works.
    let r = sim
        .post(&app, &[("karta", "0"), card[1], ("pin1", "1234")])
        .await;
    assert!(r.body.contains("Karta odczytana"));
}

#[tokio::test]
async fn edowod_login_with_the_code_from_the_app() {
    let sim = Sim::new();
    let (flow, app) = start_edowod(&sim, "high").await;
    let form = sim.get(&app).await;
    assert!(
        form.body.contains("Anna Nowak")
            && form.body.contains("Numer CAN")
            && form.body.contains("PIN1")
    );
    let wrong_code = sim
        .post(&format!("{flow}/e-dowod/kod"), &[("kod", "000000")])
        .await;
    assert!(wrong_code.body.contains("Najpierw odczytaj"));
    let read = sim
        .post(&app, &[("karta", "0"), ("can", "123456"), ("pin1", "1234")])
        .await;
    let code = between(&read.body, "id=\"kod-edo\">", "<").to_owned();
    assert_eq!(code.len(), 6);
    let status = sim.get(&format!("{flow}/e-dowod/stan")).await;
    assert!(
        status
            .body
            .contains("Karta odczytana. Wpisz kod z aplikacji eDO App.")
    );
    // The app page is single use.
    assert_eq!(sim.get(&app).await.status, StatusCode::NOT_FOUND);
    let bad = sim
        .post(
            &format!("{flow}/e-dowod/kod"),
            &[("kod", if code == "111111" { "222222" } else { "111111" })],
        )
        .await;
    assert!(bad.body.contains("Nieprawidłowy kod z aplikacji eDO App"));
    let done = sim
        .post(&format!("{flow}/e-dowod/kod"), &[("kod", &code)])
        .await;
    let soap = sim.resolve(&hidden(&done.body, "SAMLart")).await;
    let assertion = decrypt_assertion(&uppsala::parse(&soap).unwrap());
    assert!(
        assertion.contains(">KOWALSKI<") && assertion.contains("http://eidas.europa.eu/LoA/high")
    );
}

#[tokio::test]
async fn bank_below_the_requested_level_gives_no_authn_context() {
    let sim = Sim::new();
    let flow = sim.start("high").await;
    let r = sim
        .post(&format!("{flow}/bank"), &[("bank", "bank-demo")])
        .await;
    let bank = r.location.unwrap();
    let wrong = sim
        .post(&bank, &[("identyfikator", "ewojcik"), ("haslo", "nie")])
        .await;
    assert!(wrong.body.contains("Nieprawidłowy identyfikator lub hasło"));
    let r = sim
        .post(
            &bank,
            &[("identyfikator", "ewojcik"), ("haslo", "Bank-Haslo-2024")],
        )
        .await;
    let consent = sim.get(&r.location.unwrap()).await;
    assert!(
        consent.body.contains("82041708464")
            && consent.body.contains("Zgadzam się")
            && consent.body.contains("Nie zgadzam się")
    );
    let done = sim
        .post(&format!("{bank}/zgoda"), &[("decyzja", "tak")])
        .await;
    let soap = sim.resolve(&hidden(&done.body, "SAMLart")).await;
    assert_eq!(
        soap.matches(saml::STATUS_NO_AUTHN_CONTEXT).count(),
        2,
        "{soap}"
    );
}

#[tokio::test]
async fn bank_consent_refused_is_a_cancel() {
    let sim = Sim::new();
    let flow = sim.start("substantial").await;
    let bank = format!("{flow}/bank/bank-demo");
    let r = sim
        .post(
            &bank,
            &[("identyfikator", "anowak"), ("haslo", "Bank-Haslo-2024")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let done = sim
        .post(&format!("{bank}/zgoda"), &[("decyzja", "nie")])
        .await;
    let soap = sim.resolve(&hidden(&done.body, "SAMLart")).await;
    assert_eq!(soap.matches(saml::STATUS_AUTHN_FAILED).count(), 2);
}

#[tokio::test]
async fn unknown_flow_is_a_polish_404() {
    let sim = Sim::new();
    let r = sim.get("/logowanie/nieznany").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Sesja logowania wygasła"));
}
