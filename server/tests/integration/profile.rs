//! `/profil`: contact data and the recovery channel, changed with a code
//! sent to the new address or number (within 5 minutes of the step up; the
//! second code to the current channel is in `profile_second_code.rs`).

use ezus_server::db::entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::on_both_databases;
use crate::support::*;

pub async fn change(app: &TestApp, token: &str, email: &str, phone: &str, channel: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/zmien-kontakt",
        "/profil",
        &[("email", email), ("phone", phone), ("channel", channel), ("current_password", password)],
        Some(token),
    )
    .await
}

pub async fn newest(app: &TestApp, purpose: &str) -> outbox::Model {
    outbox::Entity::find()
        .filter(outbox::Column::Purpose.eq(purpose))
        .order_by_desc(outbox::Column::Id)
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("a {purpose} message"))
}

/// The text of the `<label>` of the field with this id.
pub fn label_for(html: &str, id: &str) -> Option<String> {
    without_markers(html).split("<label").skip(1).find_map(|label| {
        let (tag, rest) = label.split_once('>')?;
        tag.contains(&format!(r#"for="{id}""#)).then(|| rest.split_once("</label>").map(|(text, _)| text.to_owned()))?
    })
}

/// How many messages of the purpose were sent.
pub async fn sent(app: &TestApp, purpose: &str) -> usize {
    outbox::Entity::find().filter(outbox::Column::Purpose.eq(purpose)).all(&app.db().await).await.unwrap().len()
}

pub fn code_in(message: &outbox::Model) -> String {
    message.body.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).unwrap().to_owned()
}

on_both_databases! {
    bad_input_is_named_at_its_field_and_nothing_typed_is_lost(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let html = app.get("/profil", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("Dane kontaktowe i kanał odzyskiwania dostępu do Twojego profilu"), "{html}");
        assert!(html.contains(JAN.email) && html.contains("+48 600 100 200"), "the number as people write it");
        let cases = [
            ("jan@", "600 100 200", "email", JAN.password, "EmailInvalid"),
            (JAN.email, "600 100", "email", JAN.password, "PhoneInvalid"),
            (JAN.email, JAN.phone, "", JAN.password, "ChannelMissing"),
            (JAN.email, JAN.phone, "sms", "", "PasswordMissing"),
            (JAN.email, JAN.phone, "sms", "zle-haslo-123", "PasswordWrong"),
            (JAN.email, JAN.phone, "email", JAN.password, "NothingChanged"),
            ("nowy@example.pl", "+48 700 800 900", "email", JAN.password, "BothChanged"),
        ];
        for (email, phone, channel, password, expected) in cases {
            let response = change(&app, &token, email, phone, channel, password).await;
            let error = redirected_error(&response).expect("an error");
            assert_eq!(error["Problem"]["problems"], serde_json::json!([expected]), "{error}");
            assert_eq!(error["Problem"]["email"], email, "typed e-mail kept");
            assert_eq!(error["Problem"]["phone"], phone, "typed phone kept");
            assert!(!location(&response).unwrap().contains("Haslo"), "never the password");
        }
    }

    every_problem_of_the_form_is_reported_at_once(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let response = change(&app, &token, "jan@", "600 100", "", "").await;
        let error = redirected_error(&response).expect("an error");
        assert_eq!(
            error["Problem"]["problems"],
            serde_json::json!(["EmailInvalid", "PhoneInvalid", "ChannelMissing", "PasswordMissing"]),
            "{error}"
        );
        assert_eq!(error["Problem"]["email"], "jan@", "typed e-mail kept");
        assert_eq!(error["Problem"]["phone"], "600 100", "typed phone kept");
        // Without JavaScript the page shows each at its field, and all in the summary.
        let back = reqwest::Url::parse(&location(&response).unwrap()).unwrap();
        let page = format!("{}?{}", back.path(), back.query().unwrap_or_default());
        let html = app.get(&page, Some(&token)).await.text().await.unwrap();
        for id in ["email-error", "phone-error", "channel-error", "current_password-error"] {
            assert!(html.contains(&format!(r#"id="{id}""#)), "{id} shown: {html}");
        }
        assert!(html.contains("<title>Błąd: Dane profilu – eZUS</title>"), "{html}");
    }

    a_new_number_is_proven_by_a_code_sent_to_it_and_the_old_channel_is_told(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let response = change(&app, &token, JAN.email, "700 800 900", "sms", JAN.password).await;
        assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz"));
        let code_message = newest(&app, "contact_change_code").await;
        assert_eq!((code_message.channel.as_str(), code_message.recipient.as_str()), ("sms", "+48700800900"));
        assert!(code_message.body.contains("zmiany danych kontaktowych"));
        let html = app.get("/profil/potwierdz", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("••• ••• 900"), "{html}");
        // Signed in a moment ago: the code to the new number is all it takes.
        assert_eq!(label_for(&html, "code").as_deref(), Some("Kod weryfikacyjny"), "{html}");
        assert!(!html.contains("current_code"), "one code field only: {html}");
        assert_eq!(sent(&app, "contact_change_current_code").await, 0, "no code to the current channel");

        let wrong = if code_in(&code_message) == "000000" { "111111" } else { "000000" };
        let response = app.post_form("/api/potwierdz-kontakt", "/profil/potwierdz", &[("code", wrong)], Some(&token)).await;
        assert!(redirected_error(&response).unwrap()["Problem"]["Wrong"].is_object());
        let response = app
            .post_form("/api/potwierdz-kontakt", "/profil/potwierdz", &[("code", &code_in(&code_message))], Some(&token))
            .await;
        assert_eq!(location(&response).as_deref(), Some("/profil?zmieniono=1"));
        let token = session_cookie(&response, app.cookie_name).expect("a new token: the change is a step up");
        // Nothing is pending any more: the page of the codes leads back to the profile.
        assert_eq!(location(&app.get("/profil/potwierdz", Some(&token)).await).as_deref(), Some("/profil"));

        let notice = newest(&app, "contact_changed").await;
        assert_eq!(notice.recipient, JAN.email, "the old channel hears of it");
        let html = app.get("/profil", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("+48700800900"));
        // From now on the sign-in code goes by SMS to the new number.
        app.signed_in("jkowalski", JAN.password, "/kod-weryfikacyjny").await;
        let code = newest(&app, "sign_in_code").await;
        assert_eq!((code.channel.as_str(), code.recipient.as_str()), ("sms", "+48700800900"));
    }
}
