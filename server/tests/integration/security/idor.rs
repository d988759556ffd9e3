//! One person's pending change used by another (IDOR): a contact change, a
//! password reset and a registration are each bound to the session or
//! cookie that began them, and a code sent for one is refused for every
//! other — as a wrong code, with nothing changed — while the owner can
//! still finish. (Accounts, proxy grants and roles: `accounts::*`; sign-in
//! codes: `verification_code::*::a_code_is_only_for_its_own_person`.)

use ezus_server::db::entities::{contact_change, person};
use reqwest::header;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::on_both_databases;
use crate::profile::{change, code_in, newest};
use crate::support::*;

const EWA_LOGIN: &str = "ewojcik";
const EWA_PASSWORD: &str = "Wojcik-Haslo-2024";

async fn person(app: &TestApp, login: &str) -> person::Model {
    person::Entity::find().filter(person::Column::Login.eq(login)).one(&app.db().await).await.unwrap().unwrap()
}

/// A form post with the given cookie (`name=value`).
async fn post_with(app: &TestApp, endpoint: &str, page: &str, fields: &[(&str, &str)], cookie: &str) -> reqwest::Response {
    app.client
        .post(app.url(endpoint))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url(page))
        .header(header::COOKIE, cookie)
        .form(fields)
        .send()
        .await
        .unwrap()
}

fn is_wrong_code(response: &reqwest::Response) -> bool {
    redirected_error(response).is_some_and(|e| e["Problem"]["Wrong"].is_object())
}

on_both_databases! {
    another_persons_contact_change_cannot_be_confirmed(app) {
        let jan = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let ewa = app.signed_in(EWA_LOGIN, EWA_PASSWORD, "/portal").await;
        // Jan asks to move his e-mail; the code goes to the new address.
        assert_eq!(location(&change(&app, &jan, "jan.nowy@example.pl", JAN.phone, "email", JAN.password).await).as_deref(), Some("/profil/potwierdz"));
        let jans_code = code_in(&newest(&app, "contact_change_code").await);
        // Ewa, with no change of her own pending, types Jan's code: refused, nothing changes.
        let stray = app.post_form("/api/potwierdz-kontakt", "/profil/potwierdz", &[("code", &jans_code)], Some(&ewa)).await;
        assert!(redirected_error(&stray).is_some(), "refused");
        assert_ne!(location(&stray).as_deref(), Some("/profil?zmieniono=1"));
        // Ewa's own pending change, and Jan's code: a wrong code for her.
        assert_eq!(location(&change(&app, &ewa, "ewa.nowa@example.pl", "+48603400500", "sms", EWA_PASSWORD).await).as_deref(), Some("/profil/potwierdz"));
        let ewas_code = code_in(&newest(&app, "contact_change_code").await);
        if ewas_code != jans_code {
            let response = app.post_form("/api/potwierdz-kontakt", "/profil/potwierdz", &[("code", &jans_code)], Some(&ewa)).await;
            assert!(is_wrong_code(&response), "{:?}", redirected_error(&response));
        }
        // Ewa's page shows her own change, never Jan's new address.
        let html = app.get("/profil/potwierdz", Some(&ewa)).await.text().await.unwrap();
        assert!(!html.contains("jan.nowy") && !html.contains("j•••@example.pl"), "{html}");
        assert_eq!(person(&app, EWA_LOGIN).await.email, "ewa.wojcik@example.pl");
        assert_eq!(person(&app, "jkowalski").await.email, JAN.email);
        // Jan's change is still his to finish, and only his data moves.
        let done = app.post_form("/api/potwierdz-kontakt", "/profil/potwierdz", &[("code", &jans_code)], Some(&jan)).await;
        assert_eq!(location(&done).as_deref(), Some("/profil?zmieniono=1"));
        assert_eq!(person(&app, "jkowalski").await.email, "jan.nowy@example.pl");
        assert_eq!(person(&app, EWA_LOGIN).await.email, "ewa.wojcik@example.pl");
        let ewas = contact_change::Entity::find().filter(contact_change::Column::PersonId.eq(person(&app, EWA_LOGIN).await.id)).one(&app.db().await).await.unwrap().unwrap();
        assert!(ewas.applied_at.is_none(), "Ewa's change still waits for her own code");
    }

    another_persons_password_reset_cannot_be_finished(app) {
        let reset_cookie = app.cookie_name.replace("session", "reset");
        let start = |login: &'static str, pesel: &'static str| {
            let app = &app;
            let name = reset_cookie.clone();
            async move {
                let response = app.post_form("/api/odzyskaj-haslo", "/nie-pamietam-hasla", &[("login", login), ("pesel", pesel)], None).await;
                format!("{name}={}", session_cookie(&response, &name).expect("a reset cookie"))
            }
        };
        let jans = start("jkowalski", JAN.pesel).await;
        let jans_code = code_in(&newest(&app, "password_reset_code").await);
        let annas = start("anowak", ANNA.pesel).await;
        let annas_code = code_in(&newest(&app, "password_reset_code").await);
        let nobodys = start("nikt-taki", JAN.pesel).await;
        // Jan's code with Anna's reset, and with a reset of nobody: wrong codes.
        for cookie in [&annas, &nobodys] {
            if cookie == &annas && annas_code == jans_code {
                continue;
            }
            let response = post_with(&app, "/api/odzyskaj-haslo-potwierdz", "/nie-pamietam-hasla/kod", &[("code", &jans_code)], cookie).await;
            assert!(is_wrong_code(&response), "{:?}", redirected_error(&response));
            let new_password = app.client.get(app.url("/nie-pamietam-hasla/nowe-haslo")).header(header::COOKIE, cookie).send().await.unwrap();
            assert_eq!(location(&new_password).as_deref(), Some("/nie-pamietam-hasla/kod"), "no new password without one's own code");
        }
        // Nor can a new password be set with a reset that has no right code.
        let set = [("new_password", "rower deszcz latarnia 7"), ("repeated", "rower deszcz latarnia 7")];
        let response = post_with(&app, "/api/odzyskaj-haslo-zapisz", "/nie-pamietam-hasla/nowe-haslo", &set, &annas).await;
        assert!(redirected_error(&response).is_some());
        // A session token is no reset token.
        let session = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let swapped = format!("{reset_cookie}={session}");
        let response = post_with(&app, "/api/odzyskaj-haslo-potwierdz", "/nie-pamietam-hasla/kod", &[("code", &jans_code)], &swapped).await;
        assert!(redirected_error(&response).is_some_and(|e| e["Problem"]["Wrong"].is_null()), "no reset behind that cookie");
        let anna_before = person(&app, "anowak").await.password_hash;
        // Jan finishes his own; Anna's password is untouched.
        let response = post_with(&app, "/api/odzyskaj-haslo-potwierdz", "/nie-pamietam-hasla/kod", &[("code", &jans_code)], &jans).await;
        assert_eq!(location(&response).as_deref(), Some("/nie-pamietam-hasla/nowe-haslo"));
        let response = post_with(&app, "/api/odzyskaj-haslo-zapisz", "/nie-pamietam-hasla/nowe-haslo", &set, &jans).await;
        assert_eq!(location(&response).as_deref(), Some("/nie-pamietam-hasla/gotowe"));
        assert_eq!(person(&app, "anowak").await.password_hash, anna_before);
        assert_eq!(location(&app.sign_in("jkowalski", "rower deszcz latarnia 7").await).as_deref(), Some("/kod-weryfikacyjny"));
    }

    another_registrations_code_cannot_complete_mine(app) {
        let name = app.cookie_name.replace("session", "registration");
        let register = |pesel: &'static str, email: &'static str, login: &'static str| {
            let app = &app;
            let name = name.clone();
            async move {
                let fields = [("kind", "individual"), ("first_name", "Marta"), ("last_name", "Lis"), ("pesel", pesel), ("email", email),
                    ("phone", "600 700 800"), ("channel", "email"), ("login", login), ("new_password", "sosna jezioro latarnia 9"), ("repeated", "sosna jezioro latarnia 9")];
                let response = app.post_form("/api/zarejestruj", "/rejestracja", &fields, None).await;
                assert_eq!(location(&response).as_deref(), Some("/rejestracja/kod"), "{:?}", redirected_error(&response));
                let cookie = format!("{name}={}", session_cookie(&response, &name).unwrap());
                (cookie, code_in(&newest(app, "registration_code").await))
            }
        };
        let (martas, martas_code) = register("90010112318", "marta.lis@example.pl", "mlis").await;
        let (intruders, intruders_code) = register("44051401359", "intruz@example.pl", "intruz").await;
        if intruders_code != martas_code {
            let response = post_with(&app, "/api/rejestracja-potwierdz", "/rejestracja/kod", &[("code", &martas_code)], &intruders).await;
            assert!(is_wrong_code(&response), "{:?}", redirected_error(&response));
        }
        let page = app.client.get(app.url("/rejestracja/gotowe")).header(header::COOKIE, &intruders).send().await.unwrap();
        assert_eq!(location(&page).as_deref(), Some("/rejestracja/kod"), "not done without its own code");
        assert!(person::Entity::find().filter(person::Column::Login.eq("intruz")).one(&app.db().await).await.unwrap().is_none());
        // Marta's own code still completes hers; her cookie then ends.
        let response = post_with(&app, "/api/rejestracja-potwierdz", "/rejestracja/kod", &[("code", &martas_code)], &martas).await;
        assert_eq!(location(&response).as_deref(), Some("/rejestracja/gotowe"));
        assert_eq!(person(&app, "mlis").await.pesel.as_deref(), Some("90010112318"));
        let again = post_with(&app, "/api/rejestracja-potwierdz", "/rejestracja/kod", &[("code", &martas_code)], &martas).await;
        assert!(redirected_error(&again).is_some() || location(&again).as_deref() != Some("/rejestracja/gotowe"), "used once");
        assert!(person::Entity::find().filter(person::Column::Login.eq("intruz")).one(&app.db().await).await.unwrap().is_none());
    }
}
