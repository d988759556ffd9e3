//! Many people at once, for the load tests: each with their own login,
//! e-mail address and phone number (so no limit of one person's codes or
//! one number's messages steps in), the same password, and — when asked —
//! a second account (proxy of one shared payer) and a second role, so that
//! their sign-in goes through "Wybierz konto" and "Wybierz rolę".

use ezus_server::{
    config::Argon2Settings,
    db::{
        entities::{payer, person, person_role, proxy_grant},
        now_millis,
    },
    passwords::{hasher::PasswordHasher, normalise::NormalisedPassword},
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set, TransactionTrait};

pub const CROWD_PASSWORD: &str = "Tlum-Testowy-Haslo-2024";

/// Who a generated person is.
#[derive(Debug, Clone)]
pub struct Member {
    pub login: String,
    pub email: String,
    pub phone: String,
    pub sms: bool,
}

/// A valid PESEL for the `i`-th generated person (born in 1980, month by `batch`).
pub fn valid_pesel(batch: usize, i: usize) -> String {
    let base = format!("80{:02}{:02}{:04}", 1 + batch % 12, 1 + (i / 10_000) % 28, i % 10_000);
    let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = base.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{base}{}", (10 - sum % 10) % 10)
}

/// A valid NIP from 9 digits.
fn valid_nip(first9: &str) -> String {
    let weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    let sum: u32 = first9.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    match sum % 11 {
        10 => valid_nip(&format!("{:09}", first9.parse::<u64>().unwrap() + 1)),
        check => format!("{first9}{check}"),
    }
}

/// Adds `n` people named `<prefix><i>`; `sms(i)` says who gets codes by SMS.
/// `batch` (0–11) keeps the PESELs of several crowds in one database apart.
pub async fn add_people(
    db: &DatabaseConnection,
    argon2: &Argon2Settings,
    prefix: &str,
    batch: usize,
    n: usize,
    sms: impl Fn(usize) -> bool,
    with_choices: bool,
) -> Vec<Member> {
    let hasher = PasswordHasher::new(argon2).unwrap();
    let hash = hasher.hash(&NormalisedPassword::new(CROWD_PASSWORD)).await.unwrap();
    let now = now_millis();
    let year = 365 * 24 * 3600 * 1000_i64;
    let txn = db.begin().await.unwrap();
    let payer_id = if with_choices {
        let row = payer::ActiveModel {
            nip: Set(valid_nip(&format!("{:09}", 111_222_000 + batch))),
            name: Set(format!("Spółdzielnia Testowa nr {batch}")),
            address: Set("ul. Próbna 1, 00-001 Warszawa".into()),
            owner_person_id: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
        Some(row.id)
    } else {
        None
    };
    let mut members = Vec::with_capacity(n);
    for i in 0..n {
        let member = Member {
            login: format!("{prefix}{i}"),
            email: format!("{prefix}{i}@example.pl"),
            phone: format!("+48{:09}", 500_000_000 + batch * 100_000 + i),
            sms: sms(i),
        };
        let person = person::ActiveModel {
            login: Set(member.login.clone()),
            password_hash: Set(hash.clone()),
            pesel: Set(Some(valid_pesel(batch, i))),
            first_name: Set("Test".into()),
            last_name: Set("Testowy".into()),
            email: Set(member.email.clone()),
            phone: Set(member.phone.clone()),
            recovery_channel: Set(if member.sms { "sms" } else { "email" }.into()),
            profile_confirmed: Set(true),
            created_at: Set(now),
            password_changed_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
        if let Some(payer_id) = payer_id {
            person_role::ActiveModel { person_id: Set(person.id), role: Set("ubezpieczony".into()) }.insert(&txn).await.unwrap();
            proxy_grant::Entity::insert(proxy_grant::ActiveModel {
                payer_id: Set(payer_id),
                proxy_person_id: Set(person.id),
                grantor_name: Set("Zarząd Spółdzielni".into()),
                grantor_pesel: Set(None),
                scope: Set("pelny".into()),
                valid_from: Set(now - year),
                valid_to: Set(Some(now + year)),
                revoked_at: Set(None),
                ..Default::default()
            })
            .exec(&txn)
            .await
            .unwrap();
        }
        members.push(member);
    }
    txn.commit().await.unwrap();
    members
}

/// The six digits in a message's text.
pub fn code_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).map(str::to_owned)
}
