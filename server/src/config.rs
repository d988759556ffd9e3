//! Runtime configuration: our tables in `Leptos.toml`, overridable by
//! `EZUS_<TABLE>__<KEY>` environment variables (e.g. `EZUS_DATABASE__URL`),
//! plus Leptos's own `[package.metadata.leptos]` table (overridable by
//! `LEPTOS_*` variables). Bad configuration stops the server at start-up with
//! one line that names the key.

use std::path::Path;

use leptos::config::LeptosOptions;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub site: SiteSettings,
    pub database: DatabaseSettings,
    pub argon2: Argon2Settings,
    pub session: SessionSettings,
    pub http: HttpSettings,
    #[serde(skip)]
    pub leptos: Option<LeptosOptions>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SiteSettings {
    /// Development mode: demo data, plain-http cookies, no HSTS.
    pub dev_mode: bool,
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
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionSettings {
    pub idle_timeout_secs: u64,
    pub absolute_timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    pub request_timeout_secs: u64,
    /// Behind a reverse proxy: the header in which it passes the client's
    /// address (e.g. `x-forwarded-for`; its last entry is used). Empty: the
    /// connection's peer address.
    #[serde(default)]
    pub client_ip_header: String,
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
                    .try_parsing(true),
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
        if !self.http.client_ip_header.is_empty()
            && http::HeaderName::from_bytes(self.http.client_ip_header.as_bytes()).is_err()
        {
            return Err(ConfigError::key("http.client_ip_header", "is not a valid header name"));
        }
        if self.http.request_timeout_secs == 0 {
            return Err(ConfigError::key("http.request_timeout_secs", "must be above 0"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../Leptos.toml");

    #[test]
    fn the_shipped_file_is_valid() {
        let s = Settings::from_toml(SHIPPED, "Leptos.toml").unwrap();
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
    fn a_missing_key_is_named() {
        let bad = SHIPPED.replace("max_connections = 10", "");
        let e = Settings::from_toml(&bad, "Leptos.toml").unwrap_err().to_string();
        assert!(e.contains("max_connections"), "{e}");
    }
}
