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
    without_markers(&response.text().await.unwrap())
}

/// Gives Anna a firm of her own and a proxy grant (in force) from the
/// transport firm; returns the payer's id and the grant's id.
async fn annas_payer_and_proxy(app: &TestApp) -> (i32, i32) {
    use ezus_server::db::{entities::{payer, person, proxy_grant}, now_millis};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let db = app.db().await;
    let anna = person::Entity::find().filter(person::Column::Login.eq(ANNA.login)).one(&db).await.unwrap().unwrap();
    let own = payer::ActiveModel {
        nip: Set("1112223332".into()),
        name: Set("Kwiaciarnia Anna Nowak".into()),
        address: Set("ul. Kwiatowa 1, 00-001 Warszawa".into()),
        owner_person_id: Set(Some(anna.id)),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let transport = payer::Entity::find().filter(payer::Column::Nip.eq("8361000020")).one(&db).await.unwrap().unwrap();
    let now = now_millis();
    let grant = proxy_grant::ActiveModel {
        payer_id: Set(transport.id),
        proxy_person_id: Set(anna.id),
        grantor_name: Set("Zbigniew Zieliński, wspólnik".into()),
        grantor_pesel: Set(None),
        scope: Set("pelny".into()),
        valid_from: Set(now - 3_600_000),
        valid_to: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    (own.id, grant.id)
}

/// Anna through the code and her forced password change: at the account choice.
async fn anna_signed_in(app: &TestApp) -> String {
    let token = app.signed_in("anowak", ANNA.password, "/zmiana-hasla").await;
    let good = "rower deszcz latarnia 7";
    let response = app.post_form("/api/zmien-haslo", "/zmiana-hasla", &[("new_password", good), ("repeated", good)], Some(&token)).await;
    assert_eq!(location(&response).as_deref(), Some("/wybierz-konto?haslo=zmienione"));
    session_cookie(&response, app.cookie_name).unwrap()
}

/// The value the choice page gives Jan's own firm.
async fn jan_payer(app: &TestApp, token: &str) -> String {
    let html = app.get("/wybierz-konto", Some(token)).await.text().await.unwrap();
    let at = html.find("Konto płatnika – Kowalski").unwrap();
    let v = html[..at].rfind(r#"value=""#).unwrap();
    html[v + 7..].split('"').next().unwrap().to_owned()
}

on_both_databases! {
    jan_chooses_among_his_accounts_and_revoked_proxies_are_not_offered(app) {
        with_accounts(&app).await;
        let token = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        // No skipping to the portal.
        assert_eq!(location(&app.get("/portal", Some(&token)).await).as_deref(), Some("/wybierz-konto"));
        let html = app.get("/wybierz-konto", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("Konto indywidualne – Jan Kowalski"), "{html}");
        assert!(html.contains("Konto płatnika – Kowalski Usługi Remontowe Jan Kowalski"));
        assert!(html.contains("Konto pełnomocnika – Piekarnia Wiśniewscy sp. z o.o."));
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
        let proxy = value_of("Konto pełnomocnika – Piekarnia Wiśniewscy sp. z o.o.");
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
        // The verb agrees with the grantor (her PESEL says she is a woman);
        // the date is written for people and for machines.
        assert!(html.contains("<dt>Pełnomocnictwa udzieliła</dt>"), "{html}");
        assert!(has_date_in_words(&html), "a <time datetime> with the month in words: {html}");
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
        // Roles before an account are refused too.
        let response = choose(&app, "/api/wybierz-role", "/wybierz-role", "role", "ogolna", &token).await;
        assert!(redirected_error(&response).unwrap().to_string().contains("StepPending"));
    }

    another_persons_payer_and_proxy_and_a_role_he_lacks_cannot_be_chosen(app) {
        with_accounts(&app).await;
        let (annas_payer, annas_grant) = annas_payer_and_proxy(&app).await;
        let (annas_payer, annas_grant) = (format!("payer:{annas_payer}"), format!("proxy:{annas_grant}"));
        // Both are real: Anna is offered them and can work in them.
        let anna = anna_signed_in(&app).await;
        let offered = app.get("/wybierz-konto", Some(&anna)).await.text().await.unwrap();
        assert!(offered.contains(&format!(r#"value="{annas_payer}""#)) && offered.contains(&format!(r#"value="{annas_grant}""#)));
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", &annas_payer, &anna).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        assert!(portal_html(&app, &anna).await.contains("111-222-33-32"), "Anna's payer opens for Anna");

        // Jan works in his own firm's account, then asks for Anna's.
        let jan = app.signed_in("jkowalski", JAN.password, "/wybierz-konto").await;
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", &jan_payer(&app, &jan).await, &jan).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        for forged in [&annas_payer, &annas_grant] {
            let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", forged, &jan).await;
            assert_eq!(redirected_error(&response), Some(serde_json::json!("NotOffered")), "{forged}");
            // Nothing changed: still his firm, nothing of Anna's.
            let html = portal_html(&app, &jan).await;
            assert!(html.contains("777-123-45-67"), "{forged}: still his own firm");
            assert!(!html.contains("Kwiaciarnia") && !html.contains("111-222-33-32") && !html.contains("Zbigniew"), "{forged}");
        }

        // A role he no longer has: no longer a benefit recipient.
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", "individual", &jan).await;
        assert_eq!(location(&response).as_deref(), Some("/wybierz-role"));
        let response = choose(&app, "/api/wybierz-role", "/wybierz-role", "role", "ubezpieczony", &jan).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"));
        use sea_orm::{ConnectionTrait, Statement};
        let db = app.db().await;
        db.execute_raw(Statement::from_string(db.get_database_backend(), "DELETE FROM person_roles WHERE role = 'swiadczeniobiorca'"))
            .await
            .unwrap();
        let response = choose(&app, "/api/wybierz-role", "/wybierz-role", "role", "swiadczeniobiorca", &jan).await;
        assert_eq!(redirected_error(&response), Some(serde_json::json!("NotOffered")));
        let html = portal_html(&app, &jan).await;
        assert!(html.contains("Twoje ubezpieczenia") && !html.contains("Twoje świadczenia") && !html.contains("ENM/08/124301"));
        // Nor may Anna, who has only "ogólna", take a role of Jan's.
        let response = choose(&app, "/api/wybierz-konto", "/wybierz-konto", "account", "individual", &anna).await;
        assert_eq!(location(&response).as_deref(), Some("/portal"), "one role only: no role page");
        let response = choose(&app, "/api/wybierz-role", "/wybierz-role", "role", "ubezpieczony", &anna).await;
        assert_eq!(redirected_error(&response), Some(serde_json::json!("NotOffered")));
        let html = portal_html(&app, &anna).await;
        assert!(html.contains("Ogólna") && !html.contains("Twoje ubezpieczenia"));
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
        assert_eq!(location(&response).as_deref(), Some("/portal?haslo=zmienione"));
        let token = session_cookie(&response, app.cookie_name).unwrap();
        let html = portal_html(&app, &token).await;
        assert!(html.contains("Konto indywidualne – Anna Nowak") && html.contains("Ogólna"));
        assert!(html.contains("anna.nowak@example.pl") && html.contains("SMS"));
        assert!(!html.contains("Zmień konto") && !html.contains("Zmień rolę"));
    }
}

/// `<time datetime="2028-11-24">24 listopada 2028</time>` somewhere in the page.
fn has_date_in_words(html: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
    ];
    html.split(r#"<time datetime=""#).skip(1).any(|rest| {
        let Some((iso, after)) = rest.split_once(r#"">"#) else { return false };
        let Some((words, _)) = after.split_once("</time>") else { return false };
        let parts: Vec<&str> = iso.split('-').collect();
        let [y, m, d] = parts.as_slice() else { return false };
        let month = m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1)));
        month.is_some_and(|month| words == format!("{} {month} {y}", d.trim_start_matches('0')))
    })
}
