//! Choosing the account and the role, switching them later, and the portal
//! page of the chosen account and role.

use async_trait::async_trait;
use http::request::Parts;

use super::{NextStep, SessionRefusal};
pub use crate::pages::{choose_account::AccountChoice, choose_role::RoleChoice, portal::PortalSummary};

/// Why an account or role choice was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceRefusal {
    Session(SessionRefusal),
    /// Nothing was chosen.
    Missing,
    /// Not one of the options (e.g. a proxy revoked meanwhile, or a forged value).
    NotOffered,
}

/// For a signed-in session (past the password, its change and the code).
#[async_trait]
pub trait AccountsPort: Send + Sync + 'static {
    /// The accounts this session's person may work in.
    async fn account_choices(&self, request: &Parts) -> Result<Vec<AccountChoice>, SessionRefusal>;

    /// Works in the account with this value (one of `account_choices`).
    async fn choose_account(&self, request: &Parts, account: String) -> Result<NextStep, ChoiceRefusal>;

    /// The roles of the individual account, for a session working in it.
    async fn role_choices(&self, request: &Parts) -> Result<Vec<RoleChoice>, SessionRefusal>;

    /// Works in this role of the individual account.
    async fn choose_role(&self, request: &Parts, role: String) -> Result<NextStep, ChoiceRefusal>;

    /// What the portal shows to this session, which must have chosen its
    /// account (and role).
    async fn portal(&self, request: &Parts) -> Result<PortalSummary, SessionRefusal>;
}
