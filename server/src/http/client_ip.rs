//! The client's address, as the throttle and the log lines see it.
//!
//! Never taken from what a client can write: the connection's peer is the
//! client, unless the peer is one of the configured trusted reverse proxies
//! (`http.trusted_proxies`). Then the proxies' hops are read from the right
//! (`Forwarded`, else `X-Forwarded-For`, every header line in order), and
//! the right-most address that is not itself a trusted proxy is the client:
//! whatever a client puts further left is ignored. An entry that cannot be
//! read ends the walk at the last trusted hop, which is never a forgery.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::{HeaderMap, request::Parts};
use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct ClientIp {
    trusted: Vec<IpNet>,
}

impl ClientIp {
    /// `trusted`: the reverse proxies in front of the portal (empty: none).
    pub fn new(trusted: Vec<IpNet>) -> Self {
        ClientIp { trusted }
    }

    pub fn of(&self, request: &Parts) -> Option<IpAddr> {
        let peer = request.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip().to_canonical();
        Some(self.client_behind(peer, &request.headers))
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    fn client_behind(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.is_trusted(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in hops(headers).into_iter().rev() {
            match hop {
                Some(ip) if self.is_trusted(ip) => client = ip,
                Some(ip) => return ip,
                None => {
                    tracing::warn!(proxy = %client, "unreadable forwarded address: counted under the proxy that passed it");
                    return client;
                }
            }
        }
        client
    }
}

/// The forwarded addresses, nearest last; `None` for an entry that is not
/// an address (garbage, `unknown`, an obfuscated name).
fn hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let lines = |name| headers.get_all(name).iter().map(|v| v.to_str().unwrap_or("\u{0}")).collect::<Vec<_>>();
    let forwarded = lines("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|line| line.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| address(value.trim().trim_matches('"')))
            })
            .collect();
    }
    lines("x-forwarded-for").iter().flat_map(|line| line.split(',')).map(|entry| address(entry.trim())).collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]` or
/// `[2001:db8::1]:4711`.
fn address(text: &str) -> Option<IpAddr> {
    let ip = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| text.strip_prefix('[')?.strip_suffix(']')?.parse().ok())?;
    Some(ip.to_canonical())
}

/// Reads `http.trusted_proxies` entries: CIDRs, or single addresses.
pub fn parse_trusted(entries: &[String]) -> Result<Vec<IpNet>, String> {
    entries
        .iter()
        .map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{e:?} is neither an address nor a CIDR (e.g. \"10.0.0.0/8\")"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn behind(proxies: &[&str]) -> ClientIp {
        ClientIp::new(parse_trusted(&proxies.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let direct = behind(&[]);
        let forged = headers(&[("x-forwarded-for", "203.0.113.9"), ("forwarded", "for=203.0.113.9")]);
        assert_eq!(direct.client_behind(ip("198.51.100.7"), &forged), ip("198.51.100.7"));
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_claims() {
        let proxied = behind(&["10.0.0.0/8"]);
        let forged = headers(&[("x-forwarded-for", "10.0.0.5")]);
        assert_eq!(proxied.client_behind(ip("198.51.100.7"), &forged), ip("198.51.100.7"));
    }

    #[test]
    fn the_right_most_untrusted_address_wins_so_a_spoofed_left_part_is_ignored() {
        let proxied = behind(&["10.0.0.0/8"]);
        // The client wrote "1.1.1.1"; the proxy appended the real address.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7")]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("198.51.100.7"));
        // Two proxies in a row.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.3")]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn several_header_lines_are_read_in_order() {
        let proxied = behind(&["10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("198.51.100.7"));
        // A client's own first line cannot come after the proxy's.
        let h = headers(&[("x-forwarded-for", "198.51.100.7, 10.0.0.9"), ("x-forwarded-for", "203.0.113.5")]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("203.0.113.5"));
    }

    #[test]
    fn ports_brackets_and_the_forwarded_header_are_understood() {
        let proxied = behind(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
        let h = headers(&[("x-forwarded-for", "198.51.100.7:4711")]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("198.51.100.7"));
        let h = headers(&[("x-forwarded-for", "[2001:db8:cafe::17]:4711")]);
        assert_eq!(proxied.client_behind(ip("2001:db8:ffff::1"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", r#"for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https, For=10.0.0.4"#)]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("2001:db8:cafe::17"));
        // IPv4 in IPv6 clothing is the IPv4 address.
        let h = headers(&[("x-forwarded-for", "::ffff:198.51.100.7")]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn an_unreadable_entry_stops_at_the_last_trusted_hop() {
        let proxied = behind(&["10.0.0.0/8"]);
        for garbage in ["1.1.1.1, nonsense", "1.1.1.1, unknown", "1.1.1.1,", "300.1.1.1", "1.1.1.1:port"] {
            let h = headers(&[("x-forwarded-for", garbage)]);
            assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("10.0.0.2"), "{garbage}");
        }
        let h = headers(&[("forwarded", "for=_hidden, for=10.0.0.3")]);
        assert_eq!(proxied.client_behind(ip("10.0.0.2"), &h), ip("10.0.0.3"));
    }

    #[test]
    fn bad_proxy_entries_are_refused() {
        assert!(parse_trusted(&["10.0.0.0/8".into(), "192.0.2.1".into(), "::1".into()]).is_ok());
        assert!(parse_trusted(&["10.0.0.0/33".into()]).is_err());
        assert!(parse_trusted(&["proxy.internal".into()]).is_err());
    }
}
