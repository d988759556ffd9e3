//! The end of a registration whose code was right, in one transaction: the
//! profile is made (with the payer account of a business) — unless its
//! PESEL or e-mail address belongs to a profile already, whose owner is
//! then told by their recovery channel (the registrant sees the same page
//! either way) — or, if only the login went meanwhile, nothing yet.

use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::store;
use crate::{
    db::{
        entities::{payer, person, profile_confirmation, registration as row},
        now_millis,
    },
    notifications::{self, Channel, OutgoingMessage},
    profile_confirmation::ConfirmationMethod,
    step_up::codes,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// A profile was made, or the data belong to one and its owner was told.
    Done,
    /// The login was taken meanwhile.
    LoginTaken,
}

/// What the owner of an existing profile is told when it is registered again.
fn already_registered(owner: &person::Model) -> OutgoingMessage {
    let (channel, recipient) = codes::recipient_of(owner);
    let login = &owner.login;
    match channel {
        Channel::Sms => OutgoingMessage {
            channel,
            recipient,
            subject: None,
            body: format!("eZUS: ktoś zakładał nowy profil z Twoimi danymi (PESEL, dokument lub e-mail). Masz już profil, login: {login}. Jeśli to nie Ty, zadzwoń do ZUS: 22 560 16 00."),
            purpose: "already_registered",
        },
        Channel::Email => OutgoingMessage {
            channel,
            recipient,
            subject: Some("Masz już profil w eZUS".into()),
            body: format!(
                "Dzień dobry,\n\n\
                 ktoś – może Ty – zakładał właśnie nowy profil w eZUS z Twoimi danymi (numerem PESEL, \
                 dokumentem tożsamości lub adresem e-mail). Nowy profil nie powstał, bo masz już profil.\n\n\
                 Twój login: {login}\n\n\
                 Jeśli nie pamiętasz hasła, ustaw nowe na stronie logowania („Nie pamiętasz hasła?”). \
                 Jeśli to nie Ty, zadzwoń do Centrum Obsługi Telefonicznej ZUS: 22 560 16 00.\n\n\
                 Zakład Ubezpieczeń Społecznych"
            ),
            purpose: "already_registered",
        },
    }
}

pub async fn complete(db: &DatabaseConnection, reg: &row::Model) -> Result<Completion, DbErr> {
    let txn = db.begin().await?;
    store::lock(&txn, reg).await?;
    // The same person: the same PESEL, or document, or e-mail address.
    let mut same = Condition::any().add(person::Column::Email.eq(reg.email.as_str()));
    if let Some(pesel) = &reg.pesel {
        same = same.add(person::Column::Pesel.eq(pesel.as_str()));
    }
    if let Some(document) = &reg.id_document {
        same = same.add(person::Column::IdDocument.eq(document.as_str()));
    }
    let owners = person::Entity::find()
        .filter(same)
        .all(&txn)
        .await?;
    if !owners.is_empty() {
        if store::mark_completed(&txn, reg).await? {
            for owner in &owners {
                notifications::enqueue(&txn, already_registered(owner)).await?;
            }
            tracing::info!(owners = owners.len(), "registration of data already registered: the owners told");
        }
        txn.commit().await?;
        return Ok(Completion::Done);
    }
    let login_taken = person::Entity::find().filter(person::Column::Login.eq(reg.login.as_str())).one(&txn).await?.is_some();
    if login_taken {
        txn.rollback().await?;
        return Ok(Completion::LoginTaken);
    }
    if !store::mark_completed(&txn, reg).await? {
        txn.rollback().await?;
        return Ok(Completion::Done);
    }
    let now = now_millis();
    let made = person::ActiveModel {
        login: Set(reg.login.clone()),
        password_hash: Set(reg.password_hash.clone()),
        pesel: Set(reg.pesel.clone()),
        first_name: Set(reg.first_name.clone()),
        last_name: Set(reg.last_name.clone()),
        email: Set(reg.email.clone()),
        phone: Set(reg.phone.clone()),
        recovery_channel: Set(reg.recovery_channel.clone()),
        // Vouched for by login.gov.pl: confirmed at once.
        profile_confirmed: Set(reg.node_verified),
        created_at: Set(now),
        password_changed_at: Set(now),
        birth_date: Set(reg.birth_date.clone()),
        id_document: Set(reg.id_document.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let (Some(nip), Some(name)) = (&reg.nip, &reg.company_name) {
        // A NIP with a payer account already is not bound to a newcomer:
        // that would hand over someone's firm. The office sorts it out.
        let taken = payer::Entity::find().filter(payer::Column::Nip.eq(nip.as_str())).one(&txn).await?.is_some();
        if taken {
            tracing::warn!(person_id = made.id, "registration as a business: the NIP has a payer account already, not bound");
        } else {
            payer::ActiveModel {
                nip: Set(nip.clone()),
                name: Set(name.clone()),
                address: Set(String::new()),
                owner_person_id: Set(Some(made.id)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    if reg.node_verified {
        profile_confirmation::ActiveModel {
            person_id: Set(made.id),
            confirmed_at: Set(now),
            method: Set(ConfirmationMethod::LoginGovPl.as_str().to_owned()),
            run_by: Set(Some("login.gov.pl".to_owned())),
            note: Set(Some("registered with the data login.gov.pl vouched for".to_owned())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    tracing::info!(person_id = made.id, business = reg.nip.is_some(), confirmed = reg.node_verified, "profile registered");
    Ok(Completion::Done)
}

/// A free login like `wanted`: itself with a number after it.
pub async fn free_login(db: &DatabaseConnection, wanted: &str) -> Result<String, DbErr> {
    let base: String = wanted.chars().take(58).collect();
    for n in 2..100 {
        let candidate = format!("{base}{n}");
        if person::Entity::find().filter(person::Column::Login.eq(candidate.as_str())).one(db).await?.is_none() {
            return Ok(candidate);
        }
    }
    let mut suffix = [0u8; 2];
    getrandom::fill(&mut suffix).map_err(|e| DbErr::Custom(e.to_string()))?;
    Ok(format!("{base}{}", u16::from_be_bytes(suffix)))
}
