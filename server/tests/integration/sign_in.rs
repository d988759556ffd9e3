//! `/logowanie` and `/api/zaloguj`, as a browser without JavaScript uses them.

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use sha2::{Digest, Sha256};

use crate::on_both_databases;

on_both_databases! {
    right_password_opens_a_session_and_shows_the_portal(app) {
        let response = app.sign_in("jkowalski", JAN.password).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(location(&response).as_deref(), Some("/kod-weryfikacyjny"));
        let header = set_cookie_header(&response, "__Host-ezus_session").expect("session cookie");
        for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(header.contains(flag), "{header} lacks {flag}");
        }
        let token = session_cookie(&response, app.cookie_name).unwrap();
        // Nothing but the code page until the code is typed.
        assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/kod-weryfikacyjny"));
        let (token, at) = app.confirm_code("jkowalski", &token).await;
        assert_eq!(at.as_deref(), Some("/portal"));

        let portal = app.get("/portal", Some(&token)).await;
        assert_eq!(portal.status(), StatusCode::OK);
        let html = without_markers(&portal.text().await.unwrap());
        assert!(html.contains("Witaj, Jan Kowalski"), "{html}");
        assert!(html.contains("Wyloguj się"));
    }

    login_is_case_insensitive_and_trimmed(app) {
        app.signed_in("  JKowalski ", JAN.password, "/portal").await;
    }

    only_the_hash_of_the_token_is_stored(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let db = app.db().await;
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT token_hash FROM sessions"))
            .await
            .unwrap();
        let stored: Vec<String> = rows.iter().map(|r| r.try_get("", "token_hash").unwrap()).collect();
        let expected: String = Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(stored, vec![expected]);
        assert!(!stored.contains(&token));
    }

    wrong_password_and_unknown_login_get_the_same_answer(app) {
        let wrong = app.sign_in("jkowalski", "Kowalski-Haslo-2025").await;
        let unknown = app.sign_in("nieistnieje", "Kowalski-Haslo-2024").await;
        let malformed = app.sign_in("x' OR 1=1 --", "cokolwiek").await;
        for response in [&wrong, &unknown, &malformed] {
            assert!(set_cookie_header(response, app.cookie_name).is_none(), "no session on failure");
            let error = redirected_error(response).expect("the error travels in the URL");
            assert!(error.get("InvalidCredentials").is_some(), "{error}");
        }
        // The typed login comes back (so the field is refilled); a password never does.
        assert_eq!(redirected_error(&wrong).unwrap()["InvalidCredentials"]["login"], "jkowalski");
        assert!(!location(&wrong).unwrap().contains("Haslo"));
    }

    the_error_page_shows_one_message_with_the_fields_marked(app) {
        let response = app.sign_in("jkowalski", "zle-haslo-123").await;
        let back = location(&response).unwrap();
        let path = back.strip_prefix(&app.address).unwrap();
        let html = app.get(path, None).await.text().await.unwrap();
        assert!(html.contains(r#"role="alert""#));
        assert!(html.contains("Nieprawidłowy login lub hasło."));
        assert!(html.contains(r#"value="jkowalski""#));
        assert_eq!(html.matches(r#"aria-invalid="true""#).count(), 2, "login and password marked");
        assert!(!html.contains("zle-haslo-123"));
    }

    empty_fields_are_named(app) {
        let response = app.sign_in("", "").await;
        let error = redirected_error(&response).unwrap();
        assert_eq!(error["MissingInput"]["login_missing"], true);
        assert_eq!(error["MissingInput"]["password_missing"], true);
        let response = app.sign_in("jkowalski", "").await;
        let error = redirected_error(&response).unwrap();
        assert_eq!(error["MissingInput"]["login_missing"], false);
        assert_eq!(error["MissingInput"]["password_missing"], true);
    }

    an_unconfirmed_profile_may_not_sign_in(app) {
        let response = app.sign_in("pzielinski", PIOTR.password).await;
        assert!(set_cookie_header(&response, app.cookie_name).is_none());
        let error = redirected_error(&response).unwrap();
        assert!(error.get("ProfileUnconfirmed").is_some(), "{error}");
        // …but only a person who knows the password learns that.
        let wrong = app.sign_in("pzielinski", "Zielinski-Haslo-2025").await;
        assert!(redirected_error(&wrong).unwrap().get("InvalidCredentials").is_some());
    }

    a_legacy_password_leads_only_to_the_password_change(app) {
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        for path in ["/portal", "/", "/logowanie"] {
            let response = app.get(path, Some(&token)).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            assert_eq!(location(&response).as_deref(), Some("/zmiana-hasla"), "{path}");
        }
        // The data behind the portal is refused too, not just the page.
        let api = app
            .client
            .post(app.url("/api/portal"))
            .header("cookie", format!("{}={token}", app.cookie_name))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::CONFLICT);
        let body = api.text().await.unwrap();
        assert!(body.contains("StepPending") && body.contains("/zmiana-hasla"), "{body}");
    }

    script_calls_get_statuses_that_say_who_is_at_fault(app) {
        async fn call(app: &TestApp, login: &str, password: &str) -> (StatusCode, String) {
            let response = app
                .client
                .post(app.url("/api/zaloguj"))
                .header("accept", "application/json")
                .form(&[("login", login), ("password", password)])
                .send()
                .await
                .unwrap();
            (response.status(), response.text().await.unwrap())
        }
        let (status, body) = call(&app, "jkowalski", "zle-haslo").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(body.contains("InvalidCredentials"));
        assert_eq!(call(&app, "", "").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(call(&app, "pzielinski", PIOTR.password).await.0, StatusCode::FORBIDDEN);
        let (status, _) = call(&app, "jkowalski", JAN.password).await;
        assert_eq!(status, StatusCode::OK);
        let portal = app.client.post(app.url("/api/portal")).header("accept", "application/json").send().await.unwrap();
        assert_eq!(portal.status(), StatusCode::UNAUTHORIZED);
    }
}
