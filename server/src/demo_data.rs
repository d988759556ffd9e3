//! The demo people, loaded in dev mode only. Idempotent: a person already
//! there (by login) is left as they are, changed password included — except
//! that a demo profile still unconfirmed counts as registered just now, so
//! the removal of profiles unconfirmed for 7 days (`crate::retention`)
//! does not take Piotr Zieliński from a dev database at every other start.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set, sea_query::Expr,
};

use crate::{
    db::{
        entities::{benefit, insurance_title, payer, person, person_role, proxy_grant},
        now_millis,
    },
    domain::{Login, Nip, Pesel},
    error::BackendError,
    passwords::{hasher::PasswordHasher, normalise::NormalisedPassword},
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
    DemoPerson {
        // Codes by SMS and nothing else to do: for trying the code page
        // (wrong codes, a new code) without using up the others' codes.
        login: "ewojcik",
        password: "Wojcik-Haslo-2024",
        pesel: "82041708464",
        first_name: "Ewa",
        last_name: "Wójcik",
        email: "ewa.wojcik@example.pl",
        phone: "+48603400500",
        recovery_channel: "sms",
        profile_confirmed: true,
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
            if !p.profile_confirmed {
                person::Entity::update_many()
                    .col_expr(person::Column::CreatedAt, Expr::value(now_millis()))
                    .filter(person::Column::Login.eq(login.as_str()))
                    .filter(person::Column::ProfileConfirmed.eq(false))
                    .exec(db)
                    .await?;
            }
            continue;
        }
        let hash = hasher.hash(&NormalisedPassword::new(p.password)).await?;
        let now = now_millis();
        person::ActiveModel {
            login: Set(login.as_str().to_owned()),
            password_hash: Set(hash),
            pesel: Set(Some(p.pesel.to_owned())),
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

/// A payer of the demo, with the login of its owner (if one of the demo people runs it).
struct DemoPayer {
    nip: &'static str,
    name: &'static str,
    address: &'static str,
    owner: Option<&'static str>,
}

const DEMO_PAYERS: &[DemoPayer] = &[
    DemoPayer {
        nip: "7771234567",
        name: "Kowalski Usługi Remontowe Jan Kowalski",
        address: "ul. Długa 5, 00-238 Warszawa",
        owner: Some("jkowalski"),
    },
    DemoPayer {
        nip: "9512345675",
        name: "Piekarnia Wiśniewscy sp. z o.o.",
        address: "ul. Piekarska 12, 31-001 Kraków",
        owner: None,
    },
    DemoPayer {
        nip: "8361000020",
        name: "Transport Zieliński s.c.",
        address: "ul. Portowa 3, 80-001 Gdańsk",
        owner: None,
    },
];

/// What the demo people can do beyond their individual account's "ogólna"
/// role: Jan Kowalski is insured (two titles) and a benefit recipient, runs
/// his own firm, and is the bakery's proxy; the transport firm's proxy was
/// revoked, so it is never offered. Anna Nowak has only "ogólna".
/// Idempotent: each kind of row is added only where none is there yet.
pub async fn load_accounts(db: &DatabaseConnection) -> Result<(), BackendError> {
    for p in DEMO_PAYERS {
        Nip::parse(p.nip).expect("demo NIPs are valid");
        if payer::Entity::find().filter(payer::Column::Nip.eq(p.nip)).one(db).await?.is_some() {
            continue;
        }
        let owner = match p.owner {
            Some(login) => person_id(db, login).await?,
            None => None,
        };
        payer::ActiveModel {
            nip: Set(p.nip.into()),
            name: Set(p.name.into()),
            address: Set(p.address.into()),
            owner_person_id: Set(owner),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let Some(jan) = person_id(db, "jkowalski").await? else {
        return Ok(());
    };
    for role in ["ubezpieczony", "swiadczeniobiorca"] {
        let exists = person_role::Entity::find_by_id((jan, role.to_owned())).one(db).await?.is_some();
        if !exists {
            person_role::ActiveModel { person_id: Set(jan), role: Set(role.into()) }.insert(db).await?;
        }
    }
    let no_titles = insurance_title::Entity::find().filter(insurance_title::Column::PersonId.eq(jan)).count(db).await? == 0;
    if no_titles {
        for (code, description, payer_name, since) in [
            ("011000", "Umowa o pracę", "Piekarnia Wiśniewscy sp. z o.o.", "2015-03-01"),
            ("057000", "Prowadzenie pozarolniczej działalności", "Kowalski Usługi Remontowe Jan Kowalski", "2019-06-01"),
        ] {
            insurance_title::ActiveModel {
                person_id: Set(jan),
                code: Set(code.into()),
                description: Set(description.into()),
                payer_name: Set(payer_name.into()),
                since: Set(since.into()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    let no_benefits = benefit::Entity::find().filter(benefit::Column::PersonId.eq(jan)).count(db).await? == 0;
    if no_benefits {
        benefit::ActiveModel {
            person_id: Set(jan),
            kind: Set("Renta z tytułu częściowej niezdolności do pracy".into()),
            case_number: Set("ENM/08/124301".into()),
            since: Set("2023-01-01".into()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let no_grants = proxy_grant::Entity::find().filter(proxy_grant::Column::ProxyPersonId.eq(jan)).count(db).await? == 0;
    if no_grants {
        let now = now_millis();
        let year = 365 * 24 * 3600 * 1000;
        for (nip, grantor, grantor_pesel, scope, revoked_at) in [
            ("9512345675", "Maria Wiśniewska, prezes zarządu", "75031204688", "pelny", None),
            ("8361000020", "Tomasz Zieliński, wspólnik", "68092503715", "dokumenty", Some(now - year / 12)),
        ] {
            let Some(p) = payer::Entity::find().filter(payer::Column::Nip.eq(nip)).one(db).await? else {
                continue;
            };
            proxy_grant::ActiveModel {
                payer_id: Set(p.id),
                proxy_person_id: Set(jan),
                grantor_name: Set(grantor.into()),
                grantor_pesel: Set(Some(grantor_pesel.into())),
                scope: Set(scope.into()),
                valid_from: Set(now - year),
                valid_to: Set(Some(now + 2 * year)),
                revoked_at: Set(revoked_at),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

async fn person_id(db: &DatabaseConnection, login: &str) -> Result<Option<i32>, BackendError> {
    Ok(person::Entity::find().filter(person::Column::Login.eq(login)).one(db).await?.map(|p| p.id))
}
