//! The dev inbox: what the portal would have sent, readable in dev mode only.

use async_trait::async_trait;

pub use crate::pages::dev_inbox::DevMessage;

#[async_trait]
pub trait DevInboxPort: Send + Sync + 'static {
    /// In dev mode, the messages the portal would have sent, newest first;
    /// `None` outside dev mode.
    async fn dev_inbox(&self) -> Option<Vec<DevMessage>>;
}
