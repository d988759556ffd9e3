//! `/wybierz-konto`, `/wybierz-role` and the portal of each account and role.

use reqwest::StatusCode;

use crate::on_both_databases;
use crate::support::*;

async fn with_accounts(app: &TestApp) {
    ezus_server::demo_data::load_accounts(&app.db().await).await.unwrap();
}

async fn choose(app: &TestApp, endpoint: &str, page: &str, field: &str, value: &str, token: &str) -> reqwest::Response {
    app.post_form(endpoint, page, &[(field, value)], Some(token)).await
}

async fn portal_html(app: &TestApp, token: &str) -> String {
    let response = app.get("/portal", Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

on_both_databases! {
    jan_chooses_among_his_accounts_and_revoked_proxies_are_not_offered(app) {
        with_accounts(&app).await;
        let token = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        // No skipping to the portal.
        assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/wybierz-konto"));
        let html = app.get("/wybierz-konto", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("Konto osobiste – Jan Kowalski"), "{html}");
        assert!(html.contains("Konto płatnika – Kowalski Usługi Remontowe Jan Kowalski"));
        assert!(html.contains("Piekarnia Wiśniewscy sp. z o.o. – jako pełnomocnik"));
        assert!(html.contains("Maria Wiśniewska"));
        assert!(!html.contains("Transport Zieliński"), "a revoked proxy is never offered");
        assert_eq!(html.matches(r#"type="radio""#).count(), 3);
        assert!(html.contains("<legend"));
    }

    the_individual_account_leads_to_the_roles_he_has(app) {
        with_accounts(&app).await;
        let token = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", "individual", &token).await;
        assert_eq!(location(&response).as_deref(), Some("/wybierz-role"));
        let html = app.get("/wybierz-role", Some(&token)).await.text().await.unwrap();
        for role in ["Ubezpieczony", "Świadczeniobiorca", "Ogólna"] {
            assert!(html.contains(role), "{role}");
        }
        let response = choose(&app, "/api/wybierz-role", "/wybierz-role", "role", "ubezpieczony", &token).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        let html = portal_html(&app, &token).await;
        assert!(html.contains("Twoje ubezpieczenia") && html.contains("Umowa o pracę") && html.contains("011000"));
        assert!(html.contains("Zmień konto") && html.contains("Zmień rolę"));

        // Switching the role needs no new sign-in.
        let response = choose(&app, "/api/wybierz-role", "/wybierz-role", "role", "swiadczeniobiorca", &token).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        let html = portal_html(&app, &token).await;
        assert!(html.contains("Twoje świadczenia") && html.contains("ENM/08/124301"));
    }

    payer_and_proxy_accounts_show_their_business(app) {
        with_accounts(&app).await;
        let token = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        let accounts = app.get("/wybierz-konto", Some(&token)).await.text().await.unwrap();
        let value_of = |needle: &str| {
            let at = accounts.find(needle).unwrap();
            let before = &accounts[..at];
            let v = before.rfind(r#"value=""#).unwrap();
            before[v + 7..].split('"').next().unwrap().to_owned()
        };
        let payer = value_of("Konto płatnika – Kowalski");
        let proxy = value_of("Piekarnia Wiśniewscy sp. z o.o. – jako pełnomocnik");
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", &payer, &token).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        let html = portal_html(&app, &token).await;
        assert!(html.contains("Twoja firma") && html.contains("777-123-45-67") && html.contains("ul. Długa 5"));
        assert!(!html.contains("Zmień rolę"), "a payer account has no roles");
        // The role page is not for a payer account: it sends back to the portal.
        assert_eq!(location(&app.get("/wybierz-role", Some(&token)).await).as_deref(), Some("/portal"));
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", &proxy, &token).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        let html = portal_html(&app, &token).await;
        assert!(html.contains("Działasz jako pełnomocnik") && html.contains("Maria Wiśniewska") && html.contains("951-234-56-75"));
    }

    accounts_not_on_offer_cannot_be_chosen(app) {
        with_accounts(&app).await;
        let token = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        let db = app.db().await;
        use sea_orm::{EntityTrait, QueryFilter, ColumnTrait};
        use ezus_server::db::entities::proxy_grant;
        let revoked = proxy_grant::Entity::find().filter(proxy_grant::Column::RevokedAt.is_not_null()).one(&db).await.unwrap().unwrap();
        for forged in [format!("proxy:{}", revoked.id), "payer:9999".into(), "admin".into()] {
            let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", &forged, &token).await;
            assert_eq!(redirected_error(&response).unwrap(), serde_json::json!("NotOffered"), "{forged}");
        }
        let response = app.post_form("/api/wybierz-konto", "/wybierz-konto", &[], Some(&token)).await;
        assert_eq!(redirected_error(&response).unwrap(), serde_json::json!("Missing"));
        // Roles he lacks, and roles before an account, are refused too.
        let response = choose(&app, "/api/wybierz-role", "/wybierz-role", "role", "ogolna", &token).await;
        assert!(redirected_error(&response).unwrap().to_string().contains("StepPending"));
    }

    a_proxy_revoked_while_in_use_sends_back_to_the_choice(app) {
        with_accounts(&app).await;
        let token = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        let db = app.db().await;
        use sea_orm::{EntityTrait, QueryFilter, ColumnTrait, ConnectionTrait, Statement};
        use ezus_server::db::entities::proxy_grant;
        let grant = proxy_grant::Entity::find().filter(proxy_grant::Column::RevokedAt.is_null()).one(&db).await.unwrap().unwrap();
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", &format!("proxy:{}", grant.id), &token).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        db.execute_raw(Statement::from_string(db.get_database_backend(), format!("UPDATE proxy_grants SET revoked_at = 1 WHERE id = {}", grant.id)))
            .await
            .unwrap();
        let api = app.client.post(app.url("/api/portal"))
            .header("cookie", format!("{}={token}", app.cookie_name))
            .header("accept", "application/json").send().await.unwrap();
        assert_eq!(api.status(), StatusCode::CONFLICT);
        assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/wybierz-konto"));
    }

    one_account_and_only_the_general_role_skip_both_choices(app) {
        with_accounts(&app).await;
        let token = app.signed_in("anowak", "Haslo123", "/zmiana-hasla").await;
        let good = "rower deszcz latarnia 7";
        let response = app.post_form("/api/zmien-haslo", "/zmiana-hasla", &[("new_password", good), ("repeated", good)], Some(&token)).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        let token = session_cookie(&response, app.cookie_name).unwrap();
        let html = portal_html(&app, &token).await;
        assert!(html.contains("Konto osobiste") && html.contains("Ogólna"));
        assert!(html.contains("anna.nowak@example.pl") && html.contains("SMS"));
        assert!(!html.contains("Zmień konto") && !html.contains("Zmień rolę"));
    }
}
