//! The client's address, as the throttle and the log lines see it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::{HeaderName, request::Parts};

/// Finds the client address of a request: the peer, or — behind a reverse
/// proxy — the address the proxy puts in the configured header
/// (`http.client_ip_header`).
#[derive(Debug, Clone, Default)]
pub struct ClientIp {
    header: Option<HeaderName>,
}

impl ClientIp {
    pub fn new(header: Option<HeaderName>) -> Self {
        ClientIp { header }
    }

    pub fn of(&self, request: &Parts) -> Option<IpAddr> {
        match &self.header {
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
}

/// The peer address of the connection.
fn peer(request: &Parts) -> Option<IpAddr> {
    request.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}
