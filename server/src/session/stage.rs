/// Where a session is in the sign-in flow. Stored with the session, so any
/// server instance can continue it and no step can be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The password was right but is shorter than the minimum: only the
    /// password change is open.
    PasswordChangeRequired,
    /// Signed in.
    Authenticated,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::PasswordChangeRequired => "password_change_required",
            Stage::Authenticated => "authenticated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "password_change_required" => Some(Stage::PasswordChangeRequired),
            "authenticated" => Some(Stage::Authenticated),
            _ => None,
        }
    }

    /// The page this stage belongs on.
    pub fn home(self) -> &'static str {
        match self {
            Stage::PasswordChangeRequired => app::routes::CHANGE_PASSWORD,
            Stage::Authenticated => app::routes::PORTAL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_unknown() {
        for s in [Stage::PasswordChangeRequired, Stage::Authenticated] {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        assert_eq!(Stage::parse("admin"), None);
    }
}
