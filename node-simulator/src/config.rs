//! Configuration: command-line flags, each with an environment fallback and a
//! development default matching docs/national-node.md.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::saml::Loa;

#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "node-simulator",
    about = "Symulator węzła krajowego login.gov.pl dla portalu eZUS (tylko do rozwoju i testów)"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "NODE_SIM_LISTEN", default_value = "127.0.0.1:3002")]
    pub listen: SocketAddr,
    /// The simulator's public base URL: its endpoints (the Destination the SP
    /// must use) and the eDO App link in the QR code are built from it.
    #[arg(
        long,
        env = "NODE_SIM_PUBLIC_URL",
        default_value = "http://127.0.0.1:3002"
    )]
    pub public_url: String,
    /// The node's entity ID (Issuer of its messages).
    #[arg(
        long,
        env = "NODE_SIM_ENTITY_ID",
        default_value = "https://symulator.login.gov.pl"
    )]
    pub node_entity_id: String,
    /// The SP's entity ID (the expected Issuer, the Audience).
    #[arg(long, env = "NODE_SIM_SP_ENTITY_ID", default_value = "ezus-portal-dev")]
    pub sp_entity_id: String,
    /// The SP's registered assertion consumer service: the only place the artifact is posted to.
    #[arg(
        long,
        env = "NODE_SIM_ACS_URL",
        default_value = "http://127.0.0.1:3000/saml/acs"
    )]
    pub acs_url: String,
    /// The workspace root; relative key paths are taken from it.
    #[arg(long, env = "NODE_SIM_WORKSPACE_ROOT", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/.."))]
    pub workspace_root: PathBuf,
    /// The node's signing key (PKCS#8 PEM, P-256).
    #[arg(
        long,
        env = "NODE_SIM_SIGNING_KEY",
        default_value = "node-simulator/dev-keys/node-signing.key.pem"
    )]
    pub signing_key: PathBuf,
    /// The node's signing certificate (PEM), sent in KeyInfo.
    #[arg(
        long,
        env = "NODE_SIM_SIGNING_CERT",
        default_value = "node-simulator/dev-keys/node-signing.crt.pem"
    )]
    pub signing_cert: PathBuf,
    /// The SP's signing certificate: AuthnRequest, ArtifactResolve and LogoutRequest are verified with it.
    #[arg(
        long,
        env = "NODE_SIM_SP_SIGNING_CERT",
        default_value = "server/dev-keys/sp-signing.crt.pem"
    )]
    pub sp_signing_cert: PathBuf,
    /// The SP's encryption certificate: the assertion is encrypted to its key.
    #[arg(
        long,
        env = "NODE_SIM_SP_ENCRYPTION_CERT",
        default_value = "server/dev-keys/sp-encryption.crt.pem"
    )]
    pub sp_encryption_cert: PathBuf,
    /// Level of assurance of Profil Zaufany.
    #[arg(
        long,
        value_enum,
        env = "NODE_SIM_LOA_PZ",
        default_value = "substantial"
    )]
    pub loa_pz: Loa,
    /// Level of assurance of e-dowód.
    #[arg(long, value_enum, env = "NODE_SIM_LOA_EDOWOD", default_value = "high")]
    pub loa_edowod: Loa,
    /// Level of assurance of bank sign-in.
    #[arg(
        long,
        value_enum,
        env = "NODE_SIM_LOA_BANK",
        default_value = "substantial"
    )]
    pub loa_bank: Loa,
}

impl Config {
    /// The dev defaults (as with no flags and no environment).
    pub fn dev_defaults() -> Self {
        <Self as clap::Parser>::parse_from(["node-simulator"])
    }

    pub fn path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.workspace_root.join(p)
        }
    }

    fn base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    pub fn sso_url(&self) -> String {
        format!("{}/login/SingleSignOnService", self.base())
    }

    pub fn artifact_resolution_url(&self) -> String {
        format!(
            "{}/login-services/idpArtifactResolutionService",
            self.base()
        )
    }

    pub fn logout_url(&self) -> String {
        format!("{}/login-services/singleLogoutService", self.base())
    }

    pub fn edo_app_url(&self, token: &str) -> String {
        format!("{}/edo/{token}", self.base())
    }

    /// The origin of the ACS (scheme://host:port), for the CSP and the link back to the portal.
    pub fn portal_origin(&self) -> String {
        let url = &self.acs_url;
        let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
        match url[after_scheme..].find('/') {
            Some(i) => url[..after_scheme + i].to_owned(),
            None => url.clone(),
        }
    }
}
