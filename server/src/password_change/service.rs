//! `PasswordChangePort`: the live assessment and the change itself.

use app::{
    pages::change_password::{NewPasswordProblem, PasswordAssessment},
    ports::{PasswordChangePort, PasswordChangeRefusal, SessionRefusal, SignedIn},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};
use secrecy::SecretString;

use super::password_changed_notice;
use crate::{
    db::{
        entities::{person, session},
        now_millis,
    },
    error::BackendError,
    http::client_ip::ClientIp,
    notifications,
    passwords::{
        hasher::PasswordHasher,
        policy::{self, PersonalData},
    },
    session::{SessionGate, SessionState, Stage, unavailable},
    step_up::{self, codes::VerificationCodes},
};

pub struct PasswordChangeService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    gate: SessionGate,
    codes: VerificationCodes,
    client_ip: ClientIp,
}

impl PasswordChangeService {
    pub fn new(db: DatabaseConnection, hasher: PasswordHasher, gate: SessionGate, client_ip: ClientIp, codes: VerificationCodes) -> Self {
        PasswordChangeService { db, hasher, gate, codes, client_ip }
    }
}

fn personal_data(person: &person::Model) -> PersonalData<'_> {
    PersonalData { login: &person.login, pesel: &person.pesel, first_name: &person.first_name, last_name: &person.last_name }
}

#[async_trait]
impl PasswordChangePort for PasswordChangeService {
    async fn assess_new_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal> {
        let person = self.gate.at(request, Stage::PasswordChangeRequired).await?.person;
        let who = personal_data(&person);
        // Bounded work: a candidate over the maximum is "too long" without zxcvbn.
        let problem = policy::first_problem(&candidate, &candidate, &who);
        let strength = if problem == Some(NewPasswordProblem::TooLong) { 0 } else { policy::strength(&candidate, &who) };
        Ok(PasswordAssessment { problem, strength })
    }

    async fn change_password(&self, request: &Parts, new_password: String, repeated: String) -> Result<SignedIn, PasswordChangeRefusal> {
        let gated = self.gate.at(request, Stage::PasswordChangeRequired).await.map_err(PasswordChangeRefusal::Session)?;
        let (session, person) = (gated.session, gated.person);
        if let Some(problem) = policy::first_problem(&new_password, &repeated, &personal_data(&person)) {
            return Err(PasswordChangeRefusal::Rejected(problem));
        }
        let fail = |what: &str, e: BackendError| PasswordChangeRefusal::Session(unavailable(what, e));
        let same = self
            .hasher
            .verify(&new_password, Some(&person.password_hash))
            .await
            .map_err(|e| fail("password check", e.into()))?;
        if same.matches {
            return Err(PasswordChangeRefusal::Rejected(NewPasswordProblem::SameAsCurrent));
        }
        let hash = self
            .hasher
            .hash(&SecretString::from(new_password))
            .await
            .map_err(|e| fail("password hashing", e.into()))?;
        let person_id = person.id;
        let notice = password_changed_notice(&person);
        let mut active: person::ActiveModel = person.into();
        active.password_hash = Set(hash);
        active.password_changed_at = Set(now_millis());
        // The new password and the notice to the recovery channel commit together.
        let stored = async {
            let txn = self.db.begin().await?;
            active.update(&txn).await?;
            notifications::enqueue(&txn, notice).await?;
            txn.commit().await
        }
        .await;
        stored.map_err(|e| fail("storing the new password", e.into()))?;
        // Every other session of this person ends with the old password.
        session::Entity::delete_many()
            .filter(session::Column::PersonId.eq(person_id))
            .filter(session::Column::TokenHash.ne(session.token.hash()))
            .exec(&self.db)
            .await
            .map_err(|e| fail("ending other sessions", e.into()))?;
        let person = self.gate.person(person_id).await.map_err(PasswordChangeRefusal::Session)?;
        step_up::send_sign_in_code(&self.codes, &person).await.map_err(|e| fail("sending the code", e))?;
        let state = SessionState::at(Stage::CodeRequired);
        let token = self
            .gate
            .sessions()
            .advance(&session, state)
            .await
            .map_err(|e| fail("advancing the session", e))?
            .ok_or(PasswordChangeRefusal::Session(SessionRefusal::NotSignedIn))?;
        tracing::info!(person_id, client = ?self.client_ip.of(request), "legacy password replaced");
        Ok(SignedIn { set_cookie: self.gate.set_cookie(&token), next: state.stage.next_step() })
    }
}
