use app::ports::NextStep;

use crate::accounts::{AccountRef, Role};

/// Where a session is in the sign-in flow. Stored with the session, so any
/// server instance can continue it and no step can be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The password was right but is shorter than the minimum: only the
    /// password change is open.
    PasswordChangeRequired,
    /// The password was right (and long enough): waiting for the code sent
    /// by the recovery channel.
    CodeRequired,
    /// Signed in; several accounts on offer and none chosen yet.
    ChoosingAccount,
    /// In the individual account; several roles on offer and none chosen yet.
    ChoosingRole,
    /// Working in the chosen account (and role).
    InPortal,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::PasswordChangeRequired => "password_change_required",
            Stage::CodeRequired => "code_required",
            Stage::ChoosingAccount => "choosing_account",
            Stage::ChoosingRole => "choosing_role",
            Stage::InPortal => "in_portal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "password_change_required" => Some(Stage::PasswordChangeRequired),
            "code_required" => Some(Stage::CodeRequired),
            "choosing_account" => Some(Stage::ChoosingAccount),
            "choosing_role" => Some(Stage::ChoosingRole),
            "in_portal" => Some(Stage::InPortal),
            _ => None,
        }
    }

    /// The page this stage belongs on.
    pub fn home(self) -> &'static str {
        match self {
            Stage::PasswordChangeRequired => app::routes::CHANGE_PASSWORD,
            Stage::CodeRequired => app::routes::VERIFY_CODE,
            Stage::ChoosingAccount => app::routes::CHOOSE_ACCOUNT,
            Stage::ChoosingRole => app::routes::CHOOSE_ROLE,
            Stage::InPortal => app::routes::PORTAL,
        }
    }

    /// The step the pages are told to take next.
    pub fn next_step(self) -> NextStep {
        match self {
            Stage::PasswordChangeRequired => NextStep::ChangePassword,
            Stage::CodeRequired => NextStep::EnterCode,
            Stage::ChoosingAccount => NextStep::ChooseAccount,
            Stage::ChoosingRole => NextStep::ChooseRole,
            Stage::InPortal => NextStep::Portal,
        }
    }

    /// Signed in for good: the account (and role) can be chosen or changed.
    pub fn is_signed_in(self) -> bool {
        !matches!(self, Stage::PasswordChangeRequired | Stage::CodeRequired)
    }
}

/// A session's stage with the account and role chosen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionState {
    pub stage: Stage,
    pub account: Option<AccountRef>,
    pub role: Option<Role>,
}

impl SessionState {
    pub fn at(stage: Stage) -> Self {
        SessionState { stage, account: None, role: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_unknown() {
        for s in [Stage::PasswordChangeRequired, Stage::CodeRequired, Stage::ChoosingAccount, Stage::ChoosingRole, Stage::InPortal] {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        assert_eq!(Stage::parse("admin"), None);
        assert_eq!(Stage::parse("authenticated"), None);
    }
}
