//! argon2id hashing, off the async runtime, on a dedicated pool of a fixed
//! number of threads, so a burst of sign-ins can neither stall the runtime
//! nor grow memory: each hash takes `memory_kib` of RAM (wiped after it,
//! `wiped.rs`; given back a second later, `allocator.rs`), so memory is
//! bounded by the pool's size, not by
//! how many threads a burst would have started (tokio's blocking pool would
//! start new ones: measured, 24 hashes two at a time left 400 MiB resident).
//! The same pool runs the rules of a new password (zxcvbn), so they cannot
//! stall the runtime either.
//!
//! Passwords are hashed in NFKC ([`NormalisedPassword`]). A hash made before
//! passwords were normalised may hold another form: when the normalised form
//! fails, the form as typed is tried too, and a match asks for a rehash.

use std::sync::Arc;

use argon2::{
    Algorithm, Params, PasswordHash, PasswordHasher as _, PasswordVerifier, Version, password_hash::SaltString,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Semaphore, oneshot};

use super::{normalise::NormalisedPassword, wiped::Wiped};
use crate::config::Argon2Settings;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("argon2: {0}")]
    Argon2(String),
    #[error("randomness unavailable: {0}")]
    Random(String),
    #[error("hashing pool: {0}")]
    Pool(String),
    /// The queue in front of the pool is full: refused at once, not queued.
    #[error("hashing queue full")]
    Overloaded,
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    pub matches: bool,
    /// The stored hash was made with other parameters than the configured
    /// ones, or of the password as typed rather than normalised: store a new
    /// hash now that the password is known.
    pub needs_rehash: bool,
}

#[derive(Clone)]
pub struct PasswordHasher {
    /// argon2id whose memory is wiped after each hash.
    argon2: Wiped,
    params: Params,
    /// The only threads that ever hash.
    pool: Arc<rayon::ThreadPool>,
    /// Admission to the pool: jobs running or waiting, at most this many.
    admission: Arc<Semaphore>,
    /// Verified instead of a real hash when the login is unknown, so an
    /// unknown login takes as long as a wrong password.
    dummy_hash: Arc<str>,
}

impl PasswordHasher {
    pub fn new(settings: &Argon2Settings) -> Result<Self, HashError> {
        let params = Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None)
            .map_err(|e| HashError::Argon2(e.to_string()))?;
        let argon2 = Wiped::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let threads = match settings.max_concurrent {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            n => n,
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("argon2-{i}"))
            .build()
            .map_err(|e| HashError::Pool(e.to_string()))?;
        let dummy_hash = hash_now(&argon2, DUMMY_PASSWORD)?;
        let admitted = match settings.max_queued {
            0 => 2 * threads,
            n => n,
        };
        Ok(PasswordHasher {
            argon2,
            params,
            pool: Arc::new(pool),
            admission: Arc::new(Semaphore::new(admitted)),
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Runs `work` on the hashing pool and waits for it without blocking the
    /// runtime: for argon2 and for any other CPU-bound work on a password.
    /// Admission is bounded (`argon2.max_queued` jobs running or waiting):
    /// past it the answer is [`HashError::Overloaded`] at once, so a burst
    /// cannot queue minutes of work that every honest sign-in would then
    /// wait behind. A job whose caller has gone (its request timed out or
    /// was dropped) is skipped when its turn comes.
    pub async fn on_pool<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let permit = Arc::clone(&self.admission).try_acquire_owned().map_err(|_| HashError::Overloaded)?;
        let (done, result) = oneshot::channel();
        self.pool.spawn(move || {
            let _admitted = permit;
            if !done.is_closed() {
                let started = std::time::Instant::now();
                let answer = work();
                crate::metrics::password_hash_took(started.elapsed());
                let _ = done.send(answer);
            }
        });
        result.await.map_err(|_| HashError::Pool("a hashing job was dropped".into()))
    }

    /// A new PHC string (argon2id, random salt) for the password.
    pub async fn hash(&self, password: &NormalisedPassword) -> Result<String, HashError> {
        let argon2 = self.argon2.clone();
        let password = password.clone();
        self.on_pool(move || hash_now(&argon2, password.expose())).await?
    }

    /// Checks the password as typed against `stored`: its normalised form,
    /// then (for a hash made before normalisation) the form as typed when it
    /// differs. Without a stored hash (unknown login) the dummy hash is
    /// checked the same way: it never matches, but costs the same time.
    pub async fn verify(&self, typed: &str, stored: Option<&str>) -> Result<Verification, HashError> {
        let argon2 = self.argon2.clone();
        let params = self.params.clone();
        let known = stored.is_some();
        let stored: String = stored.map(str::to_owned).unwrap_or_else(|| self.dummy_hash.to_string());
        let normalised = NormalisedPassword::new(typed);
        let raw = (normalised.expose() != typed).then(|| SecretString::from(typed.to_owned()));
        self.on_pool(move || {
            let parsed = PasswordHash::new(&stored).map_err(|e| HashError::Argon2(e.to_string()))?;
            let check = |p: &str| argon2.verify_password(p.as_bytes(), &parsed).is_ok();
            let normalised_matches = check(normalised.expose());
            let raw_matches = !normalised_matches && raw.as_ref().is_some_and(|raw| check(raw.expose_secret()));
            let matches = known && (normalised_matches || raw_matches);
            let needs_rehash = matches && (raw_matches || !uses_params(&parsed, &params));
            Ok(Verification { matches, needs_rehash })
        })
        .await?
    }
}

const DUMMY_PASSWORD: &str = "eZUS dummy password: never anybody's";

fn hash_now(argon2: &Wiped, password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HashError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError::Argon2(e.to_string()))?;
    argon2
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Argon2(e.to_string()))
}

fn uses_params(hash: &PasswordHash<'_>, params: &Params) -> bool {
    hash.algorithm.as_str() == "argon2id"
        && Params::try_from(hash)
            .map(|p| p.m_cost() == params.m_cost() && p.t_cost() == params.t_cost() && p.p_cost() == params.p_cost())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> Argon2Settings {
        Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1, max_concurrent: 2, max_queued: 0 }
    }

    fn n(p: &str) -> NormalisedPassword {
        NormalisedPassword::new(p)
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        let hash = hasher.hash(&n("Kowalski-Haslo-2024")).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        let ok = hasher.verify("Kowalski-Haslo-2024", Some(&hash)).await.unwrap();
        assert_eq!(ok, Verification { matches: true, needs_rehash: false });
        let wrong = hasher.verify("kowalski-haslo-2024", Some(&hash)).await.unwrap();
        assert!(!wrong.matches);
    }

    #[tokio::test]
    async fn the_same_password_gets_a_different_salt_each_time() {
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        let a = hasher.hash(&n("takie-samo-haslo")).await.unwrap();
        let b = hasher.hash(&n("takie-samo-haslo")).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn an_unknown_login_never_matches_even_the_dummy_password() {
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        let v = hasher.verify(DUMMY_PASSWORD, None).await.unwrap();
        assert!(!v.matches);
    }

    #[tokio::test]
    async fn hashing_runs_only_on_the_pools_threads() {
        let hasher = PasswordHasher::new(&Argon2Settings { max_concurrent: 2, max_queued: 12, ..cheap() }).unwrap();
        let names: Vec<String> = futures_util::future::join_all(
            (0..12).map(|_| hasher.on_pool(|| std::thread::current().name().unwrap_or("").to_owned())),
        )
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert!(distinct.iter().all(|n| n.starts_with("argon2-")), "{distinct:?}");
        assert!(distinct.len() <= 2, "{distinct:?}");
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_jobs_of_gone_callers_never_run() {
        let hasher = PasswordHasher::new(&Argon2Settings { max_concurrent: 1, max_queued: 3, ..cheap() }).unwrap();
        let ran = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let gate = Arc::new(std::sync::Mutex::new(gate));
        // One job holds the only thread; two wait behind it: the queue is full.
        let job = |hasher: &PasswordHasher| {
            let (ran, gate) = (Arc::clone(&ran), Arc::clone(&gate));
            let hasher = hasher.clone();
            tokio::spawn(async move {
                hasher
                    .on_pool(move || {
                        let _ = gate.lock().unwrap().recv();
                        ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    })
                    .await
            })
        };
        let running = job(&hasher);
        let waiting = [job(&hasher), job(&hasher)];
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        assert!(matches!(hasher.on_pool(|| ()).await, Err(HashError::Overloaded)));
        assert!(started.elapsed() < std::time::Duration::from_millis(50), "refused at once, not queued");
        // Both waiting callers give up (their requests timed out).
        for w in &waiting {
            w.abort();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        for _ in 0..3 {
            let _ = release.send(());
        }
        running.await.unwrap().unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(ran.load(std::sync::atomic::Ordering::SeqCst), 1, "the abandoned jobs were skipped");
        // Their places are free again.
        assert!(hasher.on_pool(|| ()).await.is_ok());
    }

    #[tokio::test]
    async fn a_hash_with_old_parameters_asks_for_a_rehash() {
        let old = PasswordHasher::new(&cheap()).unwrap();
        let hash = old.hash(&n("Stare-Parametry-1")).await.unwrap();
        let new = PasswordHasher::new(&Argon2Settings { memory_kib: 2048, ..cheap() }).unwrap();
        let v = new.verify("Stare-Parametry-1", Some(&hash)).await.unwrap();
        assert_eq!(v, Verification { matches: true, needs_rehash: true });
        // A wrong password never triggers a rehash.
        let v = new.verify("Inne-Haslo-123", Some(&hash)).await.unwrap();
        assert_eq!(v, Verification { matches: false, needs_rehash: false });
    }

    #[tokio::test]
    async fn a_password_set_in_nfc_verifies_when_typed_in_nfd() {
        use unicode_normalization::UnicodeNormalization;
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        let hash = hasher.hash(&n("Zażółć-Gęślą-Jaźń")).await.unwrap();
        let typed_nfd: String = "Zażółć-Gęślą-Jaźń".nfd().collect();
        assert_ne!(typed_nfd, "Zażółć-Gęślą-Jaźń");
        let v = hasher.verify(&typed_nfd, Some(&hash)).await.unwrap();
        assert_eq!(v, Verification { matches: true, needs_rehash: false });
        assert!(!hasher.verify("Zazolc-Gesla-Jazn", Some(&hash)).await.unwrap().matches);
    }

    #[tokio::test]
    async fn a_legacy_hash_of_the_raw_form_verifies_and_asks_for_a_rehash() {
        let hasher = PasswordHasher::new(&cheap()).unwrap();
        // Made before normalisation: the ligature "ﬁ" and a full-width "Ｋ" as typed.
        let typed = "ﬁrma-Ｋowalski-2019";
        let legacy = hash_now(&hasher.argon2, typed).unwrap();
        let v = hasher.verify(typed, Some(&legacy)).await.unwrap();
        assert_eq!(v, Verification { matches: true, needs_rehash: true });
        // The normalised form alone does not match the legacy hash...
        assert!(!hasher.verify("firma-Kowalski-2019", Some(&legacy)).await.unwrap().matches);
        // ...but after the rehash both forms match, without asking again.
        let rehashed = hasher.hash(&n(typed)).await.unwrap();
        for form in [typed, "firma-Kowalski-2019"] {
            let v = hasher.verify(form, Some(&rehashed)).await.unwrap();
            assert_eq!(v, Verification { matches: true, needs_rehash: false }, "{form}");
        }
    }
}
