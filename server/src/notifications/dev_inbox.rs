//! `DevInboxPort`: in dev mode, the page that shows what the portal would
//! have sent (nothing leaves the machine then).

use app::{pages::dev_inbox::DevMessage, ports::DevInboxPort};
use async_trait::async_trait;
use sea_orm::DatabaseConnection;

use crate::domain::calendar::date_time_of;

/// How many messages the page lists.
const SHOWN: u64 = 50;

pub struct DevInboxService {
    db: DatabaseConnection,
    dev_mode: bool,
}

impl DevInboxService {
    pub fn new(db: DatabaseConnection, dev_mode: bool) -> Self {
        DevInboxService { db, dev_mode }
    }
}

#[async_trait]
impl DevInboxPort for DevInboxService {
    async fn dev_inbox(&self) -> Option<Vec<DevMessage>> {
        if !self.dev_mode {
            return None;
        }
        match super::dev_inbox(&self.db, SHOWN).await {
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
}
