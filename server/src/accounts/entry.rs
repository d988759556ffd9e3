//! Where a session stands once an account is known.

use sea_orm::DatabaseConnection;

use super::{AccountRef, available_accounts, available_roles};
use crate::{
    db::now_millis,
    error::BackendError,
    session::{SessionState, Stage},
};

/// Where a freshly signed-in person starts: choosing among several
/// accounts, or — with only the individual account — its role (or the
/// portal, when "ogólna" is the only role).
pub async fn entry_state(db: &DatabaseConnection, person_id: i32) -> Result<SessionState, BackendError> {
    let accounts = available_accounts(db, person_id, now_millis()).await?;
    if accounts.len() > 1 {
        return Ok(SessionState::at(Stage::ChoosingAccount));
    }
    state_for_account(db, person_id, AccountRef::Individual).await
}

/// The state after choosing `account`: a business account goes straight to
/// the portal; the individual one to its role, unless it has only one.
pub async fn state_for_account(db: &DatabaseConnection, person_id: i32, account: AccountRef) -> Result<SessionState, BackendError> {
    if account != AccountRef::Individual {
        return Ok(SessionState { stage: Stage::InPortal, account: Some(account), role: None });
    }
    let roles = available_roles(db, person_id).await?;
    Ok(match roles.as_slice() {
        [only] => SessionState { stage: Stage::InPortal, account: Some(account), role: Some(*only) },
        _ => SessionState { stage: Stage::ChoosingRole, account: Some(account), role: None },
    })
}
