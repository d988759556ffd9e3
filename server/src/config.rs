//! Runtime configuration: our tables in `Leptos.toml`, overridable by
//! `EZUS_<TABLE>__<KEY>` environment variables (e.g. `EZUS_DATABASE__URL`),
//! plus Leptos's own `[package.metadata.leptos]` table (overridable by
//! `LEPTOS_*` variables). Bad configuration stops the server at start-up with
//! one line that names the key.

mod retention;
mod sms;

use std::path::Path;

use leptos::config::LeptosOptions;
use serde::Deserialize;

pub use self::{retention::RetentionSettings, sms::SmsSettings};

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub site: SiteSettings,
    pub database: DatabaseSettings,
    pub argon2: Argon2Settings,
    pub session: SessionSettings,
    pub http: HttpSettings,
    pub notifications: NotificationSettings,
    #[serde(default)]
    pub breached_passwords: crate::passwords::settings::BreachedPasswordSettings,
    #[serde(default)]
    pub sms: SmsSettings,
    #[serde(default)]
    pub retention: RetentionSettings,
    #[serde(skip)]
    pub leptos: Option<LeptosOptions>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SiteSettings {
    /// Development mode: demo data, plain-http cookies, no HSTS.
    pub dev_mode: bool,
    /// The portal's origin as browsers see it (`https://ezus.zus.pl`), which
    /// every state-changing request must come from. Empty: the origin of the
    /// `Host` the browser asked for.
    #[serde(default)]
    pub public_origin: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://file.sqlite?mode=rwc` or `postgres://user@host/db`.
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once (0: one per CPU core).
    pub max_concurrent: usize,
    /// How many may run or wait at once (0: twice `max_concurrent`); past
    /// it, a password check is refused at once with 503 and Retry-After.
    #[serde(default)]
    pub max_queued: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionSettings {
    pub idle_timeout_secs: u64,
    pub absolute_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    pub request_timeout_secs: u64,
    /// The reverse proxies in front of the portal (CIDRs or addresses),
    /// whose `Forwarded` / `X-Forwarded-For` entries are believed. `[]`
    /// says there are none. Absent: no statement, which is refused outside
    /// dev mode when the server listens beyond loopback.
    #[serde(default)]
    pub trusted_proxies: Option<Vec<String>>,
}

impl HttpSettings {
    /// The trusted proxies, parsed (checked at load).
    pub fn trusted_proxies(&self) -> Vec<ipnet::IpNet> {
        crate::http::client_ip::parse_trusted(self.trusted_proxies.as_deref().unwrap_or_default()).unwrap_or_default()
    }
}

/// Where e-mails and SMS go (see `crate::notifications`).
#[derive(Clone, Deserialize)]
pub struct NotificationSettings {
    pub email_transport: EmailTransport,
    pub sms_transport: SmsTransport,
    #[serde(default)]
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    /// Empty or absent: no authentication.
    #[serde(default)]
    pub smtp_username: String,
    #[serde(default)]
    pub smtp_password: String,
    /// `Name <address>` or a bare address.
    pub mail_from: String,
    #[serde(default)]
    pub sms_gateway_url: String,
    #[serde(default)]
    pub sms_gateway_token: String,
    /// How often the delivery worker looks for due messages.
    pub poll_interval_ms: u64,
}

/// Without the password and the token.
impl std::fmt::Debug for NotificationSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationSettings")
            .field("email_transport", &self.email_transport)
            .field("sms_transport", &self.sms_transport)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_username", &self.smtp_username)
            .field("mail_from", &self.mail_from)
            .field("sms_gateway_url", &self.sms_gateway_url)
            .field("poll_interval_ms", &self.poll_interval_ms)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailTransport {
    Smtp,
    /// Development only: kept in the outbox, shown at /dev/skrzynka.
    DevInbox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsTransport {
    /// JSON POST to `sms_gateway_url` (docs/sms-gateway.md).
    Http,
    /// Development only: kept in the outbox, shown at /dev/skrzynka.
    DevInbox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    Starttls,
    /// TLS from the first byte, usually port 465.
    Tls,
    /// No encryption: a relay on the same host or network only.
    None,
}

impl NotificationSettings {
    fn validate(&self, dev_mode: bool) -> Result<(), ConfigError> {
        const DEV_ONLY: &str = "dev_inbox is allowed only in dev mode (site.dev_mode = true)";
        match self.email_transport {
            EmailTransport::DevInbox if !dev_mode => {
                return Err(ConfigError::key("notifications.email_transport", DEV_ONLY));
            }
            EmailTransport::DevInbox => {}
            EmailTransport::Smtp => {
                if self.smtp_host.trim().is_empty() {
                    return Err(ConfigError::key("notifications.smtp_host", "required when email_transport = \"smtp\""));
                }
                if self.smtp_port == 0 {
                    return Err(ConfigError::key("notifications.smtp_port", "must be above 0"));
                }
                if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(ConfigError::key(
                        "notifications.mail_from",
                        "must be an address, e.g. \"eZUS <no-reply@zus.pl>\"",
                    ));
                }
                if !self.smtp_username.is_empty() && self.smtp_password.is_empty() {
                    return Err(ConfigError::key("notifications.smtp_password", "required with smtp_username"));
                }
                if !self.smtp_username.is_empty() && self.smtp_tls == SmtpTls::None && !dev_mode {
                    return Err(ConfigError::key(
                        "notifications.smtp_tls",
                        "\"none\" with smtp_username would send the password in clear; use starttls or tls",
                    ));
                }
            }
        }
        match self.sms_transport {
            SmsTransport::DevInbox if !dev_mode => {
                return Err(ConfigError::key("notifications.sms_transport", DEV_ONLY));
            }
            SmsTransport::DevInbox => {}
            SmsTransport::Http => {
                let url = self.sms_gateway_url.trim();
                if !(url.starts_with("https://") || url.starts_with("http://")) || reqwest::Url::parse(url).is_err() {
                    return Err(ConfigError::key(
                        "notifications.sms_gateway_url",
                        "required when sms_transport = \"http\": an http:// or https:// URL",
                    ));
                }
                if self.sms_gateway_token.is_empty() {
                    return Err(ConfigError::key("notifications.sms_gateway_token", "required when sms_transport = \"http\""));
                }
            }
        }
        if self.poll_interval_ms == 0 {
            return Err(ConfigError::key("notifications.poll_interval_ms", "must be above 0"));
        }
        Ok(())
    }
}

/// A configuration problem, worded as one line for the operator.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl ConfigError {
    fn key(key: &str, problem: impl std::fmt::Display) -> Self {
        ConfigError(format!("{key}: {problem}"))
    }
}

impl Settings {
    /// Reads the file (`EZUS_CONFIG` names another) and the environment.
    pub fn load() -> Result<Self, ConfigError> {
        let path = std::env::var("EZUS_CONFIG").unwrap_or_else(|_| "Leptos.toml".into());
        Self::load_from(Path::new(&path))
    }

    pub fn load_from(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        Self::from_toml(&text, &path.display().to_string())
    }

    pub fn from_toml(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let raw = config::Config::builder()
            .add_source(config::File::from_str(text, config::FileFormat::Toml))
            .add_source(
                config::Environment::with_prefix("EZUS")
                    .prefix_separator("_")
                    .separator("__")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("http.trusted_proxies"),
            )
            .build()
            .map_err(|e| ConfigError(format!("{origin}: {e}")))?;
        let mut settings: Settings = raw
            .try_deserialize()
            .map_err(|e| ConfigError(format!("{origin} or EZUS_* environment: {e}")))?;
        settings.validate()?;
        settings.leptos = Some(
            leptos::config::get_config_from_str(text)
                .map_err(|e| ConfigError::key("package.metadata.leptos", e))?,
        );
        settings.validate_deployment()?;
        Ok(settings)
    }

    pub fn leptos_options(&self) -> &LeptosOptions {
        self.leptos.as_ref().expect("Settings are only built through from_toml")
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = &self.database.url;
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(ConfigError::key(
                "database.url",
                "must start with sqlite:, postgres:// or postgresql://",
            ));
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::key("database.max_connections", "must be at least 1"));
        }
        argon2::Params::new(self.argon2.memory_kib, self.argon2.iterations, self.argon2.parallelism, None)
            .map_err(|e| ConfigError::key("argon2", e))?;
        if self.argon2.memory_kib < 8 * 1024 && !self.site.dev_mode {
            return Err(ConfigError::key("argon2.memory_kib", "below 8192 KiB is allowed only in dev mode"));
        }
        if self.session.idle_timeout_secs == 0 {
            return Err(ConfigError::key("session.idle_timeout_secs", "must be above 0"));
        }
        if self.session.absolute_timeout_secs < self.session.idle_timeout_secs {
            return Err(ConfigError::key(
                "session.absolute_timeout_secs",
                "must not be shorter than session.idle_timeout_secs",
            ));
        }
        let origin = self.site.public_origin.trim();
        if !origin.is_empty()
            && (!(origin.starts_with("https://") || origin.starts_with("http://"))
                || reqwest::Url::parse(origin).map_or(true, |u| u.path() != "/" || u.query().is_some()))
        {
            return Err(ConfigError::key("site.public_origin", "must be a bare origin such as \"https://ezus.zus.pl\""));
        }
        if let Some(proxies) = &self.http.trusted_proxies {
            crate::http::client_ip::parse_trusted(proxies).map_err(|e| ConfigError::key("http.trusted_proxies", e))?;
        }
        if self.http.request_timeout_secs == 0 {
            return Err(ConfigError::key("http.request_timeout_secs", "must be above 0"));
        }
        self.notifications.validate(self.site.dev_mode)?;
        self.sms.validate()?;
        self.retention.validate()?;
        if let Some((key, problem)) = self.breached_passwords.problem() {
            return Err(ConfigError::key(key, problem));
        }
        Ok(())
    }

    /// Where the server listens decides what else must be said: dev mode
    /// (demo people with published passwords, an inbox of live codes,
    /// cookies without `Secure`) only on loopback and never with real
    /// transports; beyond loopback, a statement about reverse proxies.
    fn validate_deployment(&self) -> Result<(), ConfigError> {
        let addr = self.leptos_options().site_addr;
        let notifications = &self.notifications;
        if self.site.dev_mode {
            if !addr.ip().is_loopback() {
                return Err(ConfigError::key(
                    "site.dev_mode",
                    format!("dev mode listens only on loopback (127.0.0.1 or ::1), not on {addr}"),
                ));
            }
            if notifications.email_transport == EmailTransport::Smtp || notifications.sms_transport == SmsTransport::Http {
                return Err(ConfigError::key(
                    "site.dev_mode",
                    "dev mode sends nothing: use email_transport and sms_transport = \"dev_inbox\", or turn dev mode off",
                ));
            }
        } else if !addr.ip().is_loopback() && self.http.trusted_proxies.is_none() {
            return Err(ConfigError::key(
                "http.trusted_proxies",
                format!(
                    "required when listening on {addr}: list the reverse proxies (e.g. [\"10.0.0.0/8\"]), \
                     or write trusted_proxies = [] if clients connect directly"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../Leptos.toml");

    /// The shipped file as ./scripts/serve runs it (EZUS_SITE__DEV_MODE=true).
    fn dev() -> String {
        SHIPPED.replace("dev_mode = false", "dev_mode = true")
    }

    /// A production file: real transports, dev mode off.
    fn production() -> String {
        SHIPPED
            .replace("email_transport = \"dev_inbox\"", "email_transport = \"smtp\"")
            .replace("smtp_host = \"\"", "smtp_host = \"mail.zus.pl\"")
            .replace("sms_transport = \"dev_inbox\"", "sms_transport = \"http\"")
            .replace("sms_gateway_url = \"\"", "sms_gateway_url = \"https://sms.zus.pl/send\"")
            .replace("sms_gateway_token = \"\"", "sms_gateway_token = \"t0ken\"")
    }

    #[test]
    fn the_shipped_file_is_not_in_dev_mode_and_asks_for_real_transports() {
        assert!(SHIPPED.contains("\ndev_mode = false\n"));
        let e = Settings::from_toml(SHIPPED, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.email_transport") && e.contains("dev mode"), "{e}");
        let s = Settings::from_toml(&production(), "Leptos.toml").unwrap();
        assert!(!s.site.dev_mode);
    }

    #[test]
    fn dev_mode_only_on_loopback_and_never_with_real_transports() {
        let on_all = |text: &str| text.replace("site-addr = \"127.0.0.1:3000\"", "site-addr = \"0.0.0.0:3000\"");
        let e = Settings::from_toml(&on_all(&dev()), "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("site.dev_mode") && e.contains("loopback"), "{e}");
        let v6 = dev().replace("site-addr = \"127.0.0.1:3000\"", "site-addr = \"[::1]:3000\"");
        assert!(Settings::from_toml(&v6, "Leptos.toml").is_ok());
        let real = production().replace("dev_mode = false", "dev_mode = true");
        let e = Settings::from_toml(&real, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("site.dev_mode") && e.contains("dev_inbox"), "{e}");
    }

    #[test]
    fn beyond_loopback_production_must_say_which_proxies_to_trust() {
        let exposed = production().replace("site-addr = \"127.0.0.1:3000\"", "site-addr = \"0.0.0.0:8080\"");
        let e = Settings::from_toml(&exposed, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("http.trusted_proxies") && e.contains("0.0.0.0:8080"), "{e}");
        let none = exposed.replace("# trusted_proxies = [\"10.0.0.0/8\"]", "trusted_proxies = []");
        assert!(Settings::from_toml(&none, "Leptos.toml").unwrap().http.trusted_proxies().is_empty());
        let some = exposed.replace("# trusted_proxies = [\"10.0.0.0/8\"]", "trusted_proxies = [\"10.0.0.0/8\", \"192.0.2.1\"]");
        assert_eq!(Settings::from_toml(&some, "Leptos.toml").unwrap().http.trusted_proxies().len(), 2);
        let bad = exposed.replace("# trusted_proxies = [\"10.0.0.0/8\"]", "trusted_proxies = [\"10.0.0.0/33\"]");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("http.trusted_proxies") && e.contains("10.0.0.0/33"), "{e}");
    }

    #[test]
    fn the_dev_file_is_valid() {
        let s = Settings::from_toml(&dev(), "Leptos.toml").unwrap();
        assert!(s.database.url.starts_with("sqlite:"));
        assert_eq!(s.argon2.memory_kib, 19456);
        assert_eq!(s.session.idle_timeout_secs, 900);
        assert_eq!(s.session.absolute_timeout_secs, 12 * 3600);
        assert_eq!(&*s.leptos_options().output_name, "ezus");
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let bad = SHIPPED.replace("memory_kib = 19456", "memory_kib = \"lots\"");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("memory_kib"), "{e}");

        let bad = SHIPPED.replace("sqlite://", "mysql://");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("database.url"), "{e}");

        let bad = SHIPPED.replace("idle_timeout_secs = 900", "idle_timeout_secs = 90000");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("session.absolute_timeout_secs"), "{e}");
    }

    #[test]
    fn dev_inbox_transports_are_refused_outside_dev_mode() {
        let production = SHIPPED.to_owned();
        let e = Settings::from_toml(&production, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.email_transport") && e.contains("dev mode"), "{e}");

        let smtp = production
            .replace("email_transport = \"dev_inbox\"", "email_transport = \"smtp\"")
            .replace("smtp_host = \"\"", "smtp_host = \"mail.zus.pl\"");
        let e = Settings::from_toml(&smtp, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.sms_transport") && e.contains("dev mode"), "{e}");

        let both = smtp
            .replace("sms_transport = \"dev_inbox\"", "sms_transport = \"http\"")
            .replace("sms_gateway_url = \"\"", "sms_gateway_url = \"https://sms.zus.pl/send\"")
            .replace("sms_gateway_token = \"\"", "sms_gateway_token = \"t0ken\"");
        let clear = both
            .replace("smtp_tls = \"starttls\"", "smtp_tls = \"none\"")
            .replace("smtp_username = \"\"", "smtp_username = \"ezus\"")
            .replace("smtp_password = \"\"", "smtp_password = \"tajne\"");
        let e = Settings::from_toml(&clear, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.smtp_tls"), "{e}");

        let s = Settings::from_toml(&both, "Leptos.toml").unwrap();
        assert_eq!(s.notifications.email_transport, EmailTransport::Smtp);
        assert_eq!(s.notifications.sms_transport, SmsTransport::Http);
        assert!(!format!("{s:?}").contains("t0ken"), "the token stays out of debug output");
    }

    #[test]
    fn each_transport_names_the_key_it_is_missing() {
        let smtp = SHIPPED.replace("email_transport = \"dev_inbox\"", "email_transport = \"smtp\"");
        let e = Settings::from_toml(&smtp, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.smtp_host"), "{e}");

        let with_host = smtp.replace("smtp_host = \"\"", "smtp_host = \"mail.zus.pl\"");
        let no_from = with_host.replace("mail_from = \"eZUS <no-reply@zus.pl>\"", "mail_from = \"no-reply\"");
        let e = Settings::from_toml(&no_from, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.mail_from"), "{e}");
        let user_only = with_host.replace("smtp_username = \"\"", "smtp_username = \"ezus\"");
        let e = Settings::from_toml(&user_only, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.smtp_password"), "{e}");

        let http = dev().replace("sms_transport = \"dev_inbox\"", "sms_transport = \"http\"");
        let e = Settings::from_toml(&http, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.sms_gateway_url"), "{e}");
        let with_url = http.replace("sms_gateway_url = \"\"", "sms_gateway_url = \"https://sms.zus.pl/send\"");
        let e = Settings::from_toml(&with_url, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.sms_gateway_token"), "{e}");

        let unknown = SHIPPED.replace("sms_transport = \"dev_inbox\"", "sms_transport = \"pigeon\"");
        let e = Settings::from_toml(&unknown, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("sms_transport"), "{e}");

        let never = dev().replace("poll_interval_ms = 1000", "poll_interval_ms = 0");
        let e = Settings::from_toml(&never, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("notifications.poll_interval_ms"), "{e}");
    }

    #[test]
    fn the_breached_passwords_table_is_checked() {
        let s = Settings::from_toml(&dev(), "Leptos.toml").unwrap();
        assert_eq!(s.breached_passwords.range_api_url, "", "off unless configured");
        let bad = dev().replace("range_api_url = \"\"", "range_api_url = \"ftp://x\"");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("breached_passwords.range_api_url"), "{e}");
        let bad = dev().replace("timeout_ms = 2000", "timeout_ms = 0");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("breached_passwords.timeout_ms"), "{e}");
    }

    #[test]
    fn a_missing_key_is_named() {
        let bad = SHIPPED.replace("max_connections = 10", "");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("max_connections"), "{e}");
    }
}
