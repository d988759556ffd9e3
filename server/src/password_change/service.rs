//! `PasswordChangePort`: the live assessment and the change itself.

use app::{
    pages::change_password::{NewPasswordProblem, PasswordAssessment, PasswordChangePrompt},
    ports::{PasswordChangePort, PasswordChangeRefusal, SessionRefusal, SignedIn},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};

use super::password_changed_notice;
use crate::{
    accounts,
    db::{
        entities::{person, session},
        now_millis,
    },
    error::BackendError,
    http::client_ip::ClientIp,
    notifications,
    passwords::{check::NewPasswordCheck, hasher::PasswordHasher, policy::PersonalData},
    session::{SessionGate, Stage, unavailable},
};

pub struct PasswordChangeService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    new_passwords: NewPasswordCheck,
    gate: SessionGate,
    client_ip: ClientIp,
}

impl PasswordChangeService {
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        new_passwords: NewPasswordCheck,
        gate: SessionGate,
        client_ip: ClientIp,
    ) -> Self {
        PasswordChangeService { db, hasher, new_passwords, gate, client_ip }
    }
}

/// A new password for `person` checked by the rules (the repeat, the
/// policy, not the current one) and hashed: the hash, or what is wrong.
/// Shared by the forced change and the forgotten password.
pub(crate) async fn new_hash(
    new_passwords: &NewPasswordCheck,
    hasher: &PasswordHasher,
    person: &person::Model,
    typed: &str,
    repeated: &str,
) -> Result<Result<String, NewPasswordProblem>, BackendError> {
    let new_password = match new_passwords.check(typed, repeated, personal_data(person)).await? {
        Ok(candidate) => candidate,
        Err(problem) => return Ok(Err(problem)),
    };
    // As typed: a current hash of the raw form (made before normalisation) counts too.
    if hasher.verify(typed, Some(&person.password_hash)).await?.matches {
        return Ok(Err(NewPasswordProblem::SameAsCurrent));
    }
    Ok(Ok(hasher.hash(new_password.normalised()).await?))
}

pub(crate) fn personal_data(person: &person::Model) -> PersonalData {
    PersonalData {
        login: person.login.clone(),
        pesel: person.pesel.clone().unwrap_or_default(),
        first_name: person.first_name.clone(),
        last_name: person.last_name.clone(),
    }
}

#[async_trait]
impl PasswordChangePort for PasswordChangeService {
    async fn prompt(&self, request: &Parts) -> Result<PasswordChangePrompt, SessionRefusal> {
        let person = self.gate.at(request, Stage::PasswordChangeRequired).await?.person;
        Ok(PasswordChangePrompt { login: person.login })
    }

    async fn assess_new_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal> {
        let person = self.gate.at(request, Stage::PasswordChangeRequired).await?.person;
        // On the hashing pool; a candidate over the maximum is "too long" without zxcvbn.
        self.new_passwords
            .assess(&candidate, personal_data(&person))
            .await
            .map_err(|e| unavailable("assessing a password", e.into()))
    }

    async fn change_password(&self, request: &Parts, new_password: String, repeated: String) -> Result<SignedIn, PasswordChangeRefusal> {
        let gated = self.gate.at(request, Stage::PasswordChangeRequired).await.map_err(PasswordChangeRefusal::Session)?;
        let (session, person) = (gated.session, gated.person);
        let fail = |what: &str, e: BackendError| PasswordChangeRefusal::Session(unavailable(what, e));
        let hash = new_hash(&self.new_passwords, &self.hasher, &person, &new_password, &repeated)
            .await
            .map_err(|e| fail("checking and hashing the new password", e))?
            .map_err(PasswordChangeRefusal::Rejected)?;
        let person_id = person.id;
        let notice = password_changed_notice(&person);
        let mut active: person::ActiveModel = person.into();
        active.password_hash = Set(hash);
        active.password_changed_at = Set(now_millis());
        // One transaction: the new password, the end of every other session
        // of this person (they knew the old one), and the notice to the
        // recovery channel commit together, or none of them does.
        let stored = async {
            let txn = self.db.begin().await?;
            active.update(&txn).await?;
            session::Entity::delete_many()
                .filter(session::Column::PersonId.eq(person_id))
                .filter(session::Column::TokenHash.ne(session.token.hash()))
                .exec(&txn)
                .await?;
            notifications::enqueue(&txn, notice).await?;
            txn.commit().await
        }
        .await;
        stored.map_err(|e| fail("storing the new password", e.into()))?;
        // The code was entered before the change: on to the account.
        let state = accounts::entry_state(&self.db, person_id).await.map_err(|e| fail("listing accounts", e))?;
        let token = self
            .gate
            .sessions()
            .advance(&session, state)
            .await
            .map_err(|e| fail("advancing the session", e))?
            .ok_or(PasswordChangeRefusal::Session(SessionRefusal::NotSignedIn))?;
        let client = self.client_ip.of(request);
        tracing::info!(person_id, client = ?client, "legacy password replaced");
        let record = crate::audit::Record::ok(crate::audit::Event::PasswordChanged, person_id, client);
        crate::audit::record(&self.db, record).await;
        Ok(SignedIn { set_cookie: self.gate.set_cookie(&token), next: state.stage.next_step() })
    }
}
