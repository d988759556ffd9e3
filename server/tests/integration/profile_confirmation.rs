//! Confirming a profile at a ZUS office: the service (on both databases)
//! and the operator command `server confirm-profile` as an operator runs it
//! (its output and exit codes).

use std::process::{Command, Output};

use ezus_server::{
    db::entities::{person, profile_confirmation},
    profile_confirmation::{Attribution, ConfirmError, ConfirmationMethod, ProfileConfirmations, ProfileKey},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fresh_db::{migrated, with_people};
use crate::on_both_databases;
use crate::support::*;

/// A valid PESEL that no test person has.
const NOBODY: &str = "44051401359";

fn pesel(raw: &str) -> ProfileKey {
    ProfileKey::Pesel(ezus_server::domain::Pesel::parse(raw).unwrap())
}

fn at_the_office() -> Attribution {
    Attribution { run_by: Some("operator@placowka-01".into()), note: Some("dowód osobisty sprawdzony".into()) }
}

async fn records(db: &DatabaseConnection) -> Vec<profile_confirmation::Model> {
    profile_confirmation::Entity::find().all(db).await.unwrap()
}

async fn confirmed(db: &DatabaseConnection, login: &str) -> bool {
    person::Entity::find().filter(person::Column::Login.eq(login)).one(db).await.unwrap().unwrap().profile_confirmed
}

on_both_databases! {
    a_confirmed_profile_is_recorded_once_and_may_sign_in(app) {
        let refused = app.sign_in("pzielinski", PIOTR.password).await;
        assert!(redirected_error(&refused).unwrap().get("ProfileUnconfirmed").is_some());

        let db = app.db().await;
        let done = ProfileConfirmations::new(db.clone())
            .confirm(&pesel(PIOTR.pesel), ConfirmationMethod::Office, &at_the_office())
            .await
            .unwrap();
        assert_eq!((done.login.as_str(), done.first_name.as_str(), done.last_name.as_str()), ("pzielinski", "Piotr", "Zieliński"));
        assert!(confirmed(&db, "pzielinski").await);
        let stored = records(&db).await;
        assert_eq!(stored.len(), 1);
        let record = &stored[0];
        assert_eq!((record.id, record.person_id, record.method.as_str()), (done.record_id, done.person_id, "office"));
        assert_eq!(record.confirmed_at, done.confirmed_at);
        assert_eq!(record.run_by.as_deref(), Some("operator@placowka-01"));
        assert_eq!(record.note.as_deref(), Some("dowód osobisty sprawdzony"));
        // No one else was touched.
        assert_eq!(person::Entity::find().filter(person::Column::ProfileConfirmed.eq(false)).count(&db).await.unwrap(), 0);

        // He now signs in like anyone else: code, then the portal.
        app.signed_in("pzielinski", PIOTR.password, "/portal").await;
    }

    a_second_confirmation_is_refused_and_not_recorded(app) {
        let service = ProfileConfirmations::new(app.db().await);
        service.confirm(&pesel(PIOTR.pesel), ConfirmationMethod::Office, &at_the_office()).await.unwrap();
        let again = service.confirm(&pesel(PIOTR.pesel), ConfirmationMethod::LoginGovPl, &Attribution::default()).await;
        match again {
            Err(ConfirmError::AlreadyConfirmed { login, who }) => assert_eq!((login.as_str(), who.as_str()), ("pzielinski", "PESEL *******6793")),
            other => panic!("expected AlreadyConfirmed, got {other:?}"),
        }
        // A profile confirmed from the start is refused the same way.
        let jan = service.confirm(&pesel(JAN.pesel), ConfirmationMethod::Office, &at_the_office()).await;
        assert!(matches!(jan, Err(ConfirmError::AlreadyConfirmed { .. })), "{jan:?}");
        assert_eq!(records(&app.db().await).await.len(), 1);
    }

    an_unknown_pesel_is_refused_and_changes_nothing(app) {
        let db = app.db().await;
        let unknown = ProfileConfirmations::new(db.clone()).confirm(&pesel(NOBODY), ConfirmationMethod::Office, &at_the_office()).await;
        match unknown {
            Err(ConfirmError::UnknownPesel { who }) => assert_eq!(who, "PESEL *******1359"),
            other => panic!("expected UnknownPesel, got {other:?}"),
        }
        assert!(records(&db).await.is_empty());
        assert!(!confirmed(&db, "pzielinski").await);
    }

    two_racing_confirmations_confirm_and_record_once(app) {
        // Two operators (two connections, as two processes would have) at the same moment.
        let (first, second) = (ProfileConfirmations::new(app.db().await), ProfileConfirmations::new(app.db().await));
        let (who, piotr) = (at_the_office(), pesel(PIOTR.pesel));
        let (a, b) = tokio::join!(
            first.confirm(&piotr, ConfirmationMethod::Office, &who),
            second.confirm(&piotr, ConfirmationMethod::Office, &who),
        );
        let outcomes = [&a, &b];
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{a:?} / {b:?}");
        assert_eq!(outcomes.iter().filter(|o| matches!(o, Err(ConfirmError::AlreadyConfirmed { .. }))).count(), 1, "{a:?} / {b:?}");
        assert_eq!(records(&app.db().await).await.len(), 1);
    }
}

/// The built binary, run as an operator would, against `database_url`.
fn confirm_profile(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        // The shipped Leptos.toml names dev-inbox transports, allowed in dev mode only.
        .env("EZUS_SITE__DEV_MODE", "true")
        .env("EZUS_DATABASE__URL", database_url)
        .env("RUST_LOG", "info")
        .arg("confirm-profile")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_command_says_what_it_did_with_its_exit_code() {
    let url = fresh_database(Backend::Sqlite).await.unwrap();
    let db = migrated(&url).await;
    with_people(&db).await;

    let done = confirm_profile(&url, &["--pesel", PIOTR.pesel, "--note", "dowód osobisty"]);
    let (stdout, stderr) = (text(&done.stdout), text(&done.stderr));
    assert_eq!(done.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("Profil potwierdzony") && stdout.contains("login pzielinski, Piotr Zieliński"), "{stdout}");
    assert!(stdout.contains("PESEL *******6793") && !stdout.contains(PIOTR.pesel), "{stdout}");
    assert!(stdout.contains("Zapisano potwierdzenie nr 1"), "{stdout}");
    // The log line goes to stderr, without the full PESEL either.
    assert!(stderr.contains("profile confirmed") && !stderr.contains(PIOTR.pesel), "{stderr}");
    assert!(confirmed(&db, "pzielinski").await);
    let stored = records(&db).await;
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].method.as_str(), stored[0].note.as_deref()), ("office", Some("dowód osobisty")));

    let again = confirm_profile(&url, &["--pesel", PIOTR.pesel]);
    assert_eq!(again.status.code(), Some(4), "{again:?}");
    assert!(text(&again.stderr).contains("profil pzielinski (PESEL *******6793) jest już potwierdzony"), "{again:?}");
    assert!(again.stdout.is_empty());

    let unknown = confirm_profile(&url, &["--pesel", NOBODY]);
    assert_eq!(unknown.status.code(), Some(3), "{unknown:?}");
    assert!(text(&unknown.stderr).contains("nie ma profilu: PESEL *******1359"), "{unknown:?}");

    let invalid = confirm_profile(&url, &["--pesel", "89113056794"]);
    assert_eq!(invalid.status.code(), Some(2), "{invalid:?}");
    assert!(text(&invalid.stderr).contains("nieprawidłowy PESEL: cyfra kontrolna się nie zgadza"), "{invalid:?}");

    let missing = confirm_profile(&url, &[]);
    assert_eq!(missing.status.code(), Some(2), "{missing:?}");
    assert!(text(&missing.stderr).contains("--pesel") && text(&missing.stderr).contains("Użycie"), "{missing:?}");

    // Nothing but the one confirmation was recorded.
    assert_eq!(records(&db).await.len(), 1);

    let down = confirm_profile("postgres://nobody:secret@127.0.0.1:1/none", &["--pesel", PIOTR.pesel]);
    assert_eq!(down.status.code(), Some(1), "{down:?}");
    assert!(text(&down.stderr).contains("nobody:***@127.0.0.1:1") && !text(&down.stderr).contains("secret"), "{down:?}");
}
