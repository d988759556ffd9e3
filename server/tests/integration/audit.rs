//! The audit trail: who, what, when, from where, and how it ended.

use ezus_server::db::entities::audit_event;
use sea_orm::{EntityTrait, QueryOrder};

use crate::support::*;

async fn trail(app: &TestApp) -> Vec<(String, Option<i32>, Option<String>, Option<String>, String)> {
    audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db().await)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.event, e.person_id, e.login, e.client, e.outcome))
        .collect()
}

#[tokio::test]
async fn sign_ins_codes_and_sign_outs_are_recorded_with_their_address_and_outcome() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let app = TestApp::spawn_with(test_settings(&url, false)).await;
    app.sign_in("JKowalski", "Zle-Haslo-2024").await;
    let token = app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
    let (token, _) = app.confirm_code("jkowalski", &token).await;
    app.post_form("/api/wyloguj", "/portal", &[], Some(&token)).await;

    let jan = {
        use ezus_server::db::entities::person;
        use sea_orm::{ColumnTrait, QueryFilter};
        person::Entity::find().filter(person::Column::Login.eq("jkowalski")).one(&app.db().await).await.unwrap().unwrap().id
    };
    let local = Some("127.0.0.1".to_owned());
    let events = trail(&app).await;
    assert_eq!(
        events,
        vec![
            ("sign_in_password".into(), None, Some("jkowalski".into()), local.clone(), "invalid_credentials".into()),
            ("sign_in_password".into(), None, Some("jkowalski".into()), local.clone(), "ok".into()),
            ("sign_in_code".into(), Some(jan), None, local.clone(), "ok".into()),
            ("sign_out".into(), Some(jan), None, local.clone(), "ok".into()),
        ]
    );
}
