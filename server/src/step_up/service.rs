//! `StepUpPort`: the code that confirms a password sign-in.

use app::{
    pages::verify_code::{CodeProblem, CodePrompt},
    ports::{CodeRefusal, SessionRefusal, SignedIn, StepUpPort},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::DatabaseConnection;

use super::{
    code_channel,
    codes::{self, CheckOutcome, CodePurpose, IssueOutcome, VerificationCodes},
    send_limits::{SendLimit, Wait},
};
use crate::{
    accounts,
    domain::VerificationCode,
    error::BackendError,
    http::client_ip::ClientIp,
    session::{SessionGate, SessionState, Stage, unavailable},
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
        let outcome = match self.codes.check(person.id, CodePurpose::SignIn, &code).await {
            Ok(outcome) => outcome,
            Err(e) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                return Err(fail("checking the code", e));
            }
        };
        match outcome {
            CheckOutcome::Accepted => {
                self.throttle.succeeded(reserved).await.map_err(|e| fail("updating the throttle", e))?;
                let state = if session.password_upgrade_due {
                    SessionState::at(Stage::PasswordChangeRequired)
                } else {
                    accounts::entry_state(&self.db, person.id).await.map_err(|e| fail("listing accounts", e))?
                };
                let token = self
                    .gate
                    .sessions()
                    .advance(&session, state)
                    .await
                    .map_err(|e| fail("advancing the session", e))?
                    .ok_or(CodeRefusal::Session(SessionRefusal::NotSignedIn))?;
                tracing::info!(person_id = person.id, client = ?client, "sign-in confirmed with a code");
                let record = crate::audit::Record::ok(crate::audit::Event::SignInCode, person.id, client);
                crate::audit::record(&self.db, record).await;
                Ok(SignedIn { set_cookie: self.gate.set_cookie(&token), next: state.stage.next_step() })
            }
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
            CheckOutcome::Expired | CheckOutcome::NoCode => {
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
