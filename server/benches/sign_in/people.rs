//! The benchmark's people and one full sign-in as a browser does it.

use ezus_server::passwords::{hasher::PasswordHasher, normalise::NormalisedPassword};
use sea_orm::DatabaseConnection;

pub const PASSWORD: &str = "Prawdziwe-Haslo-2024";

/// People `bench{first}`…`bench{first + count - 1}` with [`PASSWORD`] (one
/// hash, shared), their codes sent by e-mail; those already there are kept.
pub async fn add(db: &DatabaseConnection, hasher: &PasswordHasher, first: usize, count: usize) {
    use ezus_server::db::entities::person;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let hash = hasher.hash(&NormalisedPassword::new(PASSWORD)).await.unwrap();
    for i in first..first + count {
        let login = format!("bench{i}");
        if person::Entity::find().filter(person::Column::Login.eq(&login)).one(db).await.unwrap().is_some() {
            continue;
        }
        person::ActiveModel {
            login: Set(login.clone()),
            password_hash: Set(hash.clone()),
            pesel: Set(Some(valid_pesel(i))),
            first_name: Set("Test".into()),
            last_name: Set("Testowy".into()),
            email: Set(format!("{login}@example.pl")),
            phone: Set("+48600000000".into()),
            recovery_channel: Set("email".into()),
            profile_confirmed: Set(true),
            created_at: Set(0),
            password_changed_at: Set(0),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
}

/// A client address of its own for each sign-in (the benchmark's loopback
/// is the server's trusted proxy), so the per-address throttle — a
/// defence, not the subject here — never steps in.
pub fn client_ip() -> String {
    let n = rand_suffix();
    format!("10.{}.{}.{}", n % 250, (n >> 8) % 250, (n >> 16) % 250 + 1)
}

/// One sign-in as a browser does it: the password, the code from the
/// outbox, the portal. Returns where it ended ("portal", or the step and
/// status that stopped it).
pub async fn full_sign_in(c: &reqwest::Client, base: &str, db: &DatabaseConnection, login: &str) -> String {
    use ezus_server::db::entities::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let client_ip = client_ip();
    let post = |path: &str, cookie: Option<String>, form: Vec<(&'static str, String)>| {
        let mut r = c.post(format!("{base}{path}")).header("accept", "text/html").header("origin", base).header("x-forwarded-for", client_ip.clone());
        if let Some(cookie) = cookie {
            r = r.header("cookie", cookie);
        }
        r.form(&form).send()
    };
    let session = |r: &reqwest::Response| {
        r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|v| v.contains("ezus_session=")).map(|v| v.split(';').next().unwrap_or("").to_owned())
    };
    let place = |r: &reqwest::Response| r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let Ok(first) = post("/api/zaloguj", None, vec![("login", login.to_owned()), ("password", PASSWORD.to_owned())]).await else {
        return "password: no answer".into();
    };
    if place(&first) != "/kod-weryfikacyjny" {
        return format!("password: {} {}", first.status().as_u16(), place(&first));
    }
    let email = format!("{login}@example.pl");
    let message = outbox::Entity::find()
        .filter(outbox::Column::Recipient.eq(email))
        .filter(outbox::Column::Purpose.eq("sign_in_code"))
        .order_by_desc(outbox::Column::Id)
        .one(db)
        .await;
    let Some(code) = message.ok().flatten().and_then(|m| m.body.split(|ch: char| !ch.is_ascii_digit()).find(|w| w.len() == 6).map(str::to_owned)) else {
        return "code: not in the outbox".into();
    };
    let Ok(second) = post("/api/potwierdz-kod", session(&first), vec![("code", code)]).await else {
        return "code: no answer".into();
    };
    match place(&second).as_str() {
        "/portal" => "portal".into(),
        other => format!("code: {} {other}", second.status().as_u16()),
    }
}

pub fn rand_suffix() -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    u64::from_le_bytes(b)
}

/// A valid PESEL for a generated person (born in January 1980).
fn valid_pesel(i: usize) -> String {
    let base = format!("8001{:02}{:04}", 1 + (i / 10_000) % 28, i % 10_000);
    let weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    let sum: u32 = base.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{base}{}", (10 - sum % 10) % 10)
}
