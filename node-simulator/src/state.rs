//! The simulator's memory: pending logins (flows), artifacts, node sessions
//! and the e-dowód cards' wrong-PIN counters. Everything expires; nothing is
//! persisted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::saml::{EncryptionTarget, Loa, NodeSigner, Outcome, SpVerifier, random_bytes};

pub const FLOW_TTL: Duration = Duration::from_secs(30 * 60);
pub const ARTIFACT_TTL: Duration = Duration::from_secs(5 * 60);
/// Longer than an AuthnRequest stays fresh (5 min + 1 min skew).
pub const REPLAY_TTL: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Means {
    ProfilZaufany,
    EDowod,
    Bank,
}

impl Means {
    pub fn polish(self) -> &'static str {
        match self {
            Means::ProfilZaufany => "Profil Zaufany",
            Means::EDowod => "e-dowód",
            Means::Bank => "bankowość elektroniczna",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdoTool {
    Phone,
    Reader,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdoPhase {
    /// Waiting for the card to be read in the eDO App.
    Waiting,
    /// The card was read; the code shown in the app must be typed on the computer.
    CardRead { identity: usize, code: String },
    /// The card chosen in the app got blocked.
    Blocked,
}

#[derive(Debug, Clone)]
pub struct Edo {
    pub tool: EdoTool,
    /// 8 digits, shown under the QR code.
    pub session_number: String,
    /// The one-time token of the eDO App page.
    pub token: String,
    pub phase: EdoPhase,
}

/// A pending login: what the AuthnRequest asked for, and how far the person got.
#[derive(Debug, Clone)]
pub struct Flow {
    pub request_id: String,
    pub relay_state: Option<String>,
    pub min_loa: Loa,
    pub expires: Instant,
    pub edo: Option<Edo>,
    /// A bank sign-in waiting for consent: (bank id, identity).
    pub bank_consent: Option<(&'static str, usize)>,
}

pub struct StoredArtifact {
    pub outcome: Outcome,
    /// The signed Response.
    pub response_xml: String,
    pub expires: Instant,
}

#[derive(Debug, Clone)]
pub struct NodeSession {
    pub name_id: String,
    pub identity: usize,
    pub means: Means,
}

#[derive(Default)]
pub struct Memory {
    pub flows: HashMap<String, Flow>,
    pub artifacts: HashMap<String, StoredArtifact>,
    /// By SessionIndex.
    pub sessions: HashMap<String, NodeSession>,
    /// eDO App token → flow id.
    pub edo_tokens: HashMap<String, String>,
    /// Wrong PIN1 tries per card (by identity index).
    pub wrong_pins: HashMap<usize, u8>,
    /// IDs of accepted AuthnRequests, against replay, until they are stale.
    pub seen_requests: HashMap<String, Instant>,
}

impl Memory {
    pub fn purge(&mut self) {
        let now = Instant::now();
        self.flows.retain(|_, f| f.expires > now);
        self.artifacts.retain(|_, a| a.expires > now);
        self.seen_requests.retain(|_, until| *until > now);
        let flows = &self.flows;
        self.edo_tokens.retain(|_, flow| flows.contains_key(flow));
    }
}

pub struct Inner {
    pub config: Config,
    pub signer: NodeSigner,
    pub verifier: SpVerifier,
    pub target: EncryptionTarget,
    pub memory: Mutex<Memory>,
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Key {
        path: String,
        source: crate::saml::SamlError,
    },
}

impl AppState {
    pub fn new(config: Config) -> Result<Self, StartupError> {
        let read = |p: &std::path::Path| {
            let path = config.path(p);
            std::fs::read_to_string(&path).map_err(|source| StartupError::Read {
                path: path.display().to_string(),
                source,
            })
        };
        let key_err = |p: &std::path::Path| {
            let path = config.path(p).display().to_string();
            move |source| StartupError::Key { path, source }
        };
        let signer =
            NodeSigner::from_pem(&read(&config.signing_key)?, &read(&config.signing_cert)?)
                .map_err(key_err(&config.signing_key))?;
        let verifier = SpVerifier::from_cert_pem(&read(&config.sp_signing_cert)?)
            .map_err(key_err(&config.sp_signing_cert))?;
        let target = EncryptionTarget::from_cert_pem(&read(&config.sp_encryption_cert)?)
            .map_err(key_err(&config.sp_encryption_cert))?;
        Ok(Self(Arc::new(Inner {
            config,
            signer,
            verifier,
            target,
            memory: Mutex::default(),
        })))
    }

    pub fn memory(&self) -> MutexGuard<'_, Memory> {
        let mut m = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        m.purge();
        m
    }

    pub fn loa_of(&self, means: Means) -> Loa {
        match means {
            Means::ProfilZaufany => self.config.loa_pz,
            Means::EDowod => self.config.loa_edowod,
            Means::Bank => self.config.loa_bank,
        }
    }

    /// A clone of the flow, if it exists and has not expired.
    pub fn flow(&self, id: &str) -> Option<Flow> {
        self.memory().flows.get(id).cloned()
    }
}

/// 128 random bits, hex: ids of flows and eDO App tokens.
pub fn random_token() -> String {
    hex::encode(random_bytes::<16>())
}

/// `n` random decimal digits.
pub fn random_digits(n: usize) -> String {
    (0..n)
        .map(|_| {
            loop {
                let b = random_bytes::<1>()[0];
                if b < 250 {
                    break char::from(b'0' + b % 10);
                }
            }
        })
        .collect()
}
