//! `AccountsPort`: the account and role choices, switching, and the portal.

use app::{
    pages::{
        choose_account::{AccountChoice, AccountKind},
        choose_role::RoleChoice,
        portal::PortalSummary,
    },
    ports::{AccountsPort, ChoiceRefusal, NextStep, SessionRefusal},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::DatabaseConnection;

use super::{AccountOption, AccountRef, Role, available_accounts, available_roles, portal, state_for_account};
use crate::{
    db::{entities::person, now_millis},
    domain::calendar::date_of,
    error::BackendError,
    session::{Gated, SessionGate, SessionState, Stage, unavailable},
    telemetry::sanitised,
};

pub struct AccountsService {
    db: DatabaseConnection,
    gate: SessionGate,
}

impl AccountsService {
    pub fn new(db: DatabaseConnection, gate: SessionGate) -> Self {
        AccountsService { db, gate }
    }
}

/// An account on offer as the choice page shows it.
fn choice(option: AccountOption, person: &person::Model, current: bool) -> AccountChoice {
    let mut choice = AccountChoice {
        value: option.reference().encode(),
        kind: AccountKind::Individual,
        name: format!("{} {}", person.first_name, person.last_name),
        nip: None,
        grantor: None,
        scope: None,
        valid_to: None,
        current,
    };
    match option {
        AccountOption::Individual => {}
        AccountOption::Payer { name, nip, .. } => {
            (choice.kind, choice.name, choice.nip) = (AccountKind::Payer, name, Some(nip));
        }
        AccountOption::Proxy { payer_name, nip, grantor_name, scope, valid_to, .. } => {
            (choice.kind, choice.name, choice.nip) = (AccountKind::Proxy, payer_name, Some(nip));
            (choice.grantor, choice.scope, choice.valid_to) = (Some(grantor_name), Some(scope), valid_to.map(date_of));
        }
    }
    choice
}

#[async_trait]
impl AccountsPort for AccountsService {
    async fn account_choices(&self, request: &Parts) -> Result<Vec<AccountChoice>, SessionRefusal> {
        let gated = self.gate.signed_in(request).await?;
        let options = available_accounts(&self.db, gated.person.id, now_millis())
            .await
            .map_err(|e| unavailable("listing accounts", e))?;
        Ok(options
            .into_iter()
            .map(|option| {
                let current = gated.session.state.account == Some(option.reference());
                choice(option, &gated.person, current)
            })
            .collect())
    }

    async fn choose_account(&self, request: &Parts, account: String) -> Result<NextStep, ChoiceRefusal> {
        let session = self.gate.signed_in_session(request).await.map_err(ChoiceRefusal::Session)?;
        if account.trim().is_empty() {
            return Err(ChoiceRefusal::Missing);
        }
        let wanted = AccountRef::decode(account.trim()).ok_or(ChoiceRefusal::NotOffered)?;
        let fail = |what: &str, e: BackendError| ChoiceRefusal::Session(unavailable(what, e));
        let options = available_accounts(&self.db, session.person_id, now_millis())
            .await
            .map_err(|e| fail("listing accounts", e))?;
        if !options.iter().any(|o| o.reference() == wanted) {
            tracing::warn!(person_id = session.person_id, account = %sanitised(&account), "account not on offer was chosen");
            return Err(ChoiceRefusal::NotOffered);
        }
        let state = state_for_account(&self.db, session.person_id, wanted).await.map_err(|e| fail("listing roles", e))?;
        if !self.gate.sessions().set_state(&session, state).await.map_err(|e| fail("storing the account", e))? {
            return Err(ChoiceRefusal::Session(SessionRefusal::NotSignedIn));
        }
        tracing::info!(person_id = session.person_id, account = %wanted.encode(), "account chosen");
        Ok(state.stage.next_step())
    }

    async fn role_choices(&self, request: &Parts) -> Result<Vec<RoleChoice>, SessionRefusal> {
        let session = self.gate.signed_in_session(request).await?;
        match session.state.account {
            Some(AccountRef::Individual) => {}
            None => return Err(SessionRefusal::StepPending(NextStep::ChooseAccount)),
            Some(_) => return Err(SessionRefusal::StepPending(NextStep::Portal)),
        }
        let roles = available_roles(&self.db, session.person_id).await.map_err(|e| unavailable("listing roles", e))?;
        Ok(roles
            .into_iter()
            .map(|r| RoleChoice { role: portal::role_kind(r), current: session.state.role == Some(r) })
            .collect())
    }

    async fn choose_role(&self, request: &Parts, role: String) -> Result<NextStep, ChoiceRefusal> {
        let session = self.gate.signed_in_session(request).await.map_err(ChoiceRefusal::Session)?;
        if session.state.account != Some(AccountRef::Individual) {
            return Err(ChoiceRefusal::Session(SessionRefusal::StepPending(session.state.stage.next_step())));
        }
        if role.trim().is_empty() {
            return Err(ChoiceRefusal::Missing);
        }
        let wanted = Role::parse(role.trim()).ok_or(ChoiceRefusal::NotOffered)?;
        let fail = |what: &str, e: BackendError| ChoiceRefusal::Session(unavailable(what, e));
        let roles = available_roles(&self.db, session.person_id).await.map_err(|e| fail("listing roles", e))?;
        if !roles.contains(&wanted) {
            tracing::warn!(person_id = session.person_id, role = %sanitised(&role), "role not on offer was chosen");
            return Err(ChoiceRefusal::NotOffered);
        }
        let state = SessionState { stage: Stage::InPortal, account: Some(AccountRef::Individual), role: Some(wanted) };
        if !self.gate.sessions().set_state(&session, state).await.map_err(|e| fail("storing the role", e))? {
            return Err(ChoiceRefusal::Session(SessionRefusal::NotSignedIn));
        }
        tracing::info!(person_id = session.person_id, role = wanted.as_str(), "role chosen");
        Ok(NextStep::Portal)
    }

    async fn portal(&self, request: &Parts) -> Result<PortalSummary, SessionRefusal> {
        let Gated { session, person } = self.gate.at(request, Stage::InPortal).await?;
        let state = session.state;
        let fail = |what: &str, e: BackendError| unavailable(what, e);
        let options = available_accounts(&self.db, person.id, now_millis()).await.map_err(|e| fail("listing accounts", e))?;
        let chosen = state.account.and_then(|a| options.iter().find(|o| o.reference() == a).cloned());
        let Some(chosen) = chosen else {
            // The account is gone (a proxy revoked or expired): choose again.
            let state = SessionState::at(Stage::ChoosingAccount);
            self.gate.sessions().set_state(&session, state).await.map_err(|e| fail("resetting the account", e))?;
            tracing::info!(person_id = person.id, "chosen account no longer available");
            return Err(SessionRefusal::StepPending(NextStep::ChooseAccount));
        };
        let roles = available_roles(&self.db, person.id).await.map_err(|e| fail("listing roles", e))?;
        let role = state.role.filter(|r| roles.contains(r));
        portal::summary(&self.db, person, chosen, role, options.len(), roles.len())
            .await
            .map_err(|e| fail("reading the start page", e.into()))?
            .ok_or(SessionRefusal::StepPending(NextStep::ChooseRole))
    }
}
