//! `ProfilePort`: the profile page and the change of contact data.

use app::ports::{
    ContactChangeRequest, ContactChanged, ContactCodeRefusal, ContactRefusal, NextStep, ProfilePort, SessionRefusal,
    profile::{CodeProblem, ContactCodePrompt, ContactProblem, ProfileView, SentCode},
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, sea_query::Expr};

use super::contact_change::{self, proof_destination, stepped_up_recently};
use crate::{
    db::{
        entities::{contact_change as change_row, person},
        now_millis,
    },
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
        send_limits::{SendLimit, Wait},
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
    /// Seconds until the codes of a change may be sent again (0: now).
    async fn resend_wait(&self, person: &person::Model, change: &change_row::Model) -> Result<u64, BackendError> {
        let mut wait = None;
        for code in code_requests(person, change) {
            wait = Wait::longest(wait, self.codes.resend_wait(person.id, code.purpose, code.channel, &code.recipient).await?);
        }
        Ok(wait.map_or(0, Wait::secs))
    }

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
        let problem = |p| Err(ContactRefusal::Problems(vec![p]));
        let gated = self.gate.signed_in(request).await.map_err(ContactRefusal::Session)?;
        let (session, person) = (gated.session, gated.person);
        // Every problem of the form at once, before the password is checked.
        let mut problems = Vec::new();
        let email = EmailAddress::parse(&form.email);
        if email.is_none() {
            problems.push(ContactProblem::EmailInvalid);
        }
        let phone = PhoneNumber::parse(&form.phone);
        let channel = matches!(form.channel.as_str(), "email" | "sms").then(|| form.channel.clone());
        // Against SMS pumping: a number of a country we do not send to may
        // neither be entered nor stay the channel of the codes.
        let countries = &self.codes.sms_policy().countries;
        match &phone {
            None => problems.push(ContactProblem::PhoneInvalid),
            Some(phone) if (phone.as_str() != person.phone || channel.as_deref() == Some("sms")) && !countries.allows(phone) => {
                tracing::info!(person_id = person.id, "contact change refused: phone number of a country not allowed");
                problems.push(ContactProblem::PhoneCountry { allowed: countries.as_slice().to_vec() });
            }
            Some(_) => {}
        }
        if channel.is_none() {
            problems.push(ContactProblem::ChannelMissing);
        }
        if form.current_password.is_empty() {
            problems.push(ContactProblem::PasswordMissing);
        }
        let (Some(email), Some(phone), Some(channel), true) = (email, phone, channel, problems.is_empty()) else {
            return Err(ContactRefusal::Problems(problems));
        };
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
        let requests = code_requests(&person, &change);
        let proof_channel = requests[0].channel;
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
            .ok_or(SessionRefusal::StepPending(NextStep::Profile))?;
        let (channel, recipient) = proof_destination(&person, &change);
        let masked = match channel {
            Channel::Sms => codes::mask_phone(&recipient),
            Channel::Email => codes::mask_email(&recipient),
        };
        let current = change.current_code_required.then(|| {
            let destination = codes::destination_of(&person);
            SentCode { channel: code_channel(destination.channel), masked_destination: destination.masked }
        });
        let resend_in_secs = self.resend_wait(&person, &change).await.map_err(|e| unavailable("reading codes", e))?;
        Ok(ContactCodePrompt {
            new: SentCode { channel: code_channel(channel), masked_destination: masked },
            destination_is_new: change.new_phone != person.phone || change.new_email != person.email,
            current,
            resend_in_secs,
        })
    }

    async fn resend_contact_codes(&self, request: &Parts) -> Result<u64, ContactCodeRefusal> {
        let person = self.gate.signed_in(request).await.map_err(ContactCodeRefusal::Session)?.person;
        let fail = |what: &str, e: BackendError| ContactCodeRefusal::Session(unavailable(what, e));
        let change = contact_change::pending(&self.db, person.id)
            .await
            .map_err(|e| fail("reading the change", e))?
            .ok_or(ContactCodeRefusal::Problem(CodeProblem::Expired))?;
        // New codes replace the old ones, and the change waits as long as
        // they live: in the same transaction, under the same send limits.
        let (id, now) = (change.id, now_millis());
        let also: AlsoStore = Box::new(move |txn| {
            Box::pin(async move {
                change_row::Entity::update_many()
                    .col_expr(change_row::Column::CreatedAt, Expr::value(now))
                    .filter(change_row::Column::Id.eq(id))
                    .filter(change_row::Column::AppliedAt.is_null())
                    .exec(txn)
                    .await
                    .map(drop)
            })
        });
        match self.codes.issue_all(person.id, &code_requests(&person, &change), also).await {
            Ok(AllIssued::Sent) => {
                tracing::info!(person_id = person.id, "contact change codes sent again");
                self.resend_wait(&person, &change).await.map_err(|e| fail("reading codes", e))
            }
            Ok(AllIssued::TooSoon { retry_after_secs, .. }) => {
                Err(ContactCodeRefusal::Problem(CodeProblem::ResendTooSoon { retry_after_secs }))
            }
            Err(e) => Err(fail("sending the codes again", e)),
        }
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

/// The codes a change waits for: one to where it leads, and — unless the
/// session stepped up a moment ago — one to the current recovery channel.
fn code_requests(person: &person::Model, change: &change_row::Model) -> Vec<CodeRequest> {
    let (channel, recipient) = proof_destination(person, change);
    let mut requests = vec![CodeRequest { purpose: CodePurpose::ContactChange, channel, recipient }];
    if change.current_code_required {
        let (channel, recipient) = codes::recipient_of(person);
        requests.push(CodeRequest { purpose: CodePurpose::ContactChangeCurrent, channel, recipient });
    }
    requests
}
