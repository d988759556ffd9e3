//! The back end behind the pages: implements `app`'s port with the identity
//! and session modules.

use app::{
    pages::{
        change_password::{NewPasswordProblem, PasswordAssessment},
        dev_inbox::DevMessage,
        verify_code::{CodeChannel, CodeProblem, CodePrompt},
        choose_account::{AccountChoice, AccountKind},
        choose_role::{RoleChoice, RoleKind},
        portal::{Benefit, InsuranceTitle, PortalSummary, StartPage},
        profile::{ContactProblem, ProfileView},
    },
    ports::{
        ChoiceRefusal, CodeRefusal, ContactChangeRequest, ContactRefusal, NextStep, PasswordChangeRefusal, PortalBackend, SessionRefusal, SignInRefusal,
        SignedIn,
    },
};
use async_trait::async_trait;
use http::{HeaderMap, HeaderValue, request::Parts};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use secrecy::SecretString;

use crate::{
    accounts::{self, AccountOption, AccountRef, Role},
    db::{
        entities::{benefit, contact_change, insurance_title, payer, person, session},
        now_millis,
    },
    error::BackendError,
    identity::{
        credentials::{CredentialCheck, check_credentials},
        notices,
        password_hasher::PasswordHasher,
        password_policy::{self, PersonalData},
        throttle::{AttemptKeys, SignInThrottle},
        verification_codes::{self, CheckOutcome, CodePurpose, IssueOutcome, VerificationCodes},
    },
    notifications::{self, Channel},
    domain::{EmailAddress, PhoneNumber, VerificationCode},
    session::{ActiveSession, CookiePolicy, SessionState, SessionStore, Stage},
};

#[derive(Clone)]
pub struct PortalService {
    db: DatabaseConnection,
    hasher: PasswordHasher,
    sessions: SessionStore,
    cookies: CookiePolicy,
    throttle: SignInThrottle,
    codes: VerificationCodes,
    client_ip_header: Option<http::HeaderName>,
    dev_mode: bool,
}

fn next_step(stage: Stage) -> NextStep {
    match stage {
        Stage::PasswordChangeRequired => NextStep::ChangePassword,
        Stage::CodeRequired => NextStep::EnterCode,
        Stage::ChoosingAccount => NextStep::ChooseAccount,
        Stage::ChoosingRole => NextStep::ChooseRole,
        Stage::InPortal => NextStep::Portal,
    }
}

fn code_channel(channel: Channel) -> CodeChannel {
    match channel {
        Channel::Sms => CodeChannel::Sms,
        Channel::Email => CodeChannel::Email,
    }
}

/// Where the code proving a contact change goes: the new phone number, else
/// the new e-mail address, else (only the channel changes) the new channel's
/// current address or number.
fn proof_destination(person: &person::Model, change: &contact_change::Model) -> (Channel, String) {
    if change.new_phone != person.phone {
        (Channel::Sms, change.new_phone.clone())
    } else if change.new_email != person.email {
        (Channel::Email, change.new_email.clone())
    } else if change.new_channel == "sms" {
        (Channel::Sms, person.phone.clone())
    } else {
        (Channel::Email, person.email.clone())
    }
}

fn role_kind(role: Role) -> RoleKind {
    match role {
        Role::Ubezpieczony => RoleKind::Ubezpieczony,
        Role::Swiadczeniobiorca => RoleKind::Swiadczeniobiorca,
        Role::Ogolna => RoleKind::Ogolna,
    }
}

/// `2026-11-22 19:45:03 UTC`.
fn date_time_of(millis: i64) -> String {
    let secs = millis.div_euclid(1000).rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02} UTC", date_of(millis), secs / 3600, secs % 3600 / 60, secs % 60)
}

fn date_of(millis: i64) -> String {
    // Days since the epoch to a civil date (Howard Hinnant's algorithm).
    let days = millis.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The peer address of the connection.
fn peer(request: &Parts) -> Option<std::net::IpAddr> {
    request.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())
}

impl PortalService {
    pub fn new(
        db: DatabaseConnection,
        hasher: PasswordHasher,
        sessions: SessionStore,
        cookies: CookiePolicy,
        client_ip_header: Option<http::HeaderName>,
        dev_mode: bool,
    ) -> Self {
        let throttle = SignInThrottle::new(db.clone());
        let codes = VerificationCodes::new(db.clone());
        PortalService { db, hasher, sessions, cookies, throttle, codes, client_ip_header, dev_mode }
    }

    /// Sends the sign-in code, unless the resend limits say a recent one is
    /// still on its way (it stays valid then).
    async fn send_sign_in_code(&self, person: &person::Model) -> Result<(), BackendError> {
        match self.codes.issue(person, CodePurpose::SignIn).await? {
            IssueOutcome::Sent => Ok(()),
            IssueOutcome::TooSoon { retry_after_secs } => {
                tracing::info!(person_id = person.id, retry_after_secs, "sign-in code not re-sent: resend limit");
                Ok(())
            }
        }
    }

    /// A session waiting for its code, with its person.
    async fn code_session(&self, request: &Parts) -> Result<(ActiveSession, person::Model), SessionRefusal> {
        let session = self.session_or_refusal(request).await?;
        if session.state.stage != Stage::CodeRequired {
            return Err(SessionRefusal::StepPending(next_step(session.state.stage)));
        }
        let person = self.person(session.person_id).await?;
        Ok((session, person))
    }

    /// The client's address: the peer, or — behind a reverse proxy — the
    /// address the proxy puts in the configured header (`http.client_ip_header`).
    fn client_ip(&self, request: &Parts) -> Option<std::net::IpAddr> {
        match &self.client_ip_header {
            Some(name) => request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next_back())
                .and_then(|v| v.trim().parse().ok())
                .or_else(|| peer(request)),
            None => peer(request),
        }
    }

    /// The request carries a session cookie of ours (live or not).
    pub fn has_session_cookie(&self, headers: &HeaderMap) -> bool {
        self.cookies.token(headers).is_some()
    }

    /// The header that removes the session cookie.
    pub fn clear_cookie(&self) -> HeaderValue {
        self.cookies.clear()
    }

    /// The live session of a request, if any.
    pub async fn session_of(&self, headers: &HeaderMap) -> Result<Option<ActiveSession>, BackendError> {
        match self.cookies.token(headers) {
            Some(token) => self.sessions.find(&token).await,
            None => Ok(None),
        }
    }

    async fn session_or_refusal(&self, request: &Parts) -> Result<ActiveSession, SessionRefusal> {
        match self.session_of(&request.headers).await {
            Ok(Some(session)) => Ok(session),
            Ok(None) => Err(SessionRefusal::NotSignedIn),
            Err(e) => Err(unavailable("session look-up", e)),
        }
    }

    /// Where a freshly signed-in person starts: choosing among several
    /// accounts, or — with only the individual account — its role (or the
    /// portal, when "ogólna" is the only role).
    async fn entry_state(&self, person_id: i32) -> Result<SessionState, BackendError> {
        let accounts = accounts::available_accounts(&self.db, person_id, now_millis()).await?;
        if accounts.len() > 1 {
            return Ok(SessionState::at(Stage::ChoosingAccount));
        }
        self.state_for_account(person_id, AccountRef::Individual).await
    }

    async fn state_for_account(&self, person_id: i32, account: AccountRef) -> Result<SessionState, BackendError> {
        if account != AccountRef::Individual {
            return Ok(SessionState { stage: Stage::InPortal, account: Some(account), role: None });
        }
        let roles = accounts::available_roles(&self.db, person_id).await?;
        Ok(match roles.as_slice() {
            [only] => SessionState { stage: Stage::InPortal, account: Some(account), role: Some(*only) },
            _ => SessionState { stage: Stage::ChoosingRole, account: Some(account), role: None },
        })
    }

    /// The newest contact change of the person still waiting for its code (10 minutes).
    async fn pending_contact_change(&self, person_id: i32) -> Result<Option<contact_change::Model>, BackendError> {
        Ok(contact_change::Entity::find()
            .filter(contact_change::Column::PersonId.eq(person_id))
            .filter(contact_change::Column::AppliedAt.is_null())
            .filter(contact_change::Column::CreatedAt.gt(now_millis() - verification_codes::CODE_TTL_MS))
            .order_by_desc(contact_change::Column::Id)
            .one(&self.db)
            .await?)
    }

    /// A session that has got past the password (and its change).
    async fn signed_in_session(&self, request: &Parts) -> Result<ActiveSession, SessionRefusal> {
        let session = self.session_or_refusal(request).await?;
        if !session.state.stage.is_signed_in() {
            return Err(SessionRefusal::StepPending(next_step(session.state.stage)));
        }
        Ok(session)
    }

    async fn person(&self, id: i32) -> Result<person::Model, SessionRefusal> {
        match person::Entity::find_by_id(id).one(&self.db).await {
            Ok(Some(p)) => Ok(p),
            // The profile was removed: the session means nothing any more.
            Ok(None) => Err(SessionRefusal::NotSignedIn),
            Err(e) => Err(unavailable("person look-up", e.into())),
        }
    }
}

fn unavailable(what: &str, error: BackendError) -> SessionRefusal {
    tracing::error!(error = %error, "{what} failed");
    SessionRefusal::Unavailable
}

#[async_trait]
impl PortalBackend for PortalService {
    async fn sign_in(&self, request: &Parts, login: String, password: String) -> Result<SignedIn, SignInRefusal> {
        let (login_missing, password_missing) = (login.trim().is_empty(), password.is_empty());
        if login_missing || password_missing {
            return Err(SignInRefusal::MissingInput { login: login_missing, password: password_missing });
        }
        let keys = AttemptKeys::new(&login, self.client_ip(request));
        match self.throttle.wait_ms(&keys).await {
            Ok(0) => {}
            Ok(wait_ms) => {
                tracing::warn!(client = ?self.client_ip(request), wait_ms, "sign-in throttled");
                return Err(SignInRefusal::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) });
            }
            Err(e) => {
                tracing::error!(error = %e, "reading the sign-in throttle failed");
                return Err(SignInRefusal::Unavailable);
            }
        }
        let checked = check_credentials(&self.db, &self.hasher, &login, password).await;
        let counted = match &checked {
            Ok(CredentialCheck::Accepted { .. }) => self.throttle.record_success(&keys).await,
            Ok(CredentialCheck::Rejected) => self.throttle.record_failure(&keys).await,
            Err(_) => Ok(()),
        };
        if let Err(e) = counted {
            tracing::error!(error = %e, "updating the sign-in throttle failed");
            return Err(SignInRefusal::Unavailable);
        }
        match checked {
            Ok(CredentialCheck::Accepted { person, .. }) if !person.profile_confirmed => {
                tracing::info!(person_id = person.id, client = ?self.client_ip(request), "sign-in refused: profile not confirmed");
                Err(SignInRefusal::ProfileUnconfirmed)
            }
            Ok(CredentialCheck::Accepted { person, legacy }) => {
                let state = if legacy {
                    Ok(SessionState::at(Stage::PasswordChangeRequired))
                } else {
                    self.send_sign_in_code(&person).await.map(|()| SessionState::at(Stage::CodeRequired))
                };
                let previous = self.cookies.token(&request.headers);
                let opened = match state {
                    Ok(state) => self.sessions.open(person.id, state, previous.as_ref()).await.map(|t| (t, state)),
                    Err(e) => Err(e),
                };
                match opened {
                    Ok((token, state)) => {
                        tracing::info!(person_id = person.id, stage = state.stage.as_str(), client = ?self.client_ip(request), "password accepted");
                        Ok(SignedIn { set_cookie: self.cookies.set(&token), next: next_step(state.stage) })
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "opening a session failed");
                        Err(SignInRefusal::Unavailable)
                    }
                }
            }
            Ok(CredentialCheck::Rejected) => {
                tracing::info!(client = ?self.client_ip(request), "sign-in refused: wrong login or password");
                Err(SignInRefusal::InvalidCredentials)
            }
            Err(e) => {
                tracing::error!(error = %e, "checking credentials failed");
                Err(SignInRefusal::Unavailable)
            }
        }
    }

    async fn portal(&self, request: &Parts) -> Result<PortalSummary, SessionRefusal> {
        let session = self.session_or_refusal(request).await?;
        let state = session.state;
        if state.stage != Stage::InPortal {
            return Err(SessionRefusal::StepPending(next_step(state.stage)));
        }
        let person = self.person(session.person_id).await?;
        let fail = |what: &str, e: BackendError| unavailable(what, e);
        let options = accounts::available_accounts(&self.db, person.id, now_millis())
            .await
            .map_err(|e| fail("listing accounts", e))?;
        let chosen = state.account.and_then(|a| options.iter().find(|o| o.reference() == a).cloned());
        let Some(chosen) = chosen else {
            // The account is gone (a proxy revoked or expired): choose again.
            let state = SessionState::at(Stage::ChoosingAccount);
            self.sessions.set_state(&session, state).await.map_err(|e| fail("resetting the account", e))?;
            tracing::info!(person_id = person.id, "chosen account no longer available");
            return Err(SessionRefusal::StepPending(NextStep::ChooseAccount));
        };
        let roles = accounts::available_roles(&self.db, person.id).await.map_err(|e| fail("listing roles", e))?;
        let db_err = |what: &'static str| move |e: sea_orm::DbErr| unavailable(what, e.into());
        let (account_kind, account_name, role, start) = match chosen {
            AccountOption::Individual => {
                let role = state.role.filter(|r| roles.contains(r)).ok_or(SessionRefusal::StepPending(NextStep::ChooseRole))?;
                let start = match role {
                    Role::Ubezpieczony => StartPage::Insured {
                        titles: insurance_title::Entity::find()
                            .filter(insurance_title::Column::PersonId.eq(person.id))
                            .all(&self.db)
                            .await
                            .map_err(db_err("insurance titles"))?
                            .into_iter()
                            .map(|t| InsuranceTitle { code: t.code, description: t.description, payer_name: t.payer_name, since: t.since })
                            .collect(),
                    },
                    Role::Swiadczeniobiorca => StartPage::Beneficiary {
                        benefits: benefit::Entity::find()
                            .filter(benefit::Column::PersonId.eq(person.id))
                            .all(&self.db)
                            .await
                            .map_err(db_err("benefits"))?
                            .into_iter()
                            .map(|b| Benefit { kind: b.kind, case_number: b.case_number, since: b.since })
                            .collect(),
                    },
                    Role::Ogolna => StartPage::General {
                        email: person.email.clone(),
                        phone: person.phone.clone(),
                        recovery_channel: if person.recovery_channel == "sms" { "SMS".into() } else { "E-mail".into() },
                    },
                };
                let name = format!("{} {}", person.first_name, person.last_name);
                (AccountKind::Individual, name, Some(role_kind(role)), start)
            }
            AccountOption::Payer { id, name, nip } => {
                let address = payer::Entity::find_by_id(id)
                    .one(&self.db)
                    .await
                    .map_err(db_err("payer"))?
                    .map(|p| p.address)
                    .unwrap_or_default();
                (AccountKind::Payer, name.clone(), None, StartPage::Payer { name, nip, address })
            }
            AccountOption::Proxy { payer_name, nip, grantor_name, scope, valid_to, .. } => (
                AccountKind::Proxy,
                payer_name.clone(),
                None,
                StartPage::Proxy { payer_name, nip, grantor: grantor_name, scope, valid_to: valid_to.map(date_of) },
            ),
        };
        Ok(PortalSummary {
            first_name: person.first_name,
            last_name: person.last_name,
            login: person.login,
            can_switch_account: options.len() > 1,
            can_switch_role: account_kind == AccountKind::Individual && roles.len() > 1,
            account_kind,
            account_name,
            role,
            start,
        })
    }

    async fn code_prompt(&self, request: &Parts) -> Result<CodePrompt, SessionRefusal> {
        let (_, person) = self.code_session(request).await?;
        let destination = verification_codes::destination_of(&person);
        let wait = self
            .codes
            .resend_wait_ms(person.id, CodePurpose::SignIn)
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
            resend_in_secs: (wait as u64).div_ceil(1000),
            code_sent,
        })
    }

    async fn submit_code(&self, request: &Parts, code: String) -> Result<SignedIn, CodeRefusal> {
        let (session, person) = self.code_session(request).await.map_err(CodeRefusal::Session)?;
        if code.trim().is_empty() {
            return Err(CodeRefusal::Problem(CodeProblem::Missing));
        }
        let Some(code) = VerificationCode::parse(&code) else {
            return Err(CodeRefusal::Problem(CodeProblem::Malformed));
        };
        let fail = |what: &str, e: BackendError| CodeRefusal::Session(unavailable(what, e));
        let keys = AttemptKeys::new(&person.login, self.client_ip(request));
        let wait = self.throttle.wait_ms(&keys).await.map_err(|e| fail("reading the throttle", e))?;
        if wait > 0 {
            tracing::warn!(person_id = person.id, wait_ms = wait, "code entry throttled");
            return Err(CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs: (wait as u64).div_ceil(1000) }));
        }
        let outcome = self.codes.check(person.id, CodePurpose::SignIn, &code).await.map_err(|e| fail("checking the code", e))?;
        match outcome {
            CheckOutcome::Accepted => {
                self.throttle.record_success(&keys).await.map_err(|e| fail("updating the throttle", e))?;
                let state = self.entry_state(person.id).await.map_err(|e| fail("listing accounts", e))?;
                let token = self
                    .sessions
                    .advance(&session, state)
                    .await
                    .map_err(|e| fail("advancing the session", e))?
                    .ok_or(CodeRefusal::Session(SessionRefusal::NotSignedIn))?;
                tracing::info!(person_id = person.id, client = ?self.client_ip(request), "sign-in confirmed with a code");
                Ok(SignedIn { set_cookie: self.cookies.set(&token), next: next_step(state.stage) })
            }
            CheckOutcome::Wrong { tries_left } => {
                self.throttle.record_failure(&keys).await.map_err(|e| fail("updating the throttle", e))?;
                tracing::info!(person_id = person.id, tries_left, "wrong verification code");
                Err(CodeRefusal::Problem(CodeProblem::Wrong { tries_left }))
            }
            CheckOutcome::Exhausted => {
                self.throttle.record_failure(&keys).await.map_err(|e| fail("updating the throttle", e))?;
                Err(CodeRefusal::Problem(CodeProblem::Exhausted))
            }
            CheckOutcome::Expired | CheckOutcome::NoCode => Err(CodeRefusal::Problem(CodeProblem::Expired)),
        }
    }

    async fn resend_code(&self, request: &Parts) -> Result<(), CodeRefusal> {
        let (_, person) = self.code_session(request).await.map_err(CodeRefusal::Session)?;
        match self.codes.issue(&person, CodePurpose::SignIn).await {
            Ok(IssueOutcome::Sent) => Ok(()),
            Ok(IssueOutcome::TooSoon { retry_after_secs }) => {
                Err(CodeRefusal::Problem(CodeProblem::ResendTooSoon { retry_after_secs }))
            }
            Err(e) => Err(CodeRefusal::Session(unavailable("sending a code", e))),
        }
    }

    async fn dev_inbox(&self) -> Option<Vec<DevMessage>> {
        if !self.dev_mode {
            return None;
        }
        match notifications::dev_inbox(&self.db, 50).await {
            Ok(messages) => Some(
                messages
                    .into_iter()
                    .map(|m| DevMessage {
                        channel: m.channel,
                        recipient: m.recipient,
                        subject: m.subject,
                        body: m.body,
                        purpose: m.purpose,
                        created_at: date_time_of(m.created_at),
                        sent: m.sent_at.is_some(),
                    })
                    .collect(),
            ),
            Err(e) => {
                tracing::error!(error = %e, "reading the dev inbox failed");
                Some(Vec::new())
            }
        }
    }

    async fn profile(&self, request: &Parts) -> Result<ProfileView, SessionRefusal> {
        let session = self.signed_in_session(request).await?;
        let person = self.person(session.person_id).await?;
        Ok(ProfileView {
            channel: code_channel(verification_codes::channel_of(&person)),
            email: person.email,
            phone: person.phone,
        })
    }

    async fn request_contact_change(&self, request: &Parts, form: ContactChangeRequest) -> Result<(), ContactRefusal> {
        let problem = |p| Err(ContactRefusal::Problem(p));
        let session = self.signed_in_session(request).await.map_err(ContactRefusal::Session)?;
        let person = self.person(session.person_id).await.map_err(ContactRefusal::Session)?;
        let Some(email) = EmailAddress::parse(&form.email) else { return problem(ContactProblem::EmailInvalid) };
        let Some(phone) = PhoneNumber::parse(&form.phone) else { return problem(ContactProblem::PhoneInvalid) };
        let channel = match form.channel.as_str() {
            "email" | "sms" => form.channel.clone(),
            _ => return problem(ContactProblem::ChannelMissing),
        };
        if form.current_password.is_empty() {
            return problem(ContactProblem::PasswordMissing);
        }
        let fail = |what: &str, e: BackendError| ContactRefusal::Session(unavailable(what, e));
        let keys = AttemptKeys::new(&person.login, self.client_ip(request));
        let wait = self.throttle.wait_ms(&keys).await.map_err(|e| fail("reading the throttle", e))?;
        if wait > 0 {
            return problem(ContactProblem::Throttled { retry_after_secs: (wait as u64).div_ceil(1000) });
        }
        let verified = self
            .hasher
            .verify(&form.current_password, Some(&person.password_hash))
            .await
            .map_err(|e| fail("checking the password", e.into()))?;
        if !verified.matches {
            self.throttle.record_failure(&keys).await.map_err(|e| fail("updating the throttle", e))?;
            return problem(ContactProblem::PasswordWrong);
        }
        self.throttle.record_success(&keys).await.map_err(|e| fail("updating the throttle", e))?;
        let (email_changed, phone_changed) = (email.as_str() != person.email, phone.as_str() != person.phone);
        if !email_changed && !phone_changed && channel == person.recovery_channel {
            return problem(ContactProblem::NothingChanged);
        }
        if email_changed && phone_changed {
            return problem(ContactProblem::BothChanged);
        }
        let change = contact_change::Model {
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
            Ok(IssueOutcome::TooSoon { retry_after_secs }) => {
                return problem(ContactProblem::ResendTooSoon { retry_after_secs });
            }
            Err(e) => return Err(fail("sending the code", e)),
        }
        contact_change::ActiveModel {
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
        let session = self.signed_in_session(request).await?;
        let person = self.person(session.person_id).await?;
        let change = self
            .pending_contact_change(person.id)
            .await
            .map_err(|e| unavailable("reading the change", e))?
            .ok_or(SessionRefusal::StepPending(NextStep::Portal))?;
        let (channel, recipient) = proof_destination(&person, &change);
        let masked = match channel {
            Channel::Sms => verification_codes::mask_phone(&recipient),
            Channel::Email => verification_codes::mask_email(&recipient),
        };
        Ok(CodePrompt { channel: code_channel(channel), masked_destination: masked, resend_in_secs: 0, code_sent: true })
    }

    async fn confirm_contact_change(&self, request: &Parts, code: String) -> Result<(), CodeRefusal> {
        let session = self.signed_in_session(request).await.map_err(CodeRefusal::Session)?;
        let person = self.person(session.person_id).await.map_err(CodeRefusal::Session)?;
        let fail = |what: &str, e: BackendError| CodeRefusal::Session(unavailable(what, e));
        let change = self
            .pending_contact_change(person.id)
            .await
            .map_err(|e| fail("reading the change", e))?
            .ok_or(CodeRefusal::Problem(CodeProblem::Expired))?;
        if code.trim().is_empty() {
            return Err(CodeRefusal::Problem(CodeProblem::Missing));
        }
        let Some(code) = VerificationCode::parse(&code) else {
            return Err(CodeRefusal::Problem(CodeProblem::Malformed));
        };
        let keys = AttemptKeys::new(&person.login, self.client_ip(request));
        let wait = self.throttle.wait_ms(&keys).await.map_err(|e| fail("reading the throttle", e))?;
        if wait > 0 {
            return Err(CodeRefusal::Problem(CodeProblem::Throttled { retry_after_secs: (wait as u64).div_ceil(1000) }));
        }
        match self.codes.check(person.id, CodePurpose::ContactChange, &code).await.map_err(|e| fail("checking the code", e))? {
            CheckOutcome::Accepted => {}
            CheckOutcome::Wrong { tries_left } => {
                self.throttle.record_failure(&keys).await.map_err(|e| fail("updating the throttle", e))?;
                return Err(CodeRefusal::Problem(CodeProblem::Wrong { tries_left }));
            }
            CheckOutcome::Exhausted => return Err(CodeRefusal::Problem(CodeProblem::Exhausted)),
            CheckOutcome::Expired | CheckOutcome::NoCode => return Err(CodeRefusal::Problem(CodeProblem::Expired)),
        }
        // The old channel hears of the change, in the same transaction that makes it.
        let old = verification_codes::channel_of(&person);
        let old_recipient = match old {
            Channel::Sms => person.phone.clone(),
            Channel::Email => person.email.clone(),
        };
        let notice = notices::contact_changed_notice(old, old_recipient);
        let person_id = person.id;
        let mut active: person::ActiveModel = person.into();
        active.email = Set(change.new_email.clone());
        active.phone = Set(change.new_phone.clone());
        active.recovery_channel = Set(change.new_channel.clone());
        let mut applied: contact_change::ActiveModel = change.into();
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

    async fn account_choices(&self, request: &Parts) -> Result<Vec<AccountChoice>, SessionRefusal> {
        let session = self.signed_in_session(request).await?;
        let person = self.person(session.person_id).await?;
        let options = accounts::available_accounts(&self.db, person.id, now_millis())
            .await
            .map_err(|e| unavailable("listing accounts", e))?;
        Ok(options
            .into_iter()
            .map(|option| {
                let current = session.state.account == Some(option.reference());
                let value = option.reference().encode();
                match option {
                    AccountOption::Individual => AccountChoice {
                        value,
                        kind: AccountKind::Individual,
                        name: format!("{} {}", person.first_name, person.last_name),
                        nip: None,
                        grantor: None,
                        scope: None,
                        valid_to: None,
                        current,
                    },
                    AccountOption::Payer { name, nip, .. } => AccountChoice {
                        value,
                        kind: AccountKind::Payer,
                        name,
                        nip: Some(nip),
                        grantor: None,
                        scope: None,
                        valid_to: None,
                        current,
                    },
                    AccountOption::Proxy { payer_name, nip, grantor_name, scope, valid_to, .. } => AccountChoice {
                        value,
                        kind: AccountKind::Proxy,
                        name: payer_name,
                        nip: Some(nip),
                        grantor: Some(grantor_name),
                        scope: Some(scope),
                        valid_to: valid_to.map(date_of),
                        current,
                    },
                }
            })
            .collect())
    }

    async fn choose_account(&self, request: &Parts, account: String) -> Result<NextStep, ChoiceRefusal> {
        let session = self.signed_in_session(request).await.map_err(ChoiceRefusal::Session)?;
        if account.trim().is_empty() {
            return Err(ChoiceRefusal::Missing);
        }
        let wanted = AccountRef::decode(account.trim()).ok_or(ChoiceRefusal::NotOffered)?;
        let fail = |what: &str, e: BackendError| ChoiceRefusal::Session(unavailable(what, e));
        let options = accounts::available_accounts(&self.db, session.person_id, now_millis())
            .await
            .map_err(|e| fail("listing accounts", e))?;
        if !options.iter().any(|o| o.reference() == wanted) {
            tracing::warn!(person_id = session.person_id, account = %account, "account not on offer was chosen");
            return Err(ChoiceRefusal::NotOffered);
        }
        let state = self.state_for_account(session.person_id, wanted).await.map_err(|e| fail("listing roles", e))?;
        if !self.sessions.set_state(&session, state).await.map_err(|e| fail("storing the account", e))? {
            return Err(ChoiceRefusal::Session(SessionRefusal::NotSignedIn));
        }
        tracing::info!(person_id = session.person_id, account = %wanted.encode(), "account chosen");
        Ok(next_step(state.stage))
    }

    async fn role_choices(&self, request: &Parts) -> Result<Vec<RoleChoice>, SessionRefusal> {
        let session = self.signed_in_session(request).await?;
        match session.state.account {
            Some(AccountRef::Individual) => {}
            None => return Err(SessionRefusal::StepPending(NextStep::ChooseAccount)),
            Some(_) => return Err(SessionRefusal::StepPending(NextStep::Portal)),
        }
        let roles = accounts::available_roles(&self.db, session.person_id)
            .await
            .map_err(|e| unavailable("listing roles", e))?;
        Ok(roles
            .into_iter()
            .map(|r| RoleChoice { role: role_kind(r), current: session.state.role == Some(r) })
            .collect())
    }

    async fn choose_role(&self, request: &Parts, role: String) -> Result<NextStep, ChoiceRefusal> {
        let session = self.signed_in_session(request).await.map_err(ChoiceRefusal::Session)?;
        if session.state.account != Some(AccountRef::Individual) {
            return Err(ChoiceRefusal::Session(SessionRefusal::StepPending(next_step(session.state.stage))));
        }
        if role.trim().is_empty() {
            return Err(ChoiceRefusal::Missing);
        }
        let wanted = Role::parse(role.trim()).ok_or(ChoiceRefusal::NotOffered)?;
        let fail = |what: &str, e: BackendError| ChoiceRefusal::Session(unavailable(what, e));
        let roles = accounts::available_roles(&self.db, session.person_id).await.map_err(|e| fail("listing roles", e))?;
        if !roles.contains(&wanted) {
            tracing::warn!(person_id = session.person_id, role = %role, "role not on offer was chosen");
            return Err(ChoiceRefusal::NotOffered);
        }
        let state = SessionState { stage: Stage::InPortal, account: Some(AccountRef::Individual), role: Some(wanted) };
        if !self.sessions.set_state(&session, state).await.map_err(|e| fail("storing the role", e))? {
            return Err(ChoiceRefusal::Session(SessionRefusal::NotSignedIn));
        }
        tracing::info!(person_id = session.person_id, role = wanted.as_str(), "role chosen");
        Ok(NextStep::Portal)
    }

    async fn keep_alive(&self, request: &Parts) -> Result<u64, SessionRefusal> {
        let session = self.signed_in_session(request).await?;
        self.sessions.touch(&session).await.map_err(|e| unavailable("keeping the session", e))?;
        Ok(self.sessions.idle_timeout_secs())
    }

    async fn sign_out(&self, request: &Parts) -> Result<HeaderValue, SessionRefusal> {
        if let Some(token) = self.cookies.token(&request.headers) {
            self.sessions.end(&token).await.map_err(|e| unavailable("ending a session", e))?;
            tracing::info!(client = ?self.client_ip(request), "signed out");
        }
        // Without a session there is nothing to end; the cookie goes anyway.
        Ok(self.cookies.clear())
    }

    async fn assess_new_password(&self, request: &Parts, candidate: String) -> Result<PasswordAssessment, SessionRefusal> {
        let session = self.session_or_refusal(request).await?;
        if session.state.stage != Stage::PasswordChangeRequired {
            return Err(SessionRefusal::StepPending(next_step(session.state.stage)));
        }
        let person = self.person(session.person_id).await?;
        let who = PersonalData {
            login: &person.login,
            pesel: &person.pesel,
            first_name: &person.first_name,
            last_name: &person.last_name,
        };
        // Bounded work: a candidate over the maximum is "too long" without zxcvbn.
        let problem = password_policy::first_problem(&candidate, &candidate, &who);
        let strength = if problem == Some(NewPasswordProblem::TooLong) { 0 } else { password_policy::strength(&candidate, &who) };
        Ok(PasswordAssessment { problem, strength })
    }

    async fn change_password(
        &self,
        request: &Parts,
        new_password: String,
        repeated: String,
    ) -> Result<SignedIn, PasswordChangeRefusal> {
        let session = self.session_or_refusal(request).await.map_err(PasswordChangeRefusal::Session)?;
        if session.state.stage != Stage::PasswordChangeRequired {
            return Err(PasswordChangeRefusal::Session(SessionRefusal::StepPending(next_step(session.state.stage))));
        }
        let person = self.person(session.person_id).await.map_err(PasswordChangeRefusal::Session)?;
        let who = PersonalData {
            login: &person.login,
            pesel: &person.pesel,
            first_name: &person.first_name,
            last_name: &person.last_name,
        };
        if let Some(problem) = password_policy::first_problem(&new_password, &repeated, &who) {
            return Err(PasswordChangeRefusal::Rejected(problem));
        }
        let fail = |what: &str, e: BackendError| PasswordChangeRefusal::Session(unavailable(what, e));
        let same = self
            .hasher
            .verify(&new_password, Some(&person.password_hash))
            .await
            .map_err(|e| fail("password check", e.into()))?;
        if same.matches {
            return Err(PasswordChangeRefusal::Rejected(NewPasswordProblem::SameAsCurrent));
        }
        let hash = self
            .hasher
            .hash(&SecretString::from(new_password))
            .await
            .map_err(|e| fail("password hashing", e.into()))?;
        let person_id = person.id;
        let notice = notices::password_changed_notice(&person);
        let mut active: person::ActiveModel = person.into();
        active.password_hash = Set(hash);
        active.password_changed_at = Set(now_millis());
        // The new password and the notice to the recovery channel commit together.
        let stored = async {
            let txn = self.db.begin().await?;
            active.update(&txn).await?;
            notifications::enqueue(&txn, notice).await?;
            txn.commit().await
        }
        .await;
        stored.map_err(|e| fail("storing the new password", e.into()))?;
        // Every other session of this person ends with the old password.
        session::Entity::delete_many()
            .filter(session::Column::PersonId.eq(person_id))
            .filter(session::Column::TokenHash.ne(session.token.hash()))
            .exec(&self.db)
            .await
            .map_err(|e| fail("ending other sessions", e.into()))?;
        let person = self.person(person_id).await.map_err(PasswordChangeRefusal::Session)?;
        self.send_sign_in_code(&person).await.map_err(|e| fail("sending the code", e))?;
        let state = SessionState::at(Stage::CodeRequired);
        let token = self
            .sessions
            .advance(&session, state)
            .await
            .map_err(|e| fail("advancing the session", e))?
            .ok_or(PasswordChangeRefusal::Session(SessionRefusal::NotSignedIn))?;
        tracing::info!(person_id, client = ?self.client_ip(request), "legacy password replaced");
        Ok(SignedIn { set_cookie: self.cookies.set(&token), next: next_step(state.stage) })
    }
}
