//! The audit trail: security events in the database (`audit_events`) —
//! who, what, when, from where, and how it ended — kept for
//! `retention.audit_days`. Recording never fails the person's request: a
//! write that fails is logged for the operator instead.

use std::net::IpAddr;

use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::db::{entities::audit_event, now_millis};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    SignInPassword,
    SignInCode,
    SignInLoginGovPl,
    SignOut,
    PasswordChanged,
    PasswordReset,
    ContactChanged,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::SignInPassword => "sign_in_password",
            Event::SignInCode => "sign_in_code",
            Event::SignInLoginGovPl => "sign_in_login_gov_pl",
            Event::SignOut => "sign_out",
            Event::PasswordChanged => "password_changed",
            Event::PasswordReset => "password_reset",
            Event::ContactChanged => "contact_changed",
        }
    }
}

/// One event. `login`: as typed, for attempts on no known person.
pub struct Record<'a> {
    pub event: Event,
    pub person_id: Option<i32>,
    pub login: Option<&'a str>,
    pub client: Option<IpAddr>,
    /// `ok`, or the reason it was refused (`invalid_credentials`, …).
    pub outcome: &'a str,
}

impl Record<'static> {
    /// A person's event that went through.
    pub fn ok(event: Event, person_id: i32, client: Option<IpAddr>) -> Self {
        Record { event, person_id: Some(person_id), login: None, client, outcome: "ok" }
    }
}

/// Writes the event (on a connection or inside the transaction of what it records).
pub async fn record<C: ConnectionTrait>(conn: &C, r: Record<'_>) {
    let row = audit_event::ActiveModel {
        at: Set(now_millis()),
        event: Set(r.event.as_str().to_owned()),
        person_id: Set(r.person_id),
        login: Set(r.login.map(|l| l.trim().to_lowercase().chars().filter(|c| !c.is_control()).take(64).collect())),
        client: Set(r.client.map(|ip| ip.to_string())),
        outcome: Set(r.outcome.chars().take(64).collect()),
        ..Default::default()
    };
    if let Err(e) = row.insert(conn).await {
        tracing::error!(error = %e, event = r.event.as_str(), "the audit trail could not be written");
    }
}
