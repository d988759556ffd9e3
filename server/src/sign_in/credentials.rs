//! Checking a login and password. Unknown login and wrong password look the
//! same from outside: same answer, same work (a dummy hash is verified).

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::passwords::{hasher::PasswordHasher, normalise::NormalisedPassword};
use crate::{
    db::entities::person,
    domain::{Login, SubmittedPassword},
    error::BackendError,
};

#[derive(Debug)]
pub enum CredentialCheck {
    Accepted {
        person: Box<person::Model>,
        /// Shorter than today's minimum: the session may only change it.
        legacy: bool,
    },
    Rejected,
}

pub async fn check_credentials(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    login: &str,
    password: String,
) -> Result<CredentialCheck, BackendError> {
    let login = Login::parse(login).ok();
    let password = SubmittedPassword::parse(password);
    let person = match &login {
        Some(login) => person::Entity::find()
            .filter(person::Column::Login.eq(login.as_str()))
            .one(db)
            .await?,
        None => None,
    };
    let Some(password) = password else {
        // Nothing worth hashing, but the same work is done.
        hasher.verify("", None).await?;
        return Ok(CredentialCheck::Rejected);
    };
    let verification = hasher
        .verify(password.expose(), person.as_ref().map(|p| p.password_hash.as_str()))
        .await?;
    let Some(person) = person.filter(|_| verification.matches) else {
        return Ok(CredentialCheck::Rejected);
    };
    if verification.needs_rehash {
        rehash(db, hasher, &person, &password).await;
    }
    Ok(CredentialCheck::Accepted { legacy: password.is_legacy(), person: Box::new(person) })
}

/// Stores the password again, normalised (NFKC), with today's argon2
/// parameters: the hash was older than one or the other. A failure only
/// costs the upgrade, never the sign-in.
async fn rehash(db: &DatabaseConnection, hasher: &PasswordHasher, person: &person::Model, password: &SubmittedPassword) {
    let normalised = NormalisedPassword::new(password.expose());
    let result = async {
        let hash = hasher.hash(&normalised).await?;
        let mut active: person::ActiveModel = person.clone().into();
        active.password_hash = Set(hash);
        active.update(db).await?;
        Ok::<_, BackendError>(())
    }
    .await;
    match result {
        Ok(()) => tracing::info!(person_id = person.id, "password rehashed: normalised, with current argon2 parameters"),
        Err(e) => tracing::warn!(person_id = person.id, error = %e, "password rehash failed"),
    }
}
