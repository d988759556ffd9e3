//! The confirmation of a profile: `persons.profile_confirmed` set by one
//! conditional UPDATE and recorded in `profile_confirmations`, in one
//! transaction. Of two confirmations racing for one person (two operators,
//! or an operator and a login.gov.pl sign-in) exactly one confirms and is
//! recorded; the other is told the profile is already confirmed.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait,
    sea_query::Expr,
};

use crate::{
    db::{
        entities::{person, profile_confirmation},
        now_millis,
    },
    domain::{IdDocument, Pesel},
};

/// Whose profile: by PESEL or, for a person without one, by the identity
/// document they registered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileKey {
    Pesel(Pesel),
    Document(IdDocument),
}

impl ProfileKey {
    fn matches(&self) -> sea_orm::sea_query::SimpleExpr {
        match self {
            ProfileKey::Pesel(pesel) => person::Column::Pesel.eq(pesel.as_str()),
            ProfileKey::Document(document) => person::Column::IdDocument.eq(document.as_str()),
        }
    }

    /// As output and logs show it: "PESEL *******6793", "dokument *****4567".
    pub fn masked(&self) -> String {
        match self {
            ProfileKey::Pesel(pesel) => format!("PESEL {}", masked_pesel(pesel)),
            ProfileKey::Document(document) => format!("dokument {}", last_four(document.as_str())),
        }
    }
}

/// How a profile was confirmed (stored in `profile_confirmations.method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmationMethod {
    /// At a ZUS office, by the operator command.
    Office,
    /// Through the national node (login.gov.pl).
    LoginGovPl,
}

impl ConfirmationMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmationMethod::Office => "office",
            ConfirmationMethod::LoginGovPl => "login_gov_pl",
        }
    }
}

/// Who made the confirmation and what they noted, for the record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// `user@host` of the operator command.
    pub run_by: Option<String>,
    /// The operator's note.
    pub note: Option<String>,
}

/// A profile just confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmed {
    pub person_id: i32,
    pub login: String,
    pub first_name: String,
    pub last_name: String,
    /// The id of the row in `profile_confirmations`.
    pub record_id: i32,
    pub confirmed_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    /// `who`: [`ProfileKey::masked`].
    #[error("nie ma profilu: {who} (no such profile)")]
    UnknownPesel { who: String },
    #[error("profil {login} ({who}) jest już potwierdzony; nic nie zmieniono (the profile is already confirmed)")]
    AlreadyConfirmed { login: String, who: String },
    #[error("baza danych (database): {0}")]
    Database(#[from] DbErr),
}

/// `*******6793`: a PESEL as output and logs show it, the last 4 digits only.
pub fn masked_pesel(pesel: &Pesel) -> String {
    last_four(pesel.as_str())
}

fn last_four(text: &str) -> String {
    let shown = text.len().saturating_sub(4);
    format!("{}{}", "*".repeat(shown), &text[shown..])
}

#[derive(Clone)]
pub struct ProfileConfirmations {
    db: DatabaseConnection,
}

impl ProfileConfirmations {
    pub fn new(db: DatabaseConnection) -> Self {
        ProfileConfirmations { db }
    }

    /// Confirms the profile of the person with this PESEL (or document) and records how.
    pub async fn confirm(
        &self,
        key: &ProfileKey,
        method: ConfirmationMethod,
        attribution: &Attribution,
    ) -> Result<Confirmed, ConfirmError> {
        let now = now_millis();
        let txn = self.db.begin().await?;
        // The UPDATE first: a write at once (SQLite's write lock from the
        // start, so a racing confirmation waits instead of failing), and
        // only a profile still unconfirmed matches — of two racing
        // confirmations, the second finds nothing to change.
        let updated = person::Entity::update_many()
            .col_expr(person::Column::ProfileConfirmed, Expr::value(true))
            .filter(key.matches())
            .filter(person::Column::ProfileConfirmed.eq(false))
            .exec(&txn)
            .await?;
        let found = person::Entity::find().filter(key.matches()).one(&txn).await?;
        let person = match (updated.rows_affected, found) {
            (1, Some(person)) => person,
            (_, found) => {
                txn.rollback().await?;
                let who = key.masked();
                return Err(match found {
                    None => ConfirmError::UnknownPesel { who },
                    Some(person) => ConfirmError::AlreadyConfirmed { login: person.login, who },
                });
            }
        };
        let record = profile_confirmation::ActiveModel {
            person_id: Set(person.id),
            confirmed_at: Set(now),
            method: Set(method.as_str().to_owned()),
            run_by: Set(attribution.run_by.clone()),
            note: Set(attribution.note.clone()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        tracing::info!(person_id = person.id, record_id = record.id, method = method.as_str(), "profile confirmed");
        Ok(Confirmed {
            person_id: person.id,
            login: person.login,
            first_name: person.first_name,
            last_name: person.last_name,
            record_id: record.id,
            confirmed_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_four_digits_are_shown() {
        let pesel = Pesel::parse("89113056793").unwrap();
        assert_eq!(masked_pesel(&pesel), "*******6793");
        assert_eq!(ProfileKey::Document(IdDocument::parse("ABC123456").unwrap()).masked(), "dokument *****3456");
    }

    #[test]
    fn methods_are_stored_by_name() {
        assert_eq!(ConfirmationMethod::Office.as_str(), "office");
        assert_eq!(ConfirmationMethod::LoginGovPl.as_str(), "login_gov_pl");
    }
}
