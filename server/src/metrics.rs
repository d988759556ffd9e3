//! Prometheus metrics (`metrics` + `metrics-exporter-prometheus`), served on
//! their own listener (`[metrics] listen`, loopback by default) so that the
//! public port never shows them:
//!
//! | metric | labels | what |
//! |---|---|---|
//! | `ezus_sign_ins_total` | `method` (password, login_gov_pl), `outcome` | every sign-in attempt and how it ended |
//! | `ezus_sign_in_failures_total` | `method`, `reason` | the failures among them, by reason |
//! | `ezus_messages_sent_total` | `channel` (email, sms), `purpose` | messages delivered by the outbox worker (codes by `purpose=*_code`) |
//! | `ezus_throttle_hits_total` | `what` (account, client, or a form) | attempts refused by a throttle, by the key that refused |
//! | `ezus_password_hash_seconds` | — | histogram of the hashing pool's jobs (argon2id) |
//! | `ezus_outbox_depth`, `ezus_outbox_oldest_age_seconds` | — | messages waiting, and the age of the oldest (read at each scrape) |

use std::{net::SocketAddr, sync::OnceLock, time::Duration};

use axum::{Router, routing::get};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use tokio::net::TcpListener;

use crate::db::{entities::outbox, now_millis};

const HASH_SECONDS: &str = "ezus_password_hash_seconds";

/// The process's one recorder (tests start many servers in one process).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HASH_SECONDS.into()), &[0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0])
            .expect("fixed, non-empty buckets");
        match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder was installed first (never in this program):
            // a handle of our own that records nothing is the safe answer.
            Err(e) => {
                tracing::error!(error = %e, "metrics recorder not installed");
                PrometheusBuilder::new().build_recorder().handle()
            }
        }
    })
}

/// Installs the recorder (idempotent): call before anything is counted.
pub fn install() {
    handle();
}

pub fn sign_in(method: &'static str, outcome: &'static str, failure: Option<&'static str>) {
    metrics::counter!("ezus_sign_ins_total", "method" => method, "outcome" => outcome).increment(1);
    if let Some(reason) = failure {
        metrics::counter!("ezus_sign_in_failures_total", "method" => method, "reason" => reason).increment(1);
    }
}

pub fn message_sent(channel: &str, purpose: &str) {
    metrics::counter!("ezus_messages_sent_total", "channel" => channel.to_owned(), "purpose" => purpose.to_owned()).increment(1);
}

/// `what`: the throttle's key kind ("account", "client", a form's name).
pub fn throttled(what: &str) {
    metrics::counter!("ezus_throttle_hits_total", "what" => what.to_owned()).increment(1);
}

pub fn password_hash_took(took: Duration) {
    metrics::histogram!(HASH_SECONDS).record(took.as_secs_f64());
}

/// The page a scrape gets: the counters, and the outbox read now.
pub async fn render(db: &DatabaseConnection) -> String {
    let waiting = || outbox::Entity::find().filter(outbox::Column::SentAt.is_null()).filter(outbox::Column::ExpiredAt.is_null());
    match (waiting().count(db).await, waiting().order_by_asc(outbox::Column::CreatedAt).one(db).await) {
        (Ok(depth), Ok(oldest)) => {
            metrics::gauge!("ezus_outbox_depth").set(depth as f64);
            let age_ms = oldest.map_or(0, |m| (now_millis() - m.created_at).max(0));
            metrics::gauge!("ezus_outbox_oldest_age_seconds").set(age_ms as f64 / 1000.0);
        }
        (Err(e), _) | (_, Err(e)) => tracing::warn!(error = %e, "metrics: the outbox could not be read"),
    }
    handle().render()
}

/// Binds the metrics listener (start-up fails if it cannot).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Serves `GET /metrics` on its own listener until the task is aborted.
pub async fn serve(listener: TcpListener, db: DatabaseConnection) -> std::io::Result<()> {
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let db = db.clone();
            async move { ([(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], render(&db).await) }
        }),
    );
    axum::serve(listener, app).await
}
