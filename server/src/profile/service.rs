//! `ProfilePort`: the profile page and the change of contact data.

use app::{
    pages::{
        profile::{ContactProblem, ProfileView},
        verify_code::{CodeProblem, CodePrompt},
    },
    ports::{CodeRefusal, ContactChangeRequest, ContactRefusal, NextStep, ProfilePort, SessionRefusal},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set, TransactionTrait};

use super::contact_change::{self, contact_changed_notice, proof_destination};
use crate::{
    db::{
        entities::{contact_change as change_row, person},
        now_millis,
    },
    domain::{EmailAddress, PhoneNumber, VerificationCode},
    error::BackendError,
    http::client_ip::ClientIp,
    notifications::{self, Channel},
    passwords::hasher::PasswordHasher,
    session::{SessionGate, unavailable},
    sign_in::throttle::{Admission, AttemptKeys, SignInThrottle},
    step_up::{
        code_channel,
        codes::{self, CheckOutcome, CodePurpose, IssueOutcome, VerificationCodes},
        send_limits::SendLimit,
    },
};

pub struct ProfileService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    gate: SessionGate,
    throttle: SignInThrottle,
    codes: VerificationCodes,
    client_ip: ClientIp,
}

impl ProfileService {
    pub fn new(db: DatabaseConnection, hasher: PasswordHasher, gate: SessionGate, client_ip: ClientIp, codes: VerificationCodes) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        ProfileService { db, hasher, gate, throttle, codes, client_ip }
    }
}

#[async_trait]
impl ProfilePort for ProfileService {
    async fn profile(&self, request: &Parts) -> Result<ProfileView, SessionRefusal> {
        let person = self.gate.signed_in(request).await?.person;
        Ok(ProfileView {
            channel: code_channel(codes::channel_of(&person)),
            email: person.email,
            phone: person.phone,
            phone_country_codes: self.codes.sms_policy().countries.as_slice().to_vec(),
        })
    }

    async fn request_contact_change(&self, request: &Parts, form: ContactChangeRequest) -> Result<(), ContactRefusal> {
        let problem = |p| Err(ContactRefusal::Problem(p));
        let person = self.gate.signed_in(request).await.map_err(ContactRefusal::Session)?.person;
        let Some(email) = EmailAddress::parse(&form.email) else { return problem(ContactProblem::EmailInvalid) };
        let Some(phone) = PhoneNumber::parse(&form.phone) else { return problem(ContactProblem::PhoneInvalid) };
        let channel = match form.channel.as_str() {
            "email" | "sms" => form.channel.clone(),
            _ => return problem(ContactProblem::ChannelMissing),
        };
        // Against SMS pumping: a number of a country we do not send to may
        // neither be entered nor stay the channel of the codes.
        let countries = &self.codes.sms_policy().countries;
        if (phone.as_str() != person.phone || channel == "sms") && !countries.allows(&phone) {
            tracing::info!(person_id = person.id, "contact change refused: phone number of a country not allowed");
            return problem(ContactProblem::PhoneCountry { allowed: countries.as_slice().to_vec() });
        }
        if form.current_password.is_empty() {
            return problem(ContactProblem::PasswordMissing);
        }
        let fail = |what: &str, e: BackendError| ContactRefusal::Session(unavailable(what, e));
        let keys = AttemptKeys::new(&person.login, self.client_ip.of(request));
        let reserved = match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => reserved,
            Admission::Wait { wait_ms } => {
                return problem(ContactProblem::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) });
            }
        };
        let verified = match self.hasher.verify(&form.current_password, Some(&person.password_hash)).await {
            Ok(verified) => verified,
            Err(e) => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                return Err(fail("checking the password", e.into()));
            }
        };
        if !verified.matches {
            self.throttle.failed(reserved);
            return problem(ContactProblem::PasswordWrong);
        }
        self.throttle.succeeded(reserved).await.map_err(|e| fail("updating the throttle", e))?;
        let (email_changed, phone_changed) = (email.as_str() != person.email, phone.as_str() != person.phone);
        if !email_changed && !phone_changed && channel == person.recovery_channel {
            return problem(ContactProblem::NothingChanged);
        }
        if email_changed && phone_changed {
            return problem(ContactProblem::BothChanged);
        }
        let change = change_row::Model {
            id: 0,
            person_id: person.id,
            new_email: email.as_str().to_owned(),
            new_phone: phone.as_str().to_owned(),
            new_channel: channel,
            created_at: now_millis(),
            applied_at: None,
        };
        let (proof_channel, recipient) = proof_destination(&person, &change);
        match self.codes.issue_to(person.id, CodePurpose::ContactChange, proof_channel, recipient).await {
            Ok(IssueOutcome::Sent) => {}
            Ok(IssueOutcome::TooSoon { retry_after_secs, limit: SendLimit::Number }) => {
                return problem(ContactProblem::NumberCapped { retry_after_secs });
            }
            Ok(IssueOutcome::TooSoon { retry_after_secs, .. }) => {
                return problem(ContactProblem::ResendTooSoon { retry_after_secs });
            }
            Err(e) => return Err(fail("sending the code", e)),
        }
        change_row::ActiveModel {
            person_id: Set(change.person_id),
            new_email: Set(change.new_email),
            new_phone: Set(change.new_phone),
            new_channel: Set(change.new_channel),
            created_at: Set(change.created_at),
            applied_at: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .map_err(|e| fail("storing the change", e.into()))?;
        tracing::info!(person_id = person.id, channel = proof_channel.as_str(), "contact change waits for its code");
        Ok(())
    }

    async fn contact_change_prompt(&self, request: &Parts) -> Result<CodePrompt, SessionRefusal> {
        let person = self.gate.signed_in(request).await?.person;
        let change = contact_change::pending(&self.db, person.id)
            .await
            .map_err(|e| unavailable("reading the change", e))?
            .ok_or(SessionRefusal::StepPending(NextStep::Portal))?;
        let (channel, recipient) = proof_destination(&person, &change);
        let masked = match channel {
            Channel::Sms => codes::mask_phone(&recipient),
            Channel::Email => codes::mask_email(&recipient),
        };
        Ok(CodePrompt {
            channel: code_channel(channel),
            masked_destination: masked,
            resend_in_secs: 0,
            code_sent: true,
            number_capped: false,
        })
    }

    async fn confirm_contact_change(&self, request: &Parts, code: String) -> Result<(), CodeRefusal> {
        let person = self.gate.signed_in(request).await.map_err(CodeRefusal::Session)?.person;
        let fail = |what: &str, e: BackendError| CodeRefusal::Session(unavailable(what, e));
        let change = contact_change::pending(&self.db, person.id)
            .await
            .map_err(|e| fail("reading the change", e))?
            .ok_or(CodeRefusal::Problem(CodeProblem::Expired))?;
        if code.trim().is_empty() {
            return Err(CodeRefusal::Problem(CodeProblem::Missing));
        }
        let Some(code) = VerificationCode::parse(&code) else {
            return Err(CodeRefusal::Problem(CodeProblem::Malformed));
        };
        let keys = AttemptKeys::new(&person.login, self.client_ip.of(request));
        let reserved = match self.throttle.reserve(&keys).await.map_err(|e| fail("reserving an attempt", e))? {
            Admission::Granted(reserved) => reserved,
            Admission::Wait { wait_ms } => {
                return Err(CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) }));
            }
        };
        let outcome = self.codes.check(person.id, CodePurpose::ContactChange, &code).await;
        match outcome {
            Ok(CheckOutcome::Accepted) => self.throttle.succeeded(reserved).await.map_err(|e| fail("updating the throttle", e))?,
            Ok(CheckOutcome::Wrong { tries_left }) => {
                self.throttle.failed(reserved);
                return Err(CodeRefusal::Problem(CodeProblem::Wrong { tries_left }));
            }
            Ok(CheckOutcome::Exhausted) => {
                self.throttle.failed(reserved);
                return Err(CodeRefusal::Problem(CodeProblem::Exhausted));
            }
            other => {
                self.throttle.release(reserved).await.map_err(|e| fail("releasing an attempt", e))?;
                return match other {
                    Err(e) => Err(fail("checking the code", e)),
                    _ => Err(CodeRefusal::Problem(CodeProblem::Expired)),
                };
            }
        }
        // The old channel hears of the change, in the same transaction that makes it.
        let old = codes::channel_of(&person);
        let old_recipient = match old {
            Channel::Sms => person.phone.clone(),
            Channel::Email => person.email.clone(),
        };
        let notice = contact_changed_notice(old, old_recipient);
        let person_id = person.id;
        let mut active: person::ActiveModel = person.into();
        active.email = Set(change.new_email.clone());
        active.phone = Set(change.new_phone.clone());
        active.recovery_channel = Set(change.new_channel.clone());
        let mut applied: change_row::ActiveModel = change.into();
        applied.applied_at = Set(Some(now_millis()));
        let stored = async {
            let txn = self.db.begin().await?;
            active.update(&txn).await?;
            applied.update(&txn).await?;
            notifications::enqueue(&txn, notice).await?;
            txn.commit().await
        }
        .await;
        stored.map_err(|e| fail("storing the new contact data", e.into()))?;
        tracing::info!(person_id, "contact data changed");
        Ok(())
    }
}
