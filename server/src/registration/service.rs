//! `RegistrationPort`: each step of a registration.

use app::ports::{
    AfterCode, CodeRefusal, LoginChoiceRefusal, NextStep, RegistrationForm, RegistrationPort, RegistrationRefusal, SessionRefusal,
    registration::{RegistrationCodePrompt, RegistrationProblem},
    step_up::CodeProblem,
};
use app::pages::change_password::PasswordAssessment;
use async_trait::async_trait;
use http::{HeaderValue, request::Parts};
use sea_orm::{DatabaseConnection, TransactionTrait};
use subtle::ConstantTimeEq;
use tokio::time::Instant;

use super::{
    complete::{Completion, complete, free_login},
    form,
    store::{self, NewCode},
};
use crate::{
    db::{entities::registration as row, now_millis},
    domain::{Login, VerificationCode},
    error::BackendError,
    http::client_ip::ClientIp,
    notifications::{self, Channel},
    same_answer::{ANSWER_FLOOR, answer_no_sooner_than},
    passwords::{check::NewPasswordCheck, hasher::{HashError, PasswordHasher}, policy::PersonalData},
    national_node::{self, store::VouchedIdentity},
    session::{CookiePolicy, SessionToken, unavailable},
    sign_in::throttle::{Admission, AttemptKeys, SignInThrottle},
    step_up::{
        code_channel,
        codes::{self, CODE_TTL_MS, CodePurpose, MAX_WRONG_TRIES, VerificationCodes},
        send_limits,
    },
};

const FORM: &str = "registration";
const CODE_FORM: &str = "registration-code";

pub struct RegistrationService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    new_passwords: NewPasswordCheck,
    codes: VerificationCodes,
    throttle: SignInThrottle,
    client_ip: ClientIp,
    cookies: CookiePolicy,
    /// The cookie of an identity login.gov.pl vouched for.
    vouched: CookiePolicy,
}

fn pending(step: NextStep) -> SessionRefusal {
    SessionRefusal::StepPending(step)
}

fn secs(ms: i64) -> u64 {
    (ms.max(0) as u64).div_ceil(1000)
}

impl RegistrationService {
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        new_passwords: NewPasswordCheck,
        codes: VerificationCodes,
        client_ip: ClientIp,
        dev_mode: bool,
    ) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        RegistrationService {
            db,
            hasher,
            new_passwords,
            codes,
            throttle,
            client_ip,
            cookies: CookiePolicy::for_registration(dev_mode),
            vouched: CookiePolicy::for_node_identity(dev_mode),
        }
    }

    async fn vouched(&self, request: &Parts) -> Result<Option<VouchedIdentity>, BackendError> {
        let Some(token) = self.vouched.token(&request.headers) else { return Ok(None) };
        Ok(national_node::store::find_identity(&self.db, &token).await?)
    }

    async fn registration(&self, request: &Parts) -> Result<row::Model, SessionRefusal> {
        let Some(token) = self.cookies.token(&request.headers) else { return Err(pending(NextStep::Register)) };
        store::find(&self.db, &token).await.map_err(|e| unavailable("reading a registration", e.into()))?.ok_or(pending(NextStep::Register))
    }

    /// The registration at its code step.
    async fn at_code(&self, request: &Parts) -> Result<row::Model, SessionRefusal> {
        let reg = self.registration(request).await?;
        match (reg.code_verified_at, reg.completed_at) {
            (None, _) => Ok(reg),
            (Some(_), None) => Err(pending(NextStep::RegistrationLogin)),
            (Some(_), Some(_)) => Err(pending(NextStep::RegistrationDone)),
        }
    }

    /// Stores `code` as the registration's (or the first, with `create`) and
    /// queues its message, in one transaction — unless the number's SMS cap
    /// says wait (then ms to wait).
    async fn send_code(&self, channel: Channel, recipient: &str, store_it: impl AsyncFnOnce(&sea_orm::DatabaseTransaction, NewCode<'_>) -> Result<bool, sea_orm::DbErr>) -> Result<Result<(), i64>, BackendError> {
        let (code, salt) = codes::fresh_code()?;
        let hash = codes::hash(&salt, code.expose());
        let txn = self.db.begin().await?;
        if channel == Channel::Sms {
            send_limits::lock(&txn, &send_limits::number_key(recipient), now_millis()).await?;
            if let Some(wait) = send_limits::number_wait(&txn, recipient, self.codes.sms_policy(), now_millis()).await? {
                txn.rollback().await?;
                return Ok(Err(wait.ms));
            }
        }
        if !store_it(&txn, NewCode { hash: &hash, salt: &salt }).await? {
            txn.rollback().await?;
            return Ok(Err(send_limits::RESEND_AFTER_MS));
        }
        let message = CodePurpose::Registration.message(channel, recipient.to_owned(), &code);
        notifications::enqueue_expiring(&txn, message, Some(now_millis() + CODE_TTL_MS)).await?;
        txn.commit().await?;
        Ok(Ok(()))
    }

    async fn finish(&self, reg: &row::Model) -> Result<AfterCode, BackendError> {
        Ok(match complete(&self.db, reg).await? {
            Completion::Done => AfterCode::Done,
            Completion::LoginTaken => AfterCode::ChooseLogin,
        })
    }
}

#[async_trait]
impl RegistrationPort for RegistrationService {
    async fn vouched_identity(&self, request: &Parts) -> Result<Option<app::ports::VouchedIdentity>, SessionRefusal> {
        let who = self.vouched(request).await.map_err(|e| unavailable("reading a vouched identity", e))?;
        Ok(who.map(|w| app::ports::VouchedIdentity {
            first_name: w.first_name,
            last_name: w.last_name,
            pesel: w.pesel,
            birth_date: w.birth_date,
        }))
    }

    async fn start(&self, request: &Parts, mut form: RegistrationForm) -> Result<HeaderValue, RegistrationRefusal> {
        let fail = |what: &str, e: BackendError| {
            tracing::error!(error = %e, "registration: {what}");
            RegistrationRefusal::Unavailable
        };
        // Vouched for by login.gov.pl: its data, whatever the form says.
        let vouched = self.vouched(request).await.map_err(|e| fail("reading a vouched identity", e))?;
        if let Some(who) = &vouched {
            form.first_name = who.first_name.clone();
            form.last_name = who.last_name.clone();
            form.pesel = who.pesel.clone();
            form.no_pesel = false;
        }
        let checked = form::check(&form, &self.codes.sms_policy().countries);
        let who = PersonalData {
            login: form.login.trim().to_lowercase(),
            pesel: if form.no_pesel { String::new() } else { form.pesel.trim().to_owned() },
            first_name: form.first_name.trim().to_owned(),
            last_name: form.last_name.trim().to_owned(),
        };
        let password = self.new_passwords.check(&form.password, &form.repeated, who).await.map_err(|e| fail("checking the password", e.into()))?;
        let (valid, password) = match (checked, password) {
            (Ok(valid), Ok(password)) => (valid, password),
            (checked, password) => {
                let mut problems = checked.err().unwrap_or_default();
                problems.extend(password.err().map(RegistrationProblem::Password));
                return Err(RegistrationRefusal::Problems(problems));
            }
        };
        // Every registration counts, per PESEL and per address.
        let keys = AttemptKeys::for_target(FORM, &valid.identity.key(), self.client_ip.of(request));
        match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => self.throttle.failed(reserved),
            Admission::Wait { wait_ms } => return Err(RegistrationRefusal::Throttled { retry_after_secs: secs(wait_ms) }),
        }
        let password_hash = match self.hasher.hash(password.normalised()).await {
            Ok(hash) => hash,
            Err(HashError::Overloaded) => return Err(RegistrationRefusal::Throttled { retry_after_secs: 5 }),
            Err(e) => return Err(fail("hashing the password", e.into())),
        };
        let token = SessionToken::generate().map_err(|e| fail("making a token", BackendError::Random(e.to_string())))?;
        let (channel, recipient) = valid.code_recipient();
        let stored = self
            .send_code(channel, &recipient, async |txn, code| {
                store::create(txn, &token, &valid, password_hash, code, vouched.is_some()).await.map(|()| true)
            })
            .await
            .map_err(|e| fail("storing the registration", e))?;
        if let Err(wait_ms) = stored {
            return Err(RegistrationRefusal::Throttled { retry_after_secs: secs(wait_ms) });
        }
        tracing::info!(channel = channel.as_str(), business = valid.business.is_some(), "registration waits for its code");
        Ok(self.cookies.set(&token))
    }

    async fn assess_password(&self, _request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal> {
        let nobody = PersonalData { login: String::new(), pesel: String::new(), first_name: String::new(), last_name: String::new() };
        self.new_passwords.assess(&candidate, nobody).await.map_err(|e| unavailable("assessing a password", e.into()))
    }

    async fn code_prompt(&self, request: &Parts) -> Result<RegistrationCodePrompt, SessionRefusal> {
        let reg = self.at_code(request).await?;
        let (channel, masked) = match reg.recovery_channel.as_str() {
            "sms" => (Channel::Sms, codes::mask_phone(&reg.phone)),
            _ => (Channel::Email, codes::mask_email(&reg.email)),
        };
        Ok(RegistrationCodePrompt {
            channel: code_channel(channel),
            masked_destination: masked,
            resend_in_secs: store::resend_wait(&reg, now_millis()).map_or(0, secs),
        })
    }

    async fn submit_code(&self, request: &Parts, code: String) -> Result<AfterCode, CodeRefusal> {
        let started = Instant::now();
        let reg = self.at_code(request).await.map_err(CodeRefusal::Session)?;
        if code.trim().is_empty() {
            return Err(CodeRefusal::Problem(CodeProblem::Missing));
        }
        let Some(code) = VerificationCode::parse(&code) else { return Err(CodeRefusal::Problem(CodeProblem::Malformed)) };
        let fail = |what: &str, e: BackendError| CodeRefusal::Session(unavailable(what, e));
        let keys = AttemptKeys::for_target(CODE_FORM, &reg.token_hash, self.client_ip.of(request));
        let reserved = match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => reserved,
            Admission::Wait { wait_ms } => return Err(CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs: secs(wait_ms) })),
        };
        if store::code_expired(&reg, now_millis()) {
            self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
            return Err(CodeRefusal::Problem(CodeProblem::Expired));
        }
        let right: bool = codes::hash(&reg.code_salt, code.expose()).as_bytes().ct_eq(reg.code_hash.as_bytes()).into();
        if !right || reg.failed_attempts >= MAX_WRONG_TRIES {
            self.throttle.failed(reserved);
            let before = if right { None } else { store::count_wrong(&self.db, &reg).await.map_err(|e| fail("counting a wrong code", e.into()))? };
            return Err(CodeRefusal::Problem(match before {
                Some(before) if before + 1 < MAX_WRONG_TRIES => CodeProblem::Wrong { tries_left: MAX_WRONG_TRIES - before - 1 },
                _ => CodeProblem::Exhausted,
            }));
        }
        self.throttle.succeeded(reserved).await.map_err(|e| fail("updating the throttle", e))?;
        if !store::mark_verified(&self.db, &reg).await.map_err(|e| fail("marking the code", e.into()))? {
            return Err(CodeRefusal::Problem(CodeProblem::Expired));
        }
        // A new profile and a notice to the owner of taken data take the same time.
        let finished = self.finish(&reg).await;
        answer_no_sooner_than(started, ANSWER_FLOOR).await;
        finished.map_err(|e| fail("making the profile", e))
    }

    async fn resend_code(&self, request: &Parts) -> Result<u64, CodeRefusal> {
        let reg = self.at_code(request).await.map_err(CodeRefusal::Session)?;
        if let Some(wait) = store::resend_wait(&reg, now_millis()) {
            return Err(CodeRefusal::Problem(CodeProblem::ResendTooSoon { retry_after_secs: secs(wait) }));
        }
        let (channel, recipient) = match reg.recovery_channel.as_str() {
            "sms" => (Channel::Sms, reg.phone.clone()),
            _ => (Channel::Email, reg.email.clone()),
        };
        let sent = self
            .send_code(channel, &recipient, async |txn, code| store::replace_code(txn, &reg, code).await)
            .await
            .map_err(|e| CodeRefusal::Session(unavailable("sending a registration code", e)))?;
        match sent {
            Ok(()) => Ok(secs(send_limits::RESEND_AFTER_MS)),
            Err(wait) => Err(CodeRefusal::Problem(CodeProblem::ResendTooSoon { retry_after_secs: secs(wait) })),
        }
    }

    async fn login_prompt(&self, request: &Parts) -> Result<String, SessionRefusal> {
        let reg = self.registration(request).await?;
        match (reg.code_verified_at, reg.completed_at) {
            (None, _) => Err(pending(NextStep::RegistrationCode)),
            (Some(_), Some(_)) => Err(pending(NextStep::RegistrationDone)),
            (Some(_), None) => free_login(&self.db, &reg.login).await.map_err(|e| unavailable("finding a free login", e.into())),
        }
    }

    async fn choose_login(&self, request: &Parts, login: String) -> Result<(), LoginChoiceRefusal> {
        let fail = |what: &str, e: BackendError| {
            tracing::error!(error = %e, "registration: {what}");
            LoginChoiceRefusal::Form(RegistrationRefusal::Unavailable)
        };
        let problem = |p| LoginChoiceRefusal::Form(RegistrationRefusal::Problems(vec![p]));
        // Only a registration whose code was right and that is not finished
        // chooses a login; any other holder is sent to its own step.
        let reg = self.registration(request).await.map_err(LoginChoiceRefusal::Session)?;
        match (reg.code_verified_at, reg.completed_at) {
            (None, _) => return Err(LoginChoiceRefusal::Session(pending(NextStep::RegistrationCode))),
            (Some(_), Some(_)) => return Err(LoginChoiceRefusal::Session(pending(NextStep::RegistrationDone))),
            (Some(_), None) => {}
        }
        let login = match login.trim() {
            "" => return Err(problem(RegistrationProblem::LoginMissing)),
            typed => Login::parse(typed).map_err(|_| problem(RegistrationProblem::LoginInvalid))?,
        };
        store::set_login(&self.db, &reg, login.as_str()).await.map_err(|e| fail("storing the login", e.into()))?;
        let reg = row::Model { login: login.as_str().to_owned(), ..reg };
        match self.finish(&reg).await.map_err(|e| fail("making the profile", e))? {
            AfterCode::Done => Ok(()),
            AfterCode::ChooseLogin => Err(problem(RegistrationProblem::LoginTaken)),
        }
    }

    async fn done(&self, request: &Parts) -> Result<(HeaderValue, bool), SessionRefusal> {
        let reg = self.registration(request).await?;
        match (reg.code_verified_at, reg.completed_at) {
            (_, Some(_)) => Ok((self.cookies.clear(), reg.node_verified)),
            (None, None) => Err(pending(NextStep::RegistrationCode)),
            (Some(_), None) => Err(pending(NextStep::RegistrationLogin)),
        }
    }
}
