//! `ProfilePort`: the profile page and the change of contact data.

use app::ports::{
    ContactChangeRequest, ContactChanged, ContactCodeRefusal, ContactRefusal, NextStep, ProfilePort, SessionRefusal,
    profile::{ContactCodePrompt, ContactProblem, ProfileView, SentCode},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use super::contact_change::{self, proof_destination, stepped_up_recently};
use crate::{
    db::{entities::contact_change as change_row, now_millis},
    domain::{EmailAddress, PhoneNumber},
    error::BackendError,
    http::client_ip::ClientIp,
    notifications::Channel,
    passwords::hasher::PasswordHasher,
    session::{SessionGate, unavailable},
    sign_in::throttle::{Admission, AttemptKeys, SignInThrottle},
    step_up::{
        code_channel,
        codes::{self, AllIssued, AlsoStore, CodePurpose, CodeRequest, VerificationCodes},
        send_limits::SendLimit,
    },
};

pub struct ProfileService {
    pub(super) db: DatabaseConnection,
    hasher: PasswordHasher,
    pub(super) gate: SessionGate,
    pub(super) throttle: SignInThrottle,
    pub(super) codes: VerificationCodes,
    pub(super) client_ip: ClientIp,
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
        let gated = self.gate.signed_in(request).await.map_err(ContactRefusal::Session)?;
        let (session, person) = (gated.session, gated.person);
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
        // A session that stepped up a moment ago proved its channel then;
        // any older one must prove it again, so that a stolen session and
        // password cannot move the channel away.
        let now = now_millis();
        let current_code_required = !stepped_up_recently(session.stepped_up_at, now);
        let change = change_row::Model {
            id: 0,
            person_id: person.id,
            new_email: email.as_str().to_owned(),
            new_phone: phone.as_str().to_owned(),
            new_channel: channel,
            created_at: now,
            current_code_required,
            applied_at: None,
        };
        let (proof_channel, recipient) = proof_destination(&person, &change);
        let mut requests = vec![CodeRequest { purpose: CodePurpose::ContactChange, channel: proof_channel, recipient }];
        if current_code_required {
            let (channel, recipient) = codes::recipient_of(&person);
            requests.push(CodeRequest { purpose: CodePurpose::ContactChangeCurrent, channel, recipient });
        }
        // The change is stored with its codes, or not at all: an older
        // pending change can never be confirmed with these codes.
        let row = change_row::ActiveModel {
            person_id: Set(change.person_id),
            new_email: Set(change.new_email),
            new_phone: Set(change.new_phone),
            new_channel: Set(change.new_channel),
            created_at: Set(change.created_at),
            current_code_required: Set(current_code_required),
            applied_at: Set(None),
            ..Default::default()
        };
        let also: AlsoStore = Box::new(move |txn| Box::pin(async move { row.insert(txn).await.map(drop) }));
        match self.codes.issue_all(person.id, &requests, also).await {
            Ok(AllIssued::Sent) => {}
            Ok(AllIssued::TooSoon { purpose: CodePurpose::ContactChangeCurrent, retry_after_secs, limit: SendLimit::Number }) => {
                return problem(ContactProblem::CurrentNumberCapped { retry_after_secs });
            }
            Ok(AllIssued::TooSoon { retry_after_secs, limit: SendLimit::Number, .. }) => {
                return problem(ContactProblem::NumberCapped { retry_after_secs });
            }
            Ok(AllIssued::TooSoon { retry_after_secs, .. }) => {
                return problem(ContactProblem::ResendTooSoon { retry_after_secs });
            }
            Err(e) => return Err(fail("sending the codes and storing the change", e)),
        }
        tracing::info!(
            person_id = person.id,
            channel = proof_channel.as_str(),
            current_code_required,
            "contact change waits for its codes"
        );
        Ok(())
    }

    async fn contact_change_prompt(&self, request: &Parts) -> Result<ContactCodePrompt, SessionRefusal> {
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
        let current = change.current_code_required.then(|| {
            let destination = codes::destination_of(&person);
            SentCode { channel: code_channel(destination.channel), masked_destination: destination.masked }
        });
        Ok(ContactCodePrompt {
            new: SentCode { channel: code_channel(channel), masked_destination: masked },
            destination_is_new: change.new_phone != person.phone || change.new_email != person.email,
            current,
        })
    }

    async fn confirm_contact_change(
        &self,
        request: &Parts,
        code: String,
        current_code: String,
    ) -> Result<ContactChanged, ContactCodeRefusal> {
        self.confirm(request, code, current_code).await
    }
}
