//! `StepUpPort`: the code that confirms a password sign-in.

use app::{
    pages::verify_code::{CodeProblem, CodePrompt},
    ports::{CodeRefusal, SessionRefusal, SignedIn, StepUpPort},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::{DatabaseConnection, TransactionTrait};

use super::{
    code_channel,
    codes::{self, CheckOutcome, CodePurpose, IssueOutcome, Matched, VerificationCodes},
    send_limits::{SendLimit, Wait},
};
use crate::{
    accounts,
    domain::VerificationCode,
    error::BackendError,
    http::client_ip::ClientIp,
    session::{ActiveSession, SessionGate, SessionState, SessionStore, SessionToken, Stage, unavailable},
    sign_in::throttle::{Admission, AttemptKeys, SignInThrottle},
};

pub struct StepUpService {
    db: DatabaseConnection,
    gate: SessionGate,
    throttle: SignInThrottle,
    codes: VerificationCodes,
    client_ip: ClientIp,
}

impl StepUpService {
    pub fn new(db: DatabaseConnection, gate: SessionGate, client_ip: ClientIp, codes: VerificationCodes) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        StepUpService { db, gate, throttle, codes, client_ip }
    }
}

impl StepUpService {
    /// Uses the code up and steps the session up under a new token, in one
    /// transaction: a database that fails in between leaves the code unspent
    /// and the session where it was, so the same code works on the next try.
    /// `None` when the code was used meanwhile (a racing request) or the
    /// session ended.
    async fn step_up(&self, matched: Matched, session: &ActiveSession, state: SessionState) -> Result<Option<SessionToken>, BackendError> {
        let token = SessionToken::generate().map_err(|e| BackendError::Random(e.to_string()))?;
        let txn = self.db.begin().await?;
        if !VerificationCodes::consume(&txn, matched).await? || !SessionStore::advance_on(&txn, session, state, &token).await? {
            txn.rollback().await?;
            return Ok(None);
        }
        txn.commit().await?;
        Ok(Some(token))
    }
}

#[async_trait]
impl StepUpPort for StepUpService {
    async fn code_prompt(&self, request: &Parts) -> Result<CodePrompt, SessionRefusal> {
        let person = self.gate.at(request, Stage::CodeRequired).await?.person;
        let destination = codes::destination_of(&person);
        let (channel, recipient) = codes::recipient_of(&person);
        let wait = self
            .codes
            .resend_wait(person.id, CodePurpose::SignIn, channel, &recipient)
            .await
            .map_err(|e| unavailable("reading codes", e))?;
        let code_sent = self
            .codes
            .has_live_code(person.id, CodePurpose::SignIn)
            .await
            .map_err(|e| unavailable("reading codes", e))?;
        Ok(CodePrompt {
            channel: code_channel(destination.channel),
            masked_destination: destination.masked,
            resend_in_secs: wait.map_or(0, Wait::secs),
            code_sent,
            number_capped: wait.is_some_and(|w| w.limit == SendLimit::Number),
        })
    }

    async fn submit_code(&self, request: &Parts, code: String) -> Result<SignedIn, CodeRefusal> {
        let gated = self.gate.at(request, Stage::CodeRequired).await.map_err(CodeRefusal::Session)?;
        let (session, person) = (gated.session, gated.person);
        if code.trim().is_empty() {
            return Err(CodeRefusal::Problem(CodeProblem::Missing));
        }
        let Some(code) = VerificationCode::parse(&code) else {
            return Err(CodeRefusal::Problem(CodeProblem::Malformed));
        };
        let fail = |what: &str, e: BackendError| CodeRefusal::Session(unavailable(what, e));
        let client = self.client_ip.of(request);
        let keys = AttemptKeys::new(&person.login, client);
        let reserved = match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => reserved,
            Admission::Wait { wait_ms } => {
                tracing::warn!(person_id = person.id, wait_ms, "code entry throttled");
                return Err(CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) }));
            }
        };
        let matched = match self.codes.verify(person.id, CodePurpose::SignIn, &code).await {
            Ok(matched) => matched,
            Err(e) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                return Err(fail("checking the code", e));
            }
        };
        let outcome = match matched {
            Ok(matched) => {
                let state = if session.password_upgrade_due {
                    Ok(SessionState::at(Stage::PasswordChangeRequired))
                } else {
                    accounts::entry_state(&self.db, person.id).await
                };
                let stepped = match state {
                    Ok(state) => self.step_up(matched, &session, state).await.map(|t| t.map(|t| (t, state))),
                    Err(e) => Err(e),
                };
                match stepped {
                    Ok(Some((token, state))) => {
                        // The step is done: a throttle that cannot be cleared
                        // now leaves one failure counted, not the person out.
                        if let Err(e) = self.throttle.succeeded(reserved).await {
                            tracing::error!(error = %e, person_id = person.id, "clearing the sign-in throttle failed");
                        }
                        tracing::info!(person_id = person.id, client = ?client, "sign-in confirmed with a code");
                        let record = crate::audit::Record::ok(crate::audit::Event::SignInCode, person.id, client);
                        crate::audit::record(&self.db, record).await;
                        return Ok(SignedIn { set_cookie: self.gate.set_cookie(&token), next: state.stage.next_step() });
                    }
                    Ok(None) => CheckOutcome::NoCode,
                    Err(e) => {
                        self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                        return Err(fail("stepping the session up", e));
                    }
                }
            }
            Err(refused) => refused,
        };
        match outcome {
            CheckOutcome::Wrong { tries_left } => {
                self.throttle.failed(reserved);
                tracing::info!(person_id = person.id, tries_left, "wrong verification code");
                let record = crate::audit::Record {
                    event: crate::audit::Event::SignInCode,
                    person_id: Some(person.id),
                    login: None,
                    client,
                    outcome: "wrong_code",
                };
                crate::audit::record(&self.db, record).await;
                Err(CodeRefusal::Problem(CodeProblem::Wrong { tries_left }))
            }
            CheckOutcome::Exhausted => {
                self.throttle.failed(reserved);
                Err(CodeRefusal::Problem(CodeProblem::Exhausted))
            }
            // (An accepted code has returned above.)
            CheckOutcome::Accepted | CheckOutcome::Expired | CheckOutcome::NoCode => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                Err(CodeRefusal::Problem(CodeProblem::Expired))
            }
        }
    }

    async fn resend_code(&self, request: &Parts) -> Result<u64, CodeRefusal> {
        let person = self.gate.at(request, Stage::CodeRequired).await.map_err(CodeRefusal::Session)?.person;
        match self.codes.issue(&person, CodePurpose::SignIn).await {
            Ok(IssueOutcome::Sent) => {
                let (channel, recipient) = codes::recipient_of(&person);
                let wait = self.codes.resend_wait(person.id, CodePurpose::SignIn, channel, &recipient).await;
                Ok(wait.map_err(|e| CodeRefusal::Session(unavailable("reading codes", e)))?.map_or(0, Wait::secs))
            }
            Ok(IssueOutcome::TooSoon { retry_after_secs, .. }) => {
                Err(CodeRefusal::Problem(CodeProblem::ResendTooSoon { retry_after_secs }))
            }
            Err(e) => Err(CodeRefusal::Session(unavailable("sending a code", e))),
        }
    }
}
