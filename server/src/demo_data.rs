//! The demo people, loaded in dev mode only. Idempotent: a person already
//! there (by login) is left as they are, changed password included.

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use secrecy::SecretString;

use crate::{
    db::{entities::person, now_millis},
    domain::{Login, Pesel},
    error::BackendError,
    identity::password_hasher::PasswordHasher,
};

pub struct DemoPerson {
    pub login: &'static str,
    pub password: &'static str,
    pub pesel: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub recovery_channel: &'static str,
    pub profile_confirmed: bool,
}

pub const DEMO_PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        login: "jkowalski",
        password: "Kowalski-Haslo-2024",
        pesel: "75031412355",
        first_name: "Jan",
        last_name: "Kowalski",
        email: "jan.kowalski@example.pl",
        phone: "+48600100200",
        recovery_channel: "email",
        profile_confirmed: true,
    },
    DemoPerson {
        login: "anowak",
        // Legacy: 8 characters, must be changed right after signing in.
        password: "Haslo123",
        pesel: "58072204561",
        first_name: "Anna",
        last_name: "Nowak",
        email: "anna.nowak@example.pl",
        phone: "+48601200300",
        recovery_channel: "sms",
        profile_confirmed: true,
    },
    DemoPerson {
        login: "pzielinski",
        password: "Zielinski-Haslo-2024",
        pesel: "89113056793",
        first_name: "Piotr",
        last_name: "Zieliński",
        email: "piotr.zielinski@example.pl",
        phone: "+48602300400",
        recovery_channel: "email",
        // Registered, never confirmed at a ZUS office or through login.gov.pl.
        profile_confirmed: false,
    },
];

/// Inserts the people of `people` who are not there yet; returns how many.
pub async fn load(db: &DatabaseConnection, hasher: &PasswordHasher, people: &[DemoPerson]) -> Result<usize, BackendError> {
    let mut added = 0;
    for p in people {
        let login = Login::parse(p.login).expect("demo logins are valid");
        Pesel::parse(p.pesel).expect("demo PESELs are valid");
        let exists = person::Entity::find()
            .filter(person::Column::Login.eq(login.as_str()))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let hash = hasher.hash(&SecretString::from(p.password)).await?;
        let now = now_millis();
        person::ActiveModel {
            login: Set(login.as_str().to_owned()),
            password_hash: Set(hash),
            pesel: Set(p.pesel.to_owned()),
            first_name: Set(p.first_name.to_owned()),
            last_name: Set(p.last_name.to_owned()),
            email: Set(p.email.to_owned()),
            phone: Set(p.phone.to_owned()),
            recovery_channel: Set(p.recovery_channel.to_owned()),
            profile_confirmed: Set(p.profile_confirmed),
            created_at: Set(now),
            password_changed_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        added += 1;
    }
    Ok(added)
}
