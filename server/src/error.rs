//! The back end's own errors. They end as a log line for the operator and a
//! generic "unavailable" answer for the person.

use crate::passwords::hasher::HashError;

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("password hashing: {0}")]
    Hash(#[from] HashError),
    #[error("randomness unavailable: {0}")]
    Random(String),
}
