//! Checking a new password, as the services call it: the rules of
//! `policy` (zxcvbn and the breached list, CPU-bound) on the hashing pool,
//! never on the async runtime, and only for a candidate of at most 128
//! characters; then, before a change, the optional range API, which can
//! only add a refusal: unreachable or slow, it is skipped with a warning.

use std::{sync::Arc, time::Duration};

use app::pages::change_password::{NewPasswordProblem, PasswordAssessment};

use super::{
    breached::{BreachedList, ListError},
    hasher::{HashError, PasswordHasher},
    policy::{self, Candidate, PersonalData},
    range_api::{RangeApi, RangeError},
    settings::BreachedPasswordSettings,
};

#[derive(Debug, thiserror::Error)]
pub enum CheckSetupError {
    #[error("breached_passwords.list_path: {0}")]
    List(#[from] ListError),
    #[error("breached_passwords.range_api_url: {0}")]
    RangeApi(#[from] RangeError),
}

/// What a new password is checked with; cheap to clone.
#[derive(Clone)]
pub struct NewPasswordCheck {
    /// Its pool runs the rules.
    hasher: PasswordHasher,
    breached: Arc<BreachedList>,
    range_api: Option<RangeApi>,
}

impl NewPasswordCheck {
    pub fn new(hasher: &PasswordHasher, settings: &BreachedPasswordSettings) -> Result<Self, CheckSetupError> {
        let breached = BreachedList::load(&settings.list_path)?;
        let range_api = match settings.range_api_url.as_str() {
            "" => None,
            url => Some(RangeApi::new(url, Duration::from_millis(settings.timeout_ms))?),
        };
        tracing::info!(
            entries = breached.len(),
            memory_kib = breached.memory_bytes() / 1024,
            range_api = range_api.is_some(),
            "list of breached passwords loaded"
        );
        Ok(NewPasswordCheck { hasher: hasher.clone(), breached, range_api })
    }

    /// What the page says while the person types: the local rules only (no
    /// request to the range API per pause in typing).
    pub async fn assess(&self, typed: &str, who: PersonalData) -> Result<PasswordAssessment, HashError> {
        let candidate = match Candidate::new(typed) {
            Ok(candidate) => candidate,
            Err(problem) => return Ok(PasswordAssessment { problem: Some(problem), strength: 0 }),
        };
        let breached = self.breached.clone();
        self.hasher
            .on_pool(move || PasswordAssessment {
                problem: policy::first_problem(&candidate, candidate.as_str(), &who, &breached),
                strength: policy::strength(&candidate, &who),
            })
            .await
    }

    /// The password to store, or the first rule it breaks: the local rules,
    /// then the range API when configured.
    pub async fn check(&self, typed: &str, repeated: &str, who: PersonalData) -> Result<Result<Candidate, NewPasswordProblem>, HashError> {
        let candidate = match Candidate::new(typed) {
            Ok(candidate) => candidate,
            Err(problem) => return Ok(Err(problem)),
        };
        let breached = self.breached.clone();
        let repeated = repeated.to_owned();
        let local = self
            .hasher
            .on_pool(move || match policy::first_problem(&candidate, &repeated, &who, &breached) {
                Some(problem) => Err(problem),
                None => Ok(candidate),
            })
            .await?;
        let Ok(candidate) = local else { return Ok(local) };
        let Some(api) = &self.range_api else { return Ok(Ok(candidate)) };
        match api.times_seen(candidate.normalised()).await {
            Ok(0) => Ok(Ok(candidate)),
            Ok(times) => {
                tracing::info!(times, "new password refused: known to the range API");
                Ok(Err(NewPasswordProblem::Breached))
            }
            Err(e) => {
                tracing::warn!(error = %e, "range API of breached passwords unavailable: checked against the local list only");
                Ok(Ok(candidate))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::config::Argon2Settings;

    fn one_thread() -> PasswordHasher {
        PasswordHasher::new(&Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1, max_concurrent: 1, max_queued: 8 }).unwrap()
    }

    fn who() -> PersonalData {
        PersonalData { login: "anowak".into(), pesel: "58072204561".into(), first_name: "Anna".into(), last_name: "Nowak".into() }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn zxcvbn_runs_on_the_hashing_pool_not_on_the_runtime() {
        let hasher = one_thread();
        let check = NewPasswordCheck::new(&hasher, &BreachedPasswordSettings::default()).unwrap();
        // The pool's only thread is busy until `release` is sent.
        let (release, wait) = mpsc::channel::<()>();
        let pool = hasher.clone();
        let busy = tokio::spawn(async move { pool.on_pool(move || wait.recv().ok()).await });
        tokio::task::yield_now().await;
        // With the pool busy, the assessment waits: it does not run here.
        let assessing = tokio::time::timeout(Duration::from_millis(300), check.assess("rower deszcz latarnia 7", who())).await;
        assert!(assessing.is_err(), "the assessment ran on the runtime thread");
        let checking = tokio::time::timeout(Duration::from_millis(300), check.check("rower deszcz latarnia 7", "rower deszcz latarnia 7", who())).await;
        assert!(checking.is_err(), "the check before a change ran on the runtime thread");
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        let done = check.assess("rower deszcz latarnia 7", who()).await.unwrap();
        assert_eq!(done, PasswordAssessment { problem: None, strength: 4 });
        // An over-long candidate never reaches the pool at all.
        let (_release, wait) = mpsc::channel::<()>();
        let pool = hasher.clone();
        let _busy = tokio::spawn(async move { pool.on_pool(move || wait.recv().ok()).await });
        tokio::task::yield_now().await;
        let long = tokio::time::timeout(Duration::from_millis(300), check.assess(&"ż".repeat(129), who())).await;
        assert_eq!(long.expect("answered at once").unwrap(), PasswordAssessment { problem: Some(NewPasswordProblem::TooLong), strength: 0 });
    }

    #[tokio::test]
    async fn an_unreachable_range_api_leaves_the_local_list_in_charge() {
        // A port nobody listens on: refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let settings = BreachedPasswordSettings { range_api_url: format!("http://127.0.0.1:{port}"), ..Default::default() };
        let check = NewPasswordCheck::new(&one_thread(), &settings).unwrap();
        let breached = policy::BREACHED_BUT_NOT_COMMON[0];
        assert_eq!(check.check(breached, breached, who()).await.unwrap().unwrap_err(), NewPasswordProblem::Breached);
        let good = "rower deszcz latarnia 7";
        assert_eq!(check.check(good, good, who()).await.unwrap().unwrap().as_str(), good);
    }
}
