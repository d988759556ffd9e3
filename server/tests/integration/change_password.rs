//! `/zmiana-hasla`: the forced upgrade of a short password.

use reqwest::StatusCode;

use crate::on_both_databases;
use crate::support::*;

const GOOD: &str = "rower deszcz latarnia 7";

async fn change(app: &TestApp, token: &str, new: &str, repeated: &str) -> reqwest::Response {
    app.post_form("/api/zmien-haslo", "/zmiana-hasla", &[("new_password", new), ("repeated", repeated)], Some(token))
        .await
}

async fn stored_hash(app: &TestApp) -> String {
    use ezus_server::db::entities::person;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    person::Entity::find().filter(person::Column::Login.eq("anowak")).one(&app.db().await).await.unwrap().unwrap().password_hash
}

fn rejected(response: &reqwest::Response) -> String {
    let error = redirected_error(response).expect("an error in the URL");
    error["Rejected"].as_str().unwrap_or_else(|| panic!("{error}")).to_owned()
}

on_both_databases! {
    weak_new_passwords_are_refused_with_the_reason(app) {
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        let cases = [
            ("", "", "Missing"),
            ("krotkie-1", "krotkie-1", "TooShort"),
            ("Polska123456", "Polska123456", "Common"),
            ("anowak-i-jej-rower", "anowak-i-jej-rower", "ContainsLogin"),
            ("58072204561-to-ja", "58072204561-to-ja", "ContainsPesel"),
            ("Anna lubi lody i kawe", "Anna lubi lody i kawe", "ContainsName"),
            (GOOD, "rower deszcz latarnia 8", "RepeatMismatch"),
            (GOOD, "", "RepeatMissing"),
        ];
        for (new, repeated, expected) in cases {
            let response = change(&app, &token, new, repeated).await;
            assert_eq!(rejected(&response), expected, "{new:?}");
            assert!(!location(&response).unwrap().contains("rower"), "no password in the URL");
        }
        // Still waiting for the change: nothing else is open.
        assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/zmiana-hasla"));
    }

    a_good_password_replaces_the_old_one_and_rotates_the_session(app) {
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        let other_device = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        let response = change(&app, &token, GOOD, GOOD).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        // The code came before the change; the change is a step up (new
        // token) straight on to her only account and role.
        assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"));
        let new_token = session_cookie(&response, app.cookie_name).expect("a new session token");
        assert_ne!(new_token, token);

        assert_eq!(app.get("/portal", Some(&new_token)).await.status(), StatusCode::OK);
        // The old token and every other session of the person are over.
        assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/logowanie?sesja=wygasla"));
        assert_eq!(location(&app.get("/portal", Some(&other_device)).await).as_deref(), Some("/logowanie?sesja=wygasla"));
        // A notice went to her recovery channel (SMS).
        {
            use ezus_server::db::entities::outbox;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let notices = outbox::Entity::find()
                .filter(outbox::Column::Purpose.eq("password_changed"))
                .all(&app.db().await)
                .await
                .unwrap();
            assert_eq!(notices.len(), 1);
            assert_eq!(notices[0].recipient, ANNA.phone);
            assert!(notices[0].body.contains("hasło do Twojego profilu zostało zmienione"));
        }
        // The old password no longer works; the new one works.
        assert!(redirected_error(&app.sign_in("anowak", "Haslo123").await).unwrap().get("InvalidCredentials").is_some());
        app.signed_in("anowak", GOOD, "/portal").await;
    }

    the_legacy_password_alone_cannot_set_a_new_one(app) {
        // Login and the short password only: the session waits for the code.
        let waiting = app.signed_in("anowak", "Haslo123", "/kod-weryfikacyjny").await;
        assert_eq!(location(&app.get("/zmiana-hasla", Some(&waiting)).await).as_deref(), Some("/kod-weryfikacyjny"));
        let response = change(&app, &waiting, GOOD, GOOD).await;
        assert!(redirected_error(&response).unwrap().to_string().contains("StepPending"), "{:?}", location(&response));
        assert!(session_cookie(&response, app.cookie_name).is_none());
        // With the code typed, the change is open.
        let (token, at) = app.confirm_code("anowak", &waiting).await;
        assert_eq!(at.as_deref(), Some("/zmiana-hasla"));
        assert_eq!(location(&change(&app, &token, GOOD, GOOD).await).as_deref(), Some("/portal?haslo=zmienione"));
    }

    the_new_password_and_the_end_of_other_sessions_commit_together(app) {
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        let before = stored_hash(&app).await;
        // Make ending the other sessions fail inside the database.
        let db = app.db().await;
        use sea_orm::{ConnectionTrait, DbBackend};
        let refuse: &[&str] = match db.get_database_backend() {
            DbBackend::Sqlite => &["CREATE TRIGGER refuse_end BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'refused'); END"],
            _ => &[
                "CREATE FUNCTION refuse_end() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_end BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_end()",
            ],
        };
        for statement in refuse {
            db.execute_unprepared(statement).await.unwrap();
        }
        let other_device = app.sign_in("anowak", "Haslo123").await;
        let other_device = session_cookie(&other_device, app.cookie_name).unwrap();
        let response = change(&app, &token, GOOD, GOOD).await;
        assert!(redirected_error(&response).unwrap().to_string().contains("Unavailable"));
        // Neither happened: the old password is still the one stored.
        assert_eq!(stored_hash(&app).await, before);
        assert_eq!(location(&app.get("/zmiana-hasla", Some(&token)).await), None, "still at the change");
        assert_eq!(location(&app.get("/portal", Some(&other_device)).await).as_deref(), Some("/kod-weryfikacyjny"));
    }

    the_change_is_only_for_sessions_that_need_it(app) {
        let jan = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let response = change(&app, &jan, GOOD, GOOD).await;
        assert!(redirected_error(&response).unwrap().to_string().contains("StepPending"));
        let nobody = change(&app, "A".repeat(43).as_str(), GOOD, GOOD).await;
        assert!(redirected_error(&nobody).unwrap().to_string().contains("NotSignedIn"));
        // Jan's password is unchanged.
        app.signed_in("jkowalski", JAN.password, "/portal").await;
    }

    typing_a_new_password_gets_its_strength_and_first_broken_rule(app) {
        async fn assess(app: &TestApp, token: Option<&str>, candidate: &str) -> (StatusCode, serde_json::Value) {
            let mut request = app.client.post(app.url("/api/ocen-haslo")).header("accept", "application/json").form(&[("new_password", candidate)]);
            if let Some(token) = token {
                request = request.header("cookie", format!("{}={token}", app.cookie_name));
            }
            let response = request.send().await.unwrap();
            (response.status(), response.json().await.unwrap_or_default())
        }
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        let (status, weak) = assess(&app, Some(&token), "Polska123456").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(weak["problem"], "Common");
        let (_, own) = assess(&app, Some(&token), "anowak-i-jej-rower").await;
        assert_eq!(own["problem"], "ContainsLogin");
        let (_, strong) = assess(&app, Some(&token), GOOD).await;
        assert_eq!(strong, serde_json::json!({"problem": null, "strength": 4}));
        // Nobody else may use it as an oracle.
        assert_eq!(assess(&app, None, GOOD).await.0, StatusCode::UNAUTHORIZED);
        let jan = app.signed_in("jkowalski", JAN.password, "/portal").await;
        assert_eq!(assess(&app, Some(&jan), GOOD).await.0, StatusCode::CONFLICT);
    }

    the_current_password_cannot_be_reused(app) {
        // A 12+ character password that is "legacy" cannot exist, so check
        // through a second change: set GOOD, then force the stage back.
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        let response = change(&app, &token, "Haslo123", "Haslo123").await;
        assert_eq!(rejected(&response), "TooShort");
        let db = app.db().await;
        use sea_orm::{ConnectionTrait, Statement};
        let response = change(&app, &token, GOOD, GOOD).await;
        let token = session_cookie(&response, app.cookie_name).unwrap();
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            "UPDATE sessions SET stage = 'password_change_required'",
        ))
        .await
        .unwrap();
        assert_eq!(rejected(&change(&app, &token, GOOD, GOOD).await), "SameAsCurrent");
    }
}
