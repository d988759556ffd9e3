//! Every step of every flow reached out of order, over HTTP: each page of
//! a flow typed as an address, and each server function called, by a
//! visitor holding each of the flows' cookies at each of their steps (and
//! by one with none, or a dead one). Pages lead to the step the holder is
//! at; a function not open at that step is refused with a 4xx and changes
//! nothing in the database; afterwards every holder can still take its
//! own next step. The server functions come from `bad_input::ENDPOINTS`,
//! which `bad_input::every_server_function_is_listed` keeps complete.
//! (`http::flow_guard`'s unit tests cover its table; this covers what the
//! back end does behind it.)
//!
//! Break-checked: letting `/api/zmien-kontakt` through at the code step
//! (the session gate's stage check) fails
//! `no_step_can_be_skipped_or_taken_out_of_turn`.

use ezus_server::db::entities::{contact_change, password_reset, person, registration, session, verification_code};
use reqwest::{StatusCode, header};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::bad_input::ENDPOINTS;
use crate::on_both_databases;
use crate::profile::{code_in, newest};
use crate::support::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    Nobody,
    DeadSession,
    AtCode,
    AtPasswordChange,
    ChoosingAccount,
    ChoosingRole,
    InPortal,
    ResetAtCode,
    ResetVerified,
    RegistrationAtCode,
    RegistrationAtLogin,
}
use Holder::*;

const PAGES: &[&str] = &[
    "/", "/logowanie", "/kod-weryfikacyjny", "/zmiana-hasla", "/wybierz-konto", "/wybierz-role", "/portal", "/profil",
    "/profil/potwierdz", "/rejestracja/kod", "/rejestracja/login", "/rejestracja/gotowe", "/nie-pamietam-hasla/kod",
    "/nie-pamietam-hasla/nowe-haslo",
];

/// Where a page sends the holder (`None`: it is shown).
fn expected_page(holder: Holder, page: &str) -> Option<&'static str> {
    let session_page = ["/", "/kod-weryfikacyjny", "/zmiana-hasla", "/wybierz-konto", "/wybierz-role", "/portal", "/profil", "/profil/potwierdz"];
    let signed_in_home = match holder {
        AtCode => Some("/kod-weryfikacyjny"),
        AtPasswordChange => Some("/zmiana-hasla"),
        ChoosingAccount => Some("/wybierz-konto"),
        ChoosingRole => Some("/wybierz-role"),
        InPortal => Some("/portal"),
        _ => None,
    };
    match (holder, page) {
        // No contact change pending: back to the profile (open to them all).
        (_, "/profil/potwierdz") if matches!(holder, ChoosingAccount | ChoosingRole | InPortal) => Some("/profil"),
        (ChoosingAccount | ChoosingRole | InPortal, "/wybierz-konto" | "/profil") => None,
        (ChoosingRole | InPortal, "/wybierz-role") => None,
        (_, "/logowanie") => signed_in_home,
        (_, p) if signed_in_home == Some(p) => None,
        (_, p) if session_page.contains(&p) => Some(signed_in_home.unwrap_or(if holder == DeadSession { "/logowanie?sesja=wygasla" } else { "/logowanie" })),
        (RegistrationAtCode, "/rejestracja/kod") | (RegistrationAtLogin, "/rejestracja/login") => None,
        (RegistrationAtCode, _) if page.starts_with("/rejestracja") => Some("/rejestracja/kod"),
        (RegistrationAtLogin, _) if page.starts_with("/rejestracja") => Some("/rejestracja/login"),
        (_, _) if page.starts_with("/rejestracja") => Some("/rejestracja"),
        (ResetAtCode, "/nie-pamietam-hasla/kod") | (ResetVerified, "/nie-pamietam-hasla/nowe-haslo") => None,
        (ResetAtCode, _) => Some("/nie-pamietam-hasla/kod"),
        (ResetVerified, _) => Some("/nie-pamietam-hasla/nowe-haslo"),
        _ => Some("/nie-pamietam-hasla"),
    }
}

/// The holders a function is for. The rest must be refused; functions
/// open to everyone (sign-in and sign-out, the keep-alive, the first form
/// of each flow, the read-only helpers) are not called here.
fn open_to(path: &str) -> Option<&'static [Holder]> {
    Some(match path {
        "/api/zaloguj" | "/api/wyloguj" | "/api/przedluz-sesje" | "/api/przypomnij-login" | "/api/odzyskaj-haslo" | "/api/zarejestruj"
        | "/api/ocen-haslo-rejestracja" | "/api/rejestracja-dane-z-wezla" => return None,
        "/api/kod" | "/api/potwierdz-kod" | "/api/wyslij-kod" => &[AtCode],
        "/api/ocen-haslo" | "/api/zmiana-hasla" | "/api/zmien-haslo" => &[AtPasswordChange],
        "/api/konta" | "/api/wybierz-konto" | "/api/profil" | "/api/zmien-kontakt" => &[ChoosingAccount, ChoosingRole, InPortal],
        "/api/role" | "/api/wybierz-role" => &[ChoosingRole, InPortal],
        "/api/portal" => &[InPortal],
        "/api/odzyskaj-haslo-kod" | "/api/odzyskaj-haslo-potwierdz" | "/api/odzyskaj-haslo-wyslij" => &[ResetAtCode],
        "/api/odzyskaj-haslo-nowe" | "/api/odzyskaj-haslo-ocen" | "/api/odzyskaj-haslo-zapisz" => &[ResetVerified],
        "/api/rejestracja-kod" | "/api/rejestracja-potwierdz" | "/api/rejestracja-wyslij" => &[RegistrationAtCode],
        "/api/rejestracja-login" | "/api/rejestracja-wybierz-login" => &[RegistrationAtLogin],
        // No holder has a contact change pending, a finished registration or the dev inbox.
        _ => &[],
    })
}

/// A value a person could well type in the field (the right password, so
/// that only the step can be the reason for a refusal).
fn value_for(field: &str) -> &'static str {
    match field {
        "code" | "current_code" => "123456",
        "new_password" | "repeated" => "rower deszcz latarnia 7",
        "current_password" | "password" => JAN.password,
        "login" => "nowy.login",
        "account" => "individual",
        "role" => "ubezpieczony",
        "email" => "nowy@example.pl",
        "phone" => "600 700 800",
        "channel" => "sms",
        "pesel" => JAN.pesel,
        _ => "x",
    }
}

/// What the flows have stored, for "nothing changed" (the sessions without
/// their last-seen time, which any look-up may touch).
async fn snapshot(db: &DatabaseConnection) -> String {
    let sessions: Vec<_> = session::Entity::find().all(db).await.unwrap().into_iter()
        .map(|s| (s.token_hash, s.person_id, s.stage, s.account, s.role, s.password_upgrade_due, s.stepped_up_at)).collect();
    format!(
        "{sessions:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\noutbox: {}",
        person::Entity::find().all(db).await.unwrap(),
        verification_code::Entity::find().all(db).await.unwrap(),
        password_reset::Entity::find().all(db).await.unwrap(),
        registration::Entity::find().all(db).await.unwrap(),
        contact_change::Entity::find().all(db).await.unwrap(),
        ezus_server::db::entities::outbox::Entity::find().count(db).await.unwrap(),
    )
}

struct Holders {
    cookies: Vec<(Holder, Option<String>)>,
}

impl Holders {
    async fn set_up(app: &TestApp) -> Holders {
        let session = |token: String| Some(format!("{}={token}", app.cookie_name));
        let reset_name = app.cookie_name.replace("session", "reset");
        let reg_name = app.cookie_name.replace("session", "registration");
        ezus_server::demo_data::load_accounts(&app.db().await).await.unwrap();
        let at_code = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let choosing_account = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        let choosing_role = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        let to_roles = app.post_form("/api/wybierz-konto", "/wybierz-konto", &[("account", "individual")], Some(&choosing_role)).await;
        assert_eq!(location(&to_roles).as_deref(), Some("/wybierz-role"));
        let password_change = app.signed_in("anowak", ANNA.password, "/zmiana-hasla").await;
        let in_portal = app.signed_in("ewojcik", "Wojcik-Haslo-2024", "/portal").await;
        let reset = async |login: &str, pesel: &str| {
            let response = app.post_form("/api/odzyskaj-haslo", "/nie-pamietam-hasla", &[("login", login), ("pesel", pesel)], None).await;
            format!("{reset_name}={}", session_cookie(&response, &reset_name).unwrap())
        };
        let reset_at_code = reset("jkowalski", JAN.pesel).await;
        let reset_verified = reset("ewojcik", "82041708464").await;
        let code = code_in(&newest(app, "password_reset_code").await);
        let verified = post(app, "/api/odzyskaj-haslo-potwierdz", &[("code", &code)], Some(&reset_verified), "text/html").await;
        assert_eq!(location(&verified).as_deref(), Some("/nie-pamietam-hasla/nowe-haslo"));
        let register = async |pesel: &str, email: &str, login: &str| {
            let password = "sosna jezioro latarnia 9";
            let fields = [("kind", "individual"), ("first_name", "Marta"), ("last_name", "Lis"), ("pesel", pesel), ("email", email),
                ("phone", "600 700 800"), ("channel", "email"), ("login", login), ("new_password", password), ("repeated", password)];
            let response = app.post_form("/api/zarejestruj", "/rejestracja", &fields, None).await;
            format!("{reg_name}={}", session_cookie(&response, &reg_name).unwrap())
        };
        let registration_at_login = register("44051401359", "ola@example.pl", "jkowalski").await;
        let code = code_in(&newest(app, "registration_code").await);
        let to_login = post(app, "/api/rejestracja-potwierdz", &[("code", &code)], Some(&registration_at_login), "text/html").await;
        assert_eq!(location(&to_login).as_deref(), Some("/rejestracja/login"));
        let registration_at_code = register("90010112318", "marta.lis@example.pl", "mlis").await;
        Holders {
            cookies: vec![
                (Nobody, None),
                (DeadSession, session("0".repeat(43))),
                (AtCode, session(at_code)),
                (AtPasswordChange, session(password_change)),
                (ChoosingAccount, session(choosing_account)),
                (ChoosingRole, session(choosing_role)),
                (InPortal, session(in_portal)),
                (ResetAtCode, Some(reset_at_code)),
                (ResetVerified, Some(reset_verified)),
                (RegistrationAtCode, Some(registration_at_code)),
                (RegistrationAtLogin, Some(registration_at_login)),
            ],
        }
    }

    fn of(&self, holder: Holder) -> Option<&str> {
        self.cookies.iter().find(|(h, _)| *h == holder).and_then(|(_, c)| c.as_deref())
    }
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)], cookie: Option<&str>, accept: &str) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).header(header::ACCEPT, accept).form(fields);
    if accept.contains("html") {
        request = request.header(header::REFERER, app.url("/logowanie"));
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.send().await.unwrap()
}

on_both_databases! {
    no_step_can_be_skipped_or_taken_out_of_turn(app) {
        let holders = Holders::set_up(&app).await;
        let db = app.db().await;
        // Every page, typed as an address.
        let mut wrong = Vec::new();
        for (holder, cookie) in &holders.cookies {
            for &page in PAGES {
                let mut request = app.client.get(app.url(page)).header(header::ACCEPT, "text/html");
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                let response = request.send().await.unwrap();
                let got = match response.status() {
                    StatusCode::OK => None,
                    s if s.is_redirection() => location(&response),
                    s => Some(format!("status {s}")),
                };
                if got.as_deref() != expected_page(*holder, page) {
                    wrong.push(format!("{holder:?} {page}: got {got:?}, expected {:?}", expected_page(*holder, page)));
                }
            }
        }
        assert!(wrong.is_empty(), "pages reached out of turn:\n{}", wrong.join("\n"));

        // Every server function, by every holder it is not for.
        for endpoint in ENDPOINTS {
            let Some(open) = open_to(endpoint.path) else { continue };
            let fields: Vec<(&str, &str)> = endpoint.fields().map(|f| (f, value_for(f))).collect();
            for (holder, cookie) in &holders.cookies {
                if open.contains(holder) {
                    continue;
                }
                let before = snapshot(&db).await;
                let response = post(&app, endpoint.path, &fields, cookie.as_deref(), "application/json").await;
                let status = response.status();
                let body = response.text().await.unwrap();
                assert!(status.is_client_error(), "{} by {holder:?}: {status} {body}", endpoint.path);
                assert_eq!(snapshot(&db).await, before, "{} by {holder:?} changed something ({status} {body})", endpoint.path);
            }
        }

        // Each holder can still take its own next step.
        let at_code = app.client.get(app.url("/kod-weryfikacyjny")).header(header::COOKIE, holders.of(AtCode).unwrap()).send().await.unwrap();
        assert_eq!(at_code.status(), StatusCode::OK, "still at the code");
        let good = [("new_password", "rower deszcz latarnia 7"), ("repeated", "rower deszcz latarnia 7")];
        let response = post(&app, "/api/zmien-haslo", &good, holders.of(AtPasswordChange), "text/html").await;
        assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"));
        for holder in [ChoosingAccount, ChoosingRole, InPortal] {
            let response = app.client.get(app.url("/profil")).header(header::COOKIE, holders.of(holder).unwrap()).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{holder:?} still signed in");
        }
        // (Ewa's reset, finished, ends her session in the portal.)
        let response = post(&app, "/api/odzyskaj-haslo-zapisz", &good, holders.of(ResetVerified), "text/html").await;
        assert_eq!(location(&response).as_deref(), Some("/nie-pamietam-hasla/gotowe"));
        let response = post(&app, "/api/rejestracja-wybierz-login", &[("login", "ola.nowa")], holders.of(RegistrationAtLogin), "text/html").await;
        assert_eq!(location(&response).as_deref(), Some("/rejestracja/gotowe"));
        let code = code_in(&newest(&app, "registration_code").await);
        let response = post(&app, "/api/rejestracja-potwierdz", &[("code", &code)], holders.of(RegistrationAtCode), "text/html").await;
        assert_eq!(location(&response).as_deref(), Some("/rejestracja/gotowe"));
    }
}
