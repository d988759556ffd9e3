//! `[national_node]`: the portal as a SAML service provider of login.gov.pl
//! (docs/national-node.md). Shipped pointing at the node simulator of the
//! workspace; README, "login.gov.pl", says what changes for the real node.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;
use crate::national_node::protocol::{Loa, SpKeys, SpProfile};

#[derive(Debug, Clone, Deserialize)]
pub struct NationalNodeSettings {
    /// Off: no "Zaloguj przez login.gov.pl", and the SAML routes answer 404.
    pub enabled: bool,
    /// The SP's name registered at the node (Issuer, Audience).
    pub sp_entity_id: String,
    /// Where the node posts the artifact (this portal's `/saml/acs`).
    pub acs_url: String,
    pub node_entity_id: String,
    pub sso_url: String,
    pub artifact_resolution_url: String,
    pub logout_url: String,
    /// `low`, `substantial` or `high`: the least accepted (and asked for).
    pub min_loa: String,
    pub clock_skew_secs: u64,
    /// How long the back channel (ArtifactResolve, LogoutRequest) may take.
    pub back_channel_timeout_secs: u64,
    /// How long a person may take at the node.
    pub sign_in_minutes: u64,
    /// PEM files; relative paths are taken from the working directory, or
    /// else from the workspace the binary was built in.
    pub signing_key: String,
    pub signing_certificate: String,
    pub encryption_key: String,
    pub encryption_certificate: String,
    /// The node's signing certificate: the only key its answers are checked with.
    pub node_certificate: String,
}

impl NationalNodeSettings {
    pub(super) fn validate(&self, dev_mode: bool) -> Result<(), ConfigError> {
        if !self.enabled {
            return Ok(());
        }
        for (key, url) in [
            ("national_node.acs_url", &self.acs_url),
            ("national_node.sso_url", &self.sso_url),
            ("national_node.artifact_resolution_url", &self.artifact_resolution_url),
            ("national_node.logout_url", &self.logout_url),
        ] {
            let parsed = reqwest::Url::parse(url).map_err(|e| ConfigError::key(key, e))?;
            let scheme_ok = parsed.scheme() == "https" || (dev_mode && parsed.scheme() == "http");
            if !scheme_ok {
                return Err(ConfigError::key(key, "must be an https:// address (http:// only in dev mode)"));
            }
        }
        for (key, value) in [("national_node.sp_entity_id", &self.sp_entity_id), ("national_node.node_entity_id", &self.node_entity_id)] {
            if value.trim().is_empty() {
                return Err(ConfigError::key(key, "required"));
            }
        }
        self.loa()?;
        if self.back_channel_timeout_secs == 0 || self.sign_in_minutes == 0 {
            return Err(ConfigError::key("national_node", "back_channel_timeout_secs and sign_in_minutes must be above 0"));
        }
        if !dev_mode && self.key_files().iter().any(|(_, path)| path.contains("dev-keys")) {
            return Err(ConfigError::key(
                "national_node",
                "the keys in dev-keys/ are published with the source: outside dev mode configure your own",
            ));
        }
        Ok(())
    }

    fn loa(&self) -> Result<Loa, ConfigError> {
        match self.min_loa.trim() {
            "low" => Ok(Loa::Low),
            "substantial" => Ok(Loa::Substantial),
            "high" => Ok(Loa::High),
            _ => Err(ConfigError::key("national_node.min_loa", "must be low, substantial or high")),
        }
    }

    fn key_files(&self) -> [(&'static str, &String); 5] {
        [
            ("signing_key", &self.signing_key),
            ("signing_certificate", &self.signing_certificate),
            ("encryption_key", &self.encryption_key),
            ("encryption_certificate", &self.encryption_certificate),
            ("node_certificate", &self.node_certificate),
        ]
    }

    /// Loads the keys and builds the SP's profile (at start-up).
    pub fn profile(&self) -> Result<SpProfile, ConfigError> {
        let [a, b, c, d, e] = self.key_files().map(|(_, p)| locate(p));
        let keys = SpKeys::load(&a, &b, &c, &d, &e).map_err(|e| ConfigError::key("national_node", e))?;
        Ok(SpProfile {
            sp_entity_id: self.sp_entity_id.trim().to_owned(),
            acs_url: self.acs_url.trim().to_owned(),
            node_entity_id: self.node_entity_id.trim().to_owned(),
            sso_url: self.sso_url.trim().to_owned(),
            artifact_resolution_url: self.artifact_resolution_url.trim().to_owned(),
            logout_url: self.logout_url.trim().to_owned(),
            min_loa: self.loa()?,
            clock_skew: std::time::Duration::from_secs(self.clock_skew_secs),
            keys,
        })
    }
}

/// A relative path from the working directory, or else from the workspace
/// the binary was built in (tests run in `server/`).
fn locate(path: &str) -> PathBuf {
    let given = Path::new(path);
    if given.is_absolute() || given.exists() {
        return given.to_path_buf();
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(given);
    if workspace.exists() { workspace } else { given.to_path_buf() }
}
