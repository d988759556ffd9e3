//! "Kod nie dotarł?" on /profil/potwierdz: new codes for the pending change
//! without the profile's form again — within the same send limits, the old
//! codes dead, and the change waiting as long as its new codes live.

use crate::on_both_databases;
use crate::profile::{change, code_in, newest, sent};
use crate::profile_second_code::{confirm, stepped_up_minutes_ago};
use crate::send_limits::{age_codes, sql};
use crate::support::*;

async fn resend(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_form("/api/wyslij-kody-kontakt", "/profil/potwierdz", &[], Some(token)).await
}

on_both_databases! {
    both_codes_are_sent_again_and_the_old_ones_stop_working(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        stepped_up_minutes_ago(&app, 6).await;
        let response = change(&app, &token, JAN.email, "700 800 900", "email", JAN.password).await;
        assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz"));
        let old = (code_in(&newest(&app, "contact_change_code").await), code_in(&newest(&app, "contact_change_current_code").await));

        // At once: too soon, and nothing is sent.
        let error = redirected_error(&resend(&app, &token).await).expect("refused");
        assert!(error["Problem"]["ResendTooSoon"]["retry_after_secs"].as_u64().is_some_and(|s| s > 0 && s <= 30), "{error}");
        assert_eq!((sent(&app, "contact_change_code").await, sent(&app, "contact_change_current_code").await), (1, 1));
        let html = app.get("/profil/potwierdz", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("Nowy kod możesz wysłać za"), "the wait is shown before pressing: {html}");

        // 30 seconds later: a new code to each place, no form to fill again.
        age_codes(&app).await;
        let response = resend(&app, &token).await;
        assert_eq!(location(&response).as_deref(), Some("/profil/potwierdz?wyslano=1"));
        assert_eq!((sent(&app, "contact_change_code").await, sent(&app, "contact_change_current_code").await), (2, 2));
        let to_new = newest(&app, "contact_change_code").await;
        assert_eq!((to_new.channel.as_str(), to_new.recipient.as_str()), ("sms", "+48700800900"), "to the same new number");
        let new = (code_in(&to_new), code_in(&newest(&app, "contact_change_current_code").await));
        let html = app.get("/profil/potwierdz?wyslano=1", Some(&token)).await.text().await.unwrap();
        assert!(html.contains("Wysłaliśmy nowe kody. Poprzednie są już nieważne."), "{html}");

        // The old codes are dead; the new ones make the change.
        let refused = confirm(&app, &token, &[("code", &old.0), ("current_code", &old.1)]).await;
        assert!(redirected_error(&refused).is_some(), "old codes refused");
        let response = confirm(&app, &token, &[("code", &new.0), ("current_code", &new.1)]).await;
        assert_eq!(location(&response).as_deref(), Some("/profil?zmieniono=1"));
    }

    without_a_pending_change_nothing_is_sent_and_the_page_says_why(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        let error = redirected_error(&resend(&app, &token).await).expect("refused");
        assert_eq!(error, serde_json::json!("ChangeExpired"), "{error}");
        assert_eq!(sent(&app, "contact_change_code").await, 0);
    }

    a_change_waits_as_long_as_its_newest_codes(app) {
        let token = app.signed_in("jkowalski", JAN.password, "/portal").await;
        change(&app, &token, JAN.email, "700 800 900", "email", JAN.password).await;
        // 9 minutes later, the codes are sent again…
        sql(&app, "UPDATE contact_changes SET created_at = created_at - 540000").await;
        sql(&app, "UPDATE verification_codes SET created_at = created_at - 540000").await;
        assert_eq!(location(&resend(&app, &token).await).as_deref(), Some("/profil/potwierdz?wyslano=1"));
        // …and 5 minutes after that (14 after the change was asked for) its new code still makes it.
        sql(&app, "UPDATE contact_changes SET created_at = created_at - 300000").await;
        sql(&app, "UPDATE verification_codes SET created_at = created_at - 300000, expires_at = expires_at - 300000").await;
        let code = code_in(&newest(&app, "contact_change_code").await);
        let response = confirm(&app, &token, &[("code", &code)]).await;
        assert_eq!(location(&response).as_deref(), Some("/profil?zmieniono=1"));
    }
}
