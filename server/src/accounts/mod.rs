//! Accounts and roles: which accounts a person may work in and in which
//! roles (the rules), where a freshly signed-in session starts, and the
//! service behind `app::ports::AccountsPort` (the choices and the portal).

mod entry;
mod portal;
mod rules;
mod service;

pub use entry::{entry_state, state_for_account};
pub use rules::{AccountOption, AccountRef, Role, available_accounts, available_roles};
pub use service::AccountsService;
