//! `/healthz`: the process answers. `/readyz`: and its database does too.

use axum::{http::StatusCode, response::IntoResponse};
use sea_orm::DatabaseConnection;

pub async fn live() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

pub async fn ready(db: DatabaseConnection) -> impl IntoResponse {
    match db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
