//! `[retention]`: how long finished rows are kept before `crate::retention`
//! deletes them.

use serde::Deserialize;

use super::ConfigError;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RetentionSettings {
    /// How often each instance runs the clean-up.
    pub interval_minutes: u64,
    /// Sign-in throttle rows and send locks, this long after their window and delay ended.
    pub throttle_hours: u64,
    /// Used, expired or replaced verification codes, this long after they were issued.
    pub verification_codes_hours: u64,
    /// Applied or expired contact changes, this long after they were requested.
    pub contact_changes_days: u64,
    /// Delivered or expired messages, this long after delivery or expiry.
    pub outbox_days: u64,
    /// Profiles still unconfirmed this long after registration are removed
    /// (DESIGN.md: confirm at a ZUS office within 7 days).
    pub unconfirmed_profile_days: u64,
    /// Security events of the audit trail, this long after they happened.
    pub audit_days: u64,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings {
            interval_minutes: 60,
            throttle_hours: 24,
            verification_codes_hours: 24,
            contact_changes_days: 30,
            outbox_days: 30,
            unconfirmed_profile_days: 7,
            audit_days: 365,
        }
    }
}

impl RetentionSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        // The resend limits count a person's codes of the last hour, the
        // per-number caps the messages of the last day: keep at least that.
        let at_least = [
            ("retention.interval_minutes", self.interval_minutes, 1, "must be at least 1"),
            ("retention.throttle_hours", self.throttle_hours, 1, "must be at least 1"),
            ("retention.verification_codes_hours", self.verification_codes_hours, 1, "must be at least 1 (the hourly resend limit counts them)"),
            ("retention.contact_changes_days", self.contact_changes_days, 1, "must be at least 1"),
            ("retention.outbox_days", self.outbox_days, 1, "must be at least 1 (the daily per-number cap counts the messages)"),
            ("retention.unconfirmed_profile_days", self.unconfirmed_profile_days, 1, "must be at least 1 (a new profile needs time to be confirmed)"),
            ("retention.audit_days", self.audit_days, 1, "must be at least 1"),
        ];
        for (key, value, minimum, problem) in at_least {
            if value < minimum {
                return Err(ConfigError::key(key, problem));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;

    use crate::config::tests::DEV_FILE as SHIPPED;

    #[test]
    fn shipped_periods() {
        let s = Settings::from_toml(&SHIPPED, "Leptos.toml").unwrap();
        let r = s.retention;
        assert_eq!((r.interval_minutes, r.throttle_hours, r.verification_codes_hours), (60, 24, 24));
        assert_eq!((r.contact_changes_days, r.outbox_days, r.unconfirmed_profile_days), (30, 30, 7));
    }

    #[test]
    fn unconfirmed_profiles_get_7_days_when_the_file_says_nothing() {
        let silent = SHIPPED.replace("unconfirmed_profile_days = 7", "");
        assert_eq!(Settings::from_toml(&silent, "Leptos.toml").unwrap().retention.unconfirmed_profile_days, 7);
        let bad = SHIPPED.replace("unconfirmed_profile_days = 7", "unconfirmed_profile_days = 0");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("retention.unconfirmed_profile_days"), "{e}");
    }

    #[test]
    fn too_short_a_period_names_its_key() {
        let bad = SHIPPED.replace("outbox_days = 30", "outbox_days = 0");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("retention.outbox_days"), "{e}");
        let bad = SHIPPED.replace("verification_codes_hours = 24", "verification_codes_hours = 0");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("retention.verification_codes_hours"), "{e}");
    }
}
