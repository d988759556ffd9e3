//! Runtime configuration: our tables in `Leptos.toml`, overridable by
//! `EZUS_<TABLE>__<KEY>` environment variables (e.g. `EZUS_DATABASE__URL`),
//! plus Leptos's own `[package.metadata.leptos]` table (overridable by
//! `LEPTOS_*` variables). Bad configuration stops the server at start-up with
//! one line that names the key.

mod national_node;
mod retention;
mod sms;

use std::path::Path;

use leptos::config::LeptosOptions;
use serde::Deserialize;

pub use self::{national_node::NationalNodeSettings, retention::RetentionSettings, sms::SmsSettings};

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
    pub national_node: NationalNodeSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
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

/// `[metrics]`: Prometheus metrics on a listener of their own.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetricsSettings {
    /// Where `GET /metrics` is served, e.g. `127.0.0.1:9464`: keep it on
    /// loopback or an internal network. Empty: no metrics listener.
    #[serde(default)]
    pub listen: String,
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
        self.national_node.validate(self.site.dev_mode)?;
        if !self.metrics.listen.trim().is_empty() && self.metrics.listen.trim().parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError::key("metrics.listen", "must be an address with a port, e.g. \"127.0.0.1:9464\", or empty"));
        }
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
mod tests;
