//! `LoginReminderPort`: the form checked, counted, and the login sent only
//! to a contact of the profile.

use app::ports::{
    LoginReminderPort, LoginReminderRefusal,
    login_reminder::LoginReminderProblem,
};
use async_trait::async_trait;
use http::request::Parts;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};
use tokio::time::Instant;

use super::message::login_reminder;
use crate::{
    db::{entities::person, now_millis},
    domain::{EmailAddress, Pesel, PhoneNumber},
    error::BackendError,
    http::client_ip::ClientIp,
    notifications::{self, Channel},
    same_answer::{ANSWER_FLOOR, answer_no_sooner_than},
    sign_in::throttle::{Admission, AttemptKeys, SignInThrottle},
    step_up::send_limits::{self, SmsPolicy},
};

/// The form's name in the throttle's keys.
const THROTTLE_FORM: &str = "login-reminder";

/// Where the person wants the login: as typed, once it reads as one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Contact {
    Email(EmailAddress),
    Phone(PhoneNumber),
}

fn parse_contact(raw: &str) -> Result<Contact, LoginReminderProblem> {
    if raw.trim().is_empty() {
        Err(LoginReminderProblem::ContactMissing)
    } else if raw.contains('@') {
        EmailAddress::parse(raw).map(Contact::Email).ok_or(LoginReminderProblem::ContactInvalid)
    } else {
        PhoneNumber::parse(raw).map(Contact::Phone).ok_or(LoginReminderProblem::ContactInvalid)
    }
}

fn parse_pesel(raw: &str) -> Result<Pesel, LoginReminderProblem> {
    if raw.trim().is_empty() {
        return Err(LoginReminderProblem::PeselMissing);
    }
    Pesel::parse(raw).map_err(|_| LoginReminderProblem::PeselInvalid)
}

/// Where the login goes, if the contact is the profile's.
fn destination(person: &person::Model, contact: &Contact) -> Option<(Channel, String)> {
    match contact {
        Contact::Email(email) if email.as_str().eq_ignore_ascii_case(&person.email) => {
            Some((Channel::Email, person.email.clone()))
        }
        Contact::Phone(phone) if phone.as_str() == person.phone => Some((Channel::Sms, person.phone.clone())),
        _ => None,
    }
}

pub struct LoginReminderService {
    db: DatabaseConnection,
    throttle: SignInThrottle,
    client_ip: ClientIp,
    sms: SmsPolicy,
}

impl LoginReminderService {
    pub fn new(db: DatabaseConnection, client_ip: ClientIp, sms: SmsPolicy) -> Self {
        LoginReminderService { throttle: SignInThrottle::new(db.clone()), db, client_ip, sms }
    }

    /// Queues the login if the data match a profile; says whether it did
    /// (for the log only).
    async fn deliver(&self, pesel: &Pesel, contact: &Contact) -> Result<bool, BackendError> {
        let person = person::Entity::find().filter(person::Column::Pesel.eq(pesel.as_str())).one(&self.db).await?;
        let Some((person, (channel, recipient))) = person.and_then(|p| destination(&p, contact).map(|d| (p, d))) else {
            return Ok(false);
        };
        let txn = self.db.begin().await?;
        if channel == Channel::Sms {
            // The number's own cap on SMS, whoever causes them (SMS pumping).
            let key = send_limits::number_key(&recipient);
            send_limits::lock(&txn, &key, now_millis()).await?;
            if send_limits::number_wait(&txn, &recipient, &self.sms, now_millis()).await?.is_some() {
                txn.rollback().await?;
                tracing::warn!(person_id = person.id, "login reminder not sent: the number's SMS cap");
                return Ok(false);
            }
        }
        notifications::enqueue(&txn, login_reminder(channel, recipient, &person.login)).await?;
        txn.commit().await?;
        tracing::info!(person_id = person.id, channel = channel.as_str(), "login reminder queued");
        Ok(true)
    }
}

#[async_trait]
impl LoginReminderPort for LoginReminderService {
    async fn send_login(&self, request: &Parts, pesel: String, contact: String) -> Result<(), LoginReminderRefusal> {
        let started = Instant::now();
        let (pesel, contact) = (parse_pesel(&pesel), parse_contact(&contact));
        let (pesel, contact) = match (pesel, contact) {
            (Ok(pesel), Ok(contact)) => (pesel, contact),
            (pesel, contact) => {
                let problems = [pesel.err(), contact.err()].into_iter().flatten().collect();
                return Err(LoginReminderRefusal::Problems(problems));
            }
        };
        // Every request counts: per PESEL and per address, in the database.
        let keys = AttemptKeys::for_target(THROTTLE_FORM, pesel.as_str(), self.client_ip.of(request));
        match self.throttle.reserve(&keys).await {
            Ok(Admission::Granted(reserved)) => self.throttle.failed(reserved),
            Ok(Admission::Wait { wait_ms }) => {
                return Err(LoginReminderRefusal::Throttled { retry_after_secs: (wait_ms as u64).div_ceil(1000) });
            }
            Err(e) => {
                tracing::error!(error = %e, "login reminder: the throttle failed");
                return Err(LoginReminderRefusal::Unavailable);
            }
        }
        let delivered = self.deliver(&pesel, &contact).await;
        answer_no_sooner_than(started, ANSWER_FLOOR).await;
        match delivered {
            Ok(matched) => {
                tracing::info!(matched, "login reminder asked for");
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "login reminder failed");
                Err(LoginReminderRefusal::Unavailable)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_an_e_mail_address_or_a_mobile_number() {
        assert!(matches!(parse_contact("jan.kowalski@Example.PL"), Ok(Contact::Email(_))));
        assert!(matches!(parse_contact("600 100 200"), Ok(Contact::Phone(_))));
        assert_eq!(parse_contact(" "), Err(LoginReminderProblem::ContactMissing));
        assert_eq!(parse_contact("jan@"), Err(LoginReminderProblem::ContactInvalid));
        assert_eq!(parse_contact("600 100"), Err(LoginReminderProblem::ContactInvalid));
        assert_eq!(parse_pesel(""), Err(LoginReminderProblem::PeselMissing));
        assert_eq!(parse_pesel("75031412356"), Err(LoginReminderProblem::PeselInvalid));
        assert!(parse_pesel("75031412355").is_ok());
    }
}
