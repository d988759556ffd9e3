//! Builds the whole server: database, back end, HTTP stack, listener.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use app::{App, shell};
use axum::{Router, extract::DefaultBodyLimit, middleware, routing::get, serve::ListenerExt};
use leptos_axum::{LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, limit::RequestBodyLimitLayer,
    timeout::TimeoutLayer, trace::TraceLayer,
};

use crate::{
    config::Settings,
    db, demo_data,
    error::BackendError,
    national_node::{self, NationalNodeService, back_channel::BackChannel},
    http::{BODY_LIMIT_BYTES, client_ip::ClientIp, csrf, error_pages, flow_guard, form_body, health, security_headers, static_files},
    passwords::{
        check::{CheckSetupError, NewPasswordCheck},
        hasher::{HashError, PasswordHasher},
    },
    notifications::{DeliveryWorker, TransportError},
    retention::Retention,
    services::Services,
    session::{CookiePolicy, SessionGate, SessionStore},
    step_up::{codes::VerificationCodes, send_limits::SmsPolicy},
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database {url}: {source}")]
    Database { url: String, source: sea_orm::DbErr },
    #[error("argon2 settings: {0}")]
    Hasher(#[from] HashError),
    #[error("{0}")]
    NewPasswords(#[from] CheckSetupError),
    #[error("loading the demo data: {0}")]
    DemoData(#[from] BackendError),
    #[error("notifications: {0}")]
    Notifications(#[from] TransportError),
    #[error("{0}")]
    NationalNode(#[from] crate::config::ConfigError),
    #[error("national_node: HTTP client for the back channel: {0}")]
    BackChannel(#[from] reqwest::Error),
    #[error("site: {0}")]
    Site(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

pub struct Application {
    listener: TcpListener,
    /// `GET /metrics`, on its own listener, with the database it reads.
    metrics: Option<(TcpListener, DatabaseConnection)>,
    router: Router,
    sessions: SessionStore,
    address: SocketAddr,
    deliveries: DeliveryWorker,
    retention: Retention,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        crate::metrics::install();
        static_files::check_hashed_site(settings.leptos_options()).map_err(StartupError::Site)?;
        let db = db::connect_and_migrate(&settings.database).await.map_err(|source| {
            StartupError::Database { url: redact(&settings.database.url), source }
        })?;
        let hasher = PasswordHasher::new(&settings.argon2)?;
        let new_passwords = NewPasswordCheck::new(&hasher, &settings.breached_passwords)?;
        if settings.site.dev_mode {
            let added = demo_data::load(&db, &hasher, demo_data::DEMO_PEOPLE).await?;
            demo_data::load_accounts(&db).await?;
            tracing::info!(added, "dev mode: demo people and their accounts loaded");
        }
        let deliveries = DeliveryWorker::from_settings(db.clone(), &settings.notifications)?;
        let retention = Retention::new(db.clone(), &settings.retention);
        let sessions = SessionStore::new(db.clone(), &settings.session);
        let gate = SessionGate::new(db.clone(), sessions.clone(), CookiePolicy::new(settings.site.dev_mode));
        let client_ip = ClientIp::new(settings.http.trusted_proxies());
        let codes = VerificationCodes::new(db.clone(), SmsPolicy::from_settings(&settings.sms));
        let node = login_gov_pl(&settings, &db, &gate, &client_ip)?;
        let services =
            Services::new(&db, &hasher, &new_passwords, &gate, &client_ip, &codes, node.as_ref(), settings.site.dev_mode);
        let metrics_db = db.clone();
        let router = router(&settings, services, gate, db, node);
        let addr = settings.leptos_options().site_addr;
        let listener = TcpListener::bind(addr).await.map_err(|source| StartupError::Listen { addr, source })?;
        let address = listener.local_addr().map_err(|source| StartupError::Listen { addr, source })?;
        let metrics = match settings.metrics.listen.trim() {
            "" => None,
            text => {
                let addr: SocketAddr = text.parse().map_err(|_| StartupError::Listen {
                    addr,
                    source: std::io::Error::other(format!("metrics.listen {text:?} is no address")),
                })?;
                let listener = crate::metrics::bind(addr).await.map_err(|source| StartupError::Listen { addr, source })?;
                Some((listener, metrics_db))
            }
        };
        Ok(Application { listener, metrics, router, sessions, address, deliveries, retention })
    }

    /// Where it listens (the real port when the configured one was 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Where the metrics are served, if they are.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// Serves until SIGINT/SIGTERM, finishing requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let sessions = self.sessions.clone();
        let purge = tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(600));
            loop {
                every.tick().await;
                match sessions.purge_expired().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(ended = n, "expired sessions removed"),
                    Err(e) => tracing::warn!(error = %e, "removing expired sessions failed"),
                }
            }
        });
        let deliveries = self.deliveries.spawn();
        let metrics = self.metrics.map(|(listener, db)| {
            tokio::spawn(async move {
                if let Err(e) = crate::metrics::serve(listener, db).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            })
        });
        // Finished rows (old throttle rows, codes, contact changes, messages).
        let retention = self.retention.spawn();
        // TCP_NODELAY on every connection: without it a response written in
        // pieces (headers, then a streamed body) waits for the client's
        // delayed ACK — 40 ms a request on a kept-alive connection.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY not set on a connection");
            }
        });
        let result = axum::serve(listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await;
        purge.abort();
        deliveries.abort();
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        retention.abort();
        result
    }
}

/// The login.gov.pl service provider, when configured (its keys loaded now,
/// so that a bad key stops the start-up).
fn login_gov_pl(
    settings: &Settings,
    db: &DatabaseConnection,
    gate: &SessionGate,
    client_ip: &ClientIp,
) -> Result<Option<Arc<NationalNodeService>>, StartupError> {
    let node = &settings.national_node;
    if !node.enabled {
        return Ok(None);
    }
    let profile = Arc::new(node.profile()?);
    let timeout = Duration::from_secs(node.back_channel_timeout_secs);
    let back_channel = BackChannel::new(timeout)?;
    let service =
        NationalNodeService::new(db.clone(), profile, back_channel, gate.clone(), client_ip.clone(), settings.site.dev_mode, node.sign_in_minutes);
    tracing::info!(node = %node.node_entity_id, sp = %node.sp_entity_id, "login.gov.pl sign-in on");
    Ok(Some(Arc::new(service)))
}

fn router(
    settings: &Settings,
    services: Services,
    gate: SessionGate,
    db: DatabaseConnection,
    node: Option<Arc<NationalNodeService>>,
) -> Router {
    let leptos_options = settings.leptos_options().clone();
    let routes = generate_route_list(App);
    let context = move || services.provide();
    let headers = security_headers::SecurityHeaders {
        hsts: !settings.site.dev_mode,
        node_form_action: node.as_ref().and_then(|n| security_headers::origin_of(&n.profile().sso_url)),
    };
    let dev_mode = settings.site.dev_mode;
    let same_origin = csrf::SameOrigin::new(&settings.site.public_origin);
    let timeout = Duration::from_secs(settings.http.request_timeout_secs);

    let pkg_dir = std::path::Path::new(leptos_options.site_root.as_ref()).join(leptos_options.site_pkg_dir.as_ref());
    let router = Router::new()
        .route("/healthz", get(health::live))
        .route("/readyz", get(move || health::ready(db.clone())))
        .nest_service(&format!("/{}", leptos_options.site_pkg_dir), static_files::service(&pkg_dir));
    national_node::routes::add(router, node)
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(leptos_options)
        // Innermost first: each layer wraps all above it.
        .layer(middleware::from_fn(form_body::form_only))
        .layer(middleware::from_fn_with_state(gate, flow_guard::guard))
        .layer(middleware::from_fn(move |request, next| error_pages::hide_dev_pages(dev_mode, request, next)))
        .layer(middleware::from_fn(move |request, next| csrf::guard(same_origin.clone(), request, next)))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(http::StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::custom(error_pages::panic_response))
        .layer(middleware::from_fn(error_pages::dress))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(move |request, next| security_headers::apply(headers.clone(), request, next)))
        .layer(TraceLayer::new_for_http())
}

/// The URL without its password, for log lines.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_never_reach_the_log() {
        assert_eq!(super::redact("postgres://ezus:tajne@db/ezus"), "postgres://ezus:***@db/ezus");
        assert_eq!(super::redact("sqlite://ezus.sqlite?mode=rwc"), "sqlite://ezus.sqlite?mode=rwc");
    }
}
