//! `PasswordResetPort`: each step of a reset, the same for a reset with no
//! profile behind it as for a real one.

use app::ports::{
    CodeRefusal, NextStep, PasswordChangeRefusal, PasswordResetPort, ResetStartRefusal, SessionRefusal,
    password_reset::ResetStartProblem,
    step_up::CodeProblem,
};
use app::pages::change_password::PasswordAssessment;
use async_trait::async_trait;
use http::{HeaderValue, request::Parts};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, ActiveModelTrait, TransactionTrait};
use tokio::time::Instant;

use super::store;
use crate::{
    db::{
        entities::{password_reset as reset_row, person, session},
        now_millis,
    },
    domain::{Login, Pesel, VerificationCode},
    error::BackendError,
    http::client_ip::ClientIp,
    notifications,
    password_change::{new_hash, password_changed_notice, personal_data},
    passwords::{check::NewPasswordCheck, hasher::PasswordHasher},
    same_answer::{ANSWER_FLOOR, answer_no_sooner_than},
    session::{CookiePolicy, SessionToken, unavailable},
    sign_in::throttle::{Admission, AttemptKeys, SignInThrottle},
    step_up::codes::{CheckOutcome, CodePurpose, IssueOutcome, MAX_WRONG_TRIES, VerificationCodes},
};

/// The throttle's names for the two forms of a reset.
const START_FORM: &str = "password-reset";
const CODE_FORM: &str = "password-reset-code";

pub struct PasswordResetService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    new_passwords: NewPasswordCheck,
    codes: VerificationCodes,
    throttle: SignInThrottle,
    client_ip: ClientIp,
    cookies: CookiePolicy,
}

fn pending(step: NextStep) -> SessionRefusal {
    SessionRefusal::StepPending(step)
}

/// The login as the throttle and the lookup see it (without control
/// characters, which the database may refuse).
fn normalised_login(typed: &str) -> String {
    Login::parse(typed).map(|l| l.as_str().to_owned()).unwrap_or_else(|_| crate::sign_in::throttle::key_text(typed))
}

impl PasswordResetService {
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        new_passwords: NewPasswordCheck,
        codes: VerificationCodes,
        client_ip: ClientIp,
        dev_mode: bool,
    ) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        let cookies = CookiePolicy::for_password_reset(dev_mode);
        PasswordResetService { db, hasher, new_passwords, codes, throttle, client_ip, cookies }
    }

    /// The reset of this request's cookie, alive.
    async fn reset(&self, request: &Parts) -> Result<reset_row::Model, SessionRefusal> {
        let Some(token) = self.cookies.token(&request.headers) else { return Err(pending(NextStep::ForgotPassword)) };
        store::alive(&self.db, &token)
            .await
            .map_err(|e| unavailable("reading a reset", e.into()))?
            .ok_or(pending(NextStep::ForgotPassword))
    }

    /// The reset, at the code step.
    async fn at_code(&self, request: &Parts) -> Result<reset_row::Model, SessionRefusal> {
        let reset = self.reset(request).await?;
        if reset.code_verified_at.is_some() {
            return Err(pending(NextStep::ResetNewPassword));
        }
        Ok(reset)
    }

    /// The reset and its person, at the new-password step.
    async fn at_new_password(&self, request: &Parts) -> Result<(reset_row::Model, person::Model), SessionRefusal> {
        let reset = self.reset(request).await?;
        let Some(person_id) = reset.person_id.filter(|_| reset.code_verified_at.is_some()) else {
            return Err(pending(NextStep::ResetCode));
        };
        let person = person::Entity::find_by_id(person_id)
            .one(&self.db)
            .await
            .map_err(|e| unavailable("reading a person", e.into()))?
            .ok_or(pending(NextStep::ForgotPassword))?;
        Ok((reset, person))
    }

    /// A code for the reset's person, if it has one; the send limits may
    /// silently hold it back (the page must not tell).
    async fn send_code(&self, person_id: Option<i32>) -> Result<(), BackendError> {
        let Some(person_id) = person_id else { return Ok(()) };
        let Some(person) = person::Entity::find_by_id(person_id).one(&self.db).await? else { return Ok(()) };
        if let IssueOutcome::TooSoon { retry_after_secs, limit } = self.codes.issue(&person, CodePurpose::PasswordReset).await? {
            tracing::info!(person_id, retry_after_secs, ?limit, "password-reset code held back by a send limit");
        }
        Ok(())
    }

    /// Checks a typed code. A reset with no profile counts the wrong code
    /// exactly like a real one and refuses it.
    async fn check(&self, reset: &reset_row::Model, code: &VerificationCode) -> Result<Result<(), CodeProblem>, BackendError> {
        let wrong = |tries_before: Option<i32>| match tries_before {
            Some(before) if before + 1 < MAX_WRONG_TRIES => CodeProblem::Wrong { tries_left: MAX_WRONG_TRIES - before - 1 },
            _ => CodeProblem::Exhausted,
        };
        let Some(person_id) = reset.person_id else {
            return Ok(Err(wrong(store::count_wrong(&self.db, reset).await?)));
        };
        match self.codes.verify(person_id, CodePurpose::PasswordReset, code).await? {
            Ok(matched) => {
                let txn = self.db.begin().await?;
                let used = VerificationCodes::consume(&txn, matched).await? && store::mark_verified(&txn, reset).await?;
                if !used {
                    txn.rollback().await?;
                    return Ok(Err(CodeProblem::Expired));
                }
                txn.commit().await?;
                Ok(Ok(()))
            }
            // Counted on the reset too, so that both kinds die after the same tries.
            Err(CheckOutcome::Wrong { .. } | CheckOutcome::Exhausted) => Ok(Err(wrong(store::count_wrong(&self.db, reset).await?))),
            Err(CheckOutcome::Expired | CheckOutcome::NoCode | CheckOutcome::Accepted) => Ok(Err(CodeProblem::Expired)),
        }
    }
}

#[async_trait]
impl PasswordResetPort for PasswordResetService {
    async fn start(&self, request: &Parts, login: String, pesel: String) -> Result<HeaderValue, ResetStartRefusal> {
        let started = Instant::now();
        let mut problems = Vec::new();
        if login.trim().is_empty() {
            problems.push(ResetStartProblem::LoginMissing);
        }
        let pesel = match pesel.trim() {
            "" => Err(ResetStartProblem::PeselMissing),
            typed => Pesel::parse(typed).map_err(|_| ResetStartProblem::PeselInvalid),
        };
        let pesel = match pesel {
            Ok(pesel) if problems.is_empty() => pesel,
            Ok(_) => return Err(ResetStartRefusal::Problems(problems)),
            Err(problem) => {
                problems.push(problem);
                return Err(ResetStartRefusal::Problems(problems));
            }
        };
        let login = normalised_login(&login);
        let fail = |what: &str, e: BackendError| {
            tracing::error!(error = %e, "password reset: {what}");
            ResetStartRefusal::Unavailable
        };
        // Every request counts, per login and per address.
        let keys = AttemptKeys::for_target(START_FORM, &login, self.client_ip.of(request));
        match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => self.throttle.failed(reserved),
            Admission::Wait { wait_ms } => return Err(ResetStartRefusal::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) }),
        }
        let matched = person::Entity::find()
            .filter(person::Column::Login.eq(login.as_str()))
            .filter(person::Column::Pesel.eq(pesel.as_str()))
            .one(&self.db)
            .await
            .map_err(|e| fail("finding the person", e.into()))?;
        let token = SessionToken::generate().map_err(|e| fail("making a token", BackendError::Random(e.to_string())))?;
        let person_id = matched.map(|p| p.id);
        store::create(&self.db, &token, person_id, &login).await.map_err(|e| fail("storing the reset", e.into()))?;
        self.send_code(person_id).await.map_err(|e| fail("sending the code", e))?;
        tracing::info!(matched = person_id.is_some(), ?person_id, "password reset started");
        answer_no_sooner_than(started, ANSWER_FLOOR).await;
        Ok(self.cookies.set(&token))
    }

    async fn code_prompt(&self, request: &Parts) -> Result<u64, SessionRefusal> {
        let reset = self.at_code(request).await?;
        let wait = reset.code_sent_at + store::RESEND_AFTER_MS - now_millis();
        let dead = reset.failed_attempts >= MAX_WRONG_TRIES;
        Ok(if dead { 0 } else { (wait.max(0) as u64).div_ceil(1000) })
    }

    async fn submit_code(&self, request: &Parts, code: String) -> Result<(), CodeRefusal> {
        let reset = self.at_code(request).await.map_err(CodeRefusal::Session)?;
        if code.trim().is_empty() {
            return Err(CodeRefusal::Problem(CodeProblem::Missing));
        }
        let Some(code) = VerificationCode::parse(&code) else { return Err(CodeRefusal::Problem(CodeProblem::Malformed)) };
        let fail = |what: &str, e: BackendError| CodeRefusal::Session(unavailable(what, e));
        let keys = AttemptKeys::for_target(CODE_FORM, &reset.login, self.client_ip.of(request));
        let reserved = match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => reserved,
            Admission::Wait { wait_ms } => {
                return Err(CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) }));
            }
        };
        match self.check(&reset, &code).await {
            Ok(Ok(())) => {
                self.throttle.succeeded(reserved).await.map_err(|e| fail("updating the throttle", e))?;
                tracing::info!(person_id = reset.person_id, "password-reset code accepted");
                Ok(())
            }
            Ok(Err(problem @ (CodeProblem::Wrong { .. } | CodeProblem::Exhausted))) => {
                self.throttle.failed(reserved);
                Err(CodeRefusal::Problem(problem))
            }
            Ok(Err(problem)) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                Err(CodeRefusal::Problem(problem))
            }
            Err(e) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                Err(fail("checking a reset code", e))
            }
        }
    }

    async fn resend_code(&self, request: &Parts) -> Result<u64, CodeRefusal> {
        let reset = self.at_code(request).await.map_err(CodeRefusal::Session)?;
        let fail = |what: &str, e: BackendError| CodeRefusal::Session(unavailable(what, e));
        match store::mark_resent(&self.db, &reset).await.map_err(|e| fail("marking a resend", e.into()))? {
            Err(wait_ms) => Err(CodeRefusal::Problem(CodeProblem::ResendTooSoon { retry_after_secs: (wait_ms as u64).div_ceil(1000) })),
            Ok(()) => {
                self.send_code(reset.person_id).await.map_err(|e| fail("sending a code", e))?;
                Ok((store::RESEND_AFTER_MS / 1000) as u64)
            }
        }
    }

    async fn new_password_prompt(&self, request: &Parts) -> Result<String, SessionRefusal> {
        Ok(self.at_new_password(request).await?.1.login)
    }

    async fn assess_new_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal> {
        let (_, person) = self.at_new_password(request).await?;
        self.new_passwords
            .assess(&candidate, personal_data(&person))
            .await
            .map_err(|e| unavailable("assessing a password", e.into()))
    }

    async fn set_password(&self, request: &Parts, new_password: String, repeated: String) -> Result<HeaderValue, PasswordChangeRefusal> {
        let (reset, person) = self.at_new_password(request).await.map_err(PasswordChangeRefusal::Session)?;
        let fail = |what: &str, e: BackendError| PasswordChangeRefusal::Session(unavailable(what, e));
        let hash = new_hash(&self.new_passwords, &self.hasher, &person, &new_password, &repeated)
            .await
            .map_err(|e| fail("checking and hashing the new password", e))?
            .map_err(PasswordChangeRefusal::Rejected)?;
        let person_id = person.id;
        let notice = password_changed_notice(&person);
        let mut active: person::ActiveModel = person.into();
        active.password_hash = Set(hash);
        active.password_changed_at = Set(now_millis());
        // One transaction: the reset used up, the new password, the end of
        // every session of the person, and the notice — or none of them.
        let stored = async {
            let txn = self.db.begin().await?;
            if !store::finish(&txn, &reset).await? {
                txn.rollback().await?;
                return Ok(false);
            }
            active.update(&txn).await?;
            session::Entity::delete_many().filter(session::Column::PersonId.eq(person_id)).exec(&txn).await?;
            notifications::enqueue(&txn, notice).await?;
            txn.commit().await?;
            Ok::<_, sea_orm::DbErr>(true)
        }
        .await
        .map_err(|e| fail("storing the new password", e.into()))?;
        if !stored {
            return Err(PasswordChangeRefusal::Session(pending(NextStep::ForgotPassword)));
        }
        tracing::info!(person_id, "password set after a reset; every session ended");
        let record = crate::audit::Record::ok(crate::audit::Event::PasswordReset, person_id, self.client_ip.of(request));
        crate::audit::record(&self.db, record).await;
        Ok(self.cookies.clear())
    }
}
