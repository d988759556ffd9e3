//! How a message leaves: SMTP, an HTTP SMS gateway, or (in development) the
//! dev inbox, which delivers nothing and leaves the message in the outbox for
//! /dev/skrzynka to show.

use std::time::Duration;

use async_trait::async_trait;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::authentication::Credentials,
};

use crate::{
    config::{NotificationSettings, SmtpTls},
    db::entities::outbox,
};

/// How long one delivery may take before it counts as failed. Shorter than
/// the worker's lease, so a slow gateway never leads to a second delivery.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a delivery failed. Recorded in `outbox.last_error`, so it never holds
/// the message body.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The message cannot be expressed for this transport (e.g. a malformed
    /// address). Retried like any failure, so that nobody loses it silently.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The gateway could not be reached or did not answer in time.
    #[error("gateway unreachable: {0}")]
    Unreachable(String),
    /// The gateway answered, but did not accept the message.
    #[error("gateway refused: {0}")]
    Refused(String),
    /// The transport could not be set up from the configuration.
    #[error("transport configuration: {0}")]
    Config(String),
}

#[async_trait]
pub trait Transport: Send + Sync {
    async fn send(&self, message: &outbox::Model) -> Result<(), TransportError>;

    /// A short name for log lines.
    fn name(&self) -> &'static str;

    /// Whether the outbox must keep a delivered message's body. Only the dev
    /// inbox, whose delivery is the page that shows the body.
    fn keeps_body(&self) -> bool {
        false
    }
}

/// Delivers nothing: the message stays readable in the outbox (development).
#[derive(Debug, Clone, Default)]
pub struct DevInbox;

#[async_trait]
impl Transport for DevInbox {
    async fn send(&self, _message: &outbox::Model) -> Result<(), TransportError> {
        Ok(())
    }

    fn name(&self) -> &'static str {
        "dev_inbox"
    }

    /// /dev/skrzynka reads the body from the outbox: it is the delivery.
    fn keeps_body(&self) -> bool {
        true
    }
}

/// Plain-text UTF-8 e-mail through an SMTP relay.
#[derive(Clone)]
pub struct SmtpMailer {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(settings: &NotificationSettings) -> Result<Self, TransportError> {
        let host = settings.smtp_host.trim();
        let builder = match settings.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| TransportError::Config(e.to_string()))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| TransportError::Config(e.to_string()))?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder.port(settings.smtp_port).timeout(Some(SEND_TIMEOUT));
        if !settings.smtp_username.is_empty() {
            builder = builder
                .credentials(Credentials::new(settings.smtp_username.clone(), settings.smtp_password.clone()));
        }
        let from = settings
            .mail_from
            .parse()
            .map_err(|e| TransportError::Config(format!("mail_from: {e}")))?;
        Ok(SmtpMailer { mailer: builder.build(), from })
    }

    fn email(&self, message: &outbox::Model) -> Result<Message, TransportError> {
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| TransportError::Invalid(format!("recipient address: {e}")))?;
        Message::builder()
            .message_id(Some(message_id(message, &self.from)))
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone().unwrap_or_default())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| TransportError::Invalid(e.to_string()))
    }
}

/// What names an outbox row at the receiving end: the same at every delivery
/// of the row, so that a repeat can be recognised. Delivery is at least once
/// (an instance that dies between the gateway's "accepted" and the
/// database's "sent" leaves the row to be sent again). The row's time beside
/// its number keeps two databases' rows from ever sharing a name — a test
/// system's and production's on one gateway account, or a database restored
/// from a backup, whose numbers start again: a gateway that drops repeats
/// would otherwise drop a new person's code.
pub fn delivery_reference(message: &outbox::Model) -> String {
    format!("{}.{}", message.id, message.created_at)
}

/// The `Message-ID` of an outbox row's e-mail (RFC 5322 asks for one, and
/// lettre's builder adds none of its own): a mailbox that deduplicates by it
/// shows a repeat as the same message.
fn message_id(message: &outbox::Model, from: &Mailbox) -> String {
    format!("<ezus.{}@{}>", delivery_reference(message), from.email.domain())
}

#[async_trait]
impl Transport for SmtpMailer {
    async fn send(&self, message: &outbox::Model) -> Result<(), TransportError> {
        let email = self.email(message)?;
        match self.mailer.send(email).await {
            Ok(_) => Ok(()),
            // A 4xx/5xx reply from the relay: it was reached, and said no.
            Err(e) if e.is_transient() || e.is_permanent() => Err(TransportError::Refused(e.to_string())),
            Err(e) => Err(TransportError::Unreachable(e.to_string())),
        }
    }

    fn name(&self) -> &'static str {
        "smtp"
    }
}

/// An HTTP SMS gateway (the contract: docs/sms-gateway.md).
#[derive(Clone)]
pub struct HttpSmsGateway {
    client: reqwest::Client,
    url: reqwest::Url,
    token: String,
}

#[derive(serde::Serialize)]
struct SmsRequest<'a> {
    to: &'a str,
    text: &'a str,
    /// [`delivery_reference`]: lets the gateway recognise a repeated delivery.
    reference: String,
}

impl HttpSmsGateway {
    pub fn new(url: &str, token: &str) -> Result<Self, TransportError> {
        let url = reqwest::Url::parse(url.trim()).map_err(|e| TransportError::Config(format!("sms_gateway_url: {e}")))?;
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TransportError::Config(e.to_string()))?;
        Ok(HttpSmsGateway { client, url, token: token.to_owned() })
    }
}

#[async_trait]
impl Transport for HttpSmsGateway {
    async fn send(&self, message: &outbox::Model) -> Result<(), TransportError> {
        let request = SmsRequest { to: &message.recipient, text: &message.body, reference: delivery_reference(message) };
        let response = self
            .client
            .post(self.url.clone())
            .bearer_auth(&self.token)
            .json(&request)
            .send()
            .await
            // Without the URL: reqwest's message is enough, and shorter.
            .map_err(|e| TransportError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(TransportError::Refused(format!("HTTP {status}")))
        }
    }

    fn name(&self) -> &'static str {
        "http_sms"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> SmtpMailer {
        let settings = NotificationSettings {
            email_transport: crate::config::EmailTransport::Smtp,
            sms_transport: crate::config::SmsTransport::DevInbox,
            smtp_host: "127.0.0.1".into(),
            smtp_port: 2525,
            smtp_tls: SmtpTls::None,
            smtp_username: String::new(),
            smtp_password: String::new(),
            mail_from: "eZUS <no-reply@zus.pl>".into(),
            sms_gateway_url: String::new(),
            sms_gateway_token: String::new(),
            poll_interval_ms: 1000,
        };
        SmtpMailer::new(&settings).unwrap()
    }

    fn row(id: i32, created_at: i64) -> outbox::Model {
        outbox::Model {
            id,
            channel: "email".into(),
            recipient: "jan.kowalski@example.pl".into(),
            subject: Some("Kod weryfikacyjny".into()),
            body: "Twój kod: 123456".into(),
            purpose: "sign_in_code".into(),
            created_at,
            attempts: 0,
            next_attempt_at: created_at,
            sent_at: None,
            last_error: None,
            claimed_until: None,
            expires_at: None,
            expired_at: None,
        }
    }

    fn message_id_of(mailer: &SmtpMailer, message: &outbox::Model) -> String {
        let formatted = String::from_utf8(mailer.email(message).unwrap().formatted()).unwrap();
        let line = formatted.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")).expect("a Message-ID header");
        line.split_once(':').unwrap().1.trim().to_owned()
    }

    #[test]
    fn an_email_sent_again_carries_the_same_message_id_and_another_row_another() {
        let mailer = mailer();
        let first = message_id_of(&mailer, &row(41, 1_764_000_000_000));
        assert_eq!(first, "<ezus.41.1764000000000@zus.pl>");
        // A second delivery of the same row (after a crash) is the same message…
        assert_eq!(message_id_of(&mailer, &row(41, 1_764_000_000_000)), first);
        // …and no other row's: another number, or the same number in another database.
        assert_ne!(message_id_of(&mailer, &row(42, 1_764_000_000_000)), first);
        assert_ne!(message_id_of(&mailer, &row(41, 1_764_000_000_001)), first);
    }
}
