//! `[sms]`: where SMS may go and how many one number may receive, against
//! SMS pumping (see `crate::step_up::send_limits`).

use serde::Deserialize;

use super::ConfigError;
use crate::domain::CountryCodes;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SmsSettings {
    /// The country calling codes a phone number in a profile may have.
    pub allowed_country_codes: CountryCodes,
    /// Messages one number may receive in any hour, whoever caused them.
    pub per_number_hourly_limit: u32,
    /// ...and in any 24 hours.
    pub per_number_daily_limit: u32,
}

impl Default for SmsSettings {
    fn default() -> Self {
        SmsSettings { allowed_country_codes: CountryCodes::polish_only(), per_number_hourly_limit: 10, per_number_daily_limit: 20 }
    }
}

impl SmsSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.per_number_hourly_limit == 0 {
            return Err(ConfigError::key("sms.per_number_hourly_limit", "must be above 0"));
        }
        if self.per_number_daily_limit < self.per_number_hourly_limit {
            return Err(ConfigError::key("sms.per_number_daily_limit", "must not be below sms.per_number_hourly_limit"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;

    use crate::config::tests::DEV_FILE as SHIPPED;

    #[test]
    fn shipped_polish_numbers_only_and_sensible_caps() {
        let s = Settings::from_toml(&SHIPPED, "Leptos.toml").unwrap();
        assert!(s.sms.allowed_country_codes.is_polish_only());
        assert_eq!((s.sms.per_number_hourly_limit, s.sms.per_number_daily_limit), (10, 20));
    }

    #[test]
    fn bad_values_name_their_key() {
        let bad = SHIPPED.replace("allowed_country_codes = [\"+48\"]", "allowed_country_codes = [\"Polska\"]");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("allowed_country_codes") && e.contains("Polska"), "{e}");
        let bad = SHIPPED.replace("allowed_country_codes = [\"+48\"]", "allowed_country_codes = []");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("allowed_country_codes"), "{e}");
        let bad = SHIPPED.replace("per_number_daily_limit = 20", "per_number_daily_limit = 5");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("sms.per_number_daily_limit"), "{e}");
    }

    #[test]
    fn a_file_without_the_table_gets_the_defaults() {
        let start = SHIPPED.find("[sms]").unwrap();
        let end = start + SHIPPED[start..].find("\n[").unwrap() + 1;
        let without = format!("{}{}", &SHIPPED[..start], &SHIPPED[end..]);
        let s = Settings::from_toml(&without, "Leptos.toml").unwrap();
        assert!(s.sms.allowed_country_codes.is_polish_only());
        assert_eq!(s.sms.per_number_hourly_limit, 10);
    }
}
